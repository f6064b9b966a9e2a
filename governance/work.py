"""The plan's follow-up work as the pages read it: meetings and their agreements, the
action plan grouped by axis and line, and the drafting calendar.

Plain builders over QuerySets: each runs a fixed number of queries whatever the
number of meetings, attendees, agreements, actions or implementation entries. The
pages, the PDF and the tests all read these builders, so a figure (a late
agreement, an average implementation) has one home.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from governance.composition import ROLE_RANK, split_description
from governance.models import (
    ActionDecision,
    ActionImplementation,
    Agreement,
    Area,
    Body,
    Meeting,
    Membership,
    Milestone,
    Person,
    Plan,
    PlanAction,
)

# Meetings and agreements


class AgreementState:
    """What a reader needs of an agreement: done, pending, or late."""

    DONE = "done"
    PENDING = "pending"
    LATE = "late"


def agreement_state(agreement: Agreement, today: date) -> str:
    if agreement.done_on is not None:
        return AgreementState.DONE
    if agreement.due is not None and agreement.due < today:
        return AgreementState.LATE
    return AgreementState.PENDING


def with_state(agreements, today: date) -> list[Agreement]:
    """The agreements, each with `state` (an AgreementState) and `is_late`."""
    result = list(agreements)
    for agreement in result:
        agreement.state = agreement_state(agreement, today)
        agreement.is_late = agreement.state == AgreementState.LATE
    return result


def _count(queryset, expression=None):
    """A correlated subquery returning one count per outer meeting (0 where none)."""
    subquery = queryset.values("meeting_ref").annotate(total=expression or Count("pk"))
    return Coalesce(Subquery(subquery.values("total"), output_field=IntegerField()), 0)


def meetings_with_counts(body: Body | None = None):
    """Meetings newest first, each with its body, `attendee_count` and
    `open_agreement_count`. Subqueries rather than joins, so attendees and agreements
    don't multiply each other."""
    attendees = Meeting.attendees.through.objects.filter(meeting=OuterRef("pk")).annotate(
        meeting_ref=F("meeting")
    )
    open_agreements = Agreement.objects.filter(
        meeting=OuterRef("pk"), done_on__isnull=True
    ).annotate(meeting_ref=F("meeting"))
    meetings = Meeting.objects.select_related("body").annotate(
        attendee_count=_count(attendees),
        open_agreement_count=_count(open_agreements),
    )
    if body is not None:
        meetings = meetings.filter(body=body)
    return meetings.order_by("-date", "-pk")


def pending_agreements(today: date, body: Body | None = None) -> list[Agreement]:
    """Agreements not done, the late ones (due before `today`) first, then by due date
    (those without one last)."""
    agreements = (
        Agreement.objects.filter(done_on__isnull=True)
        .select_related("owner", "meeting__body")
        .annotate(
            late_rank=Case(
                When(due__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            has_due=Case(
                When(due__isnull=True, then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            ),
        )
        .order_by("late_rank", "-has_due", "due", "meeting__date", "pk")
    )
    if body is not None:
        agreements = agreements.filter(meeting__body=body)
    return with_state(agreements, today)


@dataclass
class AttendanceLine:
    person: Person
    seat_title: str
    body_role: str
    present: bool


@dataclass
class MeetingDetail:
    meeting: Meeting
    members: list[AttendanceLine]
    guests: list[Person]  # attendees who did not sit in the body that day
    agreements: list[Agreement]

    @property
    def present_count(self) -> int:
        return sum(1 for line in self.members if line.present)


def build_meeting_detail(meeting: Meeting, today: date) -> MeetingDetail:
    """The body's members on the meeting's date, each marked present or absent, the
    other attendees, and the agreements with their state.

    Queries: 1 the attendees, 2 the memberships of that day with their people and
    seats, 3 the agreements with their owners."""
    attendees = list(meeting.attendees.order_by("name", "pk"))
    attendee_ids = {person.pk for person in attendees}
    memberships = (
        Membership.objects.on(meeting.date)
        .filter(seat__body_id=meeting.body_id)
        .select_related("person", "seat")
        .annotate(role_rank=ROLE_RANK)
        .order_by("role_rank", "person__name", "seat__position", "pk")
    )
    members, seen = [], set()
    for membership in memberships:
        # Someone may hold two seats of the same body: one attendance line each person.
        if membership.person_id in seen:
            continue
        seen.add(membership.person_id)
        members.append(
            AttendanceLine(
                person=membership.person,
                # The plan writes some seats as «…:» before the list that follows.
                seat_title=split_description(membership.seat.description)[0].rstrip(":"),
                body_role=membership.get_body_role_display(),
                present=membership.person_id in attendee_ids,
            )
        )
    guests = [person for person in attendees if person.pk not in seen]
    agreements = with_state(meeting.agreements.select_related("owner").order_by("due", "pk"), today)
    return MeetingDetail(meeting=meeting, members=members, guests=guests, agreements=agreements)


# The action plan

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


def latest_implementation():
    """The degree and period of each action's latest implementation entry (periods like
    «2021-S1» sort as text)."""
    latest = ActionImplementation.objects.filter(action=OuterRef("pk")).order_by("-period")
    return {
        "latest_degree": Subquery(latest.values("degree")[:1], output_field=IntegerField()),
        "latest_period": Subquery(latest.values("period")[:1]),
    }


def plan_actions(plan: Plan, *, decision: str | None = None, area: Area | None = None):
    """The plan's actions with `latest_degree` and `latest_period`, and their areas."""
    actions = PlanAction.objects.filter(plan=plan).annotate(**latest_implementation())
    if decision:
        actions = actions.filter(decision=decision)
    if area is not None:
        actions = actions.filter(areas=area)
    return actions.prefetch_related("areas")


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
    is_late: bool

    @property
    def state_label(self) -> str:
        return _("Endarrerida") if self.is_late else _("Dins termini")


@dataclass
class ActionPlan:
    plan: Plan
    axes: list[ActionAxis]
    decision_counts: list[DecisionCount]
    action_count: int
    average_degree: int | None  # of the actions with an implementation entry
    followed_count: int  # how many actions have one
    milestones: list[MilestoneLine]

    @property
    def late_milestone_count(self) -> int:
        return sum(1 for line in self.milestones if line.is_late)


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


def average_degree(degrees: list[int]) -> int | None:
    if not degrees:
        return None
    mean = Decimal(sum(degrees)) / len(degrees)
    return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def calendar(plan: Plan, today: date) -> list[MilestoneLine]:
    milestones = Milestone.objects.filter(plan=plan).order_by("planned_on", "pk")
    return [MilestoneLine(milestone, milestone.is_late(today)) for milestone in milestones]


def build_action_plan(
    plan: Plan, today: date, *, decision: str | None = None, area: Area | None = None
) -> ActionPlan:
    """Queries: 1 the actions with their latest implementation, 2 their areas,
    3 the milestones."""
    actions = list(plan_actions(plan, decision=decision, area=area))
    counts = Counter(action.decision for action in actions)
    degrees = [action.latest_degree for action in actions if action.latest_degree is not None]
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


def action_with_implementation(pk: int):
    """One action with its plan and areas; its implementation entries are read apart."""
    return PlanAction.objects.select_related("plan").prefetch_related("areas").filter(pk=pk)


def implementation_of(action: PlanAction) -> list[ActionImplementation]:
    return list(action.implementation.order_by("period", "pk"))
