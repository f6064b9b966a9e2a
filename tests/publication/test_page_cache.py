"""The dashboards and the public pages kept in the cache (`terrassa_plis.cache`): served
from it with a handful of queries, new again after an edit of what they show, never one
reader's header or one audience's page served to another."""

import re
from datetime import date

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.models import Status, StatusCategory
from commitments.operations import EntryData, FigureData, save_entry
from governance.action_plan_operations import decide_action
from governance.models import ActionDecision
from governance.operations import MembershipData, add_membership
from publication.models import RoundKind
from publication.operations import open_round, publish_round
from tests.commitments.conftest import build_commitments
from tests.governance.conftest import TRANSVERSAL
from tests.governance.test_actions import make_action
from tests.pages import section, text_keeping_nbsp, text_of, visible_text
from tests.publication.test_public import deadline

PLAN_URL = reverse("publication:dashboard")
CHARTERS_URL = reverse("publication:charters_dashboard")
PLIS_URL = reverse("publication:plis_dashboard")
# Not a dashboard, but the same for every reader and as costly: kept too.
ACTION_PLAN_URL = reverse("governance:actions")
CACHE_TABLE = "plis_cache"


@pytest.fixture
def page_cache(settings):
    """The pages kept as production keeps them (the test settings build every page)."""
    settings.PAGE_CACHE_SECONDS = 600


def kept_pages() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {CACHE_TABLE} WHERE cache_key LIKE %s", ["%page:%"])
        return cursor.fetchone()[0]


def without_csrf_tokens(response) -> str:
    """The page with its CSRF tokens blanked: Django masks them differently every time."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def plan_url(period) -> str:
    return f"{PLAN_URL}?period={period.pk}"


def attention_codes(response) -> list[str]:
    """The codes of the commitments the dashboard lists as delayed or pending."""
    attention = section(response, "dashboard-attention-title")
    bodies = re.findall(r"<tbody>(.*?)</tbody>", attention, re.S)
    return [
        text_keeping_nbsp(row).split(" ")[0]
        for body in bodies
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def set_status(seed, category, user):
    """Commitment 21's entry of the open semester saved with a status of `category`, as
    the entry form saves it."""
    entry = seed.entry_21
    data = EntryData(
        status=Status.objects.get(mandate=seed.mandate, category=category),
        progress=entry.progress,
        reason="Les obres s'han endarrerit.",
        observations=entry.observations,
        related_information=entry.related_information,
        figures=tuple(
            FigureData(f.label, f.value, f.unit, f.women, f.men) for f in entry.figures.all()
        ),
    )
    save_entry(entry.node, entry.period, data, base_version=entry.version, acting_user=user)


# The dashboards


@pytest.mark.parametrize("url", [PLAN_URL, CHARTERS_URL, PLIS_URL, ACTION_PLAN_URL])
def test_a_kept_dashboard_reads_as_the_one_built(
    page_cache, reader, seed_plan, seed_charter, plis, url
):
    built = reader.get(url)
    kept = reader.get(url)

    assert built.status_code == kept.status_code == 200
    assert kept_pages() == 1
    assert without_csrf_tokens(kept) == without_csrf_tokens(built)
    # The same headers too: it varies with the reader's cookies (their session, their
    # language), and no browser or proxy is told it may keep a page with CSRF tokens.
    assert sorted(kept.headers.keys()) == sorted(built.headers.keys())
    assert kept.headers["Vary"] == built.headers["Vary"]
    assert "Cookie" in kept.headers["Vary"]
    assert "ETag" not in kept.headers


@pytest.mark.parametrize("size", [10, 200])
def test_a_kept_dashboard_is_served_with_the_queries_of_the_cache_and_the_session(
    page_cache, reader, seed_plan, size, django_assert_num_queries
):
    build_commitments(seed_plan, size)
    url = plan_url(seed_plan.previous_period)
    built = reader.get(url)
    assert f"{size + 1} compromisos" in visible_text(built)
    # 1 session, 2 user, 3 the user's groups (roles, for the guard and the navigation),
    # 4 the data version, 5 the kept page.
    with django_assert_num_queries(5):
        kept = reader.get(url)
    assert f"{size + 1} compromisos" in visible_text(kept)


# Each change commits, as in production: the data version is raised when it does.
@pytest.mark.django_db(transaction=True)
def test_an_edit_shows_on_the_next_view_of_the_dashboard(
    page_cache, reader, seed_plan, technician_area3
):
    url = plan_url(seed_plan.open_period)
    assert "21" not in attention_codes(reader.get(url))
    assert "21" not in attention_codes(reader.get(url))

    set_status(seed_plan, StatusCategory.DELAYED, technician_area3)

    assert "21" in attention_codes(reader.get(url))


def built_again(client, url) -> bool:
    """Whether `url`'s next view is built rather than served kept: a kept page is served
    with the queries of the session, the roles, the data versions and the cache alone."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries) > 5


@pytest.mark.django_db(transaction=True)
def test_an_edit_of_one_instrument_keeps_the_pages_of_the_others(
    page_cache, reader, seed_plan, seed_charter, plis, technician_area3
):
    plan, charters = plan_url(seed_plan.open_period), CHARTERS_URL
    for url in (plan, charters, PLIS_URL):
        assert built_again(reader, url)
        assert not built_again(reader, url)

    set_status(seed_plan, StatusCategory.DELAYED, technician_area3)

    # The plan's dashboard reads the entries; the charters' and the PLIS's do not.
    assert built_again(reader, plan)
    assert not built_again(reader, charters)
    assert not built_again(reader, PLIS_URL)


@pytest.mark.django_db(transaction=True)
def test_an_edit_of_what_several_pages_read_makes_each_of_them_new(
    page_cache, reader, seed_plan, seed_charter
):
    plan, charters = plan_url(seed_plan.open_period), CHARTERS_URL
    for url in (plan, charters):
        reader.get(url)
    area = seed_plan.commitment_21.area
    area.name = "Àrea de Drets Socials, reanomenada"
    area.save()

    # Both name the areas (governance's): both are built again, with the new name.
    assert built_again(reader, plan)
    assert built_again(reader, charters)
    assert "reanomenada" in visible_text(reader.get(plan))


@pytest.mark.django_db(transaction=True)
def test_a_decision_shows_on_the_next_view_of_the_action_plan(page_cache, reader, plis, staff):
    action = make_action(plis.plan, "1.1.1")
    assert "Rebutjada" not in row_of(reader.get(ACTION_PLAN_URL), action.code)
    assert "Rebutjada" not in row_of(reader.get(ACTION_PLAN_URL), action.code)

    decide_action(
        action,
        ActionDecision.REJECTED,
        on=date(2024, 3, 1),
        reason="Duplica una altra acció.",
        acting_user=staff,
    )

    assert "Rebutjada" in row_of(reader.get(ACTION_PLAN_URL), action.code)


@pytest.mark.django_db(transaction=True)
def test_a_new_member_shows_on_the_next_view_of_the_body_and_only_managers_get_edit_links(
    page_cache, reader, staff, plis
):
    url = reverse("governance:body", args=[TRANSVERSAL])
    staff_client = Client()
    staff_client.force_login(staff)
    assert "Joana Xilòfon" not in visible_text(reader.get(url))
    assert "Joana Xilòfon" not in visible_text(reader.get(url))
    staff_client.get(url)

    add_membership(
        MembershipData(
            seat=plis.technicians_seat, start=date(2020, 1, 1), new_person_name="Joana Xilòfon"
        ),
        acting_user=staff,
    )

    assert "Joana Xilòfon" in visible_text(reader.get(url))
    # Kept per audience: the reader's page has no edit links, the manager's has them.
    assert "Dona de baixa" not in visible_text(reader.get(url))
    assert "Dona de baixa" in visible_text(staff_client.get(url))


def row_of(response, code: str) -> str:
    """The text of the action plan's row of the action `code`."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", response.content.decode(), re.S)
    return text_of(next(row for row in rows if f">{code}</a>" in row))


def test_each_filter_and_language_is_kept_apart(page_cache, reader, seed_plan):
    build_commitments(seed_plan, 3)
    previous = reader.get(plan_url(seed_plan.previous_period))
    current = reader.get(plan_url(seed_plan.open_period))
    reader.cookies["django_language"] = "es"
    spanish = reader.get(plan_url(seed_plan.open_period))

    assert "Segon semestre de 2018" in visible_text(previous)
    assert "Primer semestre de 2019" in visible_text(current)
    assert "Quadre de comandament del Pla de Mandat" in visible_text(current)
    assert "Quadre de comandament del Pla de Mandat" not in visible_text(spanish)
    assert kept_pages() == 3


def test_a_filter_refused_is_not_kept(page_cache, reader, seed_plan):
    assert reader.get(f"{PLAN_URL}?period=nou").status_code == 400
    assert reader.get(f"{PLAN_URL}?period=nou").status_code == 400
    assert kept_pages() == 0


def test_every_reader_gets_their_own_header_on_a_kept_dashboard(
    page_cache, seed_plan, director, staff, administrator
):
    readers = {user: Client() for user in (director, staff, administrator)}
    for user, client in readers.items():
        client.force_login(user)
        client.get(PLAN_URL)

    for user, client in readers.items():
        response = client.get(PLAN_URL)
        header = text_of(re.search(r"<header.*?</header>", response.content.decode(), re.S)[0])
        assert user.first_name in header
        for other in readers:
            if other != user:
                assert other.first_name not in header
        assert ("Administració" in header) == user.is_staff
        assert "Quadre de comandament del Pla de Mandat" in visible_text(response)
    # One kept page per role: a page one role may read is never served to another.
    assert kept_pages() == 3


# The public pages


def test_a_kept_public_page_reads_as_the_one_built(page_cache, client, plis, staff, seed_plan):
    round_ = open_round(
        RoundKind.BALANCE, period=seed_plan.open_period, deadline=deadline(), acting_user=staff
    )
    publish_round(round_, acting_user=staff)
    urls = [
        "/",
        reverse("publication:public_index"),
        reverse("publication:public_page", args=[round_.pk]),
        reverse("publication:public_version", args=[round_.pk, 1]),
        reverse("publication:public_plis"),
        reverse("publication:public_body", args=[TRANSVERSAL]),
    ]
    for url in urls:
        built = client.get(url)
        kept = client.get(url)
        assert built.status_code == kept.status_code == 200
        assert without_csrf_tokens(kept) == without_csrf_tokens(built), url
        assert kept.headers["Vary"] == built.headers["Vary"], url
    assert kept_pages() == len(urls)


@pytest.mark.django_db(transaction=True)
def test_a_new_publication_shows_on_the_next_view_of_the_public_pages(
    page_cache, client, seed_plan, staff
):
    round_ = open_round(
        RoundKind.BALANCE, period=seed_plan.open_period, deadline=deadline(), acting_user=staff
    )
    index = reverse("publication:public_index")
    page = reverse("publication:public_page", args=[round_.pk])
    for _ in range(2):
        assert "Encara no s'ha publicat cap document." in visible_text(client.get(index))
        assert "Encara no s'ha publicat cap document." in visible_text(client.get("/"))

    publish_round(round_, acting_user=staff)

    title = "Balanç del Pla de Mandat 2015-2019 · Primer semestre de 2019"
    assert title in visible_text(client.get(index))
    assert title in visible_text(client.get("/"))
    assert "Versió 2" not in visible_text(client.get(page))
    assert "Versió 2" not in visible_text(client.get(page))

    publish_round(round_, note="Segona versió.", acting_user=staff)

    assert "Versió 2" in visible_text(client.get(page))
    assert "Segona versió." in visible_text(client.get(page))


def test_a_visitor_and_a_signed_in_reader_never_get_each_other_s_public_page(
    page_cache, client, plis, director
):
    url = reverse("publication:public_plis")
    signed_in = Client()
    signed_in.force_login(director)

    first = signed_in.get(url)
    visitor = client.get(url)
    again = signed_in.get(url)

    assert "Surt" in visible_text(first) and "Surt" in visible_text(again)
    assert director.first_name in visible_text(again)
    assert "Surt" not in visible_text(visitor)
    assert director.first_name not in visible_text(visitor)
    assert "Quadre de comandament" not in visible_text(visitor)
    assert kept_pages() == 2


def test_signed_in_people_get_their_own_home_not_the_kept_public_one(
    page_cache, client, plis, director
):
    client.get("/")
    client.get("/")
    client.force_login(director)

    home = client.get("/")

    assert "Entrada del personal municipal" not in visible_text(home)
    assert director.first_name in visible_text(home)


def test_with_no_time_to_keep_pages_nothing_is_kept(settings, reader, seed_plan):
    settings.PAGE_CACHE_SECONDS = 0
    reader.get(PLAN_URL)
    reader.get(reverse("publication:public_index"))
    assert kept_pages() == 0


def csrf_token_of(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def test_a_visitor_s_kept_page_carries_their_own_token_which_the_language_form_takes(
    page_cache, plis
):
    url = reverse("publication:public_plis")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(url)

    # Both served whole from the cache, each with a token of their own cookie.
    for visitor in (first, second):
        kept = visitor.get(url)
        token = csrf_token_of(kept)
        assert "\x00" not in kept.content.decode()
        changed = visitor.post(
            reverse("set_language"),
            {"csrfmiddlewaretoken": token, "language": "es", "next": url},
        )
        assert changed.status_code == 302
        assert visitor.cookies["django_language"].value == "es"
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert kept_pages() == 1


def test_a_visitor_with_a_message_waiting_reads_it_on_a_kept_page(page_cache, client, plis):
    url = reverse("publication:public_plis")
    client.get(url)
    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(messages.INFO, "Heu sortit del vostre compte.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value

    with_message = client.get(url)
    after = client.get(url)

    assert "Heu sortit del vostre compte." in visible_text(with_message)
    assert "Heu sortit del vostre compte." not in visible_text(after)
    # The rest of the page is the kept one.
    assert visible_text(with_message).replace(" Heu sortit del vostre compte.", "") == (
        visible_text(after)
    )


def test_a_kept_public_page_is_served_with_two_queries(
    page_cache, client, plis, django_assert_num_queries
):
    url = reverse("publication:public_plis")
    client.get(url)
    # 1 the data's version (part of the key), 2 the kept page.
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200
