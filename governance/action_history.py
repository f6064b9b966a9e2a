"""An action's history as its page shows it: who saved it, when, why, and what each
save changed (django-simple-history, diffed by `terrassa_plis.history`)."""

from dataclasses import replace
from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from governance.models import ActionImplementation, Area, PlanAction
from terrassa_plis import history
from terrassa_plis.formatting import semester

ACTION_FIELDS = [
    "code",
    "title",
    "proposed_by",
    "decision",
    "decided_on",
    "decision_reason",
    "axis",
    "line",
]
ACTION_EVENTS = {"+": _("Acció creada"), "~": _("Acció modificada"), "-": _("Acció esborrada")}
HISTORY_LINES = 10
IMPLEMENTATION_FIELDS = ["degree", "observations"]
IMPLEMENTATION_EVENT = _("Implementació %(period)s")
# An implementation record this close to the action's record, by the same person, is
# part of the same save (record_implementation writes both in one transaction).
SAME_SAVE = timedelta(minutes=1)


def action_history(action: PlanAction, limit: int = HISTORY_LINES) -> list[history.HistoryEvent]:
    """The action's latest `limit` saves, newest first, with their responsible areas: each
    says what it was (the reason the operation gave, «Decisió: Validada el 12/03/2024», or
    else «Acció modificada») and each field it changed, before → after.

    Two queries: the latest `limit` + 1 records (the oldest only to compare the next one
    with) with their users, and the areas each record kept (simple-history's m2m
    records), diffed here rather than asking each record for its predecessor.
    """
    records = list(
        action.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    # simple-history keeps, with each record of the action, the areas it had then: one
    # row per area in this model (what `record.areas.all()` reads, a query per record).
    area_history = PlanAction.history.model.areas.model
    names: dict[int, list[Area]] = {record.history_id: [] for record in records}
    for row in area_history.objects.filter(history_id__in=names).select_related("area"):
        if row.area is not None:
            names[row.history_id].append(row.area)
    for record in records:
        areas = sorted(names[record.history_id], key=lambda area: (area.number, area.pk))
        record.area_names = tuple(str(area) for area in areas)

    fields = [
        *history.model_fields(PlanAction, ACTION_FIELDS),
        history.Field(
            "area_names", history.capitalised(PlanAction._meta.get_field("areas").verbose_name)
        ),
    ]
    rows = history.history_rows(
        records,
        fields,
        keep_unchanged=True,
    )
    if len(records) > limit:
        # The oldest record read is only there to compare the next one with.
        base = records[-1]
        rows = [row for row in rows if row.record is not base]
    events = [
        replace(row, summary=row.record.history_change_reason or str(ACTION_EVENTS[row.kind]))
        for row in rows[:limit]
    ]
    return _with_implementation(action, events, limit)


def _with_implementation(action, events, limit):
    """The events with what each save of an implementation entry changed (its degree, its
    observations, before → after): in the action's event of the same save when it is
    listed, else as an event of its own. One query."""
    records = ActionImplementation.history.filter(action_id=action.pk).select_related(
        "history_user"
    )
    rows = history.history_rows(
        records,
        history.model_fields(ActionImplementation, IMPLEMENTATION_FIELDS),
    )
    events = list(events)
    for row in rows:
        same_save = next(
            (
                index
                for index, event in enumerate(events)
                # Saved outside a request, the entry's record names no one.
                if (event.who == row.who or row.record.history_user_id is None)
                and abs(event.when - row.when) <= SAME_SAVE
                and not event.changes
            ),
            None,
        )
        if same_save is not None:
            events[same_save] = replace(events[same_save], changes=row.changes)
        else:
            summary = IMPLEMENTATION_EVENT % {"period": semester(row.record.period)}
            events.append(replace(row, summary=f"{summary} · {row.summary}"))
    events.sort(key=lambda event: event.when, reverse=True)
    return events[:limit]
