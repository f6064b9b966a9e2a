"""The plan dashboard's lists of leaves (needing attention, newly delayed, newly
favourable, newly completed): the first `LIST_SHOWN` of each, found by walking the plan
in order and stopping there, so a list costs what it shows, not what the plan holds.
`commitments.dashboard` counts; this module finds the leaves the counts name first.
"""

from collections.abc import Callable, Collection

from django.db.models import Case, FilteredRelation, Q, Value, When
from django.urls import reverse

from commitments.dashboard_figures import LIST_SHOWN, DashboardLeaf, LeafNode
from commitments.models import PlanNode, ReportingPeriod, StatusCategory
from governance.models import Area

# The leaves that need attention, in this order: the delayed, then the pending.
ATTENTION_ORDER = {StatusCategory.DELAYED: 0, StatusCategory.PENDING: 1}


def detail_url_maker() -> Callable[[int], str]:
    """The commitment page's URL for any pk, reversed once rather than once per leaf:
    the dashboard links hundreds of them."""
    marker = 2_147_483_647
    pattern = reverse("commitments:detail", args=[marker])
    return lambda pk: pattern.replace(str(marker), str(pk))


def leaves_with_entries(
    period: ReportingPeriod, previous: ReportingPeriod | None, area: Area | None
):
    """The mandate's leaves (of `area`), each joined to its entry of `period` as `now`
    and of `previous` as `before` (none: a leaf without entry that period)."""
    leaves = PlanNode.objects.filter(mandate_id=period.mandate_id).leaves()
    if area is not None:
        leaves = leaves.filter(area=area)
    leaves = leaves.annotate(now=_entry_of(period))
    if previous is not None:
        leaves = leaves.annotate(before=_entry_of(previous))
    return leaves


def _entry_of(period: ReportingPeriod) -> FilteredRelation:
    """A leaf's entry of `period`, for a LEFT JOIN (none: no entry)."""
    return FilteredRelation("entries", condition=Q(entries__period=period))


class LeafLists:
    """The first leaves of each list on the dashboard (`LIST_SHOWN`), one query a list,
    each leaf with its statuses, area and page named without a query.

    A list walks the mandate's leaves in plan order (the index `leaves_in_plan_order`),
    each joined to its entries of both periods, and stops at the first `LIST_SHOWN`
    that belong: it reads as many leaves as it takes to find them, not the plan."""

    def __init__(self, period, previous, area, statuses, areas):
        self.leaves = leaves_with_entries(period, previous, area)
        self.with_previous = previous is not None
        self.statuses = statuses
        self.status_by_id = {status.pk: status for status in statuses}
        self.area_by_id = {item.pk: item for item in areas}
        self.tracks_progress = period.mandate.tracks_progress
        self.detail_url = detail_url_maker()

    def ids_in(self, categories: Collection[str]) -> list[int]:
        return [status.pk for status in self.statuses if status.category in categories]

    def _fields(self) -> list[str]:
        fields = [*LeafNode._fields, "now__status_id", "now__progress"]
        if self.with_previous:
            fields.append("before__status_id")
        return fields

    def _leaf(self, row) -> DashboardLeaf:
        node = LeafNode(*row[:5])
        return DashboardLeaf(
            node=node,
            area=self.area_by_id.get(node.area_id),
            status=self.status_by_id.get(row[5]),
            previous_status=self.status_by_id.get(row[7]) if self.with_previous else None,
            progress=row[6] if self.tracks_progress else None,
            url=self.detail_url(node.pk),
        )

    def needing_attention(self) -> list[DashboardLeaf]:
        """The delayed leaves, then the pending ones, each in plan order: of the first
        leaves of each category (each found walking the plan in order), the first in
        the categories' order, in one query."""
        categories = [category for category in ATTENTION_ORDER if self.ids_in({category})]
        if not categories:
            return []
        firsts = Q()
        for category in categories:
            first = (
                self.leaves.filter(now__status_id__in=self.ids_in({category}))
                .order_by("path")
                .values("pk")[:LIST_SHOWN]
            )
            firsts |= Q(pk__in=first)
        order = Case(
            *(
                When(
                    now__status_id__in=self.ids_in({category}),
                    then=Value(ATTENTION_ORDER[category]),
                )
                for category in categories
            ),
            default=Value(len(ATTENTION_ORDER)),
        )
        rows = self.leaves.filter(firsts).order_by(order, "path").values_list(*self._fields())
        return [self._leaf(row) for row in rows[:LIST_SHOWN]]

    def newly_in(self, categories: Collection[str]) -> list[DashboardLeaf]:
        """The leaves in `categories` now and not in the previous period, in plan order."""
        others = [status.pk for status in self.statuses if status.category not in categories]
        leaves = (
            self.leaves.filter(now__status_id__in=self.ids_in(categories))
            .filter(Q(before__status_id__in=others) | Q(before__status_id__isnull=True))
            .order_by("path")
        )
        return [self._leaf(row) for row in leaves.values_list(*self._fields())[:LIST_SHOWN]]
