"""An upper level of a plan that tracks progress (objective, axis) shows the mean of the
leaves under it, in the list and on its page, as the balance does."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from commitments.models import Entry, PlanNode, ReportingPeriod
from tests.pages import markup, section, text_keeping_nbsp

NBSP = "\u00a0"
LIST = reverse("commitments:list")


@pytest.fixture
def plan_2019_2023(seed_plan):
    """Objective 1 → axis 61 → actions 61.1 (40,2 %) and 61.2 (61 %) in the second semester
    of 2021; in the first, 61.1 at 10 % and 61.2 without progress."""
    mandate = seed_plan.mandate_2019_2023
    levels = {level.depth: level for level in mandate.levels.all()}
    period = ReportingPeriod.objects.get(mandate=mandate, label="Segon semestre de 2021")
    before = ReportingPeriod.objects.get(mandate=mandate, label="Primer semestre de 2021")
    status = mandate.statuses.get(label="En execució")
    objective = PlanNode.objects.create(mandate=mandate, level=levels[0], code="1", text="Cuida")
    axis = PlanNode.objects.create(
        mandate=mandate, level=levels[1], parent=objective, code="61", text="Acollida"
    )
    for code, now, then in [("61.1", "40.2", "10"), ("61.2", "61", None)]:
        action = PlanNode.objects.create(
            mandate=mandate,
            level=levels[2],
            parent=axis,
            code=code,
            text=f"Actuació {code}",
            area=seed_plan.commitment_21.area,
        )
        Entry.objects.create(node=action, period=period, status=status, progress=Decimal(now))
        Entry.objects.create(
            node=action, period=before, status=status, progress=then and Decimal(then)
        )
    return period


def progress_cells(response) -> dict[str, str]:
    """Each row's code and its «% execució» cell, as read on the page."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", markup(response), re.S)
    cells = [re.findall(r'<(?:td|th scope="row")[^>]*>(.*?)</t[dh]>', row, re.S) for row in rows]
    return {text_keeping_nbsp(row[0]): text_keeping_nbsp(row[-1]) for row in cells if row}


def test_the_list_shows_each_upper_level_s_rolled_up_progress(reader, plan_2019_2023):
    response = reader.get(
        LIST, {"mandate": plan_2019_2023.mandate_id, "period": plan_2019_2023.pk, "level": ""}
    )

    assert progress_cells(response) == {
        "1": f"50,6{NBSP}%",
        "61": f"50,6{NBSP}%",
        "61.1": f"40,2{NBSP}%",
        "61.2": f"61{NBSP}%",
    }


@pytest.mark.parametrize("extra_actions", [2, 40])
def test_the_roll_up_costs_the_same_queries_whatever_the_plan_size(
    reader, plan_2019_2023, extra_actions, django_assert_num_queries
):
    axis = PlanNode.objects.get(mandate_id=plan_2019_2023.mandate_id, code="61")
    status = plan_2019_2023.mandate.statuses.get(label="En execució")
    for number in range(3, 3 + extra_actions):
        action = PlanNode.objects.create(
            mandate_id=plan_2019_2023.mandate_id,
            level=axis.level.mandate.levels.get(depth=2),
            parent=axis,
            code=f"61.{number}",
            text="Actuació",
            area=axis.children.first().area,
        )
        Entry.objects.create(node=action, period=plan_2019_2023, status=status, progress=50)
    query = {"mandate": plan_2019_2023.mandate_id, "period": plan_2019_2023.pk, "level": ""}
    # session, user, the user's groups (role); the filter's mandates, periods (with
    # whether they have entries), levels, statuses and areas; the table's count and
    # its page of nodes; the roll-up's leaves' progress and the mandate's nodes' paths.
    with django_assert_num_queries(12):
        response = reader.get(LIST, query)
    assert progress_cells(response)["1"].endswith("%")


def test_an_upper_level_s_page_shows_its_mean_in_every_period(reader, plan_2019_2023):
    objective = PlanNode.objects.get(mandate_id=plan_2019_2023.mandate_id, code="1")

    response = reader.get(reverse("commitments:detail", args=[objective.pk]))

    table = section(response, "rolled-up-title")
    rows = [text_keeping_nbsp(row) for row in re.findall(r"<tbody>(.*?)</tbody>", table, re.S)]
    assert rows == [f"Primer semestre de 2021 10{NBSP}% Segon semestre de 2021 50,6{NBSP}%"]


def test_a_leaf_s_page_has_no_roll_up(reader, plan_2019_2023):
    action = PlanNode.objects.get(mandate_id=plan_2019_2023.mandate_id, code="61.1")

    response = reader.get(reverse("commitments:detail", args=[action.pk]))

    assert 'id="rolled-up-title"' not in markup(response)
