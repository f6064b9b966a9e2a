"""A body's composition on a given day: its seats as the plan writes them, who sits in
each one, and how full each seat is against the count the plan expects.

The body page, its PDF and the tests all read this one builder. It runs a fixed
number of queries whatever the number of members: the seats, the memberships of
that day (with everything a line shows joined in) and, where the body counts its
members per area, the areas.

Who joined, changed or left a body, and when, comes from the memberships' history
(django-simple-history), diffed in Python by `terrassa_plis.history`: one query for a
membership's history, one for a body's latest changes.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from governance.models import Area, Body, BodyKind, Membership, Person, Plan, Seat
from governance.wording import elides_de
from terrassa_plis import history

# The transversal commission is made of technicians "of the 5 areas": the plan's
# balance between areas is part of what it describes.
BODIES_COUNTED_PER_AREA = {BodyKind.TRANSVERSAL_TECHNICAL}

SUB_LINE_PREFIXES = ("- ", "• ", "* ")


@dataclass
class SeatComposition:
    seat: Seat
    title: str
    sub_lines: list[str]
    members: list[Membership] = field(default_factory=list)
    # Members counted but not listed: the public composition names only elected posts.
    unnamed: int = 0

    @property
    def expected(self) -> int | None:
        return self.seat.expected_count

    @property
    def filled(self) -> int:
        return len(self.members) + self.unnamed

    @property
    def fill_label(self) -> str:
        """«22 previstos: 18 designats», or «3 designats» where the plan gives no count."""
        filled = ngettext("%(filled)s designat", "%(filled)s designats", self.filled) % {
            "filled": self.filled
        }
        if self.expected is None:
            return filled
        expected = ngettext("%(expected)s previst", "%(expected)s previstos", self.expected) % {
            "expected": self.expected
        }
        return _("%(expected)s: %(filled)s") % {"expected": expected, "filled": filled}


@dataclass(frozen=True)
class AreaCount:
    area: Area | None  # None: members with no area recorded
    count: int


@dataclass
class BodyComposition:
    body: Body
    day: date
    seats: list[SeatComposition]
    area_counts: list[AreaCount] | None  # only for the bodies counted per area

    @property
    def member_count(self) -> int:
        return sum(seat.filled for seat in self.seats)


def split_description(description: str) -> tuple[str, list[str]]:
    """The seat's first line, and the lines the plan lists under it («- Àrea 1- …»)."""
    lines = [line.strip() for line in description.strip().splitlines() if line.strip()]
    if not lines:
        return "", []
    title, rest = lines[0], lines[1:]
    sub_lines = []
    for line in rest:
        for prefix in SUB_LINE_PREFIXES:
            if line.startswith(prefix):
                line = line[len(prefix) :].strip()
                break
        sub_lines.append(line)
    return title, sub_lines


def member_area_id(membership: Membership) -> int | None:
    """The area a member comes from: the one recorded, or else their service's."""
    if membership.area_id is not None:
        return membership.area_id
    if membership.service is not None:
        return membership.service.area_id
    return None


def build_composition(body: Body, day: date, *, public: bool = False) -> BodyComposition:
    """The composition on `day`. `public`: as citizens may read it, every seat with its
    counts (per area too) but only the holders of elected posts named; the others are
    counted, and their memberships leave the builder as a number (`unnamed`)."""
    # 1 the seats, 2 the memberships of that day, 3 the areas (bodies counted per area only).
    seats = [
        SeatComposition(seat, *split_description(seat.description))
        for seat in Seat.objects.filter(body=body).select_related("area").order_by("position", "pk")
    ]
    by_seat = {item.seat.pk: item for item in seats}
    for membership in Membership.objects.on(day).filter(seat__body=body).in_composition_order():
        by_seat[membership.seat_id].members.append(membership)

    area_counts = None
    if body.kind in BODIES_COUNTED_PER_AREA:
        counts: dict[int | None, int] = {}
        for seat in seats:
            for member in seat.members:
                area_id = member_area_id(member)
                counts[area_id] = counts.get(area_id, 0) + 1
        area_counts = [
            AreaCount(area, counts.get(area.pk, 0)) for area in Area.objects.order_by("number")
        ]
        if counts.get(None):
            area_counts.append(AreaCount(None, counts[None]))
    if public:
        for item in seats:
            # A political post names its holder, not whoever the group delegates to
            # (an adviser, a member of staff): delegates are counted, not named.
            named = [
                member
                for member in item.members
                if item.seat.is_political and member.delegate_of_id is None
            ]
            item.unnamed, item.members = len(item.members) - len(named), named
    return BodyComposition(body=body, day=day, seats=seats, area_counts=area_counts)


def members_against_expected(count: int, expected: int | None) -> str:
    """«2 membres de 4 previstos», «1 membre d'1 previst», or «3 membres» where the plan
    gives no count."""
    members = ngettext("%(count)s membre", "%(count)s membres", count) % {"count": count}
    if expected is None:
        return members
    values = {"members": members, "expected": expected}
    if elides_de(expected):
        # Translators: Catalan elides «de» before 1 and 11 («1 membre d'1 previst»); other
        # languages translate this message and the next one alike.
        return (
            ngettext(
                "%(members)s d'%(expected)s previst",
                "%(members)s d'%(expected)s previstos",
                expected,
            )
            % values
        )
    return (
        ngettext(
            "%(members)s de %(expected)s previst", "%(members)s de %(expected)s previstos", expected
        )
        % values
    )


def bodies_with_counts(plan: Plan, day: date):
    """The plan's bodies, each with `member_count` (who sits there on `day`),
    `expected_count` (the sum of its seats' counts, None unless every seat has one) and
    `members_label`, the two as the plan page says them."""
    bodies = Body.objects.filter(plan=plan).with_member_counts(day)
    result = list(bodies.order_by("position", "pk"))
    for body in result:
        counted = body.seat_count and body.counted_seats == body.seat_count
        body.expected_count = body.expected_total if counted else None
        body.members_label = members_against_expected(body.member_count, body.expected_count)
    return result


# Who joined, changed or left

MEMBERSHIP_FIELDS = [
    "person",
    "seat",
    "area",
    "service",
    "political_group",
    "body_role",
    "delegate_of",
    "start",
    "end",
]
# What a membership's history shows of each record, joined in the one query.
MEMBERSHIP_RELATED = [
    "history_user",
    "person",
    "seat",
    "area",
    "service",
    "political_group",
    "delegate_of",
]
JOINED = gettext_lazy("Alta")
CHANGED = gettext_lazy("Canvi")
LEFT = gettext_lazy("Baixa")
DELETED = gettext_lazy("Esborrat")
RECENT_CHANGES = 20
# The saves of a seat (in the admin) and of a member's name, in the body's latest changes.
SEAT_FIELDS = ["position", "description", "expected_count", "area", "public_role"]
SEAT_SUMMARIES = {
    "+": gettext_lazy("Plaça nova"),
    "~": gettext_lazy("Canvi de la plaça"),
    "-": gettext_lazy("Plaça suprimida"),
}
PERSON_FIELDS = ["name"]
PERSON_SUMMARIES = {
    "+": gettext_lazy("Persona nova"),
    "~": gettext_lazy("Canvi del nom"),
    "-": gettext_lazy("Persona esborrada"),
}


def _label(name: str) -> str:
    return history.capitalised(Membership._meta.get_field(name).verbose_name)


def _person_name(record) -> str:
    return record.person.name if record.person is not None else ""


def _seat_title(record) -> str:
    return split_description(record.seat.description)[0] if record.seat is not None else ""


def _what(event: history.HistoryEvent) -> str:
    if event.kind == "+":
        return str(JOINED)
    if event.kind == "-":
        return str(DELETED)
    # Recording an end where there was none is the member leaving.
    end = _label("end")
    leaves = any(change.label == end and change.before == history.EMPTY for change in event.changes)
    return str(LEFT) if leaves else str(CHANGED)


def _history_rows(records) -> list[history.HistoryEvent]:
    fields = history.model_fields(
        Membership, MEMBERSHIP_FIELDS, person=_person_name, seat=_seat_title
    )
    rows = history.history_rows(records, fields)
    return [replace(row, summary=_what(row)) for row in rows]


def membership_history(membership: Membership) -> list[history.HistoryEvent]:
    """Every recorded save of `membership` that changed something, newest first; one
    query."""
    records = Membership.history.filter(id=membership.pk).select_related(*MEMBERSHIP_RELATED)
    return _history_rows(records)


def _in_body_list(event: history.HistoryEvent) -> history.HistoryEvent:
    """A save as the body's latest changes list it: of whom, with a link to the membership
    (unless deleted); a joining or a deletion lists the values it had, less the person
    it names («Plaça: …; Inici: 01/01/2020»)."""
    values = []
    changes = event.changes
    if event.kind != "~":
        person = _label("person")
        values = [
            history.FieldValue(change.label, change.after if event.kind == "+" else change.before)
            for change in changes
            if change.label != person
        ]
        changes = []
    return replace(
        event,
        changes=changes,
        values=values,
        subject=_person_name(event.record) or history.EMPTY,
        subject_url=(
            reverse("governance:membership_edit", args=[event.record.id])
            if event.kind != "-"
            else ""
        ),
    )


def recent_composition_changes(
    body: Body, limit: int = RECENT_CHANGES
) -> list[history.HistoryEvent]:
    """The latest `limit` saves of memberships of `body`'s seats, newest first (a save
    that changed nothing is left out), each of whom.

    One query: every record of the memberships that the body's latest `limit` records
    are of, so that each of those has its predecessor to be compared with.
    """
    latest = (
        Membership.history.filter(seat__body=body)
        .order_by("-history_date", "-history_id")
        .values("id")[:limit]
    )
    records = Membership.history.filter(id__in=latest).select_related(*MEMBERSHIP_RELATED)
    rows = [
        _in_body_list(row)
        for row in _history_rows(records)
        if row.record.seat is not None and row.record.seat.body_id == body.pk
    ]
    rows += _seat_changes(body, limit) + _member_name_changes(body, limit)
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows[:limit]


def _listed_alone(event: history.HistoryEvent, subject: str, summary) -> history.HistoryEvent:
    """A save of something other than a membership, as the body's latest changes list it:
    a creation or a deletion lists the values it had."""
    values, changes = [], event.changes
    if event.kind != "~":
        values = [
            history.FieldValue(change.label, change.after if event.kind == "+" else change.before)
            for change in changes
        ]
        changes = []
    return replace(
        event,
        changes=changes,
        values=values,
        subject=subject or history.EMPTY,
        summary=str(summary),
    )


def _latest_records(model, limit: int, **of_body):
    """Every record of the objects that the latest `limit` records of `of_body` are of (so
    that each has its predecessor to be compared with), with who saved it. One query."""
    latest = (
        model.history.filter(**of_body)
        .order_by("-history_date", "-history_id")
        .values("id")[:limit]
    )
    return model.history.filter(id__in=latest).select_related("history_user")


def _seat_changes(body: Body, limit: int) -> list[history.HistoryEvent]:
    records = _latest_records(Seat, limit, body=body).select_related("area")
    rows = history.history_rows(
        records,
        history.model_fields(Seat, SEAT_FIELDS),
    )
    return [
        _listed_alone(row, split_description(row.record.description)[0], SEAT_SUMMARIES[row.kind])
        for row in rows
        if row.record.body_id == body.pk and not _unrecorded_before(row)
    ]


def _unrecorded_before(event: history.HistoryEvent) -> bool:
    """The first save of something saved before its history began: what it changed is
    not on record."""
    return event.kind == "~" and any(
        change.before == str(history.UNRECORDED_TEXT) for change in event.changes
    )


def _member_name_changes(body: Body, limit: int) -> list[history.HistoryEvent]:
    """The renamings of the people who ever sat in `body`, under their new name."""
    members = Membership.objects.filter(seat__body=body).values("person_id")
    records = _latest_records(Person, limit, id__in=members, history_type="~")
    rows = history.history_rows(
        records,
        history.model_fields(Person, PERSON_FIELDS),
    )
    return [
        _listed_alone(row, row.record.name, PERSON_SUMMARIES[row.kind])
        for row in rows
        if row.kind == "~" and not _unrecorded_before(row)
    ]
