"""The commitments list: filters with defaults, a sortable paginated table, constant queries."""

import re

import pytest
from django.urls import reverse

from commitments.models import Entry, PlanNode, Status
from tests.commitments.conftest import build_commitments

LIST = reverse("commitments:list")


def codes(response):
    """The codes of the table's rows, in order, as a reader sees them."""
    html = response.content.decode()
    row_header = r'<th scope="row"><a href="/pla-de-mandat/compromisos/\d+/">([^<]+)</a></th>'
    return re.findall(row_header, html)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("user_without_role", 403),
        ("technician_area3", 200),
        ("director", 200),
        ("staff", 200),
        ("administrator", 200),
    ],
)
def test_every_role_reads_the_list(persona_client, seed_plan, persona, expected):
    assert persona_client(persona).get(LIST).status_code == expected


def test_by_default_the_commitments_of_the_mandate_that_reported_last_in_the_open_period(
    reader, seed_plan
):
    response = reader.get(LIST)
    html = response.content.decode()
    assert codes(response) == ["21"]
    assert "Pla de Mandat 2015-2019" in html
    assert "Primer semestre de 2019" in html
    assert '<option value="2" selected>Compromisos</option>' in html
    assert "Drets Socials i Serveis a les Persones" in html
    assert "Completat o en execució dins les previsions" in html
    assert "1 compromís" in html
    # The 2015-2019 plan records no progress.
    assert "% execució" not in html


def test_the_text_is_cut_and_the_code_links_to_the_commitment(reader, seed_plan):
    html = reader.get(LIST).content.decode()
    detail = reverse("commitments:detail", args=[seed_plan.commitment_21.pk])
    assert f'<a href="{detail}">21</a>' in html
    assert seed_plan.commitment_21.text not in html
    assert seed_plan.commitment_21.text[:100] in html


def test_filter_by_area(reader, seed_plan, organisation):
    build_commitments(seed_plan, 6, areas=[organisation[1], organisation[3]])
    response = reader.get(LIST, {"area": organisation[1].pk})
    assert codes(response) == ["100", "102", "104"]
    assert "3 compromisos" in response.content.decode()


def test_filter_by_status_in_the_chosen_period(reader, seed_plan):
    build_commitments(seed_plan, 8)
    period = seed_plan.previous_period
    delayed = Status.objects.get(mandate=seed_plan.mandate, label="En execució però amb retard")
    response = reader.get(LIST, {"period": period.pk, "status": delayed.pk})
    expected = Entry.objects.filter(period=period, status=delayed).values_list(
        "node__code", flat=True
    )
    assert sorted(codes(response)) == sorted(expected)
    assert codes(response)
    html = response.content.decode()
    assert "Segon semestre de 2018" in html
    assert "21" not in codes(response)


def test_a_commitment_without_entry_in_the_period_says_so(reader, seed_plan):
    html = reader.get(LIST, {"period": seed_plan.previous_period.pk}).content.decode()
    assert "Sense seguiment" in html
    assert "Completat o en execució dins les previsions" not in html.split("<tbody")[1]


@pytest.mark.parametrize("text", ["21", "persones migrades"])
def test_search_by_exact_code_or_words_of_the_text(reader, seed_plan, text):
    build_commitments(seed_plan, 5, first_code=300)
    assert codes(reader.get(LIST, {"q": text})) == ["21"]


def test_all_levels_show_the_priorities_too(reader, seed_plan):
    response = reader.get(LIST, {"level": ""})
    assert codes(response) == ["1", "2", "21", "3", "4", "5"]


def test_codes_sort_naturally_in_both_directions(reader, seed_plan):
    level = seed_plan.commitment_21.level
    for code in ["9", "100", "10"]:
        PlanNode.objects.create(
            mandate=seed_plan.mandate,
            level=level,
            parent=seed_plan.priority_2,
            code=code,
            text=f"Compromís {code}",
            area=seed_plan.commitment_21.area,
        )
    assert codes(reader.get(LIST, {"sort": "code"})) == ["9", "10", "21", "100"]
    assert codes(reader.get(LIST, {"sort": "-code"})) == ["100", "21", "10", "9"]


def test_the_status_column_sorts_by_the_status_order(reader, seed_plan):
    build_commitments(seed_plan, 4)
    period = seed_plan.previous_period
    response = reader.get(LIST, {"period": period.pk, "sort": "status"})
    positions = dict(
        Entry.objects.filter(period=period).values_list("node__code", "status__position")
    )
    shown = [positions[code] for code in codes(response) if code in positions]
    assert shown == sorted(shown)


def test_fifty_rows_a_page(reader, seed_plan):
    build_commitments(seed_plan, 60)
    response = reader.get(LIST)
    assert len(codes(response)) == 50
    assert "61 compromisos" in response.content.decode()
    assert len(codes(reader.get(LIST, {"page": 2}))) == 11


def test_the_table_says_what_it_lists_and_how_it_is_sorted(reader, seed_plan):
    html = reader.get(LIST, {"sort": "-code"}).content.decode()

    caption = re.search(r"<caption[^>]*>(.*?)</caption>", html, re.S)[1]
    assert caption.startswith("Compromisos · ") and "2015-2019" in caption
    headers = re.findall(r"<th [^>]*>", html.split("<thead")[1].split("</thead>")[0])
    assert headers and all('scope="col"' in header for header in headers)
    [sorted_header] = [header for header in headers if "aria-sort" in header]
    assert 'aria-sort="descending"' in sorted_header


def test_the_pages_are_a_navigation_that_marks_the_current_one(reader, seed_plan):
    build_commitments(seed_plan, 60)

    html = reader.get(LIST, {"page": 2}).content.decode()

    pages = re.search(r'<nav class="pagination-nav" aria-label="([^"]+)">(.*?)</nav>', html, re.S)
    assert pages[1] == "Pàgines de la taula"
    assert re.findall(r'<a aria-current="page"[^>]*>(\d+)</a>', pages[2]) == ["2"]
    assert "Anterior" in pages[2] and 'href="#"' not in pages[2]


def test_a_mandate_that_tracks_progress_shows_the_progress_column(reader, seed_plan):
    mandate = seed_plan.mandate_2019_2023
    response = reader.get(LIST, {"mandate": mandate.pk})
    html = response.content.decode()
    assert "% execució" in html
    assert '<option value="5" selected>Actuacions</option>' in html
    assert "Primer semestre de 2023" in html
    assert "Cap actuació no coincideix amb aquests filtres." in html


def test_changing_the_mandate_drops_the_choices_of_the_previous_one(reader, seed_plan):
    """The form still sends the 2015-2019 level and period: the new mandate's defaults apply."""
    response = reader.get(
        LIST,
        {
            "mandate": seed_plan.mandate_2019_2023.pk,
            "level": seed_plan.commitment_21.level_id,
            "period": seed_plan.open_period.pk,
            "status": "4",
        },
    )
    html = response.content.decode()
    assert "field__error" not in html
    assert '<option value="5" selected>Actuacions</option>' in html
    assert '<option value="" selected>Tots els estats</option>' in html


@pytest.mark.parametrize(
    ("name", "value"), [("level", "abc"), ("mandate", "999"), ("period", "x"), ("area", "77")]
)
def test_an_invalid_filter_shows_its_error_next_to_the_field(reader, seed_plan, name, value):
    response = reader.get(LIST, {name: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<p class="field__error" id="id_{name}_error">Esculliu una opció vàlida.' in html


def test_the_download_links_keep_the_filters(reader, seed_plan, organisation):
    html = reader.get(LIST, {"area": organisation[3].pk, "q": "drets"}).content.decode()
    query = f"area={organisation[3].pk}&amp;q=drets"
    assert f'href="/pla-de-mandat/exporta.csv?{query}">Descarrega CSV</a>' in html
    assert f'href="/pla-de-mandat/exporta.xlsx?{query}">Descarrega XLSX</a>' in html


def test_the_form_has_its_buttons(reader, seed_plan):
    html = reader.get(LIST).content.decode()
    assert '<form method="get" class="filters"' in html
    assert ">Filtra</button>" in html
    assert f'<a class="button" href="{LIST}">Neteja</a>' in html
    for label in ["Mandat", "Nivell", "Àrea", "Estat", "Període", "Cerca"]:
        assert f">{label}</label>" in html


def test_filter_by_kind_of_status_keeps_every_status_of_those_kinds(reader, seed_plan):
    build_commitments(seed_plan, 8)
    period = seed_plan.previous_period
    response = reader.get(
        LIST + f"?period={period.pk}&category=delayed&category=pending",
    )
    expected = Entry.objects.filter(
        period=period, status__category__in=["delayed", "pending"]
    ).values_list("node__code", flat=True)
    assert sorted(codes(response)) == sorted(expected)
    assert len(codes(response)) == 4


def test_filter_by_change_since_the_previous_period(reader, seed_plan):
    build_commitments(seed_plan, 8)
    period = seed_plan.previous_period
    earlier = period.previous()
    delayed = Status.objects.get(mandate=seed_plan.mandate, category="delayed")
    # 100 was delayed already: not new; 104 had no entry then: new.
    Entry.objects.filter(node__code="100", period=earlier).update(status=delayed)
    Entry.objects.filter(node__code="104", period=earlier).delete()

    response = reader.get(LIST, {"period": period.pk, "change": "delayed"})

    now = set(
        Entry.objects.filter(period=period, status=delayed).values_list("node__code", flat=True)
    )
    assert "100" in now and "104" in now
    assert sorted(codes(response)) == sorted(now - {"100"})
    # The mandate's first period has nothing to compare with.
    first = seed_plan.mandate.periods.order_by("start").first()
    assert codes(reader.get(LIST, {"period": first.pk, "change": "delayed"})) == []


@pytest.mark.parametrize("count", [10, 200])
def test_query_count_does_not_grow_with_the_commitments(
    reader, seed_plan, organisation, django_assert_num_queries, count
):
    build_commitments(seed_plan, count, areas=list(organisation.values()))
    # session, user, the user's groups (role); the filter's mandates, periods (with
    # whether they have entries), levels, statuses and areas; the table's count and
    # its page of nodes with area, level and the entry's status and progress.
    with django_assert_num_queries(10):
        response = reader.get(LIST, {"period": seed_plan.previous_period.pk})
    assert len(codes(response)) == min(count + 1, 50)


ADMIN_PAGES = [
    "mandate",
    "planlevel",
    "plannode",
    "status",
    "reportingperiod",
    "entry",
    "figure",
]


@pytest.mark.parametrize("model", ADMIN_PAGES)
def test_the_admin_lists_every_model_of_the_plan(client, administrator, seed_plan, model):
    client.force_login(administrator)
    response = client.get(f"/admin/commitments/{model}/")
    assert response.status_code == 200


def test_the_admin_edits_an_entry_with_its_figures_and_shows_its_history(
    client, administrator, seed_plan
):
    client.force_login(administrator)
    entry = seed_plan.entry_21
    html = client.get(f"/admin/commitments/entry/{entry.pk}/change/").content.decode()
    assert "Participants en les formacions" in html
    assert client.get(f"/admin/commitments/entry/{entry.pk}/history/").status_code == 200


@pytest.mark.parametrize("per_page", ["-1", "0", "100000", "tres"])
def test_the_page_size_is_fixed_whatever_the_query_string_says(reader, seed_plan, per_page):
    build_commitments(seed_plan, 60)
    response = reader.get(LIST, {"per_page": per_page})
    assert response.status_code == 200
    assert len(codes(response)) == 50


@pytest.mark.parametrize(("page", "rows"), [("abc", 50), ("0", 50), ("-2", 50), ("999", 11)])
def test_a_page_out_of_range_shows_the_nearest_one(reader, seed_plan, page, rows):
    build_commitments(seed_plan, 60)
    response = reader.get(LIST, {"page": page})
    assert response.status_code == 200
    assert len(codes(response)) == rows


def test_all_levels_name_each_row_s_level_and_only_leaves_have_a_status(reader, seed_plan):
    level = seed_plan.commitment_21.level
    PlanNode.objects.create(
        mandate=seed_plan.mandate,
        level=level,
        parent=seed_plan.priority_2,
        code="2",
        text="Compromís 2",
        area=seed_plan.commitment_21.area,
    )
    html = reader.get(LIST, {"level": ""}).content.decode()
    assert ">Nivell</a>" in html
    rows = html.split("<tbody")[1].split("</tr>")
    priority_2 = next(row for row in rows if "Garantirem la qualitat de vida" in row)
    commitment_2 = next(row for row in rows if ">Compromís 2<" in row)
    assert "<td>Prioritat</td>" in priority_2
    assert "<td>Compromís</td>" in commitment_2
    assert "Sense seguiment" not in priority_2
    assert "<td>—</td>" in priority_2
    assert "Sense seguiment" in commitment_2
    assert "7 elements" in html


def test_one_level_needs_no_level_column(reader, seed_plan):
    html = reader.get(LIST).content.decode()
    assert ">Nivell</a>" not in html


def test_the_count_names_the_chosen_level(reader, seed_plan):
    mandate = seed_plan.mandate_2019_2023
    html = reader.get(LIST, {"mandate": mandate.pk}).content.decode()
    assert "0 actuacions" in html
    assert "compromisos" not in html.split('class="filters"')[1].split("</form>")[1]


def test_the_admin_edits_a_node_s_place_but_not_its_mandate_or_level(
    client, administrator, seed_plan
):
    client.force_login(administrator)
    url = f"/admin/commitments/plannode/{seed_plan.commitment_21.pk}/change/"
    html = client.get(url).content.decode()
    assert 'name="parent"' in html and 'name="code"' in html
    assert 'name="mandate"' not in html and 'name="level"' not in html
    added = client.get("/admin/commitments/plannode/add/").content.decode()
    assert 'name="mandate"' in added and 'name="level"' in added


def test_figures_are_read_only_in_their_own_admin(client, administrator, seed_plan):
    """An edit there would not bump the entry's version: figures change in the entry's page."""
    client.force_login(administrator)
    figure = seed_plan.entry_21.figures.first()
    url = f"/admin/commitments/figure/{figure.pk}/change/"
    html = client.get(url).content.decode()
    assert 'name="_save"' not in html
    assert client.post(url, {"label": "Canviat", "value": "1"}).status_code == 403
    assert client.get("/admin/commitments/figure/add/").status_code == 403
    assert client.get(f"/admin/commitments/figure/{figure.pk}/delete/").status_code == 403
    figure.refresh_from_db()
    assert figure.label != "Canviat"
