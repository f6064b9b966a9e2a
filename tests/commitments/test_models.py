from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from commitments.models import Entry, Figure, PlanNode, Status, code_sort_key


def test_codes_sort_as_people_number_them():
    codes = ["61.10", "2", "61.2", "10", "61.1"]
    assert sorted(codes, key=code_sort_key) == ["2", "10", "61.1", "61.2", "61.10"]


def test_a_commitment_sits_under_its_priority_in_the_tree(seed_plan):
    commitment = seed_plan.commitment_21
    assert commitment.is_leaf and not seed_plan.priority_2.is_leaf
    assert list(PlanNode.objects.under(seed_plan.priority_2)) == [commitment]
    assert commitment.ancestor_paths() == [seed_plan.priority_2.path]


def test_a_priority_and_a_commitment_may_share_a_number(seed_plan):
    level = seed_plan.mandate.levels.get(depth=1)
    commitment_2 = PlanNode.objects.create(
        mandate=seed_plan.mandate,
        level=level,
        parent=seed_plan.priority_2,
        code="2",
        text="Compromís 2",
        area=seed_plan.commitment_21.area,
    )
    assert commitment_2.path == "000002/000002"


def test_a_dropped_status_needs_a_written_reason(seed_plan):
    dropped = Status.objects.get(mandate=seed_plan.mandate, category="dropped")
    entry = Entry(node=seed_plan.commitment_21, period=seed_plan.previous_period, status=dropped)
    with pytest.raises(ValidationError) as error:
        entry.clean()
    assert "reason" in error.value.message_dict


def test_women_and_men_cannot_exceed_the_total(seed_plan):
    figure = Figure(entry=seed_plan.entry_21, label="Participants", value=144, women=121, men=30)
    with pytest.raises(ValidationError, match="151"):
        figure.clean()


def test_upper_levels_show_the_average_progress_of_their_leaves(seed_plan):
    mandate = seed_plan.mandate_2019_2023
    levels = {level.depth: level for level in mandate.levels.all()}
    period = mandate.periods.first()
    status = mandate.statuses.first()
    objective = PlanNode.objects.create(mandate=mandate, level=levels[0], code="6", text="Objectiu")
    axis_a = PlanNode.objects.create(
        mandate=mandate, level=levels[1], parent=objective, code="61", text="Eix"
    )
    axis_b = PlanNode.objects.create(
        mandate=mandate, level=levels[1], parent=objective, code="62", text="Eix"
    )
    progress = {"61.1": 20, "61.2": 40, "61.3": 60, "62.1": 100}
    for code, value in progress.items():
        parent = axis_a if code.startswith("61") else axis_b
        action = PlanNode.objects.create(
            mandate=mandate,
            level=levels[2],
            parent=parent,
            code=code,
            text=code,
            area=seed_plan.commitment_21.area,
        )
        Entry.objects.create(node=action, period=period, status=status, progress=value)

    rollup = Entry.objects.progress_by_node(period)

    assert rollup[axis_a.pk] == Decimal(40)
    assert rollup[axis_b.pk] == Decimal(100)
    # The objective averages its four actions, not its two axes.
    assert rollup[objective.pk] == Decimal(55)
