"""The plan dashboard's figures as a director reads them: cards named for exactly what
they count, and the entries' figures summed by area and by priority."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from commitments.dashboard import build_plan_dashboard
from commitments.figures import totals_of
from commitments.models import Entry, Figure, PlanNode, ReportingPeriod
from commitments.plan_choices import plan_choices
from tests.commitments.conftest import build_commitments
from tests.pages import markup, section, text_keeping_nbsp

NBSP = "\u00a0"
DASHBOARD_URL = reverse("publication:dashboard")


def key_figures(response) -> dict[str, str]:
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", markup(response), re.S)
    return {text_keeping_nbsp(term): text_keeping_nbsp(value) for term, value in pairs}


@pytest.fixture
def actions_in_progress(seed_plan):
    """Two 2019-2023 actions, «No iniciada» in the first semester of 2021 and «En
    execució» in the second: none finished."""
    mandate = seed_plan.mandate_2019_2023
    levels = {level.depth: level for level in mandate.levels.all()}
    period = ReportingPeriod.objects.get(mandate=mandate, label="Segon semestre de 2021")
    before = ReportingPeriod.objects.get(mandate=mandate, label="Primer semestre de 2021")
    statuses = {status.label: status for status in mandate.statuses.all()}
    objective = PlanNode.objects.create(mandate=mandate, level=levels[0], code="1", text="Cuida")
    axis = PlanNode.objects.create(
        mandate=mandate, level=levels[1], parent=objective, code="61", text="Acollida"
    )
    for code in ("61.1", "61.2"):
        action = PlanNode.objects.create(
            mandate=mandate,
            level=levels[2],
            parent=axis,
            code=code,
            text=f"Actuació {code}",
            area=seed_plan.commitment_21.area,
        )
        Entry.objects.create(
            node=action, period=period, status=statuses["En execució"], progress=Decimal(30)
        )
        Entry.objects.create(node=action, period=before, status=statuses["No iniciada"])
    return period


def test_actions_moving_on_track_are_not_counted_as_completed(reader, actions_in_progress):
    response = reader.get(DASHBOARD_URL, {"period": actions_in_progress.pk})

    figures = key_figures(response)
    assert figures["Nous completats o dins les previsions"].startswith("2 ")
    assert figures["Nous completats"].startswith("0 ")
    completed = text_keeping_nbsp(section(response, "dashboard-newly-completed"))
    assert completed.startswith("Nous completats 0")
    assert "Cap de nou." in completed


def test_a_finished_action_is_newly_completed(reader, actions_in_progress):
    finished = actions_in_progress.mandate.statuses.get(label="Finalitzada")
    Entry.objects.filter(period=actions_in_progress, node__code="61.2").update(status=finished)

    figures = key_figures(reader.get(DASHBOARD_URL, {"period": actions_in_progress.pk}))

    assert figures["Nous completats"].startswith("1 ")
    assert figures["Nous completats o dins les previsions"].startswith("2 ")


def test_a_plan_without_a_completed_status_has_no_completed_card(reader, seed_plan):
    """2015-2019's favourable status is «Completat o en execució dins les previsions»."""
    figures = key_figures(reader.get(DASHBOARD_URL))

    assert figures["Nous completats o dins les previsions"].startswith("1 ")
    assert "Nous completats" not in figures


@pytest.mark.parametrize("size", [10, 120])
def test_the_figure_totals_are_the_sums_of_the_entries_figures(
    seed_plan, organisation, size, django_assert_num_queries
):
    build_commitments(seed_plan, size, areas=[organisation[1], organisation[3]])
    # A figure without a split (hours) counts in no total.
    entry = Entry.objects.filter(period=seed_plan.previous_period).first()
    Figure.objects.create(entry=entry, position=9, label="Hores", value=37, unit="hores")
    choices = plan_choices()
    period = choices.period(seed_plan.previous_period.pk)
    previous = period.previous()

    # 1 the statuses, 2 the levels, 3 the leaves counted by top-level node, area and
    # status, 4 the first top-level nodes, 5 the figures summed by top-level node and area,
    # 6 the first leaves needing attention, 7 the first newly delayed, 8 newly favourable.
    with django_assert_num_queries(8):
        dashboard = build_plan_dashboard(period, areas=choices.areas, previous=previous)

    figures = Figure.objects.filter(entry__period=period)
    expected = totals_of(figures.exclude(women=None, men=None))
    assert expected.count == 2 * size  # every built commitment's two figures
    assert dashboard.figures == expected
    assert dashboard.figures.total == sum(f.value for f in figures if f.women is not None)
    for row in dashboard.by_area.rows:
        assert row.figures == totals_of(figures.filter(entry__node__area=row.area))
    for row in dashboard.by_top_node.rows:
        under = figures.filter(entry__node__path__startswith=f"{row.node.path}/")
        assert row.figures == totals_of(under)
    assert sum(row.figures.total for row in dashboard.by_top_node.rows) == expected.total


def test_the_dashboard_shows_the_totals_by_priority_and_area_with_the_women_s_share(
    reader, seed_plan
):
    response = reader.get(DASHBOARD_URL)

    totals = section(response, "dashboard-figures-totals-title")
    rows = [
        text_keeping_nbsp(row)
        for body in re.findall(r"<tbody>(.*?)</tbody>", totals, re.S)
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]
    # Commitment 21's figures with a split: 144 (121 + 23) and 230 (175 + 55).
    assert rows == [
        f"Prioritat 2 374 296 78 79,1{NBSP}%",
        f"3. Drets Socials i Serveis a les Persones 374 296 78 79,1{NBSP}%",
    ]


def expected_first_leaves(period, previous, categories_in_order, *, newly=False):
    """The first ten leaves of a dashboard list, worked out from every entry in Python:
    in the categories' order, then in plan order (newly: in plan order, of those not in
    the categories the period before)."""
    before = {
        entry.node_id: entry.status.category
        for entry in Entry.objects.filter(period=previous).select_related("status")
    }
    wanted = set(categories_in_order)
    leaves = [
        entry
        for entry in Entry.objects.filter(period=period, node__is_leaf=True).select_related(
            "status", "node"
        )
        if entry.status.category in wanted
        and (not newly or before.get(entry.node_id) not in wanted)
    ]
    leaves.sort(
        key=lambda entry: (
            0 if newly else categories_in_order.index(entry.status.category),
            entry.node.path,
        )
    )
    return [entry.node.code for entry in leaves[:10]]


def test_the_lists_show_the_first_ten_in_order_of_every_leaf(seed_plan, organisation):
    build_commitments(seed_plan, 100, areas=[organisation[3], organisation[1]])
    choices = plan_choices()
    period = choices.period(seed_plan.previous_period.pk)
    previous = period.previous()

    dashboard = build_plan_dashboard(period, areas=choices.areas, previous=previous)

    assert [leaf.node.code for leaf in dashboard.attention.shown] == expected_first_leaves(
        period, previous, ["delayed", "pending"]
    )
    assert dashboard.attention.total > 10
    changes = dashboard.changes
    assert [leaf.node.code for leaf in changes.newly_delayed.shown] == expected_first_leaves(
        period, previous, ["delayed"], newly=True
    )
    assert [leaf.node.code for leaf in changes.newly_favourable.shown] == expected_first_leaves(
        period, previous, ["completed", "on_track"], newly=True
    )


def test_a_list_counted_empty_is_not_queried(actions_in_progress, django_assert_num_queries):
    choices = plan_choices()
    period = choices.period(actions_in_progress.pk)
    previous = period.previous()
    # 1 the statuses, 2 the levels, 3 the leaves counted, 4 the first top-level nodes,
    # 5 the figures summed, 6 the first newly favourable: nothing needs attention, nothing
    # is newly delayed nor newly completed, so those lists are not queried.
    with django_assert_num_queries(6):
        dashboard = build_plan_dashboard(period, areas=choices.areas, previous=previous)

    assert dashboard.attention.total == 0 and dashboard.attention.shown == []
    assert dashboard.changes.newly_completed.total == 0
    assert [leaf.node.code for leaf in dashboard.changes.newly_favourable.shown] == [
        "61.1",
        "61.2",
    ]
