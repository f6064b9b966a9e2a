"""The history diffing: records compared with their predecessor in Python, figures netted."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from commitments.history import commitment_history, net_figures
from commitments.models import Entry, Figure, Status
from terrassa_plis.history import Field, FieldChange, FieldValue, history_rows

FIELDS = [Field("status_id", "Estat"), Field("observations", "Observacions")]


def record(object_id, history_id, history_type, **values):
    return SimpleNamespace(
        id=object_id,
        history_id=history_id,
        history_type=history_type,
        history_date=timezone.now() + timedelta(seconds=history_id),
        **values,
    )


def changes_of(records, fields=FIELDS):
    """Each record's changes, oldest first, as the one history engine finds them."""
    events = history_rows(records, fields, who=lambda record: "", keep_unchanged=True)
    return [(event.record, event.changes) for event in reversed(events)]


def test_each_record_is_compared_with_the_previous_record_of_the_same_object():
    records = [
        record(1, 1, "+", status_id=2, observations="a"),
        record(1, 2, "~", status_id=3, observations="a"),
        record(1, 3, "~", status_id=3, observations="b"),
        record(2, 4, "+", status_id=4, observations=""),
        record(2, 5, "-", status_id=4, observations=""),
    ]
    paired = changes_of(records)
    assert [changes for _, changes in paired] == [
        [FieldChange("Estat", "—", "2"), FieldChange("Observacions", "—", "a")],
        [FieldChange("Estat", "2", "3")],
        [FieldChange("Observacions", "a", "b")],
        # A creation lists only the fields that have a value.
        [FieldChange("Estat", "—", "4")],
        # A deletion lists what the object had (the commitment's history leaves it out:
        # its figures say what the deletion removed).
        [FieldChange("Estat", "4", "—")],
    ]
    assert [record for record, _ in paired] == records


def test_a_first_record_that_is_not_a_creation_has_unknown_old_values():
    paired = changes_of(
        [record(5, 1, "~", status_id=1, progress=None)],
        [Field("status_id", "Estat"), Field("progress", "Percentatge")],
    )
    assert paired[0][1] == [FieldChange("Estat", "no registrat", "1")]


def test_an_unchanged_save_changes_nothing():
    records = [
        record(1, 1, "~", progress=Decimal("50.00")),
        record(1, 2, "~", progress=Decimal("50")),
    ]
    assert changes_of(records, [Field("progress", "Percentatge")])[1][1] == []


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
    # The entries' history records; their figures' history records; the node's own.
    with django_assert_num_queries(3):
        events = commitment_history(node, entries=entries, periods=periods, statuses=statuses)

    figures_event, created = events
    assert created.kind == "+" and created.summary == "Creat"
    assert created.who == "Marta"
    assert created.subject == period.label
    assert ("Estat de compliment", "—", "Pendent") in created.changes
    assert ("Observacions", "—", "- 3 tallers") in created.changes
    assert figures_event.summary == "Xifres modificades"
    assert figures_event.who == "Administradora"
    # Created and changed within the same edit: only the final figure is new, and none
    # is removed.
    assert figures_event.values == [FieldValue("Xifra afegida", "Tallers: 4 tallers")]


def test_the_seed_entry_has_no_history_until_it_is_saved(seed_plan):
    node = seed_plan.commitment_21
    events = commitment_history(node, entries=[seed_plan.entry_21], periods={}, statuses={})
    assert events == []
