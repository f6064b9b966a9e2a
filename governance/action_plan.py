"""The action plan as the pages read it: the plan's actions grouped by axis and line, the
counts by decision, the average implementation, and the drafting calendar.

Plain builders over QuerySets: each runs a fixed number of queries whatever the number
of actions or implementation entries. The page, the PDF, the PLIS dashboard and the
tests all read `build_action_plan`, so a figure (an average implementation, a late
milestone) has one home.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

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

    @property
    def action_count(self) -> int:
        return sum(len(line.actions) for line in self.lines)


@dataclass(frozen=True)
class DecisionCount:
    decision: str
    label: str
    count: int


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
            axis = axes[axis_name] = ActionAxis(axis_name or str(NO_AXIS))
        line = lines.get((axis_name, line_name))
        if line is None:
            line = lines[(axis_name, line_name)] = ActionLine(line_name)
            axis.lines.append(line)
        line.actions.append(action)
    return list(axes.values())


def average_degree(degrees: list[int]) -> Decimal | None:
    """The exact mean; it is rounded once, when written (`terrassa_plis.formatting`)."""
    if not degrees:
        return None
    return Decimal(sum(degrees)) / len(degrees)


def calendar(plan: Plan, today: date) -> list[MilestoneLine]:
    milestones = Milestone.objects.filter(plan=plan).order_by("planned_on", "pk")
    return [MilestoneLine(milestone, milestone.is_late(today)) for milestone in milestones]


def build_action_plan(
    plan: Plan, today: date, *, decision: str | None = None, area: Area | None = None
) -> ActionPlan:
    """Queries: 1 the actions with their latest implementation, 2 their areas,
    3 the milestones. The average implementation is that of the validated actions:
    only they are carried out (an entry left on another one does not count)."""
    actions = list(PlanAction.objects.in_action_plan(plan, decision=decision, area=area))
    counts = Counter(action.decision for action in actions)
    degrees = [
        action.latest_degree
        for action in actions
        if action.decision == ActionDecision.VALIDATED and action.latest_degree is not None
    ]
    return ActionPlan(
        plan=plan,
        axes=group_actions(actions),
        decision_counts=[
            DecisionCount(value, DECISION_PLURALS[value], counts.get(value, 0))
            for value in ActionDecision.values
        ],
        action_count=len(actions),
        average_degree=average_degree(degrees),
        followed_count=len(degrees),
        milestones=calendar(plan, today),
    )
