"""«Els meus compromisos»: what a technician still has to fill in for the open period."""

import re
from html import unescape

import pytest
from django.urls import reverse

from commitments.models import ReportingPeriod
from terrassa_plis.tables import PER_PAGE
from tests.commitments.conftest import build_commitments

URL = reverse("commitments:mine")


def page(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def area3_commitments(seed_plan, organisation):
    return build_commitments(seed_plan, 10, areas=[organisation[3]])


def test_pending_commitments_come_first_then_the_filled_ones(
    seed_plan, area3_commitments, client, technician_area3
):
    client.force_login(technician_area3)
    response = client.get(URL)

    assert response.status_code == 200
    text = page(response)
    assert "Primer semestre de 2019" in text
    assert "Omplerts: 1 de 11" in text
    pending, filled = text.index("Pendents d'omplir"), text.index("<h3>Omplerts")
    assert pending < filled
    open_period = seed_plan.open_period.pk
    for node in area3_commitments:
        link = reverse("commitments:entry_edit", args=[node.pk, open_period])
        assert pending < text.index(f'href="{link}"') < filled
    link_21 = reverse("commitments:entry_edit", args=[seed_plan.commitment_21.pk, open_period])
    assert text.index(f'href="{link_21}"') > filled
    assert "Completat o en execució dins les previsions" in text[filled:]


def test_a_technician_sees_only_the_commitments_of_their_area(
    seed_plan, organisation, client, technician_other_area
):
    area1 = build_commitments(seed_plan, 3, first_code=300, areas=[organisation[1]])
    build_commitments(seed_plan, 4, first_code=400, areas=[organisation[3]])
    client.force_login(technician_other_area)

    text = page(client.get(URL))

    assert "Omplerts: 0 de 3" in text
    assert all(f"Compromís {node.code}" in text for node in area1)
    assert "Compromís 21" not in text and "Compromís 400" not in text


@pytest.mark.parametrize("persona", ["director", "staff"])
def test_who_edits_nothing_is_told_so(seed_plan, area3_commitments, persona_client, persona):
    response = persona_client(persona).get(URL)

    assert response.status_code == 200
    assert "No teniu cap compromís per omplir" in page(response)
    assert "Pendents d'omplir" not in page(response)


def test_the_administrator_sees_every_commitment(seed_plan, area3_commitments, persona_client):
    text = page(persona_client("administrator").get(URL))
    assert "Omplerts: 1 de 11" in text


def test_users_without_a_role_are_refused(seed_plan, persona_client):
    assert persona_client("user_without_role").get(URL).status_code == 403


def test_visitors_are_sent_to_sign_in(seed_plan, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_with_no_open_period_there_is_nothing_to_fill(seed_plan, client, technician_area3):
    ReportingPeriod.objects.update(is_open=False)
    client.force_login(technician_area3)

    response = client.get(URL)

    assert response.status_code == 200
    assert "Ara no hi ha cap període de seguiment obert." in page(response)


def test_everything_filled_is_said_plainly(seed_plan, client, technician_area3):
    client.force_login(technician_area3)
    text = page(client.get(URL))
    assert "Omplerts: 1 de 1" in text
    assert "Tots els compromisos tenen seguiment en aquest període." in text


@pytest.mark.parametrize("count", [10, 200])
def test_queries_do_not_grow_with_the_commitments(
    seed_plan, organisation, client, technician_area3, django_assert_num_queries, count
):
    build_commitments(seed_plan, count, areas=[organisation[3]])
    client.force_login(technician_area3)
    # session, user, roles, technician areas, technician services, open periods with their
    # mandate, the mandates' statuses, the editable leaves with their entry status annotated.
    with django_assert_num_queries(8):
        response = client.get(URL)
    assert f"Omplerts: 1 de {count + 1}" in page(response)


def _fill_links(text: str) -> list[str]:
    """The codes of the commitments the page offers to fill in, in order."""
    return re.findall(r'>Omple<span class="visually-hidden"> Compromís (\d+)</span>', text)


def test_a_long_worklist_is_paginated_with_every_commitment_reachable(
    seed_plan, organisation, client, technician_area3
):
    nodes = build_commitments(seed_plan, PER_PAGE + 10, areas=[organisation[3]])
    client.force_login(technician_area3)
    prefix = f"p{seed_plan.open_period.pk}-missing-"

    first = page(client.get(URL))
    second = page(client.get(URL, {f"{prefix}page": 2}))

    # The counts are of the whole list, the rows of one page each.
    assert f"Omplerts: 1 de {PER_PAGE + 11}" in first
    assert f'<span class="badge">{PER_PAGE + 10}</span>' in first
    # In the plan's order: the commitments are spread over the priorities.
    codes = [node.code for node in sorted(nodes, key=lambda node: node.path)]
    assert _fill_links(first) == codes[:PER_PAGE]
    assert _fill_links(second) == codes[PER_PAGE:]
    assert f'href="?{prefix}page=2"' in first
    # The other table keeps its own page.
    assert "Completat o en execució dins les previsions" in second


def test_a_worklist_is_sorted_by_its_column_headers(
    seed_plan, organisation, client, technician_area3
):
    nodes = build_commitments(seed_plan, 12, areas=[organisation[3]])
    client.force_login(technician_area3)
    prefix = f"p{seed_plan.open_period.pk}-missing-"

    text = page(client.get(URL, {f"{prefix}sort": "-code"}))

    in_plan_order = sorted(nodes, key=lambda node: node.path)
    assert _fill_links(text) == [node.code for node in reversed(in_plan_order)]
    assert 'aria-sort="descending"' in text
