"""«Els meus compromisos»: what a technician still has to fill in for the open period."""

import re
from html import unescape

import pytest
from django.urls import reverse

from commitments.models import Entry, ReportingPeriod, Status
from tests.commitments.conftest import build_commitments

URL = reverse("commitments:mine")
# A worklist is a to-do list: each of its tables shows this many rows a page.
ROWS_A_PAGE = 20


def page(response) -> str:
    return unescape(response.content.decode())


def fill_in_open_period(seed_plan, nodes) -> None:
    """Give each node its entry in the open period, the mandate's statuses in turn."""
    statuses = list(Status.objects.filter(mandate=seed_plan.mandate))
    entries = []
    for index, node in enumerate(nodes):
        status = statuses[index % len(statuses)]
        entry = Entry(
            node=node,
            period=seed_plan.open_period,
            status=status,
            reason="Motiu de prova" if status.requires_reason else "",
            observations=f"- Seguiment {node.code}",
        )
        entry.fill_rich_text()
        entries.append(entry)
    Entry.objects.bulk_create(entries)


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
    assert not _fill_links(page(response)) and not _review_links(page(response))


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
    nodes = build_commitments(seed_plan, count, areas=[organisation[3]])
    fill_in_open_period(seed_plan, nodes[: count // 2])
    client.force_login(technician_area3)
    # session, user, roles, open periods with their mandate, the mandates' statuses,
    # technician areas, technician services; then for the open period: the count of its
    # two lists (one query), the page of the missing ones, the page of the filled ones.
    with django_assert_num_queries(10):
        response = client.get(URL)
    text = page(response)
    assert f"Omplerts: {count // 2 + 1} de {count + 1}" in text
    assert len(_fill_links(text)) == min(count - count // 2, ROWS_A_PAGE)
    assert len(_review_links(text)) == min(count // 2 + 1, ROWS_A_PAGE)


def _fill_links(text: str) -> list[str]:
    """The codes of the commitments the page offers to fill in, in order."""
    return re.findall(r'>Omple<span class="visually-hidden"> Compromís (\d+)</span>', text)


def _review_links(text: str) -> list[str]:
    """The codes of the filled commitments the page offers to review, in order."""
    return re.findall(r'>Revisa<span class="visually-hidden"> Compromís (\d+)</span>', text)


def _in_plan_order(nodes) -> list[str]:
    return [node.code for node in sorted(nodes, key=lambda node: node.path)]


def test_a_long_worklist_is_paginated_with_every_commitment_reachable(
    seed_plan, organisation, client, technician_area3
):
    nodes = build_commitments(seed_plan, ROWS_A_PAGE + 10, areas=[organisation[3]])
    client.force_login(technician_area3)
    prefix = f"p{seed_plan.open_period.pk}-missing-"

    first = page(client.get(URL))
    second = page(client.get(URL, {f"{prefix}page": 2}))

    # The counts are of the whole list, the rows of one page each.
    assert f"Omplerts: 1 de {ROWS_A_PAGE + 11}" in first
    assert f'<span class="badge">{ROWS_A_PAGE + 10}</span>' in first
    # In the plan's order: the commitments are spread over the priorities.
    codes = _in_plan_order(nodes)
    assert _fill_links(first) == codes[:ROWS_A_PAGE]
    assert _fill_links(second) == codes[ROWS_A_PAGE:]
    assert f'href="?{prefix}page=2"' in first
    # The other table keeps its own page.
    assert "Completat o en execució dins les previsions" in second


def test_each_list_turns_its_own_pages(seed_plan, organisation, client, technician_area3):
    missing = build_commitments(seed_plan, ROWS_A_PAGE + 5, areas=[organisation[3]])
    filled = build_commitments(seed_plan, ROWS_A_PAGE + 5, first_code=500, areas=[organisation[3]])
    fill_in_open_period(seed_plan, filled)
    filled = [*filled, seed_plan.commitment_21]
    client.force_login(technician_area3)
    period = seed_plan.open_period.pk
    missing_page, filled_page = f"p{period}-missing-page", f"p{period}-filled-page"

    response = client.get(URL, {missing_page: 2})
    text = page(response)

    assert f"Omplerts: {len(filled)} de {len(missing) + len(filled)}" in text
    assert f'<span class="badge">{len(missing)}</span>' in text
    assert f'<span class="badge">{len(filled)}</span>' in text
    assert _fill_links(text) == _in_plan_order(missing)[ROWS_A_PAGE:]
    assert _review_links(text) == _in_plan_order(filled)[:ROWS_A_PAGE]
    # The filled list's next page keeps the missing list where it is.
    assert f'href="?{missing_page}=2&amp;{filled_page}=2"' in response.content.decode()

    text = page(client.get(URL, {missing_page: 2, filled_page: 2}))

    assert _fill_links(text) == _in_plan_order(missing)[ROWS_A_PAGE:]
    assert _review_links(text) == _in_plan_order(filled)[ROWS_A_PAGE:]


def test_a_worklist_is_sorted_by_its_column_headers(
    seed_plan, organisation, client, technician_area3
):
    nodes = build_commitments(seed_plan, ROWS_A_PAGE + 5, areas=[organisation[3]])
    client.force_login(technician_area3)
    prefix = f"p{seed_plan.open_period.pk}-missing-"

    first = page(client.get(URL, {f"{prefix}sort": "-code"}))
    second = page(client.get(URL, {f"{prefix}sort": "-code", f"{prefix}page": 2}))

    # The whole list is sorted, then cut into pages.
    in_reverse = _in_plan_order(nodes)[::-1]
    assert _fill_links(first) == in_reverse[:ROWS_A_PAGE]
    assert _fill_links(second) == in_reverse[ROWS_A_PAGE:]
    assert 'aria-sort="descending"' in first


def test_the_filled_list_is_sorted_by_status_across_its_pages(
    seed_plan, organisation, client, technician_area3
):
    nodes = build_commitments(seed_plan, ROWS_A_PAGE + 5, areas=[organisation[3]])
    fill_in_open_period(seed_plan, nodes)
    client.force_login(technician_area3)
    prefix = f"p{seed_plan.open_period.pk}-filled-"

    pages = [
        page(client.get(URL, {f"{prefix}sort": "status", f"{prefix}page": number}))
        for number in (1, 2)
    ]

    entries = Entry.objects.filter(period=seed_plan.open_period).select_related("node", "status")
    by_status = sorted(entries, key=lambda entry: (entry.status.position, entry.node.path))
    expected = [entry.node.code for entry in by_status]
    assert _review_links(pages[0]) == expected[:ROWS_A_PAGE]
    assert _review_links(pages[1]) == expected[ROWS_A_PAGE:]
    assert 'aria-sort="ascending"' in pages[0]


def test_another_area_s_technician_sees_none_of_area_3_s_commitments(
    seed_plan, organisation, client, technician_other_area
):
    area3 = build_commitments(seed_plan, ROWS_A_PAGE + 5, areas=[organisation[3]])
    fill_in_open_period(seed_plan, area3[:10])
    area1 = build_commitments(seed_plan, 2, first_code=300, areas=[organisation[1]])
    fill_in_open_period(seed_plan, area1[:1])
    client.force_login(technician_other_area)
    period = seed_plan.open_period.pk

    text = page(client.get(URL, {f"p{period}-missing-page": 2, f"p{period}-filled-page": 2}))

    assert "Omplerts: 1 de 2" in text
    assert _fill_links(text) == [area1[1].code]
    assert _review_links(text) == [area1[0].code]
