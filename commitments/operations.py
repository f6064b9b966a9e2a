"""Operations that change the Mandate Plan's data: one function each, one transaction each."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from commitments.models import Entry, Figure, PlanNode, ReportingPeriod, Status
from terrassa_plis.concurrency import EditConflict, claim_version, last_saved

__all__ = ["EditConflict", "EntryData", "FigureData", "PeriodClosed", "save_entry"]


class PeriodClosed(Exception):
    """The period is no longer open for entry."""


@dataclass(frozen=True)
class FigureData:
    label: str
    value: Decimal
    unit: str = ""
    women: Decimal | None = None
    men: Decimal | None = None


@dataclass(frozen=True)
class EntryData:
    status: Status
    progress: Decimal | None
    reason: str
    observations: str
    related_information: str
    figures: tuple[FigureData, ...]


@transaction.atomic
def save_entry(
    node: PlanNode,
    period: ReportingPeriod,
    data: EntryData,
    *,
    base_version: int | None,
    acting_user,
) -> Entry:
    """Create or update the entry of `node` for `period`.

    `base_version` is the version the user's form started from (None for a new
    entry). If the entry changed since, nothing is saved and `EditConflict`
    carries the current entry, so the user can compare and keep their text.
    """
    # The period as it is now, not as the caller read it: closing it while a form is
    # being saved must win. The row lock holds off a closing that starts meanwhile.
    if not ReportingPeriod.objects.select_for_update().filter(pk=period.pk, is_open=True).exists():
        raise PeriodClosed
    if base_version is None:
        entry = Entry(node=node, period=period)
        try:
            with transaction.atomic():
                _fill(entry, data, acting_user)
                entry.save()
        except IntegrityError:
            raise _conflict(Entry.objects.get(node=node, period=period)) from None
    else:
        # Claim the version in one conditional UPDATE: of two concurrent saves
        # started from the same version, exactly one matches.
        if not claim_version(Entry.objects.filter(node=node, period=period), base_version):
            current = Entry.objects.filter(node=node, period=period).first()
            if current is None:
                return save_entry(node, period, data, base_version=None, acting_user=acting_user)
            raise _conflict(current)
        entry = Entry.objects.get(node=node, period=period)
        _fill(entry, data, acting_user)
        entry.save()
    _replace_figures(entry, data.figures, acting_user)
    return entry


def _conflict(current: Entry) -> EditConflict:
    return EditConflict(current, saver=last_saved(current))


def _fill(entry: Entry, data: EntryData, acting_user) -> None:
    entry.status = data.status
    entry.progress = data.progress
    entry.reason = data.reason.strip() if data.status.requires_reason else ""
    entry.observations = data.observations.strip()
    entry.related_information = data.related_information.strip()
    entry.updated_by = acting_user
    # The history's author is the acting user, also outside a request (commands, tests).
    entry._history_user = acting_user
    entry._change_reason = None


def _replace_figures(entry: Entry, figures: tuple[FigureData, ...], acting_user) -> None:
    existing = list(entry.figures.all())
    current = [FigureData(f.label, f.value, f.unit, f.women, f.men) for f in existing]
    if current == list(figures):
        return
    # One by one, so each deletion's history record names the acting user too.
    for old in existing:
        old._history_user = acting_user
        old.delete()
    for position, figure in enumerate(figures, start=1):
        new = Figure(
            entry=entry,
            position=position,
            label=figure.label,
            value=figure.value,
            unit=figure.unit,
            women=figure.women,
            men=figure.men,
        )
        new._history_user = acting_user
        new.save()
