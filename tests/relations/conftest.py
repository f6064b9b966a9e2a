"""Commitment 21 of the seed plan, the seed charter of Solidaritat i Cooperació
Internacional (area 3) and a PLIS action of area 3 with its implementation."""

from dataclasses import dataclass
from datetime import date

import pytest

from commitments.models import PlanNode
from governance.models import ActionDecision, ActionImplementation, Area, PlanAction
from tests.commitments.conftest import build_commitments, seed_plan  # noqa: F401
from tests.governance.conftest import plis  # noqa: F401
from tests.service_charters.conftest import build_charters, seed_charter  # noqa: F401


@dataclass
class Scene:
    commitment_21: PlanNode
    seed_plan: object
    charter: object
    indicators: list
    action: PlanAction
    other_action: PlanAction


def make_action(plan, code, title, *, area_numbers, degrees=()):
    action = PlanAction.objects.create(
        plan=plan,
        code=code,
        title=title,
        axis="Eix 1",
        line="1.2",
        decision=ActionDecision.VALIDATED,
        decided_on=date(2025, 11, 18),
    )
    action.areas.set(Area.objects.filter(number__in=area_numbers))
    for period, degree in degrees:
        ActionImplementation.objects.create(action=action, period=period, degree=degree)
    return action


@pytest.fixture
def scene(seed_plan, seed_charter, plis):  # noqa: F811 (the fixtures imported above)
    return Scene(
        commitment_21=seed_plan.commitment_21,
        seed_plan=seed_plan,
        charter=seed_charter.charter,
        indicators=seed_charter.indicators,
        action=make_action(
            plis.plan,
            "1.2.1",
            "Cursos de competències digitals bàsiques",
            area_numbers=[3],
            degrees=[("2025-S2", 20), ("2026-S1", 60)],
        ),
        other_action=make_action(
            plis.plan, "2.2.2", "Ajuts per a la rehabilitació energètica", area_numbers=[1]
        ),
    )
