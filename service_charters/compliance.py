"""The degree of compliance (grau de compliment) of a service charter's indicators.

One set of rules for every charter, so that two services reporting the same figures get
the same percentage. Plain Python on purpose: the models, the reports and the open-data
exports all call it, and the rules can be tested without a database.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


class TargetKind(StrEnum):
    FLOOR = "floor"
    """At least N: a count or a percentage to reach."""
    CEILING = "ceiling"
    """At most N: a waiting time or a number of days not to exceed."""
    YES_NO = "yes_no"
    """Done or not done, with 1 meaning done."""


class Band(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True)
class Assessment:
    difference: Decimal | None
    """Result minus target, signed; None when not assessed."""
    compliance: Decimal | None
    """A percentage from 0 to 100; None means "no avaluat"."""

    @property
    def band(self) -> Band:
        if self.compliance is None:
            return Band.NOT_ASSESSED
        if self.compliance >= HUNDRED:
            return Band.MET
        if self.compliance >= 50:
            return Band.PARTLY_MET
        return Band.NOT_MET


NOT_ASSESSED = Assessment(difference=None, compliance=None)


def _check(value: Decimal, what: str) -> None:
    if not value.is_finite():
        raise ValueError(f"{what} ha de ser un nombre ({value}).")
    if value < 0:
        raise ValueError(f"{what} no pot ser negatiu ({value}).")


def _percentage(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def assess(
    kind: TargetKind, target: Decimal, result: Decimal | None, *, not_applicable: bool = False
) -> Assessment:
    """How far a yearly result reaches its target."""
    _check(target, "L'objectiu")
    if result is not None:
        _check(result, "El resultat")
    if result is None or not_applicable:
        return NOT_ASSESSED

    difference = result - target
    if kind == TargetKind.YES_NO:
        compliance = HUNDRED if result >= 1 else Decimal(0)
    elif kind == TargetKind.CEILING:
        # A result of 0 is always within the limit, so the division never sees a zero.
        compliance = HUNDRED if result <= target else target / result * HUNDRED
    else:
        # Overshooting a floor is not extra credit: compliance is capped at 100.
        compliance = HUNDRED if target == 0 else min(result / target * HUNDRED, HUNDRED)
    return Assessment(difference=difference, compliance=_percentage(compliance))


def average_compliance(assessments: Iterable[Assessment]) -> Decimal | None:
    """The mean compliance of the assessed indicators only.

    An indicator that was not assessed says nothing about how the service did, so it is left
    out rather than counted as 0.
    """
    assessed = [a.compliance for a in assessments if a.compliance is not None]
    return mean_compliance(sum(assessed, Decimal(0)), len(assessed))


def mean_compliance(total: Decimal, count: int) -> Decimal | None:
    """The mean of `count` degrees of compliance that add up to `total`, rounded as each
    one is; None for none (not assessed)."""
    if not count:
        return None
    return _percentage(total / count)


def band_of_mean(total: Decimal, count: int) -> Band:
    """The band of a group of indicators (a charter commitment) from the sum and the count
    of their assessed degrees of compliance: the band of their mean."""
    return Assessment(difference=None, compliance=mean_compliance(total, count)).band


def band_counts(assessments: Iterable[Assessment]) -> dict[str, int]:
    """How many indicators fall in each band; every band is present, even with 0."""
    counted = Counter(a.band for a in assessments)
    return {band: counted[band] for band in Band}


def band_shares(assessments: Iterable[Assessment]) -> dict[str, Decimal]:
    """Each band as a percentage of all indicators, not assessed included, to 0.1.

    Shares are rounded one by one, as the published charters print them, so they may add
    up to 99.9 or 100.1.
    """
    return shares_of_counts(band_counts(assessments))


def shares_of_counts(counts: dict[str, int]) -> dict[str, Decimal]:
    """`band_shares` from the counts of each band (`band_counts`)."""
    total = sum(counts.values())
    if total == 0:
        return {band: Decimal("0.0") for band in counts}
    return {
        band: (Decimal(count) * HUNDRED / total).quantize(_TENTH, rounding=ROUND_HALF_UP)
        for band, count in counts.items()
    }
