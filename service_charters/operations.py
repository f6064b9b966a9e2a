"""Operations that change a charter's data: one function each, one transaction each."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from service_charters.models import Charter, Indicator, Measurement
from terrassa_plis.concurrency import EditConflict, claim_version

__all__ = ["EditConflict", "ResultData", "save_results"]


@dataclass(frozen=True)
class ResultData:
    """What the user typed for one indicator's yearly result."""

    indicator: Indicator
    base_version: int | None
    """The measurement's version the page was opened with; None if it had none yet."""
    result: Decimal | None
    not_applicable: bool = False
    not_applicable_reason: str = ""
    observations: str = ""
    shortfall_causes: str = ""
    improvement_actions: str = ""
    improvement_due: date | None = None


@transaction.atomic
def save_results(
    charter: Charter, year: int, rows: list[ResultData], *, acting_user
) -> list[Measurement]:
    """Create or update the `year` measurement of each row's indicator, all or nothing.

    Each measurement is locked optimistically: a row whose `base_version` is no longer
    the saved one (or that expects no measurement where one now exists) is a conflict.
    If any row conflicts nothing is saved and `EditConflict` carries the current
    measurements of the conflicting indicators.
    """
    if not rows:
        return []
    indicator_ids = [row.indicator.pk for row in rows]
    if len(set(indicator_ids)) != len(indicator_ids):
        raise ValueError("Each indicator may appear only once.")
    own = set(
        Indicator.objects.of_charter(charter)
        .filter(pk__in=indicator_ids)
        .values_list("pk", flat=True)
    )
    if own != set(indicator_ids):
        raise ValueError("Every indicator must belong to the charter.")

    to_create: list[ResultData] = []
    claimed: list[ResultData] = []
    for row in rows:
        if row.base_version is None:
            to_create.append(row)
            continue
        # Claim the version in one conditional UPDATE: of two concurrent saves
        # started from the same version, exactly one matches.
        if claim_version(
            Measurement.objects.filter(indicator=row.indicator, year=year), row.base_version
        ):
            claimed.append(row)
        else:
            # Either someone saved it since, or it was deleted: the latter is a new one.
            to_create.append(row)
    existing = {
        m.indicator_id: m
        for m in Measurement.objects.filter(
            indicator_id__in=indicator_ids, year=year
        ).select_related("updated_by")
    }
    conflicting = [row.indicator.pk for row in to_create if row.indicator.pk in existing]
    if conflicting:
        _raise_conflict(conflicting, existing)

    saved: dict[int, Measurement] = {}
    for row in claimed:
        measurement = existing[row.indicator.pk]
        _fill(measurement, row, acting_user)
        measurement.save()
        saved[row.indicator.pk] = measurement
    for row in to_create:
        measurement = Measurement(indicator=row.indicator, year=year)
        _fill(measurement, row, acting_user)
        try:
            with transaction.atomic():
                measurement.save()
        except IntegrityError:
            # Created by someone else between our check and this insert.
            conflicting.append(row.indicator.pk)
            continue
        saved[row.indicator.pk] = measurement
    if conflicting:
        current = {
            m.indicator_id: m
            for m in Measurement.objects.filter(
                indicator_id__in=conflicting, year=year
            ).select_related("updated_by")
        }
        _raise_conflict(conflicting, current)
    return [saved[pk] for pk in indicator_ids]


def _raise_conflict(indicator_ids: list[int], current: dict[int, Measurement]):
    # Raising inside the transaction also undoes the versions claimed for the other rows.
    # `current` is every measurement that conflicted (with `updated_by` loaded): the page
    # words who saved which.
    raise EditConflict([current[pk] for pk in indicator_ids if pk in current])


def _text(value: str) -> str:
    # Browsers send textarea line breaks as CRLF; store them the way the seed and imports do.
    return value.replace("\r\n", "\n").strip()


def _fill(measurement: Measurement, row: ResultData, acting_user) -> None:
    measurement.not_applicable = row.not_applicable
    # A not-applicable indicator has no result, so the two can never disagree in a report.
    measurement.result = None if row.not_applicable else row.result
    measurement.not_applicable_reason = (
        _text(row.not_applicable_reason) if row.not_applicable else ""
    )
    measurement.observations = _text(row.observations)
    measurement.shortfall_causes = _text(row.shortfall_causes)
    measurement.improvement_actions = _text(row.improvement_actions)
    measurement.improvement_due = row.improvement_due
    measurement.updated_by = acting_user
    # The history's author is the acting user, also outside a request (commands, tests).
    measurement._history_user = acting_user
    measurement._change_reason = None
    measurement.clean()
