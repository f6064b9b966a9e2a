"""The Mandate Plan's dashboard for directors: where a mandate's plan stands in one
reporting period (each status's count and share overall, per top-level node and per
area, average progress where the mandate tracks it), what changed since the previous
period, and which commitments are delayed or pending.

`build_plan_dashboard` runs a fixed number of queries whatever the size of the data
(see its docstring); the view only checks access, reads the filters and renders.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

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
from governance.models import Area
from terrassa_plis.charts import Bar, bar_chart
from terrassa_plis.formatting import percent, percentage_of, shorten

# Names of the palette (static/css/palette.css), as the charts take them.
FAVOURABLE_COLOUR = "favourable"
DELAYED_COLOUR = "delayed"
# «Completat o dins les previsions»: the categories a director reads as going well.
FAVOURABLE = frozenset({StatusCategory.COMPLETED, StatusCategory.ON_TRACK})
NO_AREA_LABEL = _("Sense àrea responsable")


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
        return percent(self.share)




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
        return percent(self.favourable_share)

    @property
    def delayed_text(self) -> str:
        return percent(self.delayed_share)


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
        favourable_share=percentage_of(favourable, total),
        delayed_share=percentage_of(delayed, total),
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
            f"{row.label}: {percent(getattr(row, attribute))} "
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
            percent(percentage_of(favourable, total)),
            gettext("%(count)s de %(total)s") % {"count": favourable, "total": total},
        )
    ]
    if has_delayed:
        delayed = count_of({StatusCategory.DELAYED})
        figures.append(
            KeyFigure(
                gettext("Amb retard"),
                percent(percentage_of(delayed, total)),
                gettext("%(count)s de %(total)s") % {"count": delayed, "total": total},
            )
        )
    pending = count_of({StatusCategory.PENDING})
    figures.append(
        KeyFigure(
            gettext("Pendents"),
            percent(percentage_of(pending, total)),
            gettext("%(count)s de %(total)s") % {"count": pending, "total": total},
        )
    )
    missing = sum(1 for leaf in leaves if leaf.status is None)
    if missing:
        figures.append(
            KeyFigure(
                str(NO_ENTRY_LABEL),
                percent(percentage_of(missing, total)),
                gettext("%(count)s de %(total)s") % {"count": missing, "total": total},
            )
        )
    if tracks:
        figures.append(KeyFigure(gettext("Execució mitjana"), percent(progress)))
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
