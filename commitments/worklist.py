"""What a technician has to report on in each open period: «Els meus compromisos»."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from commitments.models import PlanNode, ReportingPeriod, Status


@dataclass
class Worklist:
    """The leaves a user may report on in one open period, split by whether they have an entry.

    Each node carries `period_status` (None while missing) and `period_progress`.
    """

    period: ReportingPeriod
    missing: list[PlanNode] = field(default_factory=list)
    filled: list[PlanNode] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.filled)


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
    """One worklist per open period: two queries, and one more per period for its leaves."""
    periods = (
        ReportingPeriod.objects.open()
        .select_related("mandate")
        .prefetch_related(
            Prefetch("mandate__statuses", queryset=Status.objects.order_by("position"))
        )
    )
    lists = []
    for period in periods:
        statuses = period.mandate.status_map()
        worklist = Worklist(period)
        nodes = (
            PlanNode.objects.leaves()
            .filter(mandate_id=period.mandate_id)
            .editable_by(user)
            .with_entry_for(period)
            .select_related("level", "area", "service")
            # What the page shows of each: not its SDGs (a JSON to decode a row) nor the
            # rest of the level, area and service.
            .only(*WORKLIST_FIELDS)
        )
        for node in nodes:
            node.period_status = statuses.get(node.period_status_id)
            (worklist.missing if node.period_status_id is None else worklist.filled).append(node)
        lists.append(worklist)
    return lists
