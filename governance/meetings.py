"""The bodies' meetings as the pages read them: each agreement's state (done, pending,
late) and one meeting's attendance and agreements.

The lists are QuerySet methods (`Meeting.objects.with_counts()`,
`Agreement.objects.pending(today)`); the builder here runs a fixed number of queries
whatever the number of attendees or agreements. The pages, the PLIS dashboard and the
tests read these, so a figure (a late agreement, who was present) has one home.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import ngettext

from governance.composition import split_description
from governance.models import Agreement, Meeting, Membership, Person
from governance.wording import elides_de
from terrassa_plis import formatting


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
    """The agreements, each with `state` (an AgreementState): what the pages read, as in
    `with_state(Agreement.objects.pending(today), today)`."""
    result = list(agreements)
    for agreement in result:
        agreement.state = agreement_state(agreement, today)
    return result


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
        .with_role_rank()
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
