"""The figures of the Mandate Plan's dashboard, as its template reads them: a status's
count and share, a leaf with its status now and before, a breakdown's rows, the key
figures, the changes since the previous period. `commitments.dashboard` builds them."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from commitments.balance import NO_ENTRY_LABEL
from commitments.figures import FigureTotals
from commitments.models import Mandate, PlanLevel, PlanNode, ReportingPeriod, Status, StatusCategory
from governance.models import Area
from terrassa_plis.formatting import percent, shorten


def has_delayed_status(statuses: Sequence[Status]) -> bool:
    """Whether the mandate has a «delayed» status: only then are delays counted."""
    return any(status.category == StatusCategory.DELAYED for status in statuses)


def has_completed_status(statuses: Sequence[Status]) -> bool:
    """Whether the mandate tells «completed» apart from «on track» (2019-2023's
    «Finalitzada»): only then are completions counted on their own."""
    return any(status.category == StatusCategory.COMPLETED for status in statuses)


def leaf_plural(leaf_level: PlanLevel | None) -> str:
    """What the leaves are called, in the plural: «Compromisos», «Actuacions»."""
    return leaf_level.name_plural if leaf_level else gettext("Compromisos")


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


class LeafNode(NamedTuple):
    """What the dashboard reads of a leaf: a plain row, not a model instance (thousands
    of those cost more than the rest of the page)."""

    pk: int
    code: str
    path: str
    area_id: int | None
    text: str


@dataclass(frozen=True)
class DashboardLeaf:
    """A commitment (or action) with its status in the period and in the previous one."""

    node: LeafNode
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
    figures: FigureTotals = FigureTotals()  # the figures with a women/men split, summed
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
    rows: list[GroupRow]  # the first groups, when there are many (`total_rows`)
    favourable_chart: SafeString
    delayed_chart: SafeString | None
    total_rows: int = 0  # how many groups there are in all
    all_url: str = ""  # where all of them are, when only the first are shown

    @property
    def is_capped(self) -> bool:
        return self.total_rows > len(self.rows)


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    detail: str = ""


# A list of leaves on the dashboard shows at most this many, then links the commitments
# list filtered to all of them: the dashboard's size does not grow with the plan.
LIST_SHOWN = 10


@dataclass(frozen=True)
class LeafList:
    """The first leaves of a list (`LIST_SHOWN`), how many it holds in all, and the
    commitments list filtered to exactly those (`url`)."""

    shown: list[DashboardLeaf]
    total: int
    url: str

    @classmethod
    def of(cls, leaves: list[DashboardLeaf], url: str) -> "LeafList":
        return cls(leaves[:LIST_SHOWN], len(leaves), url)


@dataclass(frozen=True)
class Changes:
    """What moved since the previous period; each list is named for exactly what it counts.

    - *Nous retards*: leaves whose status is in the «delayed» category now and was not
      in the previous period (another category, or no entry then).
    - *Nous completats o dins les previsions*: leaves whose status is «completed» or «on
      track» now and was in neither of those two categories in the previous period
      (delayed, pending, dropped, or no entry then). A move between «on track» and
      «completed» is not new.
    - *Nous completats*: leaves whose status is «completed» now and was not then (an
      action finished in the period). None where the mandate has no «completed» status
      (the 2015-2019 plan's favourable status is «Completat o en execució dins les
      previsions», on track): it could only ever say 0.
    """

    previous: ReportingPeriod
    newly_delayed: LeafList
    newly_favourable: LeafList
    newly_completed: LeafList | None = None


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
    figures: FigureTotals  # of every leaf shown
    overall_chart: SafeString
    key_figures: list[KeyFigure]
    by_top_node: Breakdown
    by_area: Breakdown
    changes: Changes | None  # None: the period is the mandate's first
    attention: LeafList  # delayed first, then pending, in plan order

    @property
    def tracks_progress(self) -> bool:
        return self.mandate.tracks_progress

    @property
    def breakdowns(self) -> list[Breakdown]:
        return [self.by_top_node, self.by_area]

    @property
    def has_delayed_status(self) -> bool:
        return has_delayed_status(self.statuses)

    @property
    def leaf_plural(self) -> str:
        return leaf_plural(self.leaf_level)
