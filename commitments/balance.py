"""The balance (*Balanç*) of a mandate plan for one reporting period.

`build_balance` loads everything the document shows in a fixed number of queries,
whatever the plan's size, and returns plain dataclasses: the summary figures, the
tree's headings and the leaves with their entries. The HTML page and the PDF render
the same `Balance` through the same template partial.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.models import (
    Entry,
    Figure,
    Mandate,
    PlanLevel,
    PlanNode,
    ReportingPeriod,
    Status,
)
from governance.models import Area
from terrassa_plis import palette
from terrassa_plis.charts import Bar, bar_chart
from terrassa_plis.formatting import percent, percentage_of
from terrassa_plis.related import RelatedItem, related_items

NO_ENTRY_LABEL = _("Sense seguiment")
# A name of the palette (static/css/palette.css), as the charts take it.
NO_ENTRY_COLOUR = "no-entry"
# Headings of the tree start under the document's h1 and the summary's h2.
FIRST_TREE_HEADING = 2


class UnknownFilter(LookupError):
    """A priority code or area number that the mandate does not have."""

    def __init__(self, field: str, value):
        super().__init__(f"{field}={value!r}")
        self.field = field
        self.value = value


@dataclass(frozen=True)
class FilterOptions:
    """What the balance may be filtered by: the plan's top-level nodes and the areas."""

    top_nodes: list[PlanNode]  # in plan order, each annotated with `has_leaves`
    areas: list[Area]

    def first_top_node(self) -> PlanNode | None:
        """What the Balanç page opens on: the first top-level node with something to
        follow (the first one if none has), None for a plan without nodes."""
        with_leaves = (node for node in self.top_nodes if node.has_leaves)
        return next(with_leaves, self.top_nodes[0] if self.top_nodes else None)

    def top_node(self, code: str) -> PlanNode:
        for node in self.top_nodes:
            if node.code == code:
                return node
        raise UnknownFilter("priority", code)

    def area(self, number: int) -> Area:
        for area in self.areas:
            if area.number == number:
                return area
        raise UnknownFilter("area", number)


def filter_options(mandate: Mandate) -> FilterOptions:
    """Two queries: the top-level nodes (with their level, and whether any leaf lies under
    them) and the areas."""
    subtree = Concat(OuterRef("path"), Value("/"))
    # `path__gte` adds nothing to `startswith` but lets the database walk the index from
    # the node's own place (a prefix sorts before what extends it, whatever the
    # collation): without it each top-level node read the whole plan.
    leaves_under = PlanNode.objects.filter(
        mandate=mandate, is_leaf=True, path__gte=subtree, path__startswith=subtree
    )
    top_nodes = list(
        PlanNode.objects.filter(mandate=mandate, parent=None)
        .select_related("level")
        .annotate(has_leaves=Q(is_leaf=True) | Exists(leaves_under))
        .order_by("path")
    )
    return FilterOptions(top_nodes=top_nodes, areas=list(Area.objects.order_by("number")))


@dataclass(frozen=True)
class StatusCount:
    label: str
    colour: str
    count: int
    share: Decimal  # percentage of the total, 0-100
    status: Status | None = None  # None: no entry in the period

    @property
    def fill(self) -> str:
        """The colour as CSS takes it: a status's own, or the palette's for no entry."""
        return self.colour if self.colour.startswith("#") else palette.colour(self.colour)


def count_statuses(
    statuses: Sequence[Status], status_ids: Iterable[int | None]
) -> list[StatusCount]:
    """Count and share of every status, in the mandate's order, zeros included.

    `status_ids` holds one value per leaf; None (no entry in the period) is counted
    as «Sense seguiment», listed last and only when there is any.
    """
    return status_counts(statuses, Counter(status_ids))


def status_counts(
    statuses: Sequence[Status], counts: Mapping[int | None, int]
) -> list[StatusCount]:
    """`count_statuses` of leaves already counted by status id (e.g. in SQL)."""
    total = sum(counts.values())
    rows = []
    for status in statuses:
        count = counts.get(status.id, 0)
        rows.append(
            StatusCount(status.label, status.colour, count, percentage_of(count, total), status)
        )
    missing = counts.get(None, 0)
    if missing:
        rows.append(
            StatusCount(NO_ENTRY_LABEL, NO_ENTRY_COLOUR, missing, percentage_of(missing, total))
        )
    return rows


@dataclass(frozen=True)
class Summary:
    """The status figures of the whole balance or of one top-level node."""

    title: str
    counts: list[StatusCount]
    total: int
    progress: Decimal | None
    chart: SafeString
    node: PlanNode | None = None

    @property
    def bars(self) -> list[tuple[StatusCount, Decimal]]:
        """Each row with its bar's length, in percent of the longest, as the chart draws it.

        The PDF prints these instead of the chart and the table: one line of text a status
        and its bar as a background. WeasyPrint lays out an SVG's texts and a table's cells at
        several times the cost of a paragraph; in the whole 2015-2019 balance the six
        summaries cost as much as twenty pages of commitments.
        """
        longest = max((row.count for row in self.counts), default=0) or 1
        return [(row, Decimal(100 * row.count) / longest) for row in self.counts]


def heading_tag(level: int) -> str:
    """«h4»: the tag as text, which a template writes as it is; hundreds of leaves each
    write theirs twice, and a template localises every number it writes."""
    return f"h{level}"


@dataclass(frozen=True)
class Heading:
    """An inner node of the tree: a priority, an objective, an axis."""

    kind: ClassVar[str] = "heading"
    node: PlanNode
    title: str  # «PRIORITAT núm. 2»
    depth: int
    heading_level: int
    progress: Decimal | None

    @property
    def heading_tag(self) -> str:
        return heading_tag(self.heading_level)


@dataclass(frozen=True)
class Leaf:
    """A commitment or an action with what it reported in the period."""

    kind: ClassVar[str] = "leaf"
    node: PlanNode
    title: str  # «COMPROMÍS núm. 21»
    depth: int
    heading_level: int
    area: Area | None
    entry: Entry | None
    legend: SafeString
    """Every status of the mandate, the current one marked, for the page (`legends`)."""
    related: list[RelatedItem] = field(default_factory=list)
    """The charters' indicators and PLIS actions related to it (`terrassa_plis.related`)."""
    figures: list[Figure] = field(default_factory=list)
    """The entry's figures, in order."""

    @property
    def status_id(self) -> int | None:
        return self.entry.status_id if self.entry else None

    @property
    def heading_tag(self) -> str:
        return heading_tag(self.heading_level)

    @property
    def anchor(self) -> str:
        """The id of its heading, which labels its section."""
        return f"balance-node-{self.node.pk}"

    @property
    def figures_line(self) -> str:
        """Every figure in one line, for the PDF: «Participants: 144 participants (121
        dones i 23 homes); Tràmits: 344 tràmits»."""
        return "; ".join(figure.labelled_text for figure in self.figures)


@dataclass(frozen=True)
class Balance:
    period: ReportingPeriod
    mandate: Mandate
    statuses: list[Status]
    top_level: PlanLevel | None  # None only for a mandate whose levels are not set up yet
    leaf_level: PlanLevel | None
    top_node: PlanNode | None
    area: Area | None
    overall: Summary
    by_top_node: list[Summary]
    items: list[Heading | Leaf]

    @property
    def summaries(self) -> list[Summary]:
        return [self.overall, *self.by_top_node]

    @property
    def title(self) -> str:
        return gettext("Balanç del %(plan)s") % {"plan": self.mandate.name}

    @property
    def running_header(self) -> str:
        return f"{self.mandate.name} · {self.period.label}"

    @property
    def date(self) -> date:
        return self.period.end

    @property
    def top_node_title(self) -> str:
        return node_title(self.top_level, self.top_node) if self.top_node else ""

    @property
    def filename_stem(self) -> str:
        parts = [gettext("balanç"), self.mandate.name, self.period.label]
        if self.top_node:
            parts += [self.top_level.name, self.top_node.code.replace(".", "-")]
        if self.area:
            parts += [gettext("àrea"), str(self.area.number)]
        return slugify(" ".join(parts))

    @property
    def pdf_filename(self) -> str:
        return f"{self.filename_stem}.pdf"


def node_title(level: PlanLevel, node: PlanNode) -> str:
    """The printed heading of a node, its level's name in capitals: «COMPROMÍS núm. 21»."""
    return gettext("%(level)s núm. %(code)s") % {"level": level.name.upper(), "code": node.code}


def _summary(title, statuses, leaves, progress, *, node=None, chart_id) -> Summary:
    counts = count_statuses(statuses, [leaf.status_id for leaf in leaves])
    total = len(leaves)
    bars = [Bar(row.label, row.count, row.colour, percent(row.share)) for row in counts]
    chart = bar_chart(
        bars,
        title=gettext("Estat de compliment: %(title)s") % {"title": title},
        description=gettext(
            "%(total)s elements per estat de compliment, amb el percentatge de cadascun."
        )
        % {"total": total},
        max_value=max(total, 1),
        chart_id=chart_id,
    )
    return Summary(title, counts, total, progress, chart, node)


def _overall_title(top_level: PlanLevel | None, top_node: PlanNode | None, area) -> str:
    """What the whole summary covers: «Tot el pla», «PRIORITAT núm. 2», «Àrea 3. Drets
    Socials…», or both filters."""
    parts = []
    if top_node:
        parts.append(node_title(top_level, top_node))
    if area:
        parts.append(gettext("Àrea %(area)s") % {"area": area})
    return " · ".join(parts) if parts else gettext("Tot el pla")


def _heading_level(level: PlanLevel) -> int:
    return min(FIRST_TREE_HEADING + level.depth, 6)


def legends(statuses: Sequence[Status]) -> dict[int | None, SafeString]:
    """The page's legend of a leaf (commitments/_balance_legend.html) by its current
    status's id, None for no entry: a mandate has a handful of statuses, so each legend
    is rendered once, not once a leaf."""
    template = get_template("commitments/_balance_legend.html")
    return {
        current: template.render({"statuses": statuses, "current": current})
        for current in [*(status.id for status in statuses), None]
    }


def _leaf(node, level, area, entry, legend_of, related, figures) -> Leaf:
    status_id = entry.status_id if entry else None
    return Leaf(
        node=node,
        title=node_title(level, node),
        depth=level.depth,
        heading_level=_heading_level(level),
        area=area,
        entry=entry,
        legend=legend_of.get(status_id, legend_of[None]),
        related=related,
        figures=figures,
    )


def _tree_items(nodes, leaves, levels, progress) -> list[Heading | Leaf]:
    """The nodes in tree order, leaving out inner nodes with no leaf under them."""
    with_leaves = {path for leaf in leaves for path in leaf.node.ancestor_paths()}
    next_leaf = iter(leaves)
    items: list[Heading | Leaf] = []
    for node in nodes:
        if node.is_leaf:
            items.append(next(next_leaf))
        elif node.path in with_leaves:
            level = levels[node.level_id]
            items.append(
                Heading(
                    node=node,
                    title=node_title(level, node),
                    depth=level.depth,
                    heading_level=_heading_level(level),
                    progress=progress.get(node.id),
                )
            )
    return items


def build_balance(
    period: ReportingPeriod,
    *,
    top_code: str | None = None,
    area_number: int | None = None,
    options: FilterOptions | None = None,
) -> Balance:
    """The balance of `period`, optionally of one top-level node and/or one area.

    Queries, whatever the plan's size: the filter options (2, unless `options` is
    given), the statuses, the levels, the nodes, the period's entries of those leaves,
    their figures, and, where the mandate tracks progress, the roll-up (2); then the
    related items (`terrassa_plis.related`: the relations, and the indicators' results
    and the actions' implementation when any is related, 1 to 3).
    Raises UnknownFilter for a code or number the mandate does not have.
    """
    mandate = period.mandate
    options = options or filter_options(mandate)
    top_node = options.top_node(top_code) if top_code else None
    area = options.area(area_number) if area_number is not None else None

    statuses = list(Status.objects.filter(mandate=mandate).order_by("position"))
    levels = {level.id: level for level in PlanLevel.objects.filter(mandate=mandate)}
    by_depth = sorted(levels.values(), key=lambda level: level.depth)

    scope = Q(mandate=mandate)
    if top_node:
        scope &= Q(path=top_node.path) | Q(path__startswith=f"{top_node.path}/")
    if area:
        scope &= Q(is_leaf=False) | Q(area=area)
    # Not the SDGs, which the balance does not show: a JSON to decode a node.
    nodes = list(PlanNode.objects.filter(scope).defer("sdgs").order_by("path"))
    leaf_ids = PlanNode.objects.filter(scope, is_leaf=True).values("pk")

    entries = {
        entry.node_id: entry
        for entry in Entry.objects.filter(period=period, node__in=leaf_ids).for_balance()
    }
    # Read in one query and grouped here: prefetch_related would build a queryset for
    # each of hundreds of entries to attach theirs.
    figures = defaultdict(list)
    for figure in Figure.objects.filter(entry__period=period, entry__node__in=leaf_ids).order_by(
        "entry_id", "position", "id"
    ):
        figures[figure.entry_id].append(figure)
    progress = (
        Entry.objects.filter(node__in=leaf_ids).progress_by_node(period)
        if mandate.tracks_progress
        else {}
    )

    related = related_items("commitments.PlanNode", [node.id for node in nodes if node.is_leaf])

    areas = {item.id: item for item in options.areas}
    legend_of = legends(statuses)
    leaves = [
        _leaf(
            node,
            levels[node.level_id],
            areas.get(node.area_id),
            entries.get(node.id),
            legend_of,
            related.get(node.id, []),
            figures[entries[node.id].pk] if node.id in entries else [],
        )
        for node in nodes
        if node.is_leaf
    ]
    items = _tree_items(nodes, leaves, levels, progress)
    leaves_by_top: dict[str, list[Leaf]] = defaultdict(list)
    for leaf in leaves:
        leaves_by_top[leaf.node.path.split("/")[0]].append(leaf)

    overall_title = _overall_title(by_depth[0] if by_depth else None, top_node, area)
    overall = _summary(
        overall_title,
        statuses,
        leaves,
        # The key None: the mean of every leaf in scope, as each node's is of its own.
        progress.get(None),
        node=top_node,
        chart_id="balance-chart-all",
    )
    by_top_node = [
        _summary(
            node_title(levels[node.level_id], node),
            statuses,
            leaves_by_top[node.path],
            progress.get(node.id),
            node=node,
            chart_id=f"balance-chart-{node.pk}",
        )
        for node in options.top_nodes
        if leaves_by_top.get(node.path) and node != top_node
    ]
    return Balance(
        period=period,
        mandate=mandate,
        statuses=statuses,
        top_level=by_depth[0] if by_depth else None,
        leaf_level=by_depth[-1] if by_depth else None,
        top_node=top_node,
        area=area,
        overall=overall,
        by_top_node=by_top_node,
        items=items,
    )
