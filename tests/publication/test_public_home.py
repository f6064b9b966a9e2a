"""The home page: a citizen who has not signed in reads what the city published (latest
first), the PLIS bodies and the open data, and finds the staff's sign-in; signed-in
people keep their own home."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from publication.models import PublishedVersion, RoundKind
from publication.operations import open_round, publish_round
from tests.governance.conftest import TRANSVERSAL
from tests.pages import page_links, section, text_of, visible_text


@pytest.fixture
def balance_v1(balance, staff):
    return publish_round(balance, acting_user=staff)


@pytest.fixture
def charters_v1(seed_charter, staff):
    deadline = timezone.localdate() + timedelta(days=14)
    round_ = open_round(RoundKind.CHARTERS, year=2021, deadline=deadline, acting_user=staff)
    return publish_round(round_, acting_user=staff)


def data_url(version, file_format):
    return reverse("publication:public_data", args=[version.round_id, version.number, file_format])


def test_a_visitor_gets_the_public_home_not_a_login_form(client, plis, balance_v1, charters_v1):
    response = client.get("/")

    assert response.status_code == 200
    links = page_links(response)
    assert ("Entrada del personal municipal", reverse("login")) in links
    latest = text_of(section(response, "latest-title"))
    # Latest first: the charters were published after the balance.
    assert latest.index("Seguiment de les cartes de serveis 2021") < latest.index(
        "Balanç del Pla de Mandat 2015-2019 · Primer semestre de 2019"
    )
    latest_links = page_links(section(response, "latest-title"))
    assert (
        "Balanç del Pla de Mandat 2015-2019 · Primer semestre de 2019",
        reverse("publication:public_page", args=[balance_v1.round_id]),
    ) in latest_links
    assert [url for _, url in latest_links if "/dades." in url][:3] == [
        data_url(charters_v1, "csv"),
        data_url(charters_v1, "xlsx"),
        data_url(charters_v1, "json"),
    ]
    plis = text_of(section(response, "plis-title"))
    assert "Comissió tècnica transversal" in plis
    assert (
        "Comissió tècnica transversal",
        reverse("publication:public_body", args=[TRANSVERSAL]),
    ) in links
    assert (
        "Dades obertes dels òrgans (Popolo, JSON)",
        reverse("publication:public_popolo"),
    ) in links
    # Only pages a visitor may open.
    for _, url in links:
        if url.startswith("/") and not url.startswith("/entrar/"):
            assert client.get(url).status_code == 200, url


def test_the_home_says_when_nothing_is_published_yet(client, organisation):
    response = client.get("/")

    assert response.status_code == 200
    assert "Encara no s'ha publicat cap document." in visible_text(response)


def test_signed_in_people_keep_their_home(client, director):
    client.force_login(director)

    response = client.get("/")

    assert [template.name for template in response.templates][0] == "home.html"
    assert "Benvingut/da" in visible_text(response)


@pytest.mark.parametrize("size", ["small", "larger"])
def test_home_query_count(
    client, plis, balance_v1, request, size, staff, django_assert_num_queries
):
    if size == "larger":
        request.getfixturevalue("charters_v1")
        publish_round(balance_v1.round, note="Segona versió.", acting_user=staff)
    # 1 the published rounds with their latest version, 2 the plan, 3 its bodies with
    # their member and seat counts.
    with django_assert_num_queries(3):
        response = client.get("/")
    assert response.status_code == 200
    assert PublishedVersion.objects.exists()
