"""Operations that change who sits in the plan's bodies: one function each, one transaction each.

The rules that depend on the other members of a seat (its expected count, the same
person twice) are checked inside the transaction, after locking the seat's row, so
that two people adding a member to the same seat at once can't both pass the count.
The rules that only look at the data typed are in `membership_rule_errors`, which
the form also calls, so the user sees every message at once next to its field.
"""

from dataclasses import dataclass, replace
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from governance.models import Area, Membership, Person, PoliticalGroup, Seat, Service
from terrassa_plis.concurrency import EditConflict, claim_version, last_saved

END_NOT_AFTER_START = gettext_lazy("La data de final ha de ser posterior a la d'inici.")
# The leaving form calls its one date «Data de baixa».
LEAVING_NOT_AFTER_START = gettext_lazy("La data de baixa ha de ser posterior a la d'inici.")


@dataclass(frozen=True)
class MembershipData:
    """What a membership form gives: an existing person, or the name of a new one."""

    seat: Seat
    start: date
    person: Person | None = None
    new_person_name: str = ""
    end: date | None = None
    area: Area | None = None
    service: Service | None = None
    political_group: PoliticalGroup | None = None
    body_role: str = "member"
    delegate_of: Person | None = None

    @classmethod
    def of(cls, membership: Membership) -> "MembershipData":
        return cls(
            seat=membership.seat,
            start=membership.start,
            person=membership.person,
            end=membership.end,
            area=membership.area,
            service=membership.service,
            political_group=membership.political_group,
            body_role=membership.body_role,
            delegate_of=membership.delegate_of,
        )


def membership_rule_errors(data: MembershipData) -> dict[str, str]:
    """The rules that need no other membership, as {field name: message}."""
    errors = {}
    if data.end is not None and data.start is not None and data.end <= data.start:
        errors["end"] = END_NOT_AFTER_START
    if data.service is not None and data.area is not None and data.service.area_id != data.area.pk:
        errors["service"] = _("Aquest servei no és de l'àrea triada.")
    if data.seat.for_political_groups and data.political_group is None:
        errors["political_group"] = _("Aquesta plaça és dels grups municipals: trieu-ne el grup.")
    if data.delegate_of is not None:
        if not data.seat.delegate_allowed:
            errors["delegate_of"] = _("En aquesta plaça no s'hi pot delegar.")
        elif data.person is not None and data.delegate_of.pk == data.person.pk:
            errors["delegate_of"] = _("Una persona no pot actuar en delegació d'ella mateixa.")
    return errors


def peak_occupancy(periods, start: date, end: date | None) -> int:
    """The most `periods` (start, end-or-None, both days included) that run at once on
    any day from `start` to `end`. Occupancy only rises when a period starts, so the
    days to look at are `start` and every later start inside the window."""
    periods = [
        (s, e) for s, e in periods if (e is None or e >= start) and (end is None or s <= end)
    ]
    days = {start} | {s for s, _e in periods if s > start}
    return max(
        (sum(1 for s, e in periods if s <= day and (e is None or e >= day)) for day in days),
        default=0,
    )


def _seat_errors(data: MembershipData, *, exclude_pk: int | None) -> dict[str, str]:
    """The rules that depend on the seat's other members, with the seat's row locked."""
    seat = Seat.objects.select_for_update().get(pk=data.seat.pk)
    overlapping = Q(end__isnull=True) | Q(end__gte=data.start)
    if data.end is not None:
        overlapping &= Q(start__lte=data.end)
    others = list(
        Membership.objects.filter(overlapping, seat=seat)
        .exclude(pk=exclude_pk)
        .values_list("person_id", "start", "end")
    )
    errors = {}
    if data.person is not None and any(person_id == data.person.pk for person_id, _s, _e in others):
        errors["person"] = _("Aquesta persona ja ocupa aquesta plaça en aquestes dates.")
    expected = seat.expected_count
    if expected is not None:
        peak = peak_occupancy([(s, e) for _p, s, e in others], data.start, data.end)
        if peak >= expected:
            errors["seat"] = ngettext(
                "Aquesta plaça ja té el membre previst en aquestes dates.",
                "Aquesta plaça ja té els %(expected)s membres previstos en aquestes dates.",
                expected,
            ) % {"expected": expected}
    return errors


def _check(data: MembershipData, *, exclude_pk: int | None = None) -> None:
    errors = membership_rule_errors(data)
    for name, message in _seat_errors(data, exclude_pk=exclude_pk).items():
        errors.setdefault(name, message)
    if errors:
        raise ValidationError(errors)


def _fill(membership: Membership, data: MembershipData, acting_user) -> Membership:
    person = data.person
    if person is None:
        person = Person.objects.create(name=" ".join(data.new_person_name.split()))
    membership.person = person
    membership.seat = data.seat
    # A member recorded by service comes from that service's area.
    membership.area = data.area or (data.service.area if data.service is not None else None)
    membership.service = data.service
    membership.political_group = data.political_group
    membership.body_role = data.body_role
    membership.delegate_of = data.delegate_of
    membership.start = data.start
    membership.end = data.end
    # The history's author is the acting user, also outside a request (commands, tests).
    membership._history_user = acting_user
    membership.save()
    return membership


@transaction.atomic
def add_membership(data: MembershipData, *, acting_user) -> Membership:
    """Seat a person (an existing one, or a new one by name). Raises ValidationError
    with the message of each broken rule under its form field's name."""
    _check(data)
    return _fill(Membership(), data, acting_user)


def _claim(membership: Membership, base_version: int | None) -> None:
    """Claim the version the form was opened with (`terrassa_plis.concurrency`), or
    raise `EditConflict` with the membership as saved now. None (a command, a test)
    claims whatever is saved, so that a form opened before still learns of this save."""
    rows = Membership.objects.filter(pk=membership.pk)
    if base_version is None:
        rows.update(version=F("version") + 1)
    elif not claim_version(rows, base_version):
        current = rows.select_related("person", "seat__body__plan").get()
        raise EditConflict(current, saver=last_saved(current))
    # `_fill` saves every column, the version too.
    membership.version = rows.values_list("version", flat=True).get()


@transaction.atomic
def change_membership(
    membership: Membership,
    data: MembershipData,
    *,
    acting_user,
    base_version: int | None = None,
) -> Membership:
    """Change what is recorded of a member. `base_version` is the membership's version
    the form was opened with: if it was saved since, nothing is saved and
    `EditConflict` carries the membership as it is now."""
    _claim(membership, base_version)
    _check(data, exclude_pk=membership.pk)
    return _fill(membership, data, acting_user)


@transaction.atomic
def end_membership(
    membership: Membership, end: date, *, acting_user, base_version: int | None = None
) -> Membership:
    """The member leaves the body on `end` (their last day in it); `base_version` as
    in `change_membership`."""
    _claim(membership, base_version)
    data = replace(MembershipData.of(membership), end=end)
    if end <= membership.start:
        raise ValidationError({"end": LEAVING_NOT_AFTER_START})
    # Only a later end than the recorded one can break the seat's rules.
    if membership.end is not None and end > membership.end:
        errors = _seat_errors(data, exclude_pk=membership.pk)
        if errors:
            # The leaving form has the end date only: every message goes next to it.
            raise ValidationError({"end": list(errors.values())})
    return _fill(membership, data, acting_user)
