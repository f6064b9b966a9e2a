"""What a technician has to report on in each open period: «Els meus compromisos»."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from commitments.models import PlanNode, ReportingPeriod, Status

# Every entry has a status: a leaf without one has no entry in the period (as the
# commitments list's ?entry=missing says it).
WITHOUT_ENTRY = Q(period_status_id__isnull=True)
WITH_ENTRY = Q(period_status_id__isnull=False)


@dataclass(frozen=True)
class Worklist:
    """The leaves a user may report on in one open period, split by whether they have an
    entry: two QuerySets in the plan's order, not loaded here (the page sorts and slices
    each in the database), and their sizes, counted together in one query.

    Each node is annotated with `period_status_id` (None while missing),
    `period_status_position` and `period_progress` (`PlanNodeQuerySet.with_entry_for`).
    """

    period: ReportingPeriod
    missing: QuerySet
    filled: QuerySet
    missing_count: int
    filled_count: int

    @property
    def total(self) -> int:
        return self.missing_count + self.filled_count


WORKLIST_FIELDS = (
    "code",
    "text",
    "path",
    "is_leaf",
    "level__name",
    "area__name",
    "area__number",
    "service__name",
)


def worklists(user) -> list[Worklist]:
    """One worklist per open period: two queries, and one more per period that counts
    its two lists (whose rows are read by whoever shows them)."""
    periods = (
        ReportingPeriod.objects.open()
        .select_related("mandate")
        .prefetch_related(
            Prefetch("mandate__statuses", queryset=Status.objects.order_by("position"))
        )
    )
    lists = []
    for period in periods:
        nodes = (
            PlanNode.objects.leaves()
            .filter(mandate_id=period.mandate_id)
            .editable_by(user)
            .with_entry_for(period)
            .select_related("level", "area", "service")
            # What the page shows of each: not its SDGs (a JSON to decode a row) nor the
            # rest of the level, area and service.
            .only(*WORKLIST_FIELDS)
            # One mandate: the path alone walks its tree.
            .order_by("path")
        )
        counts = nodes.aggregate(
            missing=Count("pk", filter=WITHOUT_ENTRY), filled=Count("pk", filter=WITH_ENTRY)
        )
        lists.append(
            Worklist(
                period,
                missing=nodes.filter(WITHOUT_ENTRY),
                filled=nodes.filter(WITH_ENTRY),
                missing_count=counts["missing"],
                filled_count=counts["filled"],
            )
        )
    return lists
