"""The service charters' dashboard for directors: how the charters met their
commitments in a year, per service, and the trend over the last years with results.

`build_charters_dashboard` runs a fixed number of queries whatever the size of the
data (see its docstring); the view only checks access, reads the filters and renders.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from service_charters.bands import (
    BAND_COLOURS,
    BAND_LABELS,
    BandFigure,
    Summary,
    SummaryView,
    summary_view,
)
from service_charters.compliance import Band, shares_of_counts
from service_charters.compliance_sql import band_of_mean_in_sql, compliance_hundredths
from service_charters.models import CharterCommitment, Indicator, Measurement, in_force_in
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
    by_service: list[SummaryView]  # the first SERVICES_SHOWN services, by name
    service_count: int  # every service with a charter in force in `year`
    trend: list[TrendYear]  # oldest first
    trend_chart: SafeString | None
    service_trend: list[ServiceTrend]

    @property
    def services_left_out(self) -> int:
        return self.service_count - len(self.by_service)

    @property
    def service_lines(self) -> list[ServiceLine]:
        return [service_line(summary) for summary in self.by_service]

    @property
    def trend_years(self) -> list[int]:
        return [item.year for item in self.trend]


TREND_YEARS = 4
# The per-service tables list this many services at most, then link the year's follow-up
# that has them all: the dashboard's size does not grow with the number of services.
SERVICES_SHOWN = 20


def build_charters_dashboard(
    year: int | None = None, *, years: list[int] | None = None
) -> ChartersDashboard:
    """Compliance of the charters in force in `year` (default: the latest with results),
    overall and per service, and the trend over the last four years with results.

    `years` are the years with results, newest first (`available_years()`), if the
    caller has them already. The degrees of compliance are added up, banded and counted
    in the database (`compliance_sql`), so no commitment is read one by one.
    Queries, whatever the number of charters and indicators: 1 the years with results
    (unless given), 2 the commitments counted by charter, 3 those with results counted
    by year shown, charter and band.
    """
    if years is None:
        years = available_years()
    if year is None:
        year = latest_year(years)
    trend_years = sorted(years[:TREND_YEARS])
    counts = band_counts_by_service(sorted({year, *trend_years}))
    trend = [
        TrendYear(trend_year, summary_view(_summary(str(trend_year), counts[trend_year])))
        for trend_year in trend_years
    ]
    by_service = counts[year]
    return ChartersDashboard(
        year=year,
        years=years,
        overall=summary_view(
            _summary(gettext("Totes les cartes"), by_service),
            chart_id="charters-dashboard-year",
        ),
        by_service=[
            summary_view(Summary(name, service_counts, shares_of_counts(service_counts)))
            for name, service_counts in list(by_service.items())[:SERVICES_SHOWN]
        ],
        service_count=len(by_service),
        trend=trend,
        trend_chart=trend_chart(trend) if trend else None,
        service_trend=service_trend({item: counts[item] for item in trend_years}),
    )


def latest_year(years: Sequence[int]) -> int:
    """The newest of `years` (newest first), or this year when there are none."""
    return years[0] if years else date.today().year


BandCounts = dict[str, int]


def band_counts_by_service(years: list[int]) -> dict[int, dict[str, BandCounts]]:
    """For each of `years`, each service's count of charter commitments in each band
    (`followup.summarise`'s figures), services in the order of their names.

    A year counts the commitments (with indicators) of the charters then in force, each
    in the band of the mean degree of compliance of its indicators assessed that year.
    The database bands and counts them (`compliance_sql`), so only counts come back,
    in two queries: each charter's commitments, then those with results by year, charter
    and band (the rest have none: not assessed). Python adds up the charters in force.
    """
    counts: dict[int, dict[str, BandCounts]] = {year: {} for year in years}
    if not years:
        return counts
    # Each charter's service and the years it is in force.
    charters: dict[int, tuple[str, set[int]]] = {}
    for charter_id, service, in_force_from, in_force_until, total in _commitments_by_charter():
        in_force = {year for year in years if in_force_in(year, in_force_from, in_force_until)}
        charters[charter_id] = (service, in_force)
        for year in in_force:
            service_counts = counts[year].setdefault(service, dict.fromkeys(Band, 0))
            service_counts[Band.NOT_ASSESSED] += total
    for year, charter_id, band, count in _banded_with_results(years):
        service, in_force = charters[charter_id]
        if year in in_force:
            service_counts = counts[year][service]
            service_counts[Band(band)] += count
            service_counts[Band.NOT_ASSESSED] -= count
    return counts


CHARTER = "objective__offered_service__charter"


def _commitments_by_charter():
    """(charter id, service name, in force from, until, count) of the commitments with
    indicators, by charter, services by name; one query."""
    return (
        CharterCommitment.objects.filter(
            Exists(Indicator.objects.filter(commitment=OuterRef("pk")))
        )
        .values(CHARTER)
        .annotate(count=Count("pk"))
        .order_by(f"{CHARTER}__service__name", CHARTER)
        .values_list(
            CHARTER,
            f"{CHARTER}__service__name",
            f"{CHARTER}__in_force_from",
            f"{CHARTER}__in_force_until",
            "count",
        )
    )


def _banded_with_results(years: list[int]) -> list[tuple[int, int, str, int]]:
    """(year, charter id, band, count) of the commitments with a result in each of
    `years`: each commitment's measurements of a year banded by
    `compliance_sql.band_of_mean_in_sql` (grouped by year and commitment), then counted by year,
    charter and band. One query: the banding query counted in a query around it, which
    the ORM does not write."""
    charter = f"indicator__commitment__{CHARTER}"
    banded = (
        Measurement.objects.filter(year__in=years)
        .annotate(hundredths=compliance_hundredths(), charter_id=F(f"{charter}_id"))
        .values("year", "indicator__commitment", "charter_id")
        .annotate(band=band_of_mean_in_sql("hundredths"))
        .order_by()
        .values("year", "charter_id", "band")
    )
    sql, params = banded.query.sql_with_params()
    year, charter, band = (
        connection.ops.quote_name(name) for name in ("year", "charter_id", "band")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {year}, {charter}, {band}, COUNT(*) FROM ({sql}) banded "
            f"GROUP BY {year}, {charter}, {band}",
            params,
        )
        return cursor.fetchall()


def _summary(label: str, by_service: dict[str, BandCounts]) -> Summary:
    """The counts of every service added up."""
    counts = dict.fromkeys(Band, 0)
    for service_counts in by_service.values():
        for band, count in service_counts.items():
            counts[band] += count
    return Summary(label, counts, shares_of_counts(counts))


def met_share_text(summary: Summary) -> str:
    """The share of commitments met, or «No avaluat» when none was assessed."""
    if summary.counts[Band.NOT_ASSESSED] == summary.total:
        return str(BAND_LABELS[Band.NOT_ASSESSED])
    return percent(summary.shares[Band.MET])


def service_trend(counts: dict[int, dict[str, BandCounts]]) -> list[ServiceTrend]:
    """The first services by name (`SERVICES_SHOWN`), each with its share of commitments
    met in each year of the trend."""
    services = sorted({service for by_service in counts.values() for service in by_service})
    return [
        ServiceTrend(
            service,
            [
                met_share_text(
                    Summary(service, by_service[service], shares_of_counts(by_service[service]))
                )
                if service in by_service
                else None
                for by_service in counts.values()
            ],
        )
        for service in services[:SERVICES_SHOWN]
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
