"""The seed's Mandate Plan (fixture `mandate_plan`) and a builder for plans of any size."""

from dataclasses import dataclass
from decimal import Decimal
from itertools import cycle

import pytest
from django.core.management import call_command

from commitments.models import Entry, Figure, Mandate, PlanNode, ReportingPeriod, Status


@dataclass
class SeedPlan:
    mandate: Mandate
    mandate_2019_2023: Mandate
    open_period: ReportingPeriod  # primer semestre de 2019, open for entry
    previous_period: ReportingPeriod  # segon semestre de 2018
    priority_2: PlanNode
    commitment_21: PlanNode
    entry_21: Entry


@pytest.fixture
def seed_plan(organisation) -> SeedPlan:
    call_command("loaddata", "mandate_plan", verbosity=0)
    mandate = Mandate.objects.get(term="2015-2019")
    return SeedPlan(
        mandate=mandate,
        mandate_2019_2023=Mandate.objects.get(term="2019-2023"),
        open_period=ReportingPeriod.objects.get(mandate=mandate, label="Primer semestre de 2019"),
        previous_period=ReportingPeriod.objects.get(
            mandate=mandate, label="Segon semestre de 2018"
        ),
        priority_2=PlanNode.objects.get(mandate=mandate, code="2"),
        commitment_21=PlanNode.objects.get(mandate=mandate, code="21"),
        entry_21=Entry.objects.get(node__code="21", period__label="Primer semestre de 2019"),
    )


def build_commitments(seed: SeedPlan, count: int, *, first_code: int = 100, areas=None):
    """`count` commitments of the 2015-2019 plan, spread over the priorities and areas,
    each with an entry and two figures in every period but the open one."""
    mandate = seed.mandate
    level = mandate.levels.get(depth=1)
    priorities = list(PlanNode.objects.filter(mandate=mandate, parent=None))
    statuses = list(Status.objects.filter(mandate=mandate))
    periods = list(mandate.periods.exclude(pk=seed.open_period.pk))
    areas = areas or [seed.commitment_21.area]
    nodes = []
    for index, priority, area in zip(range(count), cycle(priorities), cycle(areas), strict=False):
        node = PlanNode(
            mandate=mandate,
            level=level,
            parent=priority,
            code=str(first_code + index),
            text=f"Compromís de prova {first_code + index}",
            area=area,
        )
        node.set_tree_fields(leaf_depth=1)
        node.fill_search_text()
        nodes.append(node)
    PlanNode.objects.bulk_create(nodes)
    entries = [
        Entry(
            node=node,
            period=period,
            status=statuses[(i + j) % len(statuses)],
            reason="Motiu de prova" if statuses[(i + j) % len(statuses)].requires_reason else "",
            observations=f"- {i} activitats\n- {j} persones",
        )
        for i, node in enumerate(nodes)
        for j, period in enumerate(periods)
    ]
    for entry in entries:
        entry.fill_rich_text()
        entry.fill_search_text()
    Entry.objects.bulk_create(entries)
    Figure.objects.bulk_create(
        Figure(entry=entry, position=k, label=f"Xifra {k}", value=Decimal(10 + k), women=Decimal(4))
        for entry in Entry.objects.filter(node__in=nodes)
        for k in (1, 2)
    )
    return nodes
