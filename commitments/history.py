"""Who changed what in a commitment's follow-up, and when, from django-simple-history.

The records are diffed in Python (`terrassa_plis.history.changes_by_record`), from one
query per model ordered by object and date. Asking each record for its predecessor
(`prev_record`, `diff_against`) would cost a query per record.

`save_entry` replaces an entry's figures whole when any of them changes, so a save
leaves a deletion and a creation record for every figure. The figures a save removed
and added are therefore netted: what it re-created unchanged is no change.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from commitments.models import Entry, Figure
from terrassa_plis.formatting import number, percent, person_name
from terrassa_plis.history import UNRECORDED, Change, changes_by_record

ENTRY_FIELDS = ["status_id", "progress", "reason", "observations", "related_information"]
FIGURE_FIELDS = ["label", "value", "unit", "women", "men"]
# A figure record this close after its entry's record, by the same person, is part of
# the same save (save_entry writes the entry, then the figures, in one transaction).
SAME_SAVE = timedelta(minutes=1)
KIND_LABELS = {"+": _("Creat"), "~": _("Modificat"), "-": _("Esborrat")}


def net_figures(
    removed: Iterable[tuple], added: Iterable[tuple]
) -> tuple[list[tuple], list[tuple]]:
    """The figures removed and added, less those removed and added again unchanged."""
    removed, added = Counter(removed), Counter(added)
    return list((removed - added).elements()), list((added - removed).elements())


@dataclass
class HistoryEvent:
    """One save, as the history section lists it."""

    date: datetime
    user: str
    period: Any
    kind: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    figures_removed: list[str] = field(default_factory=list)
    figures_added: list[str] = field(default_factory=list)


@dataclass
class _Save:
    event: HistoryEvent
    entry_id: int
    user_id: int | None
    # A creation or deletion is listed even when it changed nothing else.
    always: bool = False
    removed: list[tuple] = field(default_factory=list)
    added: list[tuple] = field(default_factory=list)

    def takes(self, record) -> bool:
        return (
            self.event.date <= record.history_date <= self.event.date + SAME_SAVE
            and record.history_user_id in (None, self.user_id)
        )


def commitment_history(node, *, entries, periods, statuses) -> list[HistoryEvent]:
    """Every recorded change of `node`'s entries and their figures, newest first.

    `entries` are the node's current entries (the records also name deleted ones);
    `periods` and `statuses` map ids of the node's mandate to objects. Two queries.
    """
    entry_records = list(
        Entry.history.filter(node_id=node.pk)
        .select_related("history_user", "updated_by")
        .order_by("id", "history_date", "history_id")
    )
    period_of_entry = {entry.pk: entry.period_id for entry in entries}
    period_of_entry.update((record.id, record.period_id) for record in entry_records)
    figure_records = list(
        Figure.history.filter(entry_id__in=period_of_entry)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )

    saves_by_entry: dict[int, list[_Save]] = {}
    for record, changes in changes_by_record(entry_records, ENTRY_FIELDS):
        user = record.history_user or record.updated_by
        event = HistoryEvent(
            date=record.history_date,
            user=person_name(user) or "—",
            period=periods.get(record.period_id),
            kind=KIND_LABELS[record.history_type],
            changes=[_entry_change(change, statuses) for change in changes],
        )
        saves_by_entry.setdefault(record.id, []).append(
            _Save(event, record.id, user.pk if user else None, always=record.history_type != "~")
        )
    for saves in saves_by_entry.values():
        saves.sort(key=lambda save: save.event.date)

    # The values before each figure record come from the id order; the saves they
    # belong to, from the date order.
    before = {}
    for previous, record in zip([None, *figure_records], figure_records, strict=False):
        if previous is not None and previous.id == record.id:
            before[record.history_id] = _figure_values(previous)
    for record in sorted(figure_records, key=lambda record: record.history_date):
        saves = saves_by_entry.setdefault(record.entry_id, [])
        save = next((save for save in reversed(saves) if save.takes(record)), None)
        if save is None:
            event = HistoryEvent(
                date=record.history_date,
                user=person_name(record.history_user) or "—",
                period=periods.get(period_of_entry.get(record.entry_id)),
                kind=_("Xifres modificades"),
            )
            save = _Save(event, record.entry_id, record.history_user_id)
            saves.append(save)
        if record.history_type == "-":
            save.removed.append(_figure_values(record))
        else:
            if record.history_id in before:
                save.removed.append(before[record.history_id])
            save.added.append(_figure_values(record))

    events = []
    for saves in saves_by_entry.values():
        for save in saves:
            removed, added = net_figures(save.removed, save.added)
            save.event.figures_removed = [_figure_text(values) for values in removed]
            save.event.figures_added = [_figure_text(values) for values in added]
            if save.always or save.event.changes or removed or added:
                events.append(save.event)
    return sorted(events, key=lambda event: event.date, reverse=True)


def _figure_values(record) -> tuple:
    return tuple(getattr(record, name) for name in FIGURE_FIELDS)


def _entry_change(change: Change, statuses) -> tuple[str, str, str]:
    if change.field == "status_id":
        label = Entry._meta.get_field("status").verbose_name

        def show(value):
            status = statuses.get(value)
            return status.label if status else "—"

    elif change.field == "progress":
        label = Entry._meta.get_field("progress").verbose_name
        show = percent
    else:
        label = Entry._meta.get_field(change.field).verbose_name

        def show(value):
            return value or "—"

    old = _("no registrat") if change.old is UNRECORDED else show(change.old)
    return str(label).capitalize(), old, show(change.new)


def _figure_text(values: tuple) -> str:
    label, value, unit, women, men = values
    text = f"{label}: {number(value)} {unit}".strip()
    split = []
    if women is not None:
        split.append(_("%(count)s dones") % {"count": number(women)})
    if men is not None:
        split.append(_("%(count)s homes") % {"count": number(men)})
    return f"{text} ({', '.join(split)})" if split else text
