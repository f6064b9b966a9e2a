"""The directors' dashboards: the Mandate Plan, the service charters and the PLIS, read as a
director reads them; who may open them; the queries they run at two sizes."""

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.dashboard import build_plan_dashboard
from commitments.models import Entry, PlanNode, ReportingPeriod, Status, StatusCategory
from commitments.plan_choices import plan_choices
from governance.dashboard import build_plis_dashboard
from governance.models import (
    ActionDecision,
    ActionImplementation,
    Agreement,
    Area,
    Meeting,
    Milestone,
    Person,
    PlanAction,
    Service,
)
from service_charters.dashboard import SERVICES_SHOWN, build_charters_dashboard
from service_charters.models import Measurement
from terrassa_plis.tables import PER_PAGE
from tests.commitments.conftest import build_commitments
from tests.conftest import PERSONAS
from tests.governance.conftest import FOLLOW_UP, TRANSVERSAL
from tests.pages import markup, section, text_keeping_nbsp
from tests.service_charters.conftest import build_charters

NBSP = "\u00a0"
LOGIN = 302
PLAN_URL = reverse("publication:dashboard")
CHARTERS_URL = reverse("publication:charters_dashboard")
PLIS_URL = reverse("publication:plis_dashboard")


def rows(fragment: str) -> list[str]:
    """The text of each body row of the tables in `fragment`."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", fragment, re.S)
    return [
        text_keeping_nbsp(row)
        for body in bodies
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def list_items(fragment: str) -> list[str]:
    return [text_keeping_nbsp(item) for item in re.findall(r"<li>(.*?)</li>", fragment, re.S)]


def key_figures(response) -> dict[str, str]:
    content = response.content.decode()
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", content, re.S)
    return {text_keeping_nbsp(term): text_keeping_nbsp(value) for term, value in pairs}


def statuses_by_category(mandate) -> dict[str, Status]:
    return {status.category: status for status in Status.objects.filter(mandate=mandate)}


# The Mandate Plan


@pytest.fixture
def built_plan(seed_plan):
    """Ten built commitments. In the «Segon semestre de 2018» (the view's `period`),
    numbers 100, 104 and 108 are delayed, 101, 105, 109 on track, 102 and 106 dropped,
    103 and 107 pending, and commitment 21 has no entry; each moved one status on
    from the «Primer semestre de 2018» (dropped → pending → delayed → on track)."""
    nodes = build_commitments(seed_plan, 10)
    return seed_plan, nodes


def plan_url(period=None, **filters) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    if period is not None:
        query = f"period={period.pk}" + (f"&{query}" if query else "")
    return PLAN_URL + (f"?{query}" if query else "")


def test_the_plan_dashboard_opens_on_the_latest_period_with_entries(reader, seed_plan):
    response = reader.get(PLAN_URL)

    assert response.status_code == 200
    text = markup(response)
    assert "Quadre de comandament del Pla de Mandat" in text
    assert "Pla de Mandat 2015-2019 · Primer semestre de 2019" in text
    overall = rows(section(response, "dashboard-overall-title"))
    assert overall == [
        f"No iniciat per canvi de prioritat 0 0{NBSP}%",
        f"Pendent 0 0{NBSP}%",
        f"En execució però amb retard 0 0{NBSP}%",
        f"Completat o en execució dins les previsions 1 100{NBSP}%",
    ]
    # Commitment 21 had no entry in the semester before: it counts as newly on track.
    changes = section(response, "dashboard-newly-favourable")
    assert "Nous completats o dins les previsions 1" in text_keeping_nbsp(changes)
    [item] = list_items(changes)
    # The text is cut short at a word.
    assert item.startswith("21 Garantirem els drets de les persones migrades")
    assert item.endswith(
        "sectorials… Drets Socials i Serveis a les Persones · abans: Sense seguiment"
    )
    detail = reverse("commitments:detail", args=[seed_plan.commitment_21.pk])
    assert f'href="{detail}"' in changes


def test_the_plan_dashboard_counts_each_status_with_its_share(reader, built_plan):
    seed, _nodes = built_plan
    response = reader.get(plan_url(seed.previous_period))

    assert response.status_code == 200
    assert "Pla de Mandat 2015-2019 · Segon semestre de 2018" in markup(response)
    assert rows(section(response, "dashboard-overall-title")) == [
        f"No iniciat per canvi de prioritat 2 18,2{NBSP}%",
        f"Pendent 2 18,2{NBSP}%",
        f"En execució però amb retard 3 27,3{NBSP}%",
        f"Completat o en execució dins les previsions 3 27,3{NBSP}%",
        f"Sense seguiment 1 9,1{NBSP}%",
    ]
    figures = key_figures(response)
    assert figures["Completats o dins les previsions"] == f"27,3{NBSP}% 3 de 11"
    assert figures["Amb retard"] == f"27,3{NBSP}% 3 de 11"
    assert figures["Pendents"] == f"18,2{NBSP}% 2 de 11"
    assert figures["Sense seguiment"] == f"9,1{NBSP}% 1 de 11"
    assert figures["Nous retards"].startswith("3 ")
    assert "Execució mitjana" not in figures  # the 2015-2019 plan does not track progress


def test_the_plan_dashboard_breaks_the_statuses_down_by_priority_and_area(reader, built_plan):
    seed, _nodes = built_plan
    response = reader.get(plan_url(seed.previous_period))

    by_priority = rows(section(response, "dashboard-breakdown-1"))
    # Built commitments cycle over priorities 1-5: 100 and 105 under priority 1, and so on;
    # commitment 21 (no entry) sits under priority 2.
    assert by_priority[0].startswith("Prioritat 1 Potenciar l'activitat econòmica")
    assert by_priority[0].endswith(
        f"0 (0{NBSP}%) 0 (0{NBSP}%) 1 (50{NBSP}%) 1 (50{NBSP}%) 0 (0{NBSP}%) 2"
    )
    # Priority 2: 101 on track, 106 dropped, and commitment 21 with no entry.
    assert by_priority[1].endswith(
        f"1 (33,3{NBSP}%) 0 (0{NBSP}%) 0 (0{NBSP}%) 1 (33,3{NBSP}%) 1 (33,3{NBSP}%) 3"
    )
    assert len(by_priority) == 5
    by_area = rows(section(response, "dashboard-breakdown-2"))
    # Each area's row links to the area's page («Visió de l'àrea», overview).
    assert by_area == [
        "3. Drets Socials i Serveis a les Persones "
        "Visió de l'àrea 3. Drets Socials i Serveis a les Persones "
        f"2 (18,2{NBSP}%) 2 (18,2{NBSP}%) 3 (27,3{NBSP}%) 3 (27,3{NBSP}%) 1 (9,1{NBSP}%) 11"
    ]
    charts = section(response, "dashboard-breakdown-2")
    assert re.search(r'<svg [^>]*role="img"', charts)
    assert "<title" in charts and "Percentatge amb retard: per àrea" in html.unescape(charts)


def test_newly_delayed_and_newly_completed_follow_the_previous_period(reader, built_plan):
    seed, nodes = built_plan
    url = plan_url(seed.previous_period)
    response = reader.get(url)
    delayed = section(response, "dashboard-newly-delayed")
    favourable = section(response, "dashboard-newly-favourable")
    # In plan order: 100 and 105 sit under priority 1, 108 under 4, 104 and 109 under 5.
    assert [item.split(" ")[0] for item in list_items(delayed)] == ["100", "108", "104"]
    assert "abans: Pendent" in text_keeping_nbsp(delayed)
    assert [item.split(" ")[0] for item in list_items(favourable)] == ["105", "101", "109"]
    assert "abans: En execució però amb retard" in text_keeping_nbsp(favourable)

    # 100 was delayed already in the semester before, 101 already on track: neither is new.
    statuses = statuses_by_category(seed.mandate)
    earlier = ReportingPeriod.objects.get(mandate=seed.mandate, label="Primer semestre de 2018")
    Entry.objects.filter(node=nodes[0], period=earlier).update(
        status=statuses[StatusCategory.DELAYED]
    )
    Entry.objects.filter(node=nodes[1], period=earlier).update(
        status=statuses[StatusCategory.ON_TRACK]
    )
    # 102 had no entry then: on track now, it is new.
    Entry.objects.filter(node=nodes[2], period=earlier).delete()
    Entry.objects.filter(node=nodes[2], period=seed.previous_period).update(
        status=statuses[StatusCategory.ON_TRACK], reason=""
    )

    response = reader.get(url)
    delayed = section(response, "dashboard-newly-delayed")
    favourable = section(response, "dashboard-newly-favourable")
    assert [item.split(" ")[0] for item in list_items(delayed)] == ["108", "104"]
    assert [item.split(" ")[0] for item in list_items(favourable)] == ["105", "102", "109"]
    assert "102 Compromís de prova 102 Drets Socials i Serveis a les Persones · abans: " in (
        text_keeping_nbsp(favourable)
    )
    assert "abans: Sense seguiment" in text_keeping_nbsp(favourable)


def test_the_delayed_and_pending_commitments_are_listed_with_links(reader, built_plan):
    seed, nodes = built_plan
    response = reader.get(plan_url(seed.previous_period))

    attention = section(response, "dashboard-attention-title")
    assert "Compromisos amb retard i pendents 5" in text_keeping_nbsp(attention)
    assert rows(attention) == [
        "100 Compromís de prova 100 Drets Socials i Serveis a les Persones "
        "En execució però amb retard",
        "108 Compromís de prova 108 Drets Socials i Serveis a les Persones "
        "En execució però amb retard",
        "104 Compromís de prova 104 Drets Socials i Serveis a les Persones "
        "En execució però amb retard",
        "107 Compromís de prova 107 Drets Socials i Serveis a les Persones Pendent",
        "103 Compromís de prova 103 Drets Socials i Serveis a les Persones Pendent",
    ]
    assert f'href="{reverse("commitments:detail", args=[nodes[4].pk])}"' in attention


def listed_codes(reader, url) -> list[str]:
    """The codes the commitments list shows at `url` (its first page)."""
    response = reader.get(html.unescape(url))
    assert response.status_code == 200
    cell = r'<t[dh][^>]*><a href="/pla-de-mandat/compromisos/\d+/">([^<]+)</a></t[dh]>'
    return re.findall(cell, markup(response))


def test_the_lists_show_their_first_ten_and_link_to_all_of_them(reader, seed_plan, organisation):
    build_commitments(seed_plan, 100, areas=[organisation[3], organisation[1]])
    period = seed_plan.previous_period
    choices = plan_choices()
    dashboard = build_plan_dashboard(
        choices.period(period.pk), areas=choices.areas, previous=period.previous()
    )
    response = reader.get(plan_url(period))

    lists = {
        "dashboard-attention-title": dashboard.attention,
        "dashboard-newly-delayed": dashboard.changes.newly_delayed,
        "dashboard-newly-favourable": dashboard.changes.newly_favourable,
    }
    for section_id, leaf_list in lists.items():
        part = section(response, section_id)
        assert leaf_list.total > 10
        assert f"Es mostren els 10 primers de {leaf_list.total}." in part
        link = re.search(r'<a href="([^"]+)">Vegeu-los tots \((\d+)\)', part)
        assert int(link.group(2)) == leaf_list.total
        # The commitments list holds as many, those shown among them.
        codes = listed_codes(reader, link.group(1))
        assert len(codes) == min(leaf_list.total, PER_PAGE)
        assert {leaf.node.code for leaf in leaf_list.shown} <= set(codes)
        assert f"<strong>{leaf_list.total} compromisos</strong>" in markup(
            reader.get(html.unescape(link.group(1)))
        )
    assert markup(response).count('class="dashboard-list__meta"') == 20
    # Of one area, the list is of that area.
    response = reader.get(plan_url(period, area=1))
    part = section(response, "dashboard-attention-title")
    link = re.search(r'<a href="([^"]+)">Vegeu-los tots \((\d+)\)', part)
    assert f"area={organisation[1].pk}" in link.group(1)
    assert len(listed_codes(reader, link.group(1))) == int(link.group(2)) == 25


def test_the_area_filter_keeps_the_commitments_of_that_area(reader, seed_plan, organisation):
    build_commitments(seed_plan, 10, areas=[organisation[3], organisation[1]])
    response = reader.get(plan_url(seed_plan.previous_period, area=1))

    assert response.status_code == 200
    assert "Segon semestre de 2018 · Territori i Sostenibilitat" in markup(response)
    # 101, 103, …, 109 are of area 1: on track, pending, on track, pending, on track.
    assert rows(section(response, "dashboard-breakdown-2")) == [
        "1. Territori i Sostenibilitat Visió de l'àrea 1. Territori i Sostenibilitat "
        f"0 (0{NBSP}%) 2 (40{NBSP}%) 0 (0{NBSP}%) 3 (60{NBSP}%) 5"
    ]
    attention = rows(section(response, "dashboard-attention-title"))
    assert [row.split(" ")[0] for row in attention] == ["107", "103"]
    assert "Drets Socials" not in text_keeping_nbsp(section(response, "dashboard-attention-title"))
    # The area's rows link to the dashboard of that area.
    all_areas = reader.get(plan_url(seed_plan.previous_period))
    assert f"period={seed_plan.previous_period.pk}&amp;area=1" in section(
        all_areas, "dashboard-breakdown-2"
    )


def test_a_period_of_another_mandate_gives_way_to_the_mandates_own(reader, seed_plan):
    other = seed_plan.mandate_2019_2023
    response = reader.get(plan_url(seed_plan.previous_period, mandate=other.pk))

    assert response.status_code == 200
    text = markup(response)
    assert "Programa d'Actuació Municipal 2019-2023 · Primer semestre de 2023" in text
    # The period list offers that mandate's periods only.
    period_select = re.search(r'<select name="period".*?</select>', text, re.S).group(0)
    assert "Segon semestre de 2019" in period_select
    assert "Segon semestre de 2018" not in period_select


@pytest.mark.parametrize("query", ["?mandate=abc", "?period=999999", "?area=9"])
def test_unknown_filters_are_form_errors(reader, seed_plan, query):
    response = reader.get(PLAN_URL + query)

    assert response.status_code == 400
    assert "Corregiu els filtres" in markup(response)


@pytest.fixture
def plan_2019_2023(seed_plan):
    """Objective 1 → axis 61 → actions 61.1 (40,2 %, in progress) and 61.2 (61 %, finished)
    at 31/12/2021; 61.1 was not started in the semester before."""
    mandate = seed_plan.mandate_2019_2023
    levels = {level.depth: level for level in mandate.levels.all()}
    period = ReportingPeriod.objects.get(mandate=mandate, label="Segon semestre de 2021")
    before = ReportingPeriod.objects.get(mandate=mandate, label="Primer semestre de 2021")
    statuses = {status.label: status for status in mandate.statuses.all()}
    area = seed_plan.commitment_21.area
    objective = PlanNode.objects.create(
        mandate=mandate, level=levels[0], code="1", text="Una ciutat que cuida"
    )
    axis = PlanNode.objects.create(
        mandate=mandate, level=levels[1], parent=objective, code="61", text="Acollida"
    )
    for code, progress, status in [("61.1", "40.2", "En execució"), ("61.2", "61", "Finalitzada")]:
        action = PlanNode.objects.create(
            mandate=mandate, level=levels[2], parent=axis, code=code, text=f"Actuació {code}",
            area=area,
        )  # fmt: skip
        Entry.objects.create(
            node=action, period=period, status=statuses[status], progress=Decimal(progress)
        )
        Entry.objects.create(node=action, period=before, status=statuses["No iniciada"])
    return period


def test_a_progress_tracking_plan_shows_average_progress(reader, plan_2019_2023):
    response = reader.get(plan_url(plan_2019_2023))

    assert response.status_code == 200
    text = markup(response)
    assert "Programa d'Actuació Municipal 2019-2023 · Segon semestre de 2021" in text
    assert key_figures(response)["Execució mitjana"] == f"50,6{NBSP}%"
    assert rows(section(response, "dashboard-breakdown-1")) == [
        f"Objectiu 1 Una ciutat que cuida 0 (0{NBSP}%) 1 (50{NBSP}%) 1 (50{NBSP}%) 2 50,6{NBSP}%"
    ]
    # No delayed status in this mandate: no «Nous retards», no delayed chart.
    assert "Nous retards" not in text
    assert "Percentatge amb retard" not in text
    favourable = section(response, "dashboard-newly-favourable")
    assert [item.split(" ")[0] for item in list_items(favourable)] == ["61.1", "61.2"]


def test_the_breakdown_by_objective_shows_the_first_ten_and_links_the_balance(
    reader, plan_2019_2023
):
    mandate = plan_2019_2023.mandate
    levels = {level.depth: level for level in mandate.levels.all()}
    on_track = mandate.statuses.get(label="En execució")
    for number in range(2, 13):
        objective = PlanNode.objects.create(
            mandate=mandate, level=levels[0], code=str(number), text=f"Objectiu de prova {number}"
        )
        axis = PlanNode.objects.create(
            mandate=mandate, level=levels[1], parent=objective, code=f"{number}0", text="Eix"
        )
        action = PlanNode.objects.create(
            mandate=mandate, level=levels[2], parent=axis, code=f"{number}0.1", text="Actuació"
        )
        Entry.objects.create(node=action, period=plan_2019_2023, status=on_track)

    response = reader.get(plan_url(plan_2019_2023))

    breakdown = section(response, "dashboard-breakdown-1")
    labels = [row.split(" ")[1] for row in rows(breakdown)]
    # In plan order: the first ten of the twelve objectives.
    assert labels == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]
    assert "Es mostren els 10 primers de 12 (objectiu)." in text_keeping_nbsp(breakdown)
    balance = reverse("commitments:balance", args=[plan_2019_2023.pk])
    assert f'<a href="{balance}">Vegeu-los tots al balanç</a>' in breakdown
    # The overall counts still hold every action.
    actions = PlanNode.objects.filter(mandate=mandate, is_leaf=True).count()
    assert actions >= 13
    assert f"{actions} actuacions" in markup(response)


@pytest.mark.parametrize("size", [10, 200])
def test_the_plan_dashboard_runs_the_same_queries_whatever_the_plan_size(
    reader, seed_plan, size, django_assert_num_queries
):
    build_commitments(seed_plan, size)
    url = plan_url(seed_plan.previous_period)
    # 1 session, 2 user, 3 the user's groups (roles), 4 the periods with their mandate,
    # 5 the mandates, 6 the areas, 7 the previous period, 8 the statuses, 9 the levels,
    # 10 the leaves counted by top-level node, area and status (now and before), 11 the
    # first top-level nodes, 12 the figures summed by top-level node and area, 13 the
    # first leaves needing attention, 14 the first newly delayed, 15 newly favourable.
    with django_assert_num_queries(15):
        response = reader.get(url)
    assert response.status_code == 200
    assert f"{size + 1} compromisos" in markup(response)


@pytest.mark.parametrize("size", [10, 200])
def test_the_plan_builder_runs_eight_queries_whatever_the_plan_size(
    seed_plan, size, django_assert_num_queries
):
    build_commitments(seed_plan, size)
    choices = plan_choices()
    period = choices.period(seed_plan.previous_period.pk)
    previous = period.previous()
    # 1 the statuses, 2 the levels, 3 the leaves counted by top-level node, area and
    # status, 4 the first top-level nodes, 5 the figures summed by top-level node and area,
    # 6 the first leaves needing attention, 7 the first newly delayed, 8 newly favourable.
    with django_assert_num_queries(8):
        dashboard = build_plan_dashboard(period, areas=choices.areas, previous=previous)
    assert dashboard.total == size + 1
    assert dashboard.attention.total == len(
        [n for n in range(size) if (n + 6) % 4 in (1, 2)]  # pending or delayed
    )


# The service charters


def test_the_charters_dashboard_shows_the_latest_year_per_band(reader, seed_charter):
    response = reader.get(CHARTERS_URL)

    assert response.status_code == 200
    text = markup(response)
    assert "Quadre de comandament de les cartes de serveis" in text
    year = section(response, "charters-year-title")
    assert "Grau de compliment dels compromisos, 2021" in text_keeping_nbsp(year)
    # Six commitments: four met, 75 % for the cycles, none of the two refugee-table meetings.
    assert rows(year) == [
        f"Assolits 4 66,7{NBSP}%",
        f"Assolits parcialment 1 16,7{NBSP}%",
        f"No assolits 1 16,7{NBSP}%",
        f"No avaluats 0 0{NBSP}%",
    ]
    assert re.search(r'<svg [^>]*role="img"', year)
    assert rows(section(response, "charters-services-title")) == [
        "Servei de Solidaritat i Cooperació Internacional 6 "
        f"4 (66,7{NBSP}%) 1 (16,7{NBSP}%) 1 (16,7{NBSP}%) 0 (0{NBSP}%)"
    ]
    assert rows(section(response, "charters-trend-title"))[0] == (
        f"2021 6 66,7{NBSP}% 16,7{NBSP}% 16,7{NBSP}% 0{NBSP}%"
    )


def test_the_per_service_tables_show_the_first_services_and_link_to_all(reader, organisation):
    for number in range(SERVICES_SHOWN + 2):
        service = Service.objects.create(name=f"Servei {number:02d}", area=organisation[1])
        build_charters(service, 1, indicators_each=1)

    response = reader.get(CHARTERS_URL)

    services = section(response, "charters-services-title")
    assert len(rows(services)) == SERVICES_SHOWN
    assert rows(services)[0].startswith("Servei 00 ")
    link = reverse("service_charters:year_report", args=[2021])
    assert f'<a href="{link}">Vegeu-los tots ({SERVICES_SHOWN + 2})' in services
    trend = section(response, "charters-trend-title")
    assert trend.count(f'<a href="{link}">') == 1


def test_the_trend_shows_the_last_four_years_with_results(reader, organisation):
    service = Service.objects.get(name="Servei de Ciutadania")
    # Eight commitments a year, results 0, 1, 2, 3, 4, 0, 1, 2 against 4: one met, three
    # partly met, four not met. The charter is in force from April 2018.
    build_charters(service, 1, years=(2016, 2017, 2019, 2020, 2021, 2022))
    # In 2022 every built indicator meets its target.
    Measurement.objects.filter(year=2022).update(result=Decimal(4))

    response = reader.get(CHARTERS_URL)

    trend = section(response, "charters-trend-title")
    lines = rows(trend)
    assert [line.split(" ")[0] for line in lines[:4]] == ["2019", "2020", "2021", "2022"]
    assert lines[0] == f"2019 8 12,5{NBSP}% 37,5{NBSP}% 50{NBSP}% 0{NBSP}%"
    assert lines[2] == f"2021 8 12,5{NBSP}% 37,5{NBSP}% 50{NBSP}% 0{NBSP}%"
    assert lines[3] == f"2022 8 100{NBSP}% 0{NBSP}% 0{NBSP}% 0{NBSP}%"
    assert "Compromisos assolits per any" in html.unescape(trend)
    assert re.search(r'<svg [^>]*role="img"', trend)
    # Per service and year: the share met.
    assert lines[4:] == [f"Servei de Ciutadania 12,5{NBSP}% 12,5{NBSP}% 12,5{NBSP}% 100{NBSP}%"]
    # The selected year defaults to the latest with results.
    assert "Grau de compliment dels compromisos, 2022" in text_keeping_nbsp(
        section(response, "charters-year-title")
    )


def test_another_year_can_be_chosen_and_an_unknown_one_is_an_error(reader, seed_charter):
    build_charters(seed_charter.service, 1, years=(2020, 2021))

    response = reader.get(CHARTERS_URL + "?year=2020")
    assert response.status_code == 200
    assert "Grau de compliment dels compromisos, 2020" in text_keeping_nbsp(
        section(response, "charters-year-title")
    )
    assert reader.get(CHARTERS_URL + "?year=1999").status_code == 400


@pytest.mark.parametrize("count", [2, 12])
def test_the_charters_dashboard_runs_the_same_queries_whatever_the_charters(
    reader, seed_charter, count, django_assert_num_queries
):
    build_charters(seed_charter.service, count, years=(2019, 2020, 2021, 2022))
    # 1 session, 2 user, 3 the user's groups (roles), 4 the years with results,
    # 5 the commitments counted by charter, 6 those with results banded in SQL and
    # counted by year, charter and band (no commitment nor result read one by one).
    with django_assert_num_queries(6):
        response = reader.get(CHARTERS_URL)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_the_charters_builder_runs_the_same_queries_whatever_the_charters(
    seed_charter, count, django_assert_num_queries
):
    build_charters(seed_charter.service, count, years=(2019, 2020, 2021, 2022))
    # 1 the years with results, 2 the commitments counted by charter, 3 those with
    # results counted by year, charter and band.
    with django_assert_num_queries(3):
        dashboard = build_charters_dashboard()
    assert dashboard.trend_years == [2019, 2020, 2021, 2022]
    # 2022: the built charters' commitments, and the seed's six, in force with no result.
    assert dashboard.overall.total == 8 * count + 6
    assert dashboard.overall.figures[-1].count == 6


# The PLIS


def make_action(plan, code, decision=ActionDecision.VALIDATED, degrees=()):
    action = PlanAction.objects.create(
        plan=plan, code=code, title=f"Acció {code}", axis="Eix 1", line="1.1", decision=decision
    )
    for index, degree in enumerate(degrees):
        ActionImplementation.objects.create(action=action, period=f"202{index}-S1", degree=degree)
    return action


def today():
    return timezone.localdate()


@pytest.fixture
def plis_work(plis):
    """Actions of every decision and degree, the calendar, and agreements late or not."""
    plan = plis.plan
    make_action(plan, "1.1.1", degrees=[10, 30])  # latest 30: band 25-50
    make_action(plan, "1.1.2", degrees=[80, 100])  # 100: band 75-100
    make_action(plan, "1.1.3", degrees=[75])  # 75-100
    make_action(plan, "1.1.4", degrees=[0])  # 0-25
    make_action(plan, "1.1.5")  # no implementation yet
    make_action(plan, "1.2.1", ActionDecision.PROPOSED)
    make_action(plan, "1.2.2", ActionDecision.REJECTED)
    Milestone.objects.create(
        plan=plan, title="Diagnosi social", planned_on=today() - timedelta(days=90),
        done_on=today() - timedelta(days=80),
    )  # fmt: skip
    Milestone.objects.create(
        plan=plan, title="Validació de les accions", planned_on=today() - timedelta(days=10)
    )
    Milestone.objects.create(
        plan=plan, title="Aprovació inicial", planned_on=today() + timedelta(days=30)
    )
    owner = Person.objects.create(name="Ana Prova")
    meeting = Meeting.objects.create(body=plis.bodies[TRANSVERSAL], date=date(2024, 3, 12))
    Agreement.objects.create(
        meeting=meeting, text="Preparar la fitxa de l'acció 1.1.5", owner=owner,
        due=today() - timedelta(days=3),
    )  # fmt: skip
    Agreement.objects.create(
        meeting=meeting, text="Validar l'acció 1.1.1", due=today() - timedelta(days=30),
        done_on=today() - timedelta(days=40),
    )  # fmt: skip
    Agreement.objects.create(
        meeting=meeting, text="Convocar la taula", due=today() + timedelta(days=3)
    )
    return plis, meeting


def test_the_plis_dashboard_counts_actions_by_decision_and_degree(reader, plis_work):
    response = reader.get(PLIS_URL)

    assert response.status_code == 200
    assert "Quadre de comandament del PLIS" in markup(response)
    assert rows(section(response, "plis-decision-title")) == [
        f"Proposades 1 14,3{NBSP}%",
        f"Validades 5 71,4{NBSP}%",
        f"Rebutjades 1 14,3{NBSP}%",
    ]
    degree = section(response, "plis-degree-title")
    assert rows(degree) == [
        f"0-25{NBSP}% 1 20{NBSP}%",
        f"25-50{NBSP}% 1 20{NBSP}%",
        f"50-75{NBSP}% 0 0{NBSP}%",
        f"75-100{NBSP}% 2 40{NBSP}%",
        f"Sense dades d'implementació 1 20{NBSP}%",
    ]
    assert re.search(r'<svg [^>]*role="img"', degree)
    assert "Accions validades per grau d'implementació" in html.unescape(degree)
    figures = key_figures(response)
    assert figures["Accions del pla"] == "7"
    # (30 + 100 + 75 + 0) / 4 = 51,25, rounded half up to one decimal
    assert figures["Grau d'implementació mitjà"].startswith(f"51,3{NBSP}%")


def test_the_plis_dashboard_lists_what_is_late_with_links(reader, plis_work):
    _plis, meeting = plis_work
    response = reader.get(PLIS_URL)

    milestones = section(response, "plis-milestones-title")
    assert list_items(milestones) == [
        "Validació de les accions prevista el "
        f"{(today() - timedelta(days=10)).strftime('%d/%m/%Y')}"
    ]
    assert f'href="{reverse("governance:actions")}#calendar-title"' in milestones
    agreements = section(response, "plis-agreements-title")
    assert rows(agreements) == [
        "Preparar la fitxa de l'acció 1.1.5 Comissió tècnica transversal · 12/03/2024 Ana Prova "
        f"{(today() - timedelta(days=3)).strftime('%d/%m/%Y')}"
    ]
    assert f'href="{reverse("governance:meeting", args=[meeting.pk])}"' in agreements
    figures = key_figures(response)
    assert figures["Fites endarrerides"] == "1"
    assert figures["Acords endarrerits"] == "1"


def test_the_plis_dashboard_without_a_plan_says_so(reader, organisation):
    response = reader.get(PLIS_URL)

    assert response.status_code == 200
    assert "Encara no s'ha registrat cap Pla Local d'Inclusió Social." in markup(response)


@pytest.mark.parametrize("count", [3, 40])
def test_the_plis_dashboard_runs_the_same_queries_whatever_the_work(
    reader, plis, count, django_assert_num_queries
):
    areas = list(Area.objects.all())
    meeting = Meeting.objects.create(body=plis.bodies[FOLLOW_UP], date=date(2024, 3, 12))
    for number in range(count):
        action = make_action(plis.plan, f"2.{number}", degrees=[number % 101, 50])
        action.areas.set(areas[:2])
        Milestone.objects.create(
            plan=plis.plan, title=f"Fita {number}", planned_on=today() - timedelta(days=number + 1)
        )
        Agreement.objects.create(
            meeting=meeting, text=f"Acord {number}", due=today() - timedelta(days=number + 1)
        )
    # 1 session, 2 user, 3 the user's groups (roles), 4 the plan, 5 the actions counted
    # by decision, 6 the validated ones counted by degree band, 7 the first late
    # milestones, 8 the first late agreements.
    with django_assert_num_queries(8):
        response = reader.get(PLIS_URL)
    assert response.status_code == 200
    assert key_figures(response)["Acords endarrerits"] == str(count)
    # At most ten of each, then the pages that list them all.
    agreements = section(response, "plis-agreements-title")
    milestones = section(response, "plis-milestones-title")
    assert agreements.count("<tr>") == min(count, 10) + 1
    assert milestones.count("<li>") == min(count, 10)
    assert (f"Vegeu-los tots ({count}) a Reunions i acords" in agreements) is (count > 10)
    assert (f"Vegeu-les totes ({count}) al calendari" in milestones) is (count > 10)
    with django_assert_num_queries(5):
        build_plis_dashboard(today())


# Who may open them


@pytest.mark.parametrize("url", [PLAN_URL, CHARTERS_URL, PLIS_URL])
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", LOGIN),
        ("user_without_role", 403),
        ("technician_area3", 403),
        ("technician_other_area", 403),
        ("director", 200),
        ("staff", 200),
        ("administrator", 200),
    ],
)
def test_directors_staff_and_administrators_open_the_dashboards(
    persona_client, seed_plan, seed_charter, plis, url, persona, expected
):
    assert persona in PERSONAS
    response = persona_client(persona).get(url)

    assert response.status_code == expected
    if expected == LOGIN:
        assert response.url.startswith(reverse("login"))


def test_the_dashboards_link_to_one_another(reader, seed_plan):
    response = reader.get(PLAN_URL)

    nav = re.search(r'<nav class="dashboard-nav".*?</nav>', response.content.decode(), re.S)
    assert nav
    links = re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav.group(0))
    assert [(href, bool(current), label) for href, current, label in links] == [
        (PLAN_URL, True, "Pla de Mandat"),
        (CHARTERS_URL, False, "Cartes de serveis"),
        (PLIS_URL, False, "PLIS"),
    ]
