"""The plan's follow-up work as the pages read it: meetings and their agreements, the
action plan grouped by axis and line, the drafting calendar, and an action's history.

Plain builders over QuerySets: each runs a fixed number of queries whatever the
number of meetings, attendees, agreements, actions or implementation entries. The
pages, the PDF and the tests all read these builders, so a figure (a late
agreement, an average implementation) has one home.
"""

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from governance.composition import ROLE_RANK, split_description, subquery_total
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
from governance.wording import elides_de
from terrassa_plis import formatting, history
from terrassa_plis.formatting import person_name

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
    """The agreements, each with `state` (an AgreementState): what the pages read."""
    result = list(agreements)
    for agreement in result:
        agreement.state = agreement_state(agreement, today)
    return result


def meetings_with_counts(body: Body | None = None):
    """Meetings newest first, each with its body, `attendee_count` and
    `open_agreement_count`. Subqueries rather than joins, so attendees and agreements
    don't multiply each other."""
    attendees = Meeting.attendees.through.objects.filter(meeting=OuterRef("pk"))
    open_agreements = Agreement.objects.filter(meeting=OuterRef("pk"), done_on__isnull=True)
    meetings = Meeting.objects.select_related("body").annotate(
        attendee_count=subquery_total(attendees, "meeting"),
        open_agreement_count=subquery_total(open_agreements, "meeting"),
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

    @property
    def attendance_label(self) -> str:
        """«Presents: 3 de 5 membres de l'òrgan el 12/03/2024.» («d'1 membre», «d'11»)."""
        total = len(self.members)
        values = {
            "present": self.present_count,
            "total": total,
            "date": formatting.day(self.meeting.date),
        }
        if elides_de(total):
            # Translators: Catalan elides «de» before 1 and 11 («Presents: 1 d'1 membre…»);
            # other languages translate this message and the next one alike.
            return (
                ngettext(
                    "Presents: %(present)s d'%(total)s membre de l'òrgan el %(date)s.",
                    "Presents: %(present)s d'%(total)s membres de l'òrgan el %(date)s.",
                    total,
                )
                % values
            )
        return (
            ngettext(
                "Presents: %(present)s de %(total)s membre de l'òrgan el %(date)s.",
                "Presents: %(present)s de %(total)s membres de l'òrgan el %(date)s.",
                total,
            )
            % values
        )


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
    average_degree: int | None  # of the validated actions with an implementation entry
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
    3 the milestones. The average implementation is that of the validated actions:
    only they are carried out (an entry left on another one does not count)."""
    actions = list(plan_actions(plan, decision=decision, area=area))
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


def action_with_plan_and_areas(pk: int):
    """One action (a QuerySet, for get_object_or_404) with its plan and areas; its
    implementation entries are read apart, by `implementation_of`."""
    return PlanAction.objects.select_related("plan").prefetch_related("areas").filter(pk=pk)


def implementation_of(action: PlanAction) -> list[ActionImplementation]:
    return list(action.implementation.order_by("period", "pk"))


# An action's history

ACTION_FIELDS = [
    "code",
    "title",
    "proposed_by",
    "decision",
    "decided_on",
    "decision_reason",
    "axis",
    "line",
]
ACTION_EVENTS = {"+": _("Acció creada"), "~": _("Acció modificada"), "-": _("Acció esborrada")}
HISTORY_LINES = 10


def action_history(action: PlanAction, limit: int = HISTORY_LINES) -> list[history.HistoryEvent]:
    """The action's latest `limit` saves, newest first, with their responsible areas: each
    says what it was (the reason the operation gave, «Decisió: Validada el 12/03/2024», or
    else «Acció modificada») and each field it changed, before → after.

    Two queries: the latest `limit` + 1 records (the oldest only to compare the next one
    with) with their users, and the areas each record kept (simple-history's m2m
    records), diffed here rather than asking each record for its predecessor.
    """
    records = list(
        action.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    # simple-history keeps, with each record of the action, the areas it had then: one
    # row per area in this model (what `record.areas.all()` reads, a query per record).
    area_history = PlanAction.history.model.areas.model
    names: dict[int, list[Area]] = {record.history_id: [] for record in records}
    for row in area_history.objects.filter(history_id__in=names).select_related("area"):
        if row.area is not None:
            names[row.history_id].append(row.area)
    for record in records:
        areas = sorted(names[record.history_id], key=lambda area: (area.number, area.pk))
        record.area_names = tuple(str(area) for area in areas)

    fields = [
        *history.model_fields(PlanAction, ACTION_FIELDS),
        history.Field(
            "area_names", history.capitalised(PlanAction._meta.get_field("areas").verbose_name)
        ),
    ]
    rows = history.history_rows(
        records,
        fields,
        who=lambda record: person_name(record.history_user),
        keep_unchanged=True,
    )
    if len(records) > limit:
        # The oldest record read is only there to compare the next one with.
        base = records[-1]
        rows = [row for row in rows if row.record is not base]
    return [
        replace(row, summary=row.record.history_change_reason or str(ACTION_EVENTS[row.kind]))
        for row in rows[:limit]
    ]
