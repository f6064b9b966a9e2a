"""One area's PLIS actions: by the commission's decision and, the validated ones, by
their latest implementation degree, for the area's page (`overview`).

The same bars as the PLIS dashboard (`governance.dashboard`), of the actions the area
answers for. `build_area_actions` runs a fixed number of queries (see its docstring).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from governance.action_plan import build_action_plan
from governance.dashboard import CountBar, decision_bars, degree_bands, validated_actions
from governance.models import Area, Plan


@dataclass(frozen=True)
class AreaActions:
    plan: Plan
    action_count: int
    by_decision: list[CountBar]
    validated_count: int
    by_degree: list[CountBar]  # of the validated actions, by their latest degree
    average_degree: Decimal | None
    actions_url: str  # the action plan's page, filtered to the area


def build_area_actions(area: Area, today: date) -> AreaActions | None:
    """The actions of the current plan that name `area`, or None when no plan is recorded.

    Queries, whatever the number of actions: 1 the plan, 2 the area's actions with
    their latest implementation, 3 their areas, 4 the milestones
    (`governance.action_plan.build_action_plan`).
    """
    plan = Plan.objects.current()
    if plan is None:
        return None
    action_plan = build_action_plan(plan, today, area=area)
    validated = validated_actions(action_plan)
    return AreaActions(
        plan=plan,
        action_count=action_plan.action_count,
        by_decision=decision_bars(action_plan),
        validated_count=len(validated),
        by_degree=degree_bands(validated),
        average_degree=action_plan.average_degree,
        actions_url=f"{reverse('governance:actions')}?{urlencode({'area': area.number})}",
    )
