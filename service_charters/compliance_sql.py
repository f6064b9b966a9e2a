"""The degree of compliance of `compliance.assess`, as an SQL expression on Measurement,
so that dashboards add it up in the database instead of assessing every indicator in
Python.

It is the same rule, written in whole hundredths of a point (10000 = 100 %) so that the
database does exact integer arithmetic, not floating point: results and targets have two
decimals, so `round(x * 100)` is exact, and the half-up rounding of `assess` to 0.01
is `(2a + b) div 2b` for `a / b`. tests/service_charters/test_compliance_sql.py checks
it against `assess` for every indicator of a varied data set, boundaries included.
"""

from decimal import Decimal
from functools import lru_cache

from django.db.models import BigIntegerField, Case, CharField, F, Q, Sum, Value, When
from django.db.models.functions import Cast, Round
from django.db.models.lookups import GreaterThanOrEqual, IsNull

from service_charters.compliance import HUNDRED, Band, TargetKind, band_of_mean

# 100 % in hundredths of a point.
FULL = 10000


def _cents(field: str):
    return Cast(Round(F(field) * 100), BigIntegerField())


def compliance_hundredths():
    """The degree of compliance of a Measurement in hundredths of a point, NULL when not
    assessed: `assess(...).compliance * 100`, rule by rule."""
    result, target = _cents("result"), _cents("indicator__target_value")
    full = Value(FULL, output_field=BigIntegerField())
    return Case(
        When(
            Q(result__isnull=True) | Q(not_applicable=True),
            then=Value(None, output_field=BigIntegerField()),
        ),
        When(
            indicator__target_kind=TargetKind.YES_NO,
            then=Case(
                When(result__gte=1, then=full),
                default=Value(0, output_field=BigIntegerField()),
            ),
        ),
        # A ceiling: within the limit is 100 %, else the share of the result the
        # limit is (a result of 0 is always within it).
        When(
            indicator__target_kind=TargetKind.CEILING,
            then=Case(
                When(result__lte=F("indicator__target_value"), then=full),
                default=(2 * target * FULL + result) / (2 * result),
            ),
        ),
        # A floor: reached (or a target of 0) is 100 %, no extra credit above it.
        When(
            Q(indicator__target_value=0) | Q(result__gte=F("indicator__target_value")),
            then=full,
        ),
        default=(2 * result * FULL + target) / (2 * target),
        output_field=BigIntegerField(),
    )


def band_of_mean_in_sql(hundredths: str):
    """The band of a group of measurements (an aggregate over the group, by their degree
    annotated as `hundredths`): `compliance.band_of_mean` of the degrees assessed.

    With T the degrees' sum and c their count, the mean rounded half up to 0.01 % is
    `(2T + c) div 2c` hundredths: it reaches 10000 (met) when 2T - 19999c >= 0 and 5000
    (partly met) when 2T - 9999c >= 0. Each is one sum (of 2h - 19999, of 2h - 9999)
    over the assessed, NULL when none is: integers compared, nothing divided.
    """

    def over(hundredths_reached: int):
        return Sum(2 * F(hundredths) - (2 * hundredths_reached - 1))

    zero = Value(0)
    return Case(
        When(IsNull(over(FULL), True), then=Value(Band.NOT_ASSESSED.value)),
        When(GreaterThanOrEqual(over(FULL), zero), then=Value(Band.MET.value)),
        When(GreaterThanOrEqual(over(FULL // 2), zero), then=Value(Band.PARTLY_MET.value)),
        default=Value(Band.NOT_MET.value),
        output_field=CharField(),
    )


def as_percentage(hundredths: int) -> Decimal:
    """Hundredths of a point as `assess` gives the degree: a Decimal such as 87.50."""
    return (Decimal(hundredths) / HUNDRED).quantize(Decimal("0.01"))


@lru_cache(maxsize=4096)
def band_of_hundredths(total: int | None, assessed: int) -> Band:
    """The band of a charter commitment whose `assessed` indicators add up to `total`
    hundredths of a point: the rules module's (`compliance.band_of_mean`)."""
    return band_of_mean(as_percentage(total or 0), assessed)
