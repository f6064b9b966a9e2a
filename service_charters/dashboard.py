"""The service charters' dashboard for directors: how the charters met their
commitments in a year, per service, and the trend over the last years with results.

`build_charters_dashboard` runs a fixed number of queries whatever the size of the
data (see its docstring); the view only checks access, reads the filters and renders.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from service_charters import followup
from service_charters.compliance import Band
from service_charters.followup import BAND_LABELS, FollowUpRow
from service_charters.models import Charter, Measurement, assess_measurement
from service_charters.report import (
    BAND_COLOURS,
    SummaryView,
    available_years,
    summary_view,
)
from terrassa_plis.charts import Bar, bar_chart
from terrassa_plis.formatting import percent


@dataclass(frozen=True)
class TrendYear:
    """One year of the trend: the commitments of the charters in force, per band."""

    year: int
    summary: SummaryView

    @property
    def met(self):
        return next(figure for figure in self.summary.figures if figure.band == Band.MET)


@dataclass(frozen=True)
class ServiceTrend:
    """A service's share of commitments met in each year of the trend: «No avaluat»
    when none of its commitments was assessed, None when it had no charter in force."""

    service: str
    cells: list[str | None]


@dataclass(frozen=True)
class ChartersDashboard:
    year: int
    years: list[int]  # every year with results, newest first
    overall: SummaryView
    by_service: list[SummaryView]
    trend: list[TrendYear]  # oldest first
    trend_chart: SafeString | None
    service_trend: list[ServiceTrend]

    @property
    def trend_years(self) -> list[int]:
        return [item.year for item in self.trend]


TREND_YEARS = 4


def _in_force_by_year(years: Iterable[int]) -> dict[int, set[int]]:
    """The ids of the charters in force in each year (Charter.objects.in_force); one query."""
    years = list(years)
    flags = {
        f"in_force_{year}": Exists(Charter.objects.in_force(year).filter(pk=OuterRef("pk")))
        for year in years
    }
    in_force: dict[int, set[int]] = {year: set() for year in years}
    for row in Charter.objects.annotate(**flags).values("pk", *flags).order_by():
        for year in years:
            if row[f"in_force_{year}"]:
                in_force[year].add(row["pk"])
    return in_force


@dataclass(frozen=True)
class _Result:
    """The two fields of a Measurement that `assess_measurement` reads: the trend loads
    only these (thousands of full measurements cost more than the whole page)."""

    result: Decimal | None
    not_applicable: bool


def _trend_results(years: Iterable[int]) -> dict[tuple[int, int], _Result]:
    """Every result of `years`, by (indicator id, year); one query."""
    values = (
        Measurement.objects.filter(year__in=list(years))
        .order_by()
        .values_list("indicator_id", "year", "result", "not_applicable")
    )
    return {(indicator, year): _Result(result, na) for indicator, year, result, na in values}


def _rows_of_year(
    rows: Sequence[FollowUpRow], results: dict[tuple[int, int], _Result], year: int
) -> list[FollowUpRow]:
    """The same indicators as `rows`, each assessed on its result of `year`.

    These rows are for counting only: their `measurement` is None, their
    `assessment` the one `assess_measurement` gives for that year's result.
    """
    return [
        replace(
            row,
            measurement=None,
            assessment=assess_measurement(row.indicator, results.get((row.indicator.pk, year))),
        )
        for row in rows
    ]


def _trend_chart(trend: list[TrendYear]) -> SafeString:
    met = BAND_COLOURS[Band.MET]
    bars = [
        Bar(
            str(item.year),
            float(item.met.share),
            met,
            gettext("%(count)s de %(total)s")
            % {"count": item.met.count, "total": item.summary.total},
        )
        for item in trend
    ]
    description = gettext("Percentatge de compromisos assolits cada any: %(years)s.") % {
        "years": "; ".join(f"{item.year}: {item.met.share_text}" for item in trend)
    }
    return bar_chart(
        bars,
        title=gettext("Compromisos assolits per any"),
        description=description,
        unit="%",
        max_value=100,
        decimals=1,
        chart_id="charters-dashboard-trend",
    )


def build_charters_dashboard(
    year: int | None = None, *, years: list[int] | None = None
) -> ChartersDashboard:
    """Compliance of the charters in force in `year` (default: the latest with results),
    overall and per service, and the trend over the last four years with results.

    `years` are the years with results, newest first (`available_years()`), if the
    caller has them already.
    Queries, whatever the number of charters and indicators: 1 the years with results
    (unless given), 2 the charters in force in each year, 3-4 the indicators with their
    tree and the year's results (followup.load_rows), 5 the results of the trend's years.
    """
    if years is None:
        years = available_years()
    if year is None:
        year = years[0] if years else date.today().year
    trend_years = sorted(years[:TREND_YEARS])
    in_force = _in_force_by_year(sorted({year, *trend_years}))

    all_rows = followup.load_rows(None, year)
    rows = [row for row in all_rows if row.charter.pk in in_force[year]]
    overall = summary_view(
        followup.summarise(rows, gettext("Totes les cartes")), chart_id="charters-dashboard-year"
    )
    by_service = [summary_view(summary) for summary in followup.summaries_by_service(rows)]

    trend: list[TrendYear] = []
    service_trend: list[ServiceTrend] = []
    if trend_years:
        results = _trend_results(item for item in trend_years if item != year)
        met_by_service: dict[str, dict[int, str]] = defaultdict(dict)
        for trend_year in trend_years:
            if trend_year == year:
                year_rows = rows
            else:
                year_rows = [
                    row
                    for row in _rows_of_year(all_rows, results, trend_year)
                    if row.charter.pk in in_force[trend_year]
                ]
            trend.append(
                TrendYear(
                    trend_year,
                    summary_view(followup.summarise(year_rows, str(trend_year))),
                )
            )
            for summary in followup.summaries_by_service(year_rows):
                met_by_service[summary.label][trend_year] = (
                    str(BAND_LABELS[Band.NOT_ASSESSED])
                    if summary.counts[Band.NOT_ASSESSED] == summary.total
                    else percent(summary.shares[Band.MET])
                )
        service_trend = [
            ServiceTrend(service, [met_by_service[service].get(item) for item in trend_years])
            for service in sorted(met_by_service)
        ]
    return ChartersDashboard(
        year=year,
        years=years,
        overall=overall,
        by_service=by_service,
        trend=trend,
        trend_chart=_trend_chart(trend) if trend else None,
        service_trend=service_trend,
    )
