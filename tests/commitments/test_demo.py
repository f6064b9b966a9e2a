"""The Mandate Plan's demo data: the 2019-2023 programme a newcomer sees, small and whole."""

import io
import time
from collections import Counter

import pytest
from django.urls import reverse

from commitments import demo
from commitments.models import Entry, Figure, Mandate, PlanNode, StatusCategory
from terrassa_plis import formatting
from tests.pages import visible_text


def load(scale="demo"):
    demo.load(scale=scale, stdout=io.StringIO())


@pytest.fixture
def programme(organisation) -> Mandate:
    load()
    return Mandate.objects.get(term="2019-2023")


def test_the_demo_holds_a_small_2019_2023_programme_objective_axis_action(programme):
    nodes = PlanNode.objects.filter(mandate=programme)
    by_depth = Counter(nodes.values_list("level__depth", flat=True))

    assert by_depth == {0: 5, 1: 7, 2: 15}
    action = nodes.get(level__depth=2, code="61.1")
    assert action.parent.code == "61" and action.parent.parent.code == "7"
    assert action.area.number == 1
    assert all(node.text.startswith(demo.DEMO_MARK) for node in nodes)
    assert all(objective.sdgs for objective in nodes.filter(level__depth=0))
    assert set(nodes.leaves().values_list("area__number", flat=True)) == {1, 2, 3, 4, 5}


def test_each_action_reports_every_semester_with_a_progress_that_only_grows(programme):
    periods = list(programme.periods.order_by("start"))
    for action in PlanNode.objects.filter(mandate=programme).leaves():
        entries = list(action.entries.order_by("period__start").select_related("status"))
        assert [entry.period for entry in entries] == periods
        progress = [entry.progress for entry in entries]
        assert progress == sorted(progress)


def test_each_status_says_what_the_progress_says(programme):
    entries = Entry.objects.filter(node__mandate=programme).select_related("status")
    for entry in entries:
        if entry.progress == 0:
            assert entry.status.category == StatusCategory.PENDING
        elif entry.progress == 100:
            assert entry.status.category == StatusCategory.COMPLETED
        else:
            assert entry.status.category == StatusCategory.ON_TRACK
    last = entries.filter(period=programme.periods.latest())
    assert {entry.status.category for entry in last} == {
        StatusCategory.PENDING,
        StatusCategory.ON_TRACK,
        StatusCategory.COMPLETED,
    }


def test_the_work_of_a_semester_under_way_comes_with_its_figure_by_women_and_men(programme):
    under_way = Entry.objects.filter(node__mandate=programme, progress__gt=0)
    figures = Figure.objects.filter(entry__in=under_way)

    assert figures.count() == under_way.count()
    for figure in figures.select_related("entry"):
        assert figure.women + figure.men == figure.value
        assert f"({figure.women:.0f} dones i {figure.men:.0f} homes)" in figure.entry.observations
    assert not Figure.objects.filter(entry__node__mandate=programme, entry__progress=0).exists()


def test_a_newcomer_finds_the_programme_s_actions_their_place_and_progress(programme, reader):
    latest = programme.periods.latest()
    action = PlanNode.objects.get(mandate=programme, code="61.2")
    entry = action.entries.get(period=latest)

    listed = visible_text(
        reader.get(reverse("commitments:list"), {"mandate": programme.pk, "period": latest.pk})
    )
    detail = visible_text(reader.get(reverse("commitments:detail", args=[action.pk])))

    assert "Pacificar els entorns escolars." in listed
    written = " ".join(f"{entry.status.label} {formatting.percent(entry.progress)}".split())
    assert f"escolars. Territori i Sostenibilitat {written}" in listed
    assert "Mobilitat sostenible i segura." in detail
    assert "Fer de Terrassa una ciutat sostenible, verda i ben connectada." in detail


def test_the_dashboard_opens_on_the_programme_s_latest_semester(programme, reader):
    text = visible_text(reader.get(reverse("publication:dashboard")))

    assert "Programa d'Actuació Municipal 2019-2023 · Primer semestre de 2023" in text


def test_loading_the_demo_twice_adds_nothing_and_stays_fast(organisation):
    started = time.monotonic()
    load()
    took = time.monotonic() - started
    counts = (PlanNode.objects.count(), Entry.objects.count(), Figure.objects.count())

    load()

    assert (PlanNode.objects.count(), Entry.objects.count(), Figure.objects.count()) == counts
    assert took < 10


def test_the_city_sized_programme_grows_from_the_demo_s_without_a_second_copy(organisation):
    load()
    demo_action = PlanNode.objects.get(mandate__term="2019-2023", code="61.1")
    demo_entries = demo_action.entries.count()

    load(scale="city")

    programme = PlanNode.objects.filter(mandate__term="2019-2023")
    assert programme.leaves().count() == 825
    assert programme.filter(level__depth=0).count() == 7
    assert programme.filter(level__depth=1).count() == 70
    assert programme.filter(code="61.1").get() == demo_action
    assert demo_action.entries.count() == demo_entries
    assert not programme.leaves().filter(entries__isnull=True).exists()


def test_a_factor_adds_top_level_items_of_the_same_size(organisation):
    demo.load(scale="city", stdout=io.StringIO(), factor=2)

    programme = PlanNode.objects.filter(mandate__term="2019-2023")
    assert programme.leaves().count() == 2 * 825
    assert programme.filter(level__depth=0).count() == 14
    plan = PlanNode.objects.filter(mandate__term="2015-2019")
    assert plan.leaves().count() == 2 * 150
    assert plan.filter(parent=None).count() == 10
    # The copies hold the 150 more commitments, 30 each as the plan's 150 over its five
    # priorities: a priority's page does not grow with the factor.
    copies = plan.filter(parent=None, text__startswith=demo.GENERATED)
    assert sorted(copies.values_list("code", flat=True)) == ["10", "6", "7", "8", "9"]
    assert [plan.filter(parent=copy).count() for copy in copies] == [30] * 5
