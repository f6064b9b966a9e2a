"""The directors' dashboards (quadres de comandament): plain builders over a few querysets.

Three dashboards, one builder each, every figure computed here and none in a template:

- `build_plan_dashboard`: where a mandate's plan stands in one reporting period (each
  status's count and share overall, per top-level node and per area, average progress
  where the mandate tracks it), what changed since the previous period, and which
  commitments are delayed or pending;
- `build_charters_dashboard`: how the service charters met their commitments in a
  year, per service, and the trend over the last years with results;
- `build_plis_dashboard`: the PLIS action plan by decision and implementation degree,
  and what is late (milestones of the drafting calendar, agreements of the bodies).

Each runs a fixed number of queries whatever the size of the data (see each
docstring); the views only check access, read the filters and render.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.balance import (
    NO_ENTRY_COLOUR,
    NO_ENTRY_LABEL,
    average,
    count_statuses,
)
from commitments.models import (
    Entry,
    Mandate,
    PlanLevel,
    PlanNode,
    ReportingPeriod,
    Status,
    StatusCategory,
)
from governance.models import ActionDecision, Agreement, Area, Milestone, Plan, PlanAction
from governance.work import AgreementState, build_action_plan, pending_agreements
from service_charters import followup
from service_charters.compliance import Band
from service_charters.followup import BAND_LABELS, FollowUpRow
from service_charters.models import Charter, Measurement, assess_measurement
from service_charters.report import (
    BAND_COLOURS,
    SummaryView,
    available_years,
    share_text,
    summary_view,
)
from terrassa_plis.charts import Bar, bar_chart
from terrassa_plis.templatetags.plis import percent

FAVOURABLE_COLOUR = "#2e7d32"
DELAYED_COLOUR = "#d08c00"
# «Completat o dins les previsions»: the categories a director reads as going well.
FAVOURABLE = frozenset({StatusCategory.COMPLETED, StatusCategory.ON_TRACK})
NO_AREA_LABEL = _("Sense àrea responsable")


def shorten(text: str, limit: int = 160) -> str:
    """`text` cut at a word before `limit` characters, with «…» (cheaper than Truncator
    on long lists)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def _share(count: int, total: int) -> Decimal:
    """A percentage 0-100, as the balance computes its shares."""
    return Decimal(count * 100) / total if total else Decimal(0)


def _share_text(share: Decimal) -> str:
    """«50 %», or «33,3 %» when not whole (as the charters' reports write shares)."""
    return share_text(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class StatusShare:
    """How many leaves have one status (None: no entry, «Sense seguiment»), and their share."""

    label: str
    colour: str
    count: int
    share: Decimal
    status: Status | None = None

    @property
    def share_text(self) -> str:
        return _share_text(self.share)


# The Mandate Plan


@dataclass(frozen=True)
class PlanChoices:
    """What the plan dashboard may be filtered by: mandates, their periods, the areas.

    `periods` are ordered by mandate and start, each annotated with `has_entries`.
    """

    mandates: list[Mandate]
    periods: list[ReportingPeriod]
    areas: list[Area]

    def periods_of(self, mandate: Mandate) -> list[ReportingPeriod]:
        return [period for period in self.periods if period.mandate_id == mandate.pk]

    def mandate(self, pk: int) -> Mandate | None:
        return next((mandate for mandate in self.mandates if mandate.pk == pk), None)

    def period(self, pk: int) -> ReportingPeriod | None:
        return next((period for period in self.periods if period.pk == pk), None)

    def area(self, number: int) -> Area | None:
        return next((area for area in self.areas if area.number == number), None)

    def default_period(self, mandate: Mandate | None = None) -> ReportingPeriod | None:
        """The latest period with entries (of `mandate`, if given); failing that, the
        mandate's open period or its latest one."""
        periods = self.periods_of(mandate) if mandate else self.periods
        with_entries = [period for period in periods if period.has_entries]
        if with_entries:
            return max(with_entries, key=lambda period: period.start)
        if not periods:
            return None
        open_periods = [period for period in periods if period.is_open]
        return (open_periods or [max(periods, key=lambda period: period.start)])[0]


def plan_choices() -> PlanChoices:
    """Three queries: the mandates, every period (with its mandate and whether it has
    any entry), the areas."""
    has_entries = Exists(Entry.objects.filter(period=OuterRef("pk")).order_by())
    periods = list(
        ReportingPeriod.objects.select_related("mandate")
        .annotate(has_entries=has_entries)
        .order_by("mandate__start_year", "mandate_id", "start")
    )
    return PlanChoices(
        mandates=list(Mandate.objects.order_by("start_year", "pk")),
        periods=periods,
        areas=list(Area.objects.order_by("number")),
    )


@dataclass(frozen=True)
class DashboardLeaf:
    """A commitment (or action) with its status in the period and in the previous one."""

    node: PlanNode
    area: Area | None
    status: Status | None  # None: no entry in the period («Sense seguiment»)
    previous_status: Status | None
    progress: Decimal | None
    url: str = ""  # the commitment's page

    @property
    def status_label(self) -> str:
        return self.status.label if self.status else str(NO_ENTRY_LABEL)

    @property
    def previous_label(self) -> str:
        return self.previous_status.label if self.previous_status else str(NO_ENTRY_LABEL)

    @property
    def category(self) -> str | None:
        return self.status.category if self.status else None

    @property
    def previous_category(self) -> str | None:
        return self.previous_status.category if self.previous_status else None

    @property
    def status_id(self) -> int | None:
        return self.status.pk if self.status else None

    @property
    def short_text(self) -> str:
        return shorten(self.node.text)


@dataclass(frozen=True)
class GroupRow:
    """A row of a breakdown: one top-level node or one area, with a count per status."""

    label: str
    text: str
    counts: list[StatusShare]  # the breakdown's columns, in order
    total: int
    favourable_share: Decimal
    delayed_share: Decimal
    progress: Decimal | None
    node: PlanNode | None = None
    area: Area | None = None

    @property
    def short_text(self) -> str:
        return shorten(self.text, 120)

    @property
    def favourable_text(self) -> str:
        return _share_text(self.favourable_share)

    @property
    def delayed_text(self) -> str:
        return _share_text(self.delayed_share)


@dataclass(frozen=True)
class Breakdown:
    """Counts per status of several groups, with a chart of the favourable share and,
    when the mandate has a «delayed» status, one of the delayed share."""

    title: str
    group_label: str
    rows: list[GroupRow]
    favourable_chart: SafeString
    delayed_chart: SafeString | None


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class Changes:
    """What moved since the previous period.

    - *Nous retards*: leaves whose status is in the «delayed» category now and was not
      in the previous period (another category, or no entry then).
    - *Nous completats*: leaves whose status is «completed» or «on track» now and was
      in neither of those two categories in the previous period (delayed, pending,
      dropped, or no entry then). A move between «on track» and «completed» is not new.
    """

    previous: ReportingPeriod
    newly_delayed: list[DashboardLeaf]
    newly_favourable: list[DashboardLeaf]


@dataclass(frozen=True)
class PlanDashboard:
    mandate: Mandate
    period: ReportingPeriod
    area: Area | None
    statuses: list[Status]
    top_level: PlanLevel | None
    leaf_level: PlanLevel | None
    columns: list[StatusShare]  # the overall counts: also the breakdowns' columns
    total: int
    progress: Decimal | None  # None where the mandate does not track progress
    overall_chart: SafeString
    key_figures: list[KeyFigure]
    by_top_node: Breakdown
    by_area: Breakdown
    changes: Changes | None  # None: the period is the mandate's first
    attention: list[DashboardLeaf]  # delayed first, then pending, in plan order

    @property
    def tracks_progress(self) -> bool:
        return self.mandate.tracks_progress

    @property
    def breakdowns(self) -> list[Breakdown]:
        return [self.by_top_node, self.by_area]

    @property
    def has_delayed_status(self) -> bool:
        return any(status.category == StatusCategory.DELAYED for status in self.statuses)

    @property
    def leaf_plural(self) -> str:
        return self.leaf_level.name_plural if self.leaf_level else gettext("Compromisos")


def _column_counts(
    statuses: Sequence[Status], leaves: Sequence[DashboardLeaf], *, with_missing: bool
) -> list[StatusShare]:
    """The balance's counts (commitments.balance.count_statuses), with a «Sense
    seguiment» column of 0 added when the breakdown has that column and the group not."""
    counts = [
        StatusShare(str(row.label), row.colour, row.count, row.share, row.status)
        for row in count_statuses(statuses, [leaf.status_id for leaf in leaves])
    ]
    if with_missing and len(counts) == len(statuses):
        counts.append(StatusShare(str(NO_ENTRY_LABEL), NO_ENTRY_COLOUR, 0, Decimal(0)))
    return counts


def _progress(leaves: Iterable[DashboardLeaf]) -> Decimal | None:
    return average(leaf.progress for leaf in leaves if leaf.progress is not None)


def _group_row(label, text, statuses, leaves, *, with_missing, tracks, node=None, area=None):
    total = len(leaves)
    favourable = sum(1 for leaf in leaves if leaf.category in FAVOURABLE)
    delayed = sum(1 for leaf in leaves if leaf.category == StatusCategory.DELAYED)
    return GroupRow(
        label=label,
        text=text,
        counts=_column_counts(statuses, leaves, with_missing=with_missing),
        total=total,
        favourable_share=_share(favourable, total),
        delayed_share=_share(delayed, total),
        progress=_progress(leaves) if tracks else None,
        node=node,
        area=area,
    )


def _share_chart(rows: list[GroupRow], *, attribute: str, title: str, colour: str, chart_id: str):
    bars = [
        Bar(
            row.label,
            float(getattr(row, attribute)),
            colour,
            gettext("%(total)s en total") % {"total": row.total},
        )
        for row in rows
    ]
    description = (
        "; ".join(
            f"{row.label}: {_share_text(getattr(row, attribute))} "
            + gettext("de %(total)s") % {"total": row.total}
            for row in rows
        )
        + "."
    )
    return bar_chart(
        bars,
        title=title,
        description=description,
        unit="%",
        max_value=100,
        decimals=1,
        chart_id=chart_id,
    )


def _breakdown(title, group_label, rows, *, has_delayed, chart_id) -> Breakdown:
    favourable_chart = _share_chart(
        rows,
        attribute="favourable_share",
        title=gettext("Percentatge completat o dins les previsions: %(title)s") % {"title": title},
        colour=FAVOURABLE_COLOUR,
        chart_id=f"{chart_id}-favourable",
    )
    delayed_chart = None
    if has_delayed:
        delayed_chart = _share_chart(
            rows,
            attribute="delayed_share",
            title=gettext("Percentatge amb retard: %(title)s") % {"title": title},
            colour=DELAYED_COLOUR,
            chart_id=f"{chart_id}-delayed",
        )
    return Breakdown(title, group_label, rows, favourable_chart, delayed_chart)


def _overall_chart(counts: list[StatusShare], total: int, leaf_plural: str) -> SafeString:
    return bar_chart(
        [Bar(row.label, row.count, row.colour, row.share_text) for row in counts],
        title=gettext("Estat de compliment de tot el pla"),
        description=gettext("%(total)s %(leaves)s per estat de compliment: %(figures)s.")
        % {
            "total": total,
            "leaves": leaf_plural.lower(),
            "figures": "; ".join(f"{row.label}: {row.count} ({row.share_text})" for row in counts),
        },
        max_value=max(total, 1),
        chart_id="plan-dashboard-overall",
    )


def _key_figures(leaves, total, progress, changes, *, has_delayed, tracks):
    def count_of(categories) -> int:
        return sum(1 for leaf in leaves if leaf.category in categories)

    favourable = count_of(FAVOURABLE)
    figures = [
        KeyFigure(
            gettext("Completats o dins les previsions"),
            _share_text(_share(favourable, total)),
            gettext("%(count)s de %(total)s") % {"count": favourable, "total": total},
        )
    ]
    if has_delayed:
        delayed = count_of({StatusCategory.DELAYED})
        figures.append(
            KeyFigure(
                gettext("Amb retard"),
                _share_text(_share(delayed, total)),
                gettext("%(count)s de %(total)s") % {"count": delayed, "total": total},
            )
        )
    pending = count_of({StatusCategory.PENDING})
    figures.append(
        KeyFigure(
            gettext("Pendents"),
            _share_text(_share(pending, total)),
            gettext("%(count)s de %(total)s") % {"count": pending, "total": total},
        )
    )
    missing = sum(1 for leaf in leaves if leaf.status is None)
    if missing:
        figures.append(
            KeyFigure(
                str(NO_ENTRY_LABEL),
                _share_text(_share(missing, total)),
                gettext("%(count)s de %(total)s") % {"count": missing, "total": total},
            )
        )
    if tracks:
        figures.append(KeyFigure(gettext("Execució mitjana"), percent(progress, 1)))
    if changes is not None:
        label = changes.previous.label
        since = gettext("des del %(period)s") % {"period": label[:1].lower() + label[1:]}
        if has_delayed:
            figures.append(
                KeyFigure(
                    gettext("Nous retards"),
                    str(len(changes.newly_delayed)),
                    since,
                )
            )
        figures.append(
            KeyFigure(
                gettext("Nous completats"),
                str(len(changes.newly_favourable)),
                since,
            )
        )
    return figures


def detail_url_maker():
    """The commitment page's URL for any pk, reversed once rather than once per leaf:
    the dashboard links hundreds of them."""
    marker = 2_147_483_647
    pattern = reverse("commitments:detail", args=[marker])
    return lambda pk: pattern.replace(str(marker), str(pk))


def dashboard_leaves(
    period: ReportingPeriod, previous: ReportingPeriod | None, *, area: Area | None = None
):
    """The mandate's leaves in plan order, each annotated (`with_entry_for`) with its
    status and progress in `period` and with `previous_status_id` in `previous`."""
    leaves = PlanNode.objects.filter(mandate_id=period.mandate_id).leaves().with_entry_for(period)
    if previous is not None:
        earlier = Entry.objects.filter(node=OuterRef("pk"), period=previous).order_by()
        leaves = leaves.annotate(previous_status_id=Subquery(earlier.values("status_id")[:1]))
    if area is not None:
        leaves = leaves.filter(area=area)
    return leaves.order_by("path")


def build_plan_dashboard(
    period: ReportingPeriod,
    *,
    areas: Sequence[Area],
    area: Area | None = None,
    previous: ReportingPeriod | None = None,
) -> PlanDashboard:
    """The plan dashboard of `period` (its mandate selected with it), of one area or all.

    `previous` is the period the changes are measured against (`period.previous()`);
    `areas` are every area, to name the leaves' areas without a query.
    Queries, whatever the plan's size: 1 the statuses, 2 the levels, 3 the top-level
    nodes, 4 the leaves with both periods' statuses and the progress.
    """
    mandate = period.mandate
    statuses = list(Status.objects.filter(mandate=mandate).order_by("position"))
    status_by_id = {status.pk: status for status in statuses}
    levels = sorted(PlanLevel.objects.filter(mandate=mandate), key=lambda level: level.depth)
    top_level = levels[0] if levels else None
    leaf_level = levels[-1] if levels else None
    top_nodes = list(PlanNode.objects.filter(mandate=mandate, parent=None).order_by("path"))
    area_by_id = {item.pk: item for item in areas}
    tracks = mandate.tracks_progress
    detail_url = detail_url_maker()

    leaves = [
        DashboardLeaf(
            node=node,
            area=area_by_id.get(node.area_id),
            status=status_by_id.get(node.period_status_id),
            previous_status=status_by_id.get(getattr(node, "previous_status_id", None)),
            progress=node.period_progress if tracks else None,
            url=detail_url(node.pk),
        )
        for node in dashboard_leaves(period, previous, area=area)
    ]
    total = len(leaves)
    columns = _column_counts(statuses, leaves, with_missing=False)
    with_missing = len(columns) > len(statuses)
    has_delayed = any(status.category == StatusCategory.DELAYED for status in statuses)
    progress = _progress(leaves) if tracks else None

    by_top: dict[str, list[DashboardLeaf]] = defaultdict(list)
    by_area: dict[int | None, list[DashboardLeaf]] = defaultdict(list)
    for leaf in leaves:
        by_top[leaf.node.path.split("/")[0]].append(leaf)
        by_area[leaf.node.area_id].append(leaf)

    top_name = top_level.name if top_level else gettext("Prioritat")
    top_rows = [
        _group_row(
            f"{top_name} {node.code}",
            node.text,
            statuses,
            by_top[node.path],
            with_missing=with_missing,
            tracks=tracks,
            node=node,
        )
        for node in top_nodes
        if by_top.get(node.path)
    ]
    area_rows = [
        _group_row(
            str(item),
            item.name,
            statuses,
            by_area[item.pk],
            with_missing=with_missing,
            tracks=tracks,
            area=item,
        )
        for item in areas
        if by_area.get(item.pk)
    ]
    if by_area.get(None):
        area_rows.append(
            _group_row(
                str(NO_AREA_LABEL),
                "",
                statuses,
                by_area[None],
                with_missing=with_missing,
                tracks=tracks,
            )
        )

    changes = None
    if previous is not None:
        changes = Changes(
            previous=previous,
            newly_delayed=[
                leaf
                for leaf in leaves
                if leaf.category == StatusCategory.DELAYED
                and leaf.previous_category != StatusCategory.DELAYED
            ],
            newly_favourable=[
                leaf
                for leaf in leaves
                if leaf.category in FAVOURABLE and leaf.previous_category not in FAVOURABLE
            ],
        )
    attention_order = {StatusCategory.DELAYED: 0, StatusCategory.PENDING: 1}
    attention = sorted(
        (leaf for leaf in leaves if leaf.category in attention_order),
        key=lambda leaf: attention_order[leaf.category],  # stable: plan order within each
    )
    leaf_plural = leaf_level.name_plural if leaf_level else gettext("Compromisos")
    return PlanDashboard(
        mandate=mandate,
        period=period,
        area=area,
        statuses=statuses,
        top_level=top_level,
        leaf_level=leaf_level,
        columns=columns,
        total=total,
        progress=progress,
        overall_chart=_overall_chart(columns, total, leaf_plural),
        key_figures=_key_figures(
            leaves, total, progress, changes, has_delayed=has_delayed, tracks=tracks
        ),
        by_top_node=_breakdown(
            gettext("per %(level)s") % {"level": top_name.lower()},
            top_name,
            top_rows,
            has_delayed=has_delayed,
            chart_id="plan-dashboard-top",
        ),
        by_area=_breakdown(
            gettext("per àrea"),
            gettext("Àrea"),
            area_rows,
            has_delayed=has_delayed,
            chart_id="plan-dashboard-area",
        ),
        changes=changes,
        attention=attention,
    )


# The service charters


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
                    else share_text(summary.shares[Band.MET])
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


# The PLIS


@dataclass(frozen=True)
class CountBar:
    label: str
    count: int
    share: Decimal
    colour: str

    @property
    def share_text(self) -> str:
        return _share_text(self.share)


@dataclass(frozen=True)
class DegreeBand:
    """An implementation degree band: from `low` (included) to `high` (excluded; the
    last band includes 100)."""

    low: int
    high: int

    @property
    def label(self) -> str:
        return f"{self.low}-{self.high}\u00a0%"

    def holds(self, degree: int) -> bool:
        return self.low <= degree < self.high or (self.high == 100 and degree == 100)


DEGREE_BANDS = [DegreeBand(0, 25), DegreeBand(25, 50), DegreeBand(50, 75), DegreeBand(75, 100)]
DEGREE_COLOURS = ["#b3261e", "#d08c00", "#7cb342", "#2e7d32"]
DECISION_COLOURS = {
    ActionDecision.PROPOSED: "#6b7280",
    ActionDecision.VALIDATED: "#2e7d32",
    ActionDecision.REJECTED: "#b3261e",
}
NO_IMPLEMENTATION_LABEL = _("Sense dades d'implementació")


@dataclass(frozen=True)
class PlisDashboard:
    plan: Plan
    today: date
    action_count: int
    by_decision: list[CountBar]
    decision_chart: SafeString
    validated_count: int
    by_degree: list[CountBar]  # of the validated actions, by their latest degree
    degree_chart: SafeString
    average_degree: int | None
    followed_count: int
    late_milestones: list[Milestone]
    late_agreements: list[Agreement]


def _count_chart(bars: list[CountBar], *, total: int, title: str, chart_id: str) -> SafeString:
    return bar_chart(
        [Bar(bar.label, bar.count, bar.colour, bar.share_text) for bar in bars],
        title=title,
        description="; ".join(f"{bar.label}: {bar.count} ({bar.share_text})" for bar in bars) + ".",
        max_value=max(total, 1),
        chart_id=chart_id,
    )


def degree_bands(actions: Sequence[PlanAction]) -> list[CountBar]:
    """The actions by their latest implementation degree (`latest_degree`), in bands
    of 25 points, then those with no implementation entry."""
    total = len(actions)
    degrees = [action.latest_degree for action in actions]
    bars = [
        CountBar(
            band.label,
            count := sum(1 for degree in degrees if degree is not None and band.holds(degree)),
            _share(count, total),
            colour,
        )
        for band, colour in zip(DEGREE_BANDS, DEGREE_COLOURS, strict=True)
    ]
    missing = sum(1 for degree in degrees if degree is None)
    bars.append(
        CountBar(str(NO_IMPLEMENTATION_LABEL), missing, _share(missing, total), NO_ENTRY_COLOUR)
    )
    return bars


def build_plis_dashboard(today: date) -> PlisDashboard | None:
    """The PLIS dashboard on `today`, or None when no plan is recorded.

    Queries, whatever the number of actions, milestones and agreements: 1 the plan,
    2 the actions with their latest implementation, 3 their areas, 4 the milestones
    (governance.work.build_action_plan), 5 the pending agreements with their meeting.
    Late: a milestone not done whose planned date is before `today`; an agreement not
    done whose due date is before `today`.
    """
    plan = Plan.objects.current()
    if plan is None:
        return None
    action_plan = build_action_plan(plan, today)
    actions = [
        action for axis in action_plan.axes for line in axis.lines for action in line.actions
    ]
    total = action_plan.action_count
    by_decision = [
        CountBar(
            str(item.label), item.count, _share(item.count, total), DECISION_COLOURS[item.decision]
        )
        for item in action_plan.decision_counts
    ]
    validated = [action for action in actions if action.decision == ActionDecision.VALIDATED]
    by_degree = degree_bands(validated)
    late_agreements = [
        agreement
        for agreement in pending_agreements(today)
        if agreement.state == AgreementState.LATE and agreement.meeting.body.plan_id == plan.pk
    ]
    return PlisDashboard(
        plan=plan,
        today=today,
        action_count=total,
        by_decision=by_decision,
        decision_chart=_count_chart(
            by_decision,
            total=total,
            title=gettext("Accions del pla per decisió"),
            chart_id="plis-dashboard-decision",
        ),
        validated_count=len(validated),
        by_degree=by_degree,
        degree_chart=_count_chart(
            by_degree,
            total=len(validated),
            title=gettext("Accions validades per grau d'implementació"),
            chart_id="plis-dashboard-degree",
        ),
        average_degree=action_plan.average_degree,
        followed_count=action_plan.followed_count,
        late_milestones=[
            line.milestone
            for line in action_plan.milestones
            if line.is_late and line.milestone.done_on is None
        ],
        late_agreements=late_agreements,
    )
