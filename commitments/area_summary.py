"""One area's Mandate Plan in its latest reported semester: its leaves by status, what
changed since the semester before, and what is late, for the area's page (`overview`).

The same leaves, statuses and categories as the plan dashboard (`commitments.dashboard`),
read for one area: the area's page and the dashboard filtered by that area agree.
`build_area_commitments` runs a fixed number of queries (see its docstring).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from commitments.balance import count_statuses
from commitments.dashboard import dashboard_leaves
from commitments.dashboard_figures import DashboardLeaf, StatusShare, leaf_plural
from commitments.dashboard_lists import detail_url_maker
from commitments.models import PlanLevel, ReportingPeriod, Status, StatusCategory
from governance.models import Area

# How many leaves each list names on the area's page; the commitments list holds them all.
LISTED_LEAVES = 10


@dataclass(frozen=True)
class LateLink:
    """The commitments list filtered to one «late» status of the area in the period."""

    label: str
    count: int
    url: str


@dataclass(frozen=True)
class AreaCommitments:
    period: ReportingPeriod
    previous: ReportingPeriod | None
    leaves_name: str  # «Compromisos», «Actuacions»
    total: int
    counts: list[StatusShare]
    changed: list[DashboardLeaf]  # the first LISTED_LEAVES whose status changed
    changed_count: int
    late: list[DashboardLeaf]  # the first LISTED_LEAVES delayed
    late_count: int
    late_links: list[LateLink]
    list_url: str  # the area's leaves in the period, on the commitments list

    @property
    def more_changed(self) -> bool:
        return self.changed_count > len(self.changed)

    @property
    def more_late(self) -> bool:
        return self.late_count > len(self.late)


def latest_period_of(area: Area) -> ReportingPeriod | None:
    """The latest semester in which a leaf of `area` reported; one query."""
    return (
        ReportingPeriod.objects.filter(entries__node__area=area, entries__node__is_leaf=True)
        .select_related("mandate")
        .order_by("-start", "-pk")
        .first()
    )


def _list_url(period: ReportingPeriod, area: Area, status: Status | None = None) -> str:
    """The commitments list (`commitments.filters.CommitmentFilter`) of the area's leaves
    in the period, of one status when given."""
    query = {"mandate": period.mandate_id, "period": period.pk, "area": area.pk}
    if status is not None:
        query["status"] = status.pk
    return f"{reverse('commitments:list')}?{urlencode(query)}"


def build_area_commitments(area: Area) -> AreaCommitments | None:
    """The area's leaves in its latest reported period, or None before any entry.

    Queries, whatever the plan's size: 1 the latest period of the area, 2 the period
    before it (`previous`), 3 the mandate's statuses, 4 its leaf level, 5 the area's
    leaves with both periods' statuses (`commitments.dashboard.dashboard_leaves`).
    Changed: a status other than the one of the previous period (or a first entry).
    Late: a status of the «delayed» category.
    """
    period = latest_period_of(area)
    if period is None:
        return None
    previous = period.previous()
    statuses = list(Status.objects.filter(mandate_id=period.mandate_id).order_by("position"))
    leaf_level = PlanLevel.objects.filter(mandate_id=period.mandate_id).order_by("-depth").first()
    status_by_id = {status.pk: status for status in statuses}
    detail_url = detail_url_maker()
    leaves = [
        DashboardLeaf(
            node=node,
            area=area,
            status=status_by_id.get(node.period_status_id),
            previous_status=status_by_id.get(getattr(node, "previous_status_id", None)),
            progress=node.period_progress if period.mandate.tracks_progress else None,
            url=detail_url(node.pk),
        )
        for node in dashboard_leaves(period, previous, area=area)
    ]
    changed = (
        [leaf for leaf in leaves if leaf.status is not None and leaf.status != leaf.previous_status]
        if previous is not None
        else []
    )
    late = [leaf for leaf in leaves if leaf.category == StatusCategory.DELAYED]
    counts = [
        StatusShare(str(row.label), row.colour, row.count, row.share, row.status)
        for row in count_statuses(statuses, [leaf.status_id for leaf in leaves])
    ]
    late_links = [
        LateLink(status.label, count, _list_url(period, area, status))
        for status in statuses
        if status.category == StatusCategory.DELAYED
        and (count := sum(1 for leaf in late if leaf.status == status))
    ]
    return AreaCommitments(
        period=period,
        previous=previous,
        leaves_name=leaf_plural(leaf_level),
        total=len(leaves),
        counts=counts,
        changed=changed[:LISTED_LEAVES],
        changed_count=len(changed),
        late=late[:LISTED_LEAVES],
        late_count=len(late),
        late_links=late_links,
        list_url=_list_url(period, area),
    )
