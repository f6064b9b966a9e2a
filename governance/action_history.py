"""An action's history as its page shows it: who saved it, when, why, and what each
save changed (django-simple-history, diffed by `terrassa_plis.history`)."""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from governance.models import Area, PlanAction
from terrassa_plis import history
from terrassa_plis.formatting import person_name

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
        who=lambda record: person_name(record.history_user),
        keep_unchanged=True,
    )
    if len(records) > limit:
        # The oldest record read is only there to compare the next one with.
        base = records[-1]
        rows = [row for row in rows if row.record is not base]
    return [
        replace(row, summary=row.record.history_change_reason or str(ACTION_EVENTS[row.kind]))
        for row in rows[:limit]
    ]
