"""The Mandate Plan's dashboard for directors: where a mandate's plan stands in one
reporting period (each status's count and share overall, per top-level node and per
area, average progress where the mandate tracks it), what changed since the previous
period, and which commitments are delayed or pending.

`build_plan_dashboard` runs a fixed number of queries whatever the size of the data
(see its docstring); the view only checks access, reads the filters and renders. The
figures it returns are the dataclasses of `commitments.dashboard_figures`; what the
dashboard may be filtered by is `commitments.plan_choices`.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Left, StrIndex
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.balance import NO_ENTRY_COLOUR, NO_ENTRY_LABEL, status_counts
from commitments.dashboard_charts import breakdown, change_figures, overall_chart, share_figure
from commitments.dashboard_figures import (
    Changes,
    GroupRow,
    KeyFigure,
    LeafList,
    PlanDashboard,
    StatusShare,
    has_completed_status,
    has_delayed_status,
    leaf_plural,
)
from commitments.dashboard_lists import (
    ATTENTION_ORDER,
    LeafLists,
    leaves_with_entries,
)
from commitments.figures import FigureTotals, sum_totals
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
from terrassa_plis.formatting import percent, percentage_of

# «Completat o dins les previsions»: the categories a director reads as going well.
FAVOURABLE = frozenset({StatusCategory.COMPLETED, StatusCategory.ON_TRACK})
DELAYED = frozenset({StatusCategory.DELAYED})
PENDING = frozenset({StatusCategory.PENDING})
# What each list of changes holds (`Changes`): the leaves in these categories now and
# not in the previous period; the commitments list filters by the same (`?change=`).
CHANGES = {
    "delayed": DELAYED,
    "favourable": FAVOURABLE,
    "completed": frozenset({StatusCategory.COMPLETED}),
}
NO_AREA_LABEL = _("Sense àrea responsable")
# The breakdown by top-level node shows this many, then links the Balanç (which opens on
# any of them): the dashboard's size does not grow with the plan.
TOP_NODES_SHOWN = 10


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
    Every count, share, mean and total is an SQL aggregate and every list is capped, so
    neither the queries nor the work grow with the plan. Queries: 1 the statuses, 2 the
    levels, 3 the leaves counted by top-level node, area and status (now and before),
    4 the first top-level nodes, 5 the figures summed by top-level node and area, 6 the
    first leaves needing attention, then, when there is a previous period, one for each
    list of changes: 7 newly delayed (when the mandate counts delays), 8 newly
    favourable, 9 newly completed (when it has a «completed» status). A list the counts
    of query 3 say is empty is not queried.
    """
    mandate = period.mandate
    statuses = list(Status.objects.filter(mandate=mandate).order_by("position"))
    top_level, leaf_level = _top_and_leaf_levels(mandate)
    category_of = {status.pk: status.category for status in statuses}
    by_top, by_area = _tallies(period, previous, area)
    top_nodes = list(
        PlanNode.objects.filter(
            mandate=mandate, parent=None, path__in=sorted(by_top)[:TOP_NODES_SHOWN]
        ).order_by("path")
    )
    figures_by_top, figures_by_area = _figure_totals(period, area)
    overall = sum(by_area.values(), _Tally())

    columns = _column_counts(statuses, overall.counts, with_missing=False)
    counter = _RowCounter(
        statuses,
        # Some leaf has no entry: every row gets a «Sense seguiment» column.
        with_missing=len(columns) > len(statuses),
        tracks_progress=mandate.tracks_progress,
        category_of=category_of,
    )
    progress = counter.progress(overall)
    has_delayed = has_delayed_status(statuses)
    list_url = _list_url_maker(period, leaf_level, area)
    lists = LeafLists(period, previous, area, statuses, areas)
    changes = (
        _changes_since(
            previous,
            overall,
            lists,
            has_delayed=has_delayed,
            has_completed=has_completed_status(statuses),
            list_url=list_url,
        )
        if previous is not None
        else None
    )
    top_name = top_level.name if top_level else gettext("Prioritat")
    figures = sum_totals(figures_by_area.values())
    return PlanDashboard(
        mandate=mandate,
        period=period,
        area=area,
        statuses=statuses,
        top_level=top_level,
        leaf_level=leaf_level,
        columns=columns,
        total=overall.total,
        progress=progress,
        figures=figures,
        overall_chart=overall_chart(columns, overall.total, leaf_plural(leaf_level)),
        key_figures=_key_figures(
            overall,
            progress,
            changes,
            category_of=category_of,
            has_delayed=has_delayed,
            tracks_progress=mandate.tracks_progress,
        ),
        by_top_node=breakdown(
            gettext("per %(level)s") % {"level": top_name.lower()},
            top_name,
            [
                counter.row(
                    f"{top_name} {node.code}",
                    node.text,
                    by_top.get(node.path, _Tally()),
                    figures_by_top.get(node.path, FigureTotals()),
                    node=node,
                )
                for node in top_nodes
            ],
            has_delayed=has_delayed,
            chart_id="plan-dashboard-top",
            total_rows=len(by_top),
            all_url=_balance_url(period, area),
        ),
        by_area=breakdown(
            gettext("per àrea"),
            gettext("Àrea"),
            _rows_by_area(areas, by_area, figures_by_area, counter),
            has_delayed=has_delayed,
            chart_id="plan-dashboard-area",
        ),
        changes=changes,
        attention=_attention(overall, lists, category_of, list_url),
    )


def _attention(
    overall: "_Tally",
    lists: "LeafLists",
    category_of: Mapping[int, str],
    list_url: Callable[[list[tuple[str, str]]], str],
) -> LeafList:
    """The leaves needing attention: how many, and the first of them (no query when
    there are none, which would walk the whole plan to find none)."""
    count = overall.in_categories(ATTENTION_ORDER, category_of)
    return LeafList(
        lists.needing_attention() if count else [],
        count,
        list_url([("category", category) for category in ATTENTION_ORDER]),
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


def _top_path(path_field: str):
    """The path of the top-level node a node lies under (its own for a top-level node):
    its path up to the first «/»."""
    slash = StrIndex(path_field, Value("/"))
    return Case(
        When(GreaterThan(slash, 0), then=Left(path_field, slash - 1)),
        default=F(path_field),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class _Tally:
    """The leaves of a group counted in SQL: how many have each status (None: no entry)
    and, with the previous period's, each pair of statuses; the sum and count of the
    progress given."""

    counts: Counter = field(default_factory=Counter)  # by status id
    moves: Counter = field(default_factory=Counter)  # by (status id, previous status id)
    progress_sum: Decimal = Decimal(0)
    progress_count: int = 0

    def __add__(self, other: "_Tally") -> "_Tally":
        return _Tally(
            self.counts + other.counts,
            self.moves + other.moves,
            self.progress_sum + other.progress_sum,
            self.progress_count + other.progress_count,
        )

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def in_categories(self, categories: Collection[str], category_of: Mapping) -> int:
        return sum(
            count
            for status_id, count in self.counts.items()
            if category_of.get(status_id) in categories
        )

    def newly_in(self, categories: Collection[str], category_of: Mapping) -> int:
        """The leaves in `categories` now and not in the previous period (`CHANGES`)."""
        return sum(
            count
            for (status_id, previous_id), count in self.moves.items()
            if category_of.get(status_id) in categories
            and category_of.get(previous_id) not in categories
        )


class _TallyBuilder:
    """Adds the grouped rows up into one `_Tally`."""

    def __init__(self):
        self.counts = Counter()
        self.moves = Counter()
        self.progress_sum = Decimal(0)
        self.progress_count = 0

    def add(self, status_id, previous_id, count, progress_sum, progress_count):
        self.counts[status_id] += count
        self.moves[status_id, previous_id] += count
        self.progress_sum += progress_sum or 0
        self.progress_count += progress_count

    def tally(self) -> _Tally:
        return _Tally(self.counts, self.moves, self.progress_sum, self.progress_count)


def _tallies(
    period: ReportingPeriod, previous: ReportingPeriod | None, area: Area | None
) -> tuple[dict[str, _Tally], dict[int | None, _Tally]]:
    """The leaves' `_Tally` by top-level node (its path) and by area, from one grouped
    query: one row per top-level node, area and status (and previous status).

    Each leaf (read from the index `leaves_in_plan_order` alone) is joined to its entry
    of each period (none: no status): two lookups a leaf, not four subqueries."""
    leaves = leaves_with_entries(period, previous, area)
    fields = ["top_path", "area_id", "now__status_id"]
    if previous is not None:
        fields.append("before__status_id")
    rows = (
        leaves.annotate(top_path=_top_path("path"))
        .values(*fields)
        .annotate(
            leaf_count=Count("pk"),
            progress_sum=Sum("now__progress"),
            progress_count=Count("now__progress"),
        )
        .order_by()
        .values_list(*fields, "leaf_count", "progress_sum", "progress_count")
    )
    by_top: dict[str, _TallyBuilder] = defaultdict(_TallyBuilder)
    by_area: dict[int | None, _TallyBuilder] = defaultdict(_TallyBuilder)
    for row in rows:
        top_path, area_id, status_id = row[:3]
        previous_id = row[3] if previous is not None else None
        counted = row[-3:]
        by_top[top_path].add(status_id, previous_id, *counted)
        by_area[area_id].add(status_id, previous_id, *counted)
    return (
        {key: builder.tally() for key, builder in by_top.items()},
        {key: builder.tally() for key, builder in by_area.items()},
    )


def _figure_totals(
    period: ReportingPeriod, area: Area | None
) -> tuple[dict[str, FigureTotals], dict[int | None, FigureTotals]]:
    """The totals of the period's figures that carry a women/men split
    (`commitments.figures`), by top-level node (its path) and by area: one query.

    It walks the leaves to their entries of the period to their figures (outer joins,
    the split a condition of each sum), each step read from an index alone
    (`leaves_in_plan_order`, the entries' by node and period, `figure_split_by_entry`)."""
    figures = "now__figures__"
    split = Q(**{f"{figures}women__isnull": False}) | Q(**{f"{figures}men__isnull": False})
    rows = (
        leaves_with_entries(period, None, area)
        .annotate(top_path=_top_path("path"))
        .values("top_path", "area_id")
        .annotate(
            value_sum=Sum(f"{figures}value", filter=split),
            women_sum=Sum(f"{figures}women", filter=split),
            men_sum=Sum(f"{figures}men", filter=split),
            count=Count(f"{figures}pk", filter=split),
        )
        .order_by()
        .values_list("top_path", "area_id", "value_sum", "women_sum", "men_sum", "count")
    )
    by_top: dict[str, FigureTotals] = {}
    by_area: dict[int | None, FigureTotals] = {}
    for top_path, area_id, value, women, men, count in rows:
        totals = FigureTotals(value or Decimal(0), women or Decimal(0), men or Decimal(0), count)
        by_top[top_path] = by_top.get(top_path, FigureTotals()) + totals
        by_area[area_id] = by_area.get(area_id, FigureTotals()) + totals
    return by_top, by_area


def _column_counts(
    statuses: Sequence[Status], counts: Mapping[int | None, int], *, with_missing: bool
) -> list[StatusShare]:
    """The balance's counts (commitments.balance.status_counts), with a «Sense
    seguiment» column of 0 added when the breakdown has that column and the group not."""
    shares = [
        StatusShare(str(row.label), row.colour, row.count, row.share, row.status)
        for row in status_counts(statuses, counts)
    ]
    if with_missing and len(shares) == len(statuses):
        shares.append(StatusShare(str(NO_ENTRY_LABEL), NO_ENTRY_COLOUR, 0, Decimal(0)))
    return shares


@dataclass(frozen=True)
class _RowCounter:
    """How every row of a breakdown counts its leaves: one column per status of the
    mandate (and «Sense seguiment» when some leaf of the plan has no entry), and the
    average progress when the mandate tracks it."""

    statuses: Sequence[Status]
    with_missing: bool
    tracks_progress: bool
    category_of: Mapping[int, str]

    def progress(self, tally: _Tally) -> Decimal | None:
        if not self.tracks_progress or not tally.progress_count:
            return None
        return tally.progress_sum / tally.progress_count

    def row(self, label: str, text: str, tally: _Tally, figures: FigureTotals, **group) -> GroupRow:
        """The row of one group (`node=` a top-level node or `area=` an area)."""
        total = tally.total
        return GroupRow(
            label=label,
            text=text,
            counts=_column_counts(self.statuses, tally.counts, with_missing=self.with_missing),
            total=total,
            favourable_share=percentage_of(
                tally.in_categories(FAVOURABLE, self.category_of), total
            ),
            delayed_share=percentage_of(tally.in_categories(DELAYED, self.category_of), total),
            progress=self.progress(tally),
            figures=figures,
            **group,
        )


def _rows_by_area(
    areas: Iterable[Area],
    tallies: Mapping[int | None, _Tally],
    figures: Mapping[int | None, FigureTotals],
    counter: _RowCounter,
) -> list[GroupRow]:
    """One row per area with leaves, in the areas' order, then the leaves without one."""
    rows = [
        counter.row(
            str(item), item.name, tallies[item.pk], figures.get(item.pk, FigureTotals()), area=item
        )
        for item in areas
        if item.pk in tallies
    ]
    if None in tallies:
        rows.append(
            counter.row(str(NO_AREA_LABEL), "", tallies[None], figures.get(None, FigureTotals()))
        )
    return rows


def _balance_url(period: ReportingPeriod, area: Area | None) -> str:
    """The Balanç of the period (of the area shown), which opens on any top-level node."""
    url = reverse("commitments:balance", args=[period.pk])
    return f"{url}?{urlencode({'area': area.number})}" if area is not None else url


def _changes_since(
    previous: ReportingPeriod,
    overall: _Tally,
    lists: LeafLists,
    *,
    has_delayed: bool,
    has_completed: bool,
    list_url: Callable[[list[tuple[str, str]]], str],
) -> Changes:
    """The leaves newly delayed, newly favourable and newly completed (see `Changes`):
    how many (counted in SQL) and the first of them."""

    def newly(change: str) -> LeafList:
        categories = CHANGES[change]
        count = overall.newly_in(categories, lists_category_of)
        # None to list: no query that would walk the whole plan to find none.
        return LeafList(
            lists.newly_in(categories) if count else [], count, list_url([("change", change)])
        )

    lists_category_of = {status.pk: status.category for status in lists.statuses}
    return Changes(
        previous=previous,
        # Without a «delayed» status nothing is newly delayed: no query for it.
        newly_delayed=newly("delayed")
        if has_delayed
        else LeafList([], 0, list_url([("change", "delayed")])),
        newly_favourable=newly("favourable"),
        newly_completed=newly("completed") if has_completed else None,
    )


def _key_figures(
    overall: _Tally,
    progress: Decimal | None,
    changes: Changes | None,
    *,
    category_of: Mapping[int, str],
    has_delayed: bool,
    tracks_progress: bool,
) -> list[KeyFigure]:
    """The figures above the dashboard: the shares favourable, delayed (when the mandate
    counts delays), pending and without entry (when any), the average progress (when
    tracked), and what changed since the previous period (when there is one)."""
    total = overall.total
    figures = [
        share_figure(
            gettext("Completats o dins les previsions"),
            overall.in_categories(FAVOURABLE, category_of),
            total,
        )
    ]
    if has_delayed:
        figures.append(
            share_figure(gettext("Amb retard"), overall.in_categories(DELAYED, category_of), total)
        )
    figures.append(
        share_figure(gettext("Pendents"), overall.in_categories(PENDING, category_of), total)
    )
    missing = overall.counts[None]
    if missing:
        figures.append(share_figure(str(NO_ENTRY_LABEL), missing, total))
    if tracks_progress:
        figures.append(KeyFigure(gettext("Execució mitjana"), percent(progress)))
    if changes is not None:
        figures.extend(change_figures(changes, has_delayed=has_delayed))
    return figures
