"""The service charters' part of the site's search: the indicators whose own words, or
their commitment's, or whose yearly results' observations, hold the words. Matched by
the one rule of `terrassa_plis.text_search`; the search page (`search`) groups and
shows them, each with the band of its latest result."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery

from service_charters.bands import BAND_LABELS
from service_charters.compliance import Band
from service_charters.models import CharterCommitment, Indicator, Measurement, assess_measurement
from terrassa_plis.text_search import matching


def indicators_matching(words: Sequence[str]) -> QuerySet[Indicator]:
    """The matching indicators in the printed order, with their charter, service and
    area, and their latest result (`latest_year`, `latest_result`,
    `latest_not_applicable`; None before any). One query."""
    in_name = matching(Indicator.objects.order_by(), words).values("pk")
    in_commitment = (
        Indicator.objects.order_by()
        .filter(commitment__in=matching(CharterCommitment.objects.order_by(), words).values("pk"))
        .values("pk")
    )
    in_results = matching(Measurement.objects.order_by(), words).values("indicator_id")
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-year")
    return (
        # One subquery of the three: «IN a OR IN b» scans each twice on SQLite.
        Indicator.objects.filter(pk__in=in_name.union(in_commitment, in_results))
        .with_charter()
        .annotate(
            latest_year=Subquery(latest.values("year")[:1]),
            latest_result=Subquery(latest.values("result")[:1]),
            latest_not_applicable=Subquery(latest.values("not_applicable")[:1]),
        )
        .in_printed_order()
    )


@dataclass(frozen=True)
class _LatestResult:
    """What `assess_measurement` reads of a result, from the annotations above."""

    result: Decimal | None
    not_applicable: bool


def latest_band(indicator: Indicator) -> tuple[Band, int | None]:
    """The band of the indicator's latest result (by the compliance rules), and its year."""
    if indicator.latest_year is None:
        return Band.NOT_ASSESSED, None
    result = _LatestResult(indicator.latest_result, bool(indicator.latest_not_applicable))
    return assess_measurement(indicator, result).band, indicator.latest_year


def band_label(band: Band) -> str:
    return str(BAND_LABELS[band])
