"""Who changed what in a commitment and its follow-up, and when, from django-simple-history.

The entries' records are diffed by the one history engine
(`terrassa_plis.history.history_rows`), from one query per model; each save becomes the
one event shape every page's history shows (`HistoryEvent`), of its semester.

`save_entry` replaces an entry's figures whole when any of them changes, so a save
leaves a deletion and a creation record for every figure. The figures a save removed
and added are therefore netted: what it re-created unchanged is no change.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from commitments.figures import labelled_figure_text
from commitments.models import Entry, Figure, PlanNode
from terrassa_plis import history
from terrassa_plis.formatting import percent, person_name
from terrassa_plis.history import FieldChange, FieldValue, HistoryEvent

ENTRY_FIELDS = ["status", "progress", "reason", "observations", "related_information"]
# What the plan says of the commitment itself: edited in the admin and by `import_plan`.
NODE_FIELDS = ["code", "parent", "text", "area", "service", "sdgs"]
FIGURE_FIELDS = ["label", "value", "unit", "women", "men"]
# A figure record this close after its entry's record, by the same person, is part of
# the same save (save_entry writes the entry, then the figures, in one transaction).
SAME_SAVE = timedelta(minutes=1)
# A long text (observations) shows its beginning in the history.
SHOWN_CHARACTERS = 200
FIGURES_CHANGED = _("Xifres modificades")
FIGURE_REMOVED = _("Xifra eliminada")
FIGURE_ADDED = _("Xifra afegida")


def net_figures(
    removed: Iterable[tuple], added: Iterable[tuple]
) -> tuple[list[tuple], list[tuple]]:
    """The figures removed and added, less those removed and added again unchanged."""
    removed, added = Counter(removed), Counter(added)
    return list((removed - added).elements()), list((added - removed).elements())


@dataclass
class _Save:
    """One save of an entry, gathered from its entry record (if any) and the figure
    records written with it."""

    when: datetime
    who: str
    user_id: int | None
    subject: str
    kind: str
    summary: str
    record: Any
    changes: list[FieldChange] = field(default_factory=list)
    # A creation or deletion is listed even when it changed nothing else.
    always: bool = False
    removed: list[tuple] = field(default_factory=list)
    added: list[tuple] = field(default_factory=list)

    def takes(self, record) -> bool:
        return (
            self.when <= record.history_date <= self.when + SAME_SAVE
            and record.history_user_id in (None, self.user_id)
        )

    def event(self) -> HistoryEvent | None:
        """The save as the history lists it; None if it changed nothing."""
        removed, added = net_figures(self.removed, self.added)
        if not (self.always or self.changes or removed or added):
            return None
        return HistoryEvent(
            when=self.when,
            who=self.who,
            kind=self.kind,
            summary=self.summary,
            changes=self.changes,
            values=[FieldValue(str(FIGURE_REMOVED), _figure_text(values)) for values in removed]
            + [FieldValue(str(FIGURE_ADDED), _figure_text(values)) for values in added],
            subject=self.subject,
            record=self.record,
        )


def commitment_history(node, *, entries, periods, statuses) -> list[HistoryEvent]:
    """Every recorded change of `node` itself (its text, area…: subject «Element del pla»,
    and the import's file, if any, in the summary) and of its entries and their figures,
    each of its semester (the event's subject), newest first.

    `entries` are the node's current entries (the records also name deleted ones);
    `periods` and `statuses` map ids of the node's mandate to objects. Three queries.
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

    def semester(period_id) -> str:
        period = periods.get(period_id)
        return period.label if period is not None else history.EMPTY

    rows = history.history_rows(
        entry_records,
        _entry_fields(statuses),
        who=lambda record: person_name(record.history_user or record.updated_by),
        keep_unchanged=True,
    )
    saves_by_entry: dict[int, list[_Save]] = {}
    for row in sorted(rows, key=lambda row: (row.record.id, row.when, row.record.history_id)):
        user = row.record.history_user or row.record.updated_by
        saves_by_entry.setdefault(row.record.id, []).append(
            _Save(
                when=row.when,
                who=row.who,
                user_id=user.pk if user else None,
                subject=semester(row.record.period_id),
                kind=row.kind,
                summary=row.summary,
                record=row.record,
                # A deletion names its semester; its figures say what it removed.
                changes=[] if row.kind == "-" else [_shortened(change) for change in row.changes],
                always=row.kind != "~",
            )
        )
    for saves in saves_by_entry.values():
        saves.sort(key=lambda save: save.when)

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
            save = _Save(
                when=record.history_date,
                who=person_name(record.history_user) or history.EMPTY,
                user_id=record.history_user_id,
                subject=semester(period_of_entry.get(record.entry_id)),
                kind="~",
                summary=str(FIGURES_CHANGED),
                record=record,
            )
            saves.append(save)
        if record.history_type == "-":
            save.removed.append(_figure_values(record))
        else:
            if record.history_id in before:
                save.removed.append(before[record.history_id])
            save.added.append(_figure_values(record))

    events = [
        event
        for saves in saves_by_entry.values()
        for event in (save.event() for save in saves)
        if event is not None
    ]
    events += _node_events(node)
    return sorted(events, key=lambda event: event.when, reverse=True)


def _node_events(node) -> list[HistoryEvent]:
    """The saves of the node itself, each summarised by its kind and, for an import, the
    file it came from (the record's reason). One query."""
    records = PlanNode.history.filter(id=node.pk).select_related(
        "history_user", "parent__level", "area", "service"
    )
    subject = history.capitalised(PlanNode._meta.verbose_name)
    return [
        replace(
            row,
            subject=subject,
            summary=f"{row.summary} · {row.record.history_change_reason}"
            if row.record.history_change_reason
            else row.summary,
            changes=[_shortened(change) for change in row.changes],
        )
        for row in history.history_rows(
            records,
            history.model_fields(PlanNode, NODE_FIELDS),
        )
    ]


def _entry_fields(statuses) -> list[history.Field]:
    """The entry's fields as its history compares and shows them: the status by the
    mandate's labels (no query), the progress as a percentage."""

    def status(record) -> str:
        found = statuses.get(record.status_id)
        return found.label if found else history.EMPTY

    return history.model_fields(
        Entry, ENTRY_FIELDS, status=status, progress=lambda record: percent(record.progress)
    )


def _shortened(change: FieldChange) -> FieldChange:
    def shorten(text: str) -> str:
        return Truncator(text).chars(SHOWN_CHARACTERS)

    return FieldChange(change.label, shorten(change.before), shorten(change.after))


def _figure_values(record) -> tuple:
    return tuple(getattr(record, name) for name in FIGURE_FIELDS)


def _figure_text(values: tuple) -> str:
    """A figure as the balance prints it (`commitments.figures`)."""
    label, value, unit, women, men = values
    return labelled_figure_text(label, value, unit, women, men)
