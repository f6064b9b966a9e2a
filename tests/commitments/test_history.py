"""The history diffing: records compared with their predecessor in Python, figures netted."""

from decimal import Decimal
from types import SimpleNamespace

from commitments.history import (
    UNRECORDED,
    Change,
    changes_by_record,
    commitment_history,
    net_figures,
)
from commitments.models import Entry, Figure, Status


def record(object_id, history_type, **values):
    return SimpleNamespace(id=object_id, history_type=history_type, **values)


def test_each_record_is_compared_with_the_previous_record_of_the_same_object():
    records = [
        record(1, "+", status_id=2, observations="a"),
        record(1, "~", status_id=3, observations="a"),
        record(1, "~", status_id=3, observations="b"),
        record(2, "+", status_id=4, observations=""),
        record(2, "-", status_id=4, observations=""),
    ]
    paired = changes_by_record(records, ["status_id", "observations"])
    assert [changes for _, changes in paired] == [
        [Change("status_id", None, 2), Change("observations", None, "a")],
        [Change("status_id", 2, 3)],
        [Change("observations", "a", "b")],
        # A creation lists only the fields that have a value.
        [Change("status_id", None, 4)],
        # A deletion changes no field.
        [],
    ]
    assert [record for record, _ in paired] == records


def test_a_first_record_that_is_not_a_creation_has_unknown_old_values():
    paired = changes_by_record(
        [record(5, "~", status_id=1, progress=None)], ["status_id", "progress"]
    )
    assert paired[0][1] == [Change("status_id", UNRECORDED, 1)]


def test_an_unchanged_save_changes_nothing():
    records = [record(1, "~", progress=Decimal("50.00")), record(1, "~", progress=Decimal("50"))]
    assert changes_by_record(records, ["progress"])[1][1] == []


def test_figures_removed_and_added_again_unchanged_are_no_change():
    kept = ("Participants", Decimal("144.00"), "persones", Decimal(121), Decimal(23))
    old = ("Tallers", Decimal(3), "tallers", None, None)
    new = ("Tallers", Decimal(4), "tallers", None, None)
    removed, added = net_figures(
        [kept, old], [new, ("Participants", Decimal(144), "persones", Decimal(121), Decimal(23))]
    )
    assert removed == [old]
    assert added == [new]


def test_two_equal_figures_net_one_by_one():
    figure = ("Sessions", Decimal(5), "sessions", None, None)
    assert net_figures([figure], [figure, figure]) == ([], [figure])


def test_a_creation_and_a_later_figure_edit_by_someone_else_are_two_events(
    seed_plan, technician_area3, administrator, django_assert_num_queries
):
    node = seed_plan.commitment_21
    period = seed_plan.previous_period
    pending = Status.objects.get(mandate=seed_plan.mandate, label="Pendent")
    entry = Entry(node=node, period=period, status=pending, observations="- 3 tallers")
    entry._history_user = technician_area3
    entry.save()
    figure = Figure(entry=entry, position=1, label="Tallers", value=3, unit="tallers")
    figure._history_user = administrator
    figure.save()
    figure.value = 4
    figure._history_user = administrator
    figure.save()

    periods = {p.pk: p for p in seed_plan.mandate.periods.all()}
    statuses = {s.pk: s for s in seed_plan.mandate.statuses.all()}
    entries = list(node.entries.all())
    # The entries' history records; their figures' history records.
    with django_assert_num_queries(2):
        events = commitment_history(node, entries=entries, periods=periods, statuses=statuses)

    figures_event, created = events
    assert created.kind == "Creat"
    assert created.user == "Marta"
    assert created.period == period
    assert ("Estat de compliment", "—", "Pendent") in created.changes
    assert ("Observacions", "—", "- 3 tallers") in created.changes
    assert figures_event.kind == "Xifres modificades"
    assert figures_event.user == "Administradora"
    # Created and changed within the same edit: only the final figure is new.
    assert figures_event.figures_added == ["Tallers: 4 tallers"]
    assert figures_event.figures_removed == []


def test_the_seed_entry_has_no_history_until_it_is_saved(seed_plan):
    node = seed_plan.commitment_21
    events = commitment_history(node, entries=[seed_plan.entry_21], periods={}, statuses={})
    assert events == []
