"""The PLIS demo data: idempotent, with the shapes the pages need, and city-sized."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from governance import plis_demo
from governance.access import may_decide_actions
from governance.meetings import AgreementState, agreement_state
from governance.models import (
    ActionDecision,
    ActionImplementation,
    Agreement,
    Body,
    Meeting,
    Membership,
    Milestone,
    Person,
    PlanAction,
    PoliticalGroup,
)
from governance.roles import Role
from tests.conftest import make_user
from tests.governance.conftest import FOLLOW_UP, OTL, TRANSVERSAL
from tests.pages import visible_text


def counts() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "groups": PoliticalGroup.objects.count(),
        "members": Membership.objects.count(),
        "meetings": Meeting.objects.count(),
        "attendances": Meeting.attendees.through.objects.count(),
        "agreements": Agreement.objects.count(),
        "actions": PlanAction.objects.count(),
        "action areas": PlanAction.areas.through.objects.count(),
        "implementation": ActionImplementation.objects.count(),
        "milestones": Milestone.objects.count(),
        "bodies": Body.objects.count(),
        "action history": PlanAction.history.count(),
        "member history": Membership.history.count(),
    }


def test_loading_twice_leaves_the_same_data(organisation):
    plis_demo.load(scale="demo")
    first = counts()
    plis_demo.load(scale="demo")

    assert counts() == first
    assert first["meetings"] == 4
    assert first["actions"] == 8
    assert first["milestones"] == 5
    assert 20 <= first["people"] <= 30


def test_the_demo_has_what_the_pages_show(organisation):
    plis_demo.load(scale="demo")
    today = timezone.localdate()

    technicians = Membership.objects.on(today).filter(
        seat__body__slug=TRANSVERSAL, seat__expected_count=22
    )
    assert technicians.count() == 18
    assert technicians.values("area").distinct().count() == 5
    states = [agreement_state(agreement, today) for agreement in Agreement.objects.all()]
    assert states.count(AgreementState.LATE) == 1
    assert AgreementState.PENDING in states and AgreementState.DONE in states
    plan = PlanAction.objects.values("axis").annotate(n=Count("pk"))
    assert len(plan) == 2
    assert PlanAction.objects.values("line").distinct().count() == 4
    decisions = set(PlanAction.objects.values_list("decision", flat=True))
    assert decisions == {ActionDecision.PROPOSED, ActionDecision.VALIDATED, ActionDecision.REJECTED}
    assert ActionImplementation.objects.exists()
    late = [milestone for milestone in Milestone.objects.all() if milestone.is_late(today)]
    assert len(late) == 1
    assert all(meeting.attendees.exists() for meeting in Meeting.objects.all())


def test_the_demo_technician_sits_in_the_transversal_commission(organisation):
    tecnic = make_user("tecnic", Role.TECHNICIAN, areas=[organisation[3]])
    assert not may_decide_actions(tecnic)

    plis_demo.load(scale="demo")
    plis_demo.load(scale="demo")

    assert Person.objects.get(user=tecnic).memberships.filter(seat__body__slug=TRANSVERSAL).exists()
    assert may_decide_actions(tecnic)


def test_the_demo_loads_without_the_demo_user(organisation):
    plis_demo.load(scale="demo")
    assert not Person.objects.filter(user__isnull=False).exists()


def test_city_scale_adds_city_sized_data_once(organisation):
    plis_demo.load(scale="city")
    first = counts()
    plis_demo.load(scale="city")

    assert counts() == first
    assert first["actions"] == 120
    assert first["members"] == 60
    assert first["meetings"] == 40
    generated = PlanAction.objects.filter(title__startswith=plis_demo.GENERATED)
    assert generated.count() == 112
    assert (
        ActionImplementation.objects.filter(action__in=generated)
        .values("action")
        .annotate(n=Count("pk"))
        .filter(n=8)
        .count()
        == 112
    )


def test_a_factor_multiplies_the_city_sized_data(organisation):
    plis_demo.load(scale="city", factor=3)

    assert counts()["actions"] == 360
    assert counts()["members"] == 180
    assert counts()["meetings"] == 120


def test_the_otl_has_its_technicians_who_also_sit_in_the_follow_up_commission(organisation, client):
    plis_demo.load(scale="demo")
    today = timezone.localdate()

    otl = Membership.objects.on(today).filter(seat__body__slug=OTL)
    names = set(otl.values_list("person__name", flat=True))
    assert names == set(plis_demo.OTL_TECHNICIANS)
    follow_up_technicians = Membership.objects.on(today).filter(
        seat__body__slug=FOLLOW_UP, seat__description__contains="Oficina Tècnica Local"
    )
    assert set(follow_up_technicians.values_list("person__name", flat=True)) == names
    client.force_login(make_user("lectora", Role.DIRECTOR))
    text = visible_text(client.get(reverse("governance:plan")))
    assert "Oficina tècnica local (OTL) 2 membres" in text
