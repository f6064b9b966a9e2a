"""The plan's bodies and who sits in them, in the Popolo open standard
(https://www.popoloproject.com/specs/): organizations, posts, persons and memberships.

The plan is the root organization and each body hangs from it; a body's seats are
Popolo posts; the municipal political groups are organizations too, so that a
spokesperson's membership can say on whose behalf they sit. People are given by
name only: their e-mail and account are personal data that stay internal.
A fixed number of queries whatever the number of members: plans, bodies, seats,
political groups, memberships with their people.
"""

from governance.composition import split_description
from governance.models import (
    Body,
    BodyRole,
    Membership,
    Plan,
    PoliticalGroup,
    PublicRole,
    Seat,
)

PLAN_CLASSIFICATION = "plan"
GROUP_CLASSIFICATION = "political_group"


def plan_id(plan_pk: int) -> str:
    return f"pla-{plan_pk}"


def body_id(slug: str) -> str:
    return f"organ-{slug}"


def group_id(group_pk: int) -> str:
    return f"grup-municipal-{group_pk}"


def post_id(seat_pk: int) -> str:
    return f"placa-{seat_pk}"


def person_id(person_pk: int) -> str:
    return f"persona-{person_pk}"


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def _label(choices, value) -> str | None:
    return str(choices(value).label) if value else None


def build_popolo(*, public: bool = False) -> dict:
    """The plan's bodies in Popolo. `public`: as anyone may read it, the persons and
    memberships of elected posts only (`Membership.objects.named_in_public`); every
    body and seat is there either way."""
    organizations = []
    for plan in Plan.objects.order_by("pk"):
        organization = {
            "id": plan_id(plan.pk),
            "name": plan.name,
            "classification": PLAN_CLASSIFICATION,
            "parent_id": None,
            "founding_date": _iso(plan.approved_on),
        }
        if plan.short_name:
            organization["other_names"] = [{"name": plan.short_name}]
        organizations.append(organization)

    body_ids = {}
    for body in Body.objects.order_by("plan_id", "position", "pk"):
        body_ids[body.pk] = body_id(body.slug)
        organization = {
            "id": body_ids[body.pk],
            "name": body.name,
            "classification": body.kind,
            "parent_id": plan_id(body.plan_id),
        }
        if body.short_name:
            organization["other_names"] = [{"name": body.short_name}]
        organizations.append(organization)

    for group in PoliticalGroup.objects.order_by("name"):
        organizations.append(
            {
                "id": group_id(group.pk),
                "name": group.name,
                "classification": GROUP_CLASSIFICATION,
                "parent_id": None,
            }
        )

    posts = [
        {
            "id": post_id(seat.pk),
            "label": split_description(seat.description)[0],
            "organization_id": body_ids[seat.body_id],
            "role": _label(PublicRole, seat.public_role),
        }
        for seat in Seat.objects.order_by("body__plan_id", "body__position", "position", "pk")
    ]

    persons = {}
    memberships = []
    memberships_asked = Membership.objects.all()
    if public:
        memberships_asked = memberships_asked.named_in_public()
    for membership in memberships_asked.select_related("person", "seat").order_by(
        "seat_id", "start", "pk"
    ):
        person = membership.person
        persons.setdefault(person.pk, {"id": person_id(person.pk), "name": person.name})
        item = {
            "id": f"membre-{membership.pk}",
            "person_id": person_id(person.pk),
            "organization_id": body_ids[membership.seat.body_id],
            "post_id": post_id(membership.seat_id),
            "role": _label(BodyRole, membership.body_role),
            "start_date": _iso(membership.start),
            "end_date": _iso(membership.end),
        }
        if membership.political_group_id is not None:
            item["on_behalf_of_id"] = group_id(membership.political_group_id)
        memberships.append(item)

    return {
        "organizations": organizations,
        "persons": sorted(persons.values(), key=lambda person: (person["name"], person["id"])),
        "memberships": memberships,
        "posts": posts,
    }
