"""The Mandate Plan's dashboard for directors: where a mandate's plan stands in one
reporting period (each status's count and share overall, per top-level node and per
area, average progress where the mandate tracks it), what changed since the previous
period, and which commitments are delayed or pending.

`build_plan_dashboard` runs a fixed number of queries whatever the size of the data
(see its docstring); the view only checks access, reads the filters and renders. The
figures it returns are the dataclasses of `commitments.dashboard_figures`; what the
dashboard may be filtered by is `commitments.plan_choices`.
"""

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.balance import NO_ENTRY_COLOUR, NO_ENTRY_LABEL, average, count_statuses
from commitments.dashboard_figures import (
    Breakdown,
    Changes,
    DashboardLeaf,
    GroupRow,
    KeyFigure,
    LeafList,
    LeafNode,
    PlanDashboard,
    StatusShare,
    has_completed_status,
    has_delayed_status,
    leaf_plural,
)
from commitments.figures import FigureTotals, sum_totals
from commitments.models import (
    Entry,
    Figure,
    Mandate,
    PlanLevel,
    PlanNode,
    ReportingPeriod,
    Status,
    StatusCategory,
)
from governance.models import Area
from terrassa_plis.charts import Bar, bar_chart
from terrassa_plis.formatting import percent, percentage_of

# Names of the palette (static/css/palette.css), as the charts take them.
FAVOURABLE_COLOUR = "favourable"
DELAYED_COLOUR = "delayed"
# «Completat o dins les previsions»: the categories a director reads as going well.
FAVOURABLE = frozenset({StatusCategory.COMPLETED, StatusCategory.ON_TRACK})
DELAYED = frozenset({StatusCategory.DELAYED})
PENDING = frozenset({StatusCategory.PENDING})
# The leaves that need attention, in this order: the delayed, then the pending.
ATTENTION_ORDER = {StatusCategory.DELAYED: 0, StatusCategory.PENDING: 1}
# What each list of changes holds (`Changes`): the leaves in these categories now and
# not in the previous period; the commitments list filters by the same (`?change=`).
CHANGES = {
    "delayed": DELAYED,
    "favourable": FAVOURABLE,
    "completed": frozenset({StatusCategory.COMPLETED}),
}
NO_AREA_LABEL = _("Sense àrea responsable")


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
    nodes, 4 the leaves with both periods' statuses and the progress, 5 the period's
    figures.
    """
    mandate = period.mandate
    # The five queries, in the docstring's order.
    statuses = list(Status.objects.filter(mandate=mandate).order_by("position"))
    top_level, leaf_level = _top_and_leaf_levels(mandate)
    top_nodes = list(PlanNode.objects.filter(mandate=mandate, parent=None).order_by("path"))
    leaves = _read_leaves(period, previous, statuses=statuses, areas=areas, area=area)
    figures = figure_totals_by_leaf(period, area=area)

    columns = _column_counts(statuses, leaves, with_missing=False)
    counter = _RowCounter(
        statuses,
        # Some leaf has no entry: every row gets a «Sense seguiment» column.
        with_missing=len(columns) > len(statuses),
        tracks_progress=mandate.tracks_progress,
        figures=figures,
    )
    progress = counter.progress(leaves)
    has_delayed = has_delayed_status(statuses)
    list_url = _list_url_maker(period, leaf_level, area)
    changes = (
        _changes_since(
            previous, leaves, has_completed=has_completed_status(statuses), list_url=list_url
        )
        if previous is not None
        else None
    )
    top_name = top_level.name if top_level else gettext("Prioritat")
    return PlanDashboard(
        mandate=mandate,
        period=period,
        area=area,
        statuses=statuses,
        top_level=top_level,
        leaf_level=leaf_level,
        columns=columns,
        total=len(leaves),
        progress=progress,
        figures=counter.figures_of(leaves),
        overall_chart=_overall_chart(columns, len(leaves), leaf_plural(leaf_level)),
        key_figures=_key_figures(
            leaves,
            progress,
            changes,
            has_delayed=has_delayed,
            tracks_progress=mandate.tracks_progress,
        ),
        by_top_node=_breakdown(
            gettext("per %(level)s") % {"level": top_name.lower()},
            top_name,
            _rows_by_top_node(top_nodes, leaves, counter, top_name=top_name),
            has_delayed=has_delayed,
            chart_id="plan-dashboard-top",
        ),
        by_area=_breakdown(
            gettext("per àrea"),
            gettext("Àrea"),
            _rows_by_area(areas, leaves, counter),
            has_delayed=has_delayed,
            chart_id="plan-dashboard-area",
        ),
        changes=changes,
        attention=LeafList.of(
            _needing_attention(leaves),
            list_url([("category", category) for category in ATTENTION_ORDER]),
        ),
    )


def _top_and_leaf_levels(mandate: Mandate) -> tuple[PlanLevel | None, PlanLevel | None]:
    """The mandate's first and last levels (one query); None for a plan without levels."""
    levels = sorted(PlanLevel.objects.filter(mandate=mandate), key=lambda level: level.depth)
    return (levels[0], levels[-1]) if levels else (None, None)


def _list_url_maker(
    period: ReportingPeriod, leaf_level: PlanLevel | None, area: Area | None
) -> Callable[[list[tuple[str, str]]], str]:
    """The commitments list of the dashboard's leaves (its mandate, period, leaf level
    and area) with more filters, e.g. [("change", "delayed")]."""
    base = [("mandate", period.mandate_id), ("period", period.pk)]
    if leaf_level is not None:
        base.append(("level", leaf_level.pk))
    if area is not None:
        base.append(("area", area.pk))
    path = reverse("commitments:list")
    return lambda filters: f"{path}?{urlencode(base + filters)}"


def detail_url_maker() -> Callable[[int], str]:
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


def _read_leaves(
    period: ReportingPeriod,
    previous: ReportingPeriod | None,
    *,
    statuses: Sequence[Status],
    areas: Sequence[Area],
    area: Area | None,
) -> list[DashboardLeaf]:
    """The leaves (one query), with their statuses, area and page named without a query."""
    status_by_id = {status.pk: status for status in statuses}
    area_by_id = {item.pk: item for item in areas}
    tracks_progress = period.mandate.tracks_progress
    detail_url = detail_url_maker()
    fields = [*LeafNode._fields, "period_status_id", "period_progress"]
    if previous is not None:
        fields.append("previous_status_id")
    leaves = []
    for row in dashboard_leaves(period, previous, area=area).values_list(*fields):
        node = LeafNode(*row[:5])
        leaves.append(
            DashboardLeaf(
                node=node,
                area=area_by_id.get(node.area_id),
                status=status_by_id.get(row[5]),
                previous_status=status_by_id.get(row[7]) if previous is not None else None,
                progress=row[6] if tracks_progress else None,
                url=detail_url(node.pk),
            )
        )
    return leaves


def figure_totals_by_leaf(
    period: ReportingPeriod, *, area: Area | None = None
) -> dict[int, FigureTotals]:
    """The totals of each leaf's figures in `period` (`commitments.figures`), one query."""
    figures = Figure.objects.filter(entry__period=period).order_by()
    if area is not None:
        figures = figures.filter(entry__node__area=area)
    totals: dict[int, FigureTotals] = {}
    for node_id, value, women, men in figures.values_list(
        "entry__node_id", "value", "women", "men"
    ):
        totals[node_id] = totals.get(node_id, FigureTotals()) + FigureTotals.of(value, women, men)
    return totals


def _count_in(leaves: Iterable[DashboardLeaf], categories: Collection[str]) -> int:
    return sum(1 for leaf in leaves if leaf.category in categories)


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


@dataclass(frozen=True)
class _RowCounter:
    """How every row of a breakdown counts its leaves: one column per status of the
    mandate (and «Sense seguiment» when some leaf of the plan has no entry), and the
    average progress when the mandate tracks it."""

    statuses: Sequence[Status]
    with_missing: bool
    tracks_progress: bool
    figures: Mapping[int, FigureTotals]  # by leaf id (`figure_totals_by_leaf`)

    def progress(self, leaves: Iterable[DashboardLeaf]) -> Decimal | None:
        if not self.tracks_progress:
            return None
        return average(leaf.progress for leaf in leaves if leaf.progress is not None)

    def figures_of(self, leaves: Iterable[DashboardLeaf]) -> FigureTotals:
        return sum_totals(self.figures.get(leaf.node.pk, FigureTotals()) for leaf in leaves)

    def row(self, label: str, text: str, leaves: Sequence[DashboardLeaf], **group) -> GroupRow:
        """The row of one group (`node=` a top-level node or `area=` an area)."""
        total = len(leaves)
        return GroupRow(
            label=label,
            text=text,
            counts=_column_counts(self.statuses, leaves, with_missing=self.with_missing),
            total=total,
            favourable_share=percentage_of(_count_in(leaves, FAVOURABLE), total),
            delayed_share=percentage_of(_count_in(leaves, DELAYED), total),
            progress=self.progress(leaves),
            figures=self.figures_of(leaves),
            **group,
        )


def _grouped(
    leaves: Iterable[DashboardLeaf], key: Callable[[DashboardLeaf], Hashable]
) -> dict[Hashable, list[DashboardLeaf]]:
    """The leaves by `key`, each group in plan order."""
    groups: dict[Hashable, list[DashboardLeaf]] = defaultdict(list)
    for leaf in leaves:
        groups[key(leaf)].append(leaf)
    return groups


def _rows_by_top_node(
    top_nodes: Iterable[PlanNode],
    leaves: Iterable[DashboardLeaf],
    counter: _RowCounter,
    *,
    top_name: str,
) -> list[GroupRow]:
    """One row per top-level node with leaves, in plan order."""
    by_top = _grouped(leaves, lambda leaf: leaf.node.path.split("/")[0])
    return [
        counter.row(f"{top_name} {node.code}", node.text, by_top[node.path], node=node)
        for node in top_nodes
        if by_top.get(node.path)
    ]


def _rows_by_area(
    areas: Iterable[Area], leaves: Iterable[DashboardLeaf], counter: _RowCounter
) -> list[GroupRow]:
    """One row per area with leaves, in the areas' order, then the leaves without one."""
    by_area = _grouped(leaves, lambda leaf: leaf.node.area_id)
    rows = [
        counter.row(str(item), item.name, by_area[item.pk], area=item)
        for item in areas
        if by_area.get(item.pk)
    ]
    if by_area.get(None):
        rows.append(counter.row(str(NO_AREA_LABEL), "", by_area[None]))
    return rows


def _changes_since(
    previous: ReportingPeriod,
    leaves: Sequence[DashboardLeaf],
    *,
    has_completed: bool,
    list_url: Callable[[list[tuple[str, str]]], str],
) -> Changes:
    """The leaves newly delayed, newly favourable and newly completed (see `Changes`)."""

    def newly(change: str) -> LeafList:
        categories = CHANGES[change]
        return LeafList.of(
            [
                leaf
                for leaf in leaves
                if leaf.category in categories and leaf.previous_category not in categories
            ],
            list_url([("change", change)]),
        )

    return Changes(
        previous=previous,
        newly_delayed=newly("delayed"),
        newly_favourable=newly("favourable"),
        newly_completed=newly("completed") if has_completed else None,
    )


def _needing_attention(leaves: Iterable[DashboardLeaf]) -> list[DashboardLeaf]:
    """The delayed leaves, then the pending ones, each in plan order (a stable sort)."""
    return sorted(
        (leaf for leaf in leaves if leaf.category in ATTENTION_ORDER),
        key=lambda leaf: ATTENTION_ORDER[leaf.category],
    )


def _share_figure(label: str, count: int, total: int) -> KeyFigure:
    """«40 %», «4 de 10»."""
    return KeyFigure(
        label,
        percent(percentage_of(count, total)),
        gettext("%(count)s de %(total)s") % {"count": count, "total": total},
    )


def _change_figures(changes: Changes, *, has_delayed: bool) -> list[KeyFigure]:
    """How many leaves are newly delayed (when the mandate counts delays), newly
    favourable, and newly completed (when the mandate has a «completed» status) since
    the previous period."""
    label = changes.previous.label
    since = gettext("des del %(period)s") % {"period": label[:1].lower() + label[1:]}
    figures = []
    if has_delayed:
        figures.append(KeyFigure(gettext("Nous retards"), str(changes.newly_delayed.total), since))
    figures.append(
        KeyFigure(
            gettext("Nous completats o dins les previsions"),
            str(changes.newly_favourable.total),
            since,
        )
    )
    if changes.newly_completed is not None:
        figures.append(
            KeyFigure(gettext("Nous completats"), str(changes.newly_completed.total), since)
        )
    return figures


def _key_figures(
    leaves: Sequence[DashboardLeaf],
    progress: Decimal | None,
    changes: Changes | None,
    *,
    has_delayed: bool,
    tracks_progress: bool,
) -> list[KeyFigure]:
    """The figures above the dashboard: the shares favourable, delayed (when the mandate
    counts delays), pending and without entry (when any), the average progress (when
    tracked), and what changed since the previous period (when there is one)."""
    total = len(leaves)
    figures = [
        _share_figure(
            gettext("Completats o dins les previsions"), _count_in(leaves, FAVOURABLE), total
        )
    ]
    if has_delayed:
        figures.append(_share_figure(gettext("Amb retard"), _count_in(leaves, DELAYED), total))
    figures.append(_share_figure(gettext("Pendents"), _count_in(leaves, PENDING), total))
    missing = sum(1 for leaf in leaves if leaf.status is None)
    if missing:
        figures.append(_share_figure(str(NO_ENTRY_LABEL), missing, total))
    if tracks_progress:
        figures.append(KeyFigure(gettext("Execució mitjana"), percent(progress)))
    if changes is not None:
        figures.extend(_change_figures(changes, has_delayed=has_delayed))
    return figures


def _share_chart(
    rows: list[GroupRow], *, attribute: str, title: str, colour: str, chart_id: str
) -> SafeString:
    """One bar per row: its share (`attribute`, 0-100) of the row's leaves."""
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


def _breakdown(
    title: str, group_label: str, rows: list[GroupRow], *, has_delayed: bool, chart_id: str
) -> Breakdown:
    """The rows with the chart of their favourable share, and of their delayed share when
    the mandate counts delays."""
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


def _overall_chart(counts: list[StatusShare], total: int, leaves_name: str) -> SafeString:
    """One bar per status of the whole plan (or of the area shown)."""
    return bar_chart(
        [Bar(row.label, row.count, row.colour, row.share_text) for row in counts],
        title=gettext("Estat de compliment de tot el pla"),
        description=gettext("%(total)s %(leaves)s per estat de compliment: %(figures)s.")
        % {
            "total": total,
            "leaves": leaves_name.lower(),
            "figures": "; ".join(f"{row.label}: {row.count} ({row.share_text})" for row in counts),
        },
        max_value=max(total, 1),
        chart_id="plan-dashboard-overall",
    )
