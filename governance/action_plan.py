"""The action plan as the pages read it: the plan's actions grouped by axis and line, the
counts by decision, the average implementation, and the drafting calendar.

Plain builders over QuerySets: each runs a fixed number of queries whatever the number
of actions or implementation entries. The page, the PDF, an area's page and the tests
all read `build_action_plan`, so a figure (an average implementation, a late milestone)
has one home. The page shows one axis at a time (`axis_choices`, then `build_action_plan`
with the chosen one), its figures counted in SQL, so that its work does not grow with
the plan; the PDF holds the whole plan.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from governance.models import (
    ActionDecision,
    Area,
    Milestone,
    Plan,
    PlanAction,
)
from governance.wording import elides_de

NO_AXIS = _("Sense eix")

# The summary counts actions by decision: «Validades 5».
DECISION_PLURALS = {
    ActionDecision.PROPOSED: _("Proposades"),
    ActionDecision.VALIDATED: _("Validades"),
    ActionDecision.REJECTED: _("Rebutjades"),
}


def natural_key(code: str) -> tuple:
    """«1.10.2» after «1.9.1»: the numbers in a code compare as numbers."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", code)
        if part
    )


@dataclass
class ActionLine:
    name: str
    actions: list[PlanAction] = field(default_factory=list)


@dataclass
class ActionAxis:
    name: str
    lines: list[ActionLine] = field(default_factory=list)
    position: int = 1  # in the plan (or in its chooser), from 1

    @property
    def action_count(self) -> int:
        return sum(len(line.actions) for line in self.lines)


@dataclass(frozen=True)
class DecisionCount:
    decision: str
    label: str
    count: int


@dataclass(frozen=True)
class AxisChoice:
    """An axis of the page's chooser: its place among the axes with actions (from 1),
    its name, how many actions it has, and the names it is stored under (the same once
    stripped of spaces)."""

    position: int
    name: str
    action_count: int
    stored_names: frozenset[str]


@dataclass
class MilestoneLine:
    milestone: Milestone
    is_late: bool  # done after its planned date, or not done and that date has passed

    @property
    def is_done(self) -> bool:
        return self.milestone.done_on is not None

    @property
    def is_overdue(self) -> bool:
        """Still to do, and its planned date has passed: what needs attention."""
        return self.is_late and not self.is_done

    @property
    def state_label(self) -> str:
        if self.is_done:
            return _("Feta amb retard") if self.is_late else _("Feta")
        return _("Endarrerida") if self.is_late else _("Dins termini")


@dataclass
class ActionPlan:
    plan: Plan
    axes: list[ActionAxis]
    decision_counts: list[DecisionCount]
    action_count: int
    average_degree: Decimal | None  # of the validated actions with an implementation entry
    followed_count: int  # how many validated actions have one
    milestones: list[MilestoneLine]
    # The page's chooser and the axis it shows; none of them in the whole plan.
    axis_choices: list[AxisChoice] = field(default_factory=list)
    current_axis: AxisChoice | None = None

    @property
    def previous_axis(self) -> AxisChoice | None:
        if self.current_axis is None or self.current_axis.position == 1:
            return None
        return self.axis_choices[self.current_axis.position - 2]

    @property
    def next_axis(self) -> AxisChoice | None:
        if self.current_axis is None or self.current_axis.position == len(self.axis_choices):
            return None
        return self.axis_choices[self.current_axis.position]

    @property
    def average_note(self) -> str:
        """What the average is made of: «… registrat de 2 accions validades.»"""
        count = self.followed_count
        if elides_de(count):
            # Translators: Catalan elides «de» before 1 and 11 («d'1 acció validada»);
            # other languages translate this message and the next one alike.
            message = ngettext(
                "La mitjana es calcula sobre l'últim grau d'implementació registrat "
                "d'%(count)s acció validada.",
                "La mitjana es calcula sobre l'últim grau d'implementació registrat "
                "d'%(count)s accions validades.",
                count,
            )
        else:
            message = ngettext(
                "La mitjana es calcula sobre l'últim grau d'implementació registrat "
                "de %(count)s acció validada.",
                "La mitjana es calcula sobre l'últim grau d'implementació registrat "
                "de %(count)s accions validades.",
                count,
            )
        return message % {"count": count}


def group_actions(actions) -> list[ActionAxis]:
    """Actions by axis and line, as the plan writes them, in the order of their codes."""
    axes: dict[str, ActionAxis] = {}
    lines: dict[tuple[str, str], ActionLine] = {}
    for action in sorted(actions, key=lambda item: natural_key(item.code)):
        axis_name = action.axis.strip()
        line_name = action.line.strip()
        axis = axes.get(axis_name)
        if axis is None:
            axis = axes[axis_name] = ActionAxis(axis_name or str(NO_AXIS), position=len(axes) + 1)
        line = lines.get((axis_name, line_name))
        if line is None:
            line = lines[(axis_name, line_name)] = ActionLine(line_name)
            axis.lines.append(line)
        line.actions.append(action)
    return list(axes.values())


def average_degree(degrees: list[int]) -> Decimal | None:
    """The exact mean; it is rounded once, when written (`terrassa_plis.formatting`)."""
    return _mean(sum(degrees), len(degrees))


def _mean(total: int | None, count: int) -> Decimal | None:
    if not count:
        return None
    return Decimal(total) / count


@dataclass(frozen=True)
class _Figures:
    """The summary of the page: the actions by decision, and the validated actions'
    latest degrees (only they are carried out: an entry left on another one does not
    count)."""

    by_decision: dict[str, int]
    degree_sum: int
    followed_count: int

    @classmethod
    def of(cls, actions: list[PlanAction]) -> "_Figures":
        """Of the actions already read (the whole plan)."""
        degrees = [
            action.latest_degree
            for action in actions
            if action.decision == ActionDecision.VALIDATED and action.latest_degree is not None
        ]
        return cls(dict(Counter(action.decision for action in actions)), sum(degrees), len(degrees))

    @classmethod
    def counted(cls, actions) -> "_Figures":
        """The same counted in SQL, in one query, without reading the actions."""
        validated = Q(decision=ActionDecision.VALIDATED)
        figures = actions.order_by().aggregate(
            **{
                f"decision_{value}": Count("pk", filter=Q(decision=value))
                for value in ActionDecision.values
            },
            followed=Count("latest_degree", filter=validated),
            degree_sum=Sum("latest_degree", filter=validated),
        )
        return cls(
            {value: figures[f"decision_{value}"] for value in ActionDecision.values},
            figures["degree_sum"] or 0,
            figures["followed"],
        )


def calendar(plan: Plan, today: date) -> list[MilestoneLine]:
    milestones = Milestone.objects.filter(plan=plan).order_by("planned_on", "pk")
    return [MilestoneLine(milestone, milestone.is_late(today)) for milestone in milestones]


def axis_choices(
    plan: Plan, *, decision: str | None = None, area: Area | None = None
) -> list[AxisChoice]:
    """The axes that have actions (of `decision` and `area` when asked), in the order
    `group_actions` gives them, with their number of actions: one query, a row per axis.

    An axis comes in the order of its first code (`natural_key`); the database gives
    its first code as text, which is its first in numbers too unless its codes mix
    lengths («1.9» and «1.10») and another axis's first code falls between them: the
    plan numbers an axis's actions after it, so they do not."""
    rows = (
        PlanAction.objects.in_action_plan(plan, decision=decision, area=area)
        .order_by()
        .values("axis")
        .annotate(action_count=Count("pk"), first_code=Min("code"))
        .values_list("axis", "action_count", "first_code")
    )
    first_codes: dict[str, tuple] = {}
    counts: Counter = Counter()
    stored: dict[str, set[str]] = {}
    # The same axis may be stored with spaces around its name.
    for stored_name, action_count, first_code in rows:
        name = stored_name.strip()
        key = natural_key(first_code)
        if name not in first_codes or key < first_codes[name]:
            first_codes[name] = key
        counts[name] += action_count
        stored.setdefault(name, set()).add(stored_name)
    return [
        AxisChoice(position, name or str(NO_AXIS), counts[name], frozenset(stored[name]))
        for position, name in enumerate(sorted(first_codes, key=first_codes.__getitem__), 1)
    ]


def build_action_plan(
    plan: Plan,
    today: date,
    *,
    decision: str | None = None,
    area: Area | None = None,
    axis: AxisChoice | None = None,
    choices: list[AxisChoice] | None = None,
) -> ActionPlan:
    """The whole plan (of `decision` and `area` when asked), or, given the `axis` chosen
    among `choices` (`axis_choices`), its summary and that axis alone.

    Queries of the whole plan: 1 the actions with their latest implementation, 2 their
    areas, 3 the milestones. Of an axis: 1 the summary (counted in SQL), 2 the axis's
    actions with their latest implementation, 3 their areas, 4 the milestones."""
    actions = PlanAction.objects.in_action_plan(plan, decision=decision, area=area)
    if axis is None:
        shown = list(actions)
        figures = _Figures.of(shown)
    else:
        figures = _Figures.counted(actions)
        shown = list(actions.filter(axis__in=axis.stored_names))
    axes = group_actions(shown)
    if axis is not None:
        for item in axes:
            item.position = axis.position
    return ActionPlan(
        plan=plan,
        axes=axes,
        decision_counts=[
            DecisionCount(value, DECISION_PLURALS[value], figures.by_decision.get(value, 0))
            for value in ActionDecision.values
        ],
        action_count=sum(figures.by_decision.values()),
        average_degree=_mean(figures.degree_sum, figures.followed_count),
        followed_count=figures.followed_count,
        milestones=calendar(plan, today),
        axis_choices=choices or [],
        current_axis=axis,
    )
