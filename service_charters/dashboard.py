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

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from service_charters import followup
from service_charters.bands import (
    BAND_COLOURS,
    BAND_LABELS,
    BandFigure,
    Summary,
    SummaryView,
    summary_view,
)
from service_charters.compliance import Band
from service_charters.followup import FollowUpRow
from service_charters.models import Charter, Measurement, assess_measurement
from service_charters.shortfalls import SHORTFALL_BANDS, service_anchor
from service_charters.years import available_years
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
class ServiceCell:
    """A service's count in one band; a count of commitments that fell short links to
    them on the shortfalls page (`shortfalls_anchor`, empty for the other counts)."""

    figure: BandFigure
    shortfalls_anchor: str


@dataclass(frozen=True)
class ServiceLine:
    summary: SummaryView
    cells: list[ServiceCell]


def service_line(summary: SummaryView) -> ServiceLine:
    anchor = service_anchor(summary.label)
    return ServiceLine(
        summary,
        [
            ServiceCell(figure, anchor if figure.band in SHORTFALL_BANDS and figure.count else "")
            for figure in summary.figures
        ],
    )


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
    def service_lines(self) -> list[ServiceLine]:
        return [service_line(summary) for summary in self.by_service]

    @property
    def trend_years(self) -> list[int]:
        return [item.year for item in self.trend]


TREND_YEARS = 4


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
        year = latest_year(years)
    trend_years = sorted(years[:TREND_YEARS])
    in_force = Charter.objects.ids_in_force_by_year(sorted({year, *trend_years}))
    all_rows = followup.load_rows(None, year)
    rows = rows_in_force(all_rows, in_force[year])
    rows_per_year = trend_rows(all_rows, rows, year, trend_years, in_force)
    trend = [
        TrendYear(trend_year, summary_view(followup.summarise(year_rows, str(trend_year))))
        for trend_year, year_rows in rows_per_year.items()
    ]
    return ChartersDashboard(
        year=year,
        years=years,
        overall=summary_view(
            followup.summarise(rows, gettext("Totes les cartes")),
            chart_id="charters-dashboard-year",
        ),
        by_service=[summary_view(summary) for summary in followup.summaries_by_service(rows)],
        trend=trend,
        trend_chart=trend_chart(trend) if trend else None,
        service_trend=service_trend(rows_per_year),
    )


def latest_year(years: Sequence[int]) -> int:
    """The newest of `years` (newest first), or this year when there are none."""
    return years[0] if years else date.today().year


def rows_in_force(rows: Iterable[FollowUpRow], charter_ids: set[int]) -> list[FollowUpRow]:
    """The rows of the charters whose ids are given: those in force in a year."""
    return [row for row in rows if row.charter.pk in charter_ids]


def trend_rows(
    all_rows: Sequence[FollowUpRow],
    rows: list[FollowUpRow],
    year: int,
    trend_years: list[int],
    in_force: dict[int, set[int]],
) -> dict[int, list[FollowUpRow]]:
    """The rows of each year of the trend (oldest first): `rows` for `year`, already
    assessed; for the others, the indicators of the charters then in force, assessed on
    that year's result. One query, none without trend years."""
    if not trend_years:
        return {}
    results = _trend_results(item for item in trend_years if item != year)
    return {
        trend_year: (
            rows
            if trend_year == year
            else rows_in_force(_rows_of_year(all_rows, results, trend_year), in_force[trend_year])
        )
        for trend_year in trend_years
    }


def met_share_text(summary: Summary) -> str:
    """The share of commitments met, or «No avaluat» when none was assessed."""
    if summary.counts[Band.NOT_ASSESSED] == summary.total:
        return str(BAND_LABELS[Band.NOT_ASSESSED])
    return percent(summary.shares[Band.MET])


def service_trend(rows_per_year: dict[int, list[FollowUpRow]]) -> list[ServiceTrend]:
    """Each service's share of commitments met in each year of the trend, by name."""
    met_by_service: dict[str, dict[int, str]] = defaultdict(dict)
    for trend_year, year_rows in rows_per_year.items():
        for summary in followup.summaries_by_service(year_rows):
            met_by_service[summary.label][trend_year] = met_share_text(summary)
    return [
        ServiceTrend(service, [met_by_service[service].get(item) for item in rows_per_year])
        for service in sorted(met_by_service)
    ]


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


def trend_chart(trend: list[TrendYear]) -> SafeString:
    """The share of commitments met in each year of the trend, as bars."""
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
