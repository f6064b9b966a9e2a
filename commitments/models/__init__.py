"""The Mandate Plan: a tree of priorities and commitments (`plan`), and what each
semester brought (`reporting`).

A mandate names its own levels (2015-2019: Prioritat → Compromís; 2019-2023:
Objectiu → Eix → Actuació) and its own statuses. The leaves of the tree are what
technicians report on, once per reporting period, in an `Entry`.
"""

from commitments.models.plan import (
    LEAF_NEEDS_AREA,
    OBSERVATIONS_MAX_LENGTH,
    PLAN_TEXT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    RELATED_INFORMATION_MAX_LENGTH,
    Mandate,
    PlanLevel,
    PlanNode,
    PlanNodeQuerySet,
    code_sort_key,
)
from commitments.models.reporting import (
    Entry,
    EntryQuerySet,
    Figure,
    ReportingPeriod,
    ReportingPeriodQuerySet,
    Status,
    StatusCategory,
)

__all__ = [
    "LEAF_NEEDS_AREA",
    "OBSERVATIONS_MAX_LENGTH",
    "PLAN_TEXT_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "RELATED_INFORMATION_MAX_LENGTH",
    "Entry",
    "EntryQuerySet",
    "Figure",
    "Mandate",
    "PlanLevel",
    "PlanNode",
    "PlanNodeQuerySet",
    "ReportingPeriod",
    "ReportingPeriodQuerySet",
    "Status",
    "StatusCategory",
    "code_sort_key",
]
