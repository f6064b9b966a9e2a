"""An area's page, as a director reads it: how area 3 is doing across the Mandate Plan,
the service charters and the PLIS, on one page; who may open it; the queries it runs
at two sizes."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.models import Entry, PlanNode, Status, StatusCategory
from governance.models import ActionDecision, ActionImplementation, Area, PlanAction, Service
from overview.area import build_area_picture
from service_charters.models import Indicator
from tests.commitments.conftest import build_commitments
from tests.pages import markup, section, text_of, visible_text
from tests.service_charters.conftest import build_charters

AREA_3_URL = reverse("overview:area", args=[3])


def area_3():
    return Area.objects.get(number=3)


def delay(node, period):
    """Put the node's entry of `period` in the mandate's «delayed» status."""
    delayed = Status.objects.get(mandate=node.mandate, category=StatusCategory.DELAYED)
    Entry.objects.update_or_create(node=node, period=period, defaults={"status": delayed})


def action_of_area_3(plan, code="1.1.1", decision=ActionDecision.VALIDATED, degree=60):
    action = PlanAction.objects.create(
        plan=plan, code=code, title=f"Acció de prova {code}", decision=decision
    )
    action.areas.set([area_3()])
    if degree is not None:
        ActionImplementation.objects.create(action=action, period="2021-S1", degree=degree)
    return action


@pytest.fixture
def everything(seed_plan, seed_charter, plis):
    action_of_area_3(plis.plan)
    action_of_area_3(plis.plan, code="1.1.2", decision=ActionDecision.PROPOSED, degree=None)
    return seed_plan


def test_the_director_reads_area_3_across_the_three_instruments(reader, everything):
    response = reader.get(AREA_3_URL)

    assert response.status_code == 200
    text = visible_text(response)
    assert "Àrea 3. Drets Socials i Serveis a les Persones" in text
    plan = text_of(section(response, "area-plan-title"))
    # Commitment 21, the area's one leaf, in the latest semester it reported.
    assert "Primer semestre de 2019" in plan
    assert "Completat o en execució dins les previsions 1 100 %" in plan
    charters = text_of(section(response, "area-charters-title"))
    # The seed's six commitments: four met, one partly, the refugee table's not met.
    assert "Assolits 4 66,7 %" in charters
    assert "No assolits 1 16,7 %" in charters
    actions = text_of(section(response, "area-plis-title"))
    assert "Validades 1" in actions and "Proposades 1" in actions
    assert "50-75 % 1" in actions
    late = text_of(section(response, "area-late-title"))
    assert "Nombre de convocatòries de la Taula Local per a les Persones Refugiades" in late
    assert "No assolit" in late


def test_each_part_links_to_its_instrument(reader, everything):
    response = reader.get(AREA_3_URL)
    page = markup(response)
    area = area_3()
    assert f"area={area.pk}" in section(response, "area-plan-title")
    assert reverse("service_charters:year_report", args=[2021]) in page
    assert f"{reverse('governance:actions')}?area=3" in page
    # The indicator that fell short links to its page.
    refugee_table = Indicator.objects.get(name__startswith="Nombre de convocatòries de la Taula")
    assert refugee_table.get_absolute_url() in section(response, "area-late-title")


def test_what_changed_since_the_previous_semester(reader, everything):
    seed = everything
    delay(seed.commitment_21, seed.open_period)

    response = reader.get(AREA_3_URL)

    changes = text_of(section(response, "area-changes-title"))
    assert "Segon semestre de 2018" in changes
    assert "21 " in changes
    assert "En execució però amb retard · abans:" in changes


def test_the_late_items_are_capped_and_the_list_holds_them_all(reader, everything):
    seed = everything
    build_commitments(seed, 14, areas=[area_3()])
    built = PlanNode.objects.filter(text__startswith="Compromís de prova")
    for node in built:
        delay(node, seed.open_period)

    response = reader.get(AREA_3_URL)

    late = section(response, "area-late-title")
    # Ten of the fourteen commitments, and the seed's two indicators that fell short.
    assert late.count("<li>") == 10 + 2
    [link] = [
        href
        for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', unescape(late))
        if label.startswith("Vegeu-los tots: En execució però amb retard (14)")
    ]
    listed = reader.get(link)
    assert "14 compromisos" in visible_text(listed)


def test_an_area_without_anything_says_so(reader, organisation):
    response = reader.get(reverse("overview:area", args=[5]))

    assert response.status_code == 200
    text = visible_text(response)
    assert "Cap element del pla de l'àrea no té seguiment encara." in text
    assert "Cap servei de l'àrea no té cap carta vigent amb resultats." in text


def test_an_unknown_area_is_not_found(reader, organisation):
    assert reader.get(reverse("overview:area", args=[9])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("director", 200),
        ("staff", 200),
        ("technician_area3", 200),
        ("technician_other_area", 403),
        ("technician_of_service", 403),
        ("user_without_role", 403),
    ],
)
def test_who_may_read_the_area(persona_client, everything, persona, status):
    assert persona_client(persona).get(AREA_3_URL).status_code == status


@pytest.mark.parametrize(
    ("persona", "linked"),
    [("director", True), ("technician_area3", True), ("technician_other_area", False)],
)
def test_the_commitment_page_links_its_area_for_who_may_open_it(
    persona_client, everything, persona, linked
):
    response = persona_client(persona).get(everything.commitment_21.get_absolute_url())

    assert response.status_code == 200
    assert (f'href="{AREA_3_URL}"' in response.content.decode()) is linked


def test_the_plan_dashboard_links_each_area_to_its_page(reader, everything):
    response = reader.get(reverse("publication:dashboard"))

    assert f'href="{AREA_3_URL}"' in response.content.decode()


@pytest.mark.parametrize("size", [5, 60])
def test_the_area_page_runs_the_same_queries_whatever_the_size(
    reader, everything, plis, size, django_assert_num_queries
):
    build_commitments(everything, size, areas=[area_3()])
    build_charters(
        Service.objects.get(name="Servei de Solidaritat i Cooperació Internacional"),
        size // 5 + 1,
    )
    for index in range(size // 5):
        action_of_area_3(plis.plan, code=f"9.{index}")
    # 1 session, 2 user, 3 the user's groups (roles), 4 the area; the Mandate Plan:
    # 5 the latest period of the area, 6 the one before it, 7 the statuses, 8 the leaf
    # level, 9 the leaves with both statuses; the charters: 10 the years with results,
    # 11 the area's charters in force, 12 their indicators, 13 their results; the PLIS:
    # 14 the plan, 15 the area's actions, 16 their areas, 17 the milestones.
    with django_assert_num_queries(17):
        response = reader.get(AREA_3_URL)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 60])
def test_the_area_builder_runs_thirteen_queries(everything, size, django_assert_num_queries):
    build_commitments(everything, size, areas=[area_3()])
    area = area_3()
    with django_assert_num_queries(13):
        picture = build_area_picture(area, timezone.localdate())
    assert picture.commitments.total == size + 1
