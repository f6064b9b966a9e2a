from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from commitments.models import Entry, Figure, PlanNode, Status, code_sort_key
from tests.forms import long_text


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


# The tree's materialised paths


def test_renaming_a_priority_moves_its_commitments_with_it(seed_plan):
    priority = PlanNode.objects.get(pk=seed_plan.priority_2.pk)
    priority.code = "7"
    priority.save()

    assert priority.path == "000007"
    commitment = PlanNode.objects.get(pk=seed_plan.commitment_21.pk)
    assert commitment.path == "000007/000021"
    assert commitment.is_leaf
    assert list(PlanNode.objects.under(priority)) == [commitment]
    assert not PlanNode.objects.filter(path__startswith="000002").exists()
    # Depth-first order: the commitment follows its priority, now after priority 5.
    codes = PlanNode.objects.filter(mandate=seed_plan.mandate).values_list("code", flat=True)
    assert list(codes) == ["1", "3", "4", "5", "7", "21"]


def test_moving_a_commitment_to_another_priority_moves_its_path(seed_plan):
    priority_1 = PlanNode.objects.get(mandate=seed_plan.mandate, parent=None, code="1")
    commitment = PlanNode.objects.get(pk=seed_plan.commitment_21.pk)
    commitment.parent = priority_1
    commitment.save()

    assert list(PlanNode.objects.under(priority_1)) == [commitment]
    assert not PlanNode.objects.under(seed_plan.priority_2).exists()


def test_update_or_create_keeps_the_path_in_step_with_the_parent(seed_plan):
    """update_or_create() saves only the fields it was given; the path must follow them."""
    priority_1 = PlanNode.objects.get(mandate=seed_plan.mandate, parent=None, code="1")
    PlanNode.objects.update_or_create(
        mandate=seed_plan.mandate,
        level=seed_plan.commitment_21.level,
        code="21",
        defaults={"parent": priority_1},
    )

    assert PlanNode.objects.get(pk=seed_plan.commitment_21.pk).path == "000001/000021"


def test_a_commitment_needs_an_area_and_a_priority_does_not(seed_plan):
    commitment = PlanNode.objects.get(pk=seed_plan.commitment_21.pk)
    commitment.area = None
    with pytest.raises(ValidationError) as error:
        commitment.clean()
    # The same words as the plan import's («Fila 13: falta l'àrea responsable, …»).
    assert error.value.message_dict["area"] == [
        "Falta l'àrea responsable, obligatòria al nivell «Compromís»."
    ]

    priority = PlanNode.objects.get(pk=seed_plan.priority_2.pk)
    priority.area = None
    priority.clean()


# An entry's rules


def test_an_entry_takes_its_status_and_period_from_its_node_s_mandate(seed_plan):
    other = seed_plan.mandate_2019_2023
    entry = Entry(
        node=seed_plan.commitment_21,
        period=other.periods.first(),
        status=other.statuses.first(),
    )
    with pytest.raises(ValidationError) as error:
        entry.clean()
    assert set(error.value.message_dict) == {"period", "status"}

    entry.period = seed_plan.previous_period
    entry.status = Status.objects.get(mandate=seed_plan.mandate, category="on_track")
    entry.clean()


def test_only_leaves_have_entries(seed_plan):
    entry = Entry(
        node=seed_plan.priority_2,
        period=seed_plan.previous_period,
        status=Status.objects.get(mandate=seed_plan.mandate, category="on_track"),
    )
    with pytest.raises(ValidationError) as error:
        entry.clean()
    assert list(error.value.message_dict) == ["node"]
    assert "Prioritat 2" in error.value.message_dict["node"][0]


def test_the_split_error_writes_numbers_as_catalan_readers_do(seed_plan):
    figure = Figure(
        entry=seed_plan.entry_21,
        label="Participants",
        value=Decimal("1444.00"),
        women=Decimal("1210.50"),
        men=Decimal("300"),
    )
    with pytest.raises(ValidationError) as error:
        figure.clean()
    assert error.value.messages == ["Dones i homes (1.510,5) sumen més que el total (1.444)."]


def test_the_roll_up_also_gives_the_mean_of_every_leaf(seed_plan):
    mandate = seed_plan.mandate_2019_2023
    levels = {level.depth: level for level in mandate.levels.all()}
    period = mandate.periods.first()
    status = mandate.statuses.first()
    objectives = [
        PlanNode.objects.create(mandate=mandate, level=levels[0], code=code, text="Objectiu")
        for code in ("1", "2")
    ]
    for objective, values in zip(objectives, [(10, 20, 30), (100,)], strict=True):
        axis = PlanNode.objects.create(
            mandate=mandate, level=levels[1], parent=objective, code=objective.code, text="Eix"
        )
        for index, value in enumerate(values):
            action = PlanNode.objects.create(
                mandate=mandate,
                level=levels[2],
                parent=axis,
                code=f"{axis.code}.{index}",
                text="Actuació",
                area=seed_plan.commitment_21.area,
            )
            Entry.objects.create(node=action, period=period, status=status, progress=value)

    rollup = Entry.objects.progress_by_node(period)

    assert rollup[objectives[0].pk] == Decimal(20)
    # The whole plan averages its four actions, not its two objectives (60).
    assert rollup[None] == Decimal(40)


def test_full_clean_refuses_a_too_long_text_as_the_forms_do(seed_plan):
    # A TextField's max_length alone is checked only by its form field: the models say
    # it again, for the admin and any other full_clean.
    entry = seed_plan.entry_21
    entry.observations = long_text(10_001)
    entry.node.text = long_text(2_001)

    with pytest.raises(ValidationError) as refused:
        entry.full_clean()
    assert list(refused.value.message_dict) == ["observations"]
    with pytest.raises(ValidationError) as refused:
        entry.node.full_clean()
    assert list(refused.value.message_dict) == ["text"]

    entry.observations = long_text(10_000)
    entry.full_clean()


def test_an_entry_not_started_has_no_progress(seed_plan):
    mandate = seed_plan.mandate_2019_2023
    not_started = mandate.statuses.get(label="No iniciada")

    with pytest.raises(ValidationError) as refused:
        Entry(status=not_started, progress=Decimal(80)).clean()

    assert list(refused.value.message_dict) == ["progress"]
    Entry(status=not_started, progress=Decimal(0)).clean()
    Entry(status=not_started, progress=None).clean()
    Entry(status=mandate.statuses.get(label="En execució"), progress=Decimal(80)).clean()
