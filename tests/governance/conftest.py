"""The seed's PLIS (fixture `plis`: the plan and its bodies by slug) and a builder of
memberships of any number, for the pages whose query count must not grow with them."""

from dataclasses import dataclass
from datetime import date
from itertools import cycle

import pytest
from django.core.management import call_command

from governance.models import Area, Body, Membership, Person, Plan, Seat, Service

OTL = "oficina-tecnica-local"
FOLLOW_UP = "comissio-politic-tecnica-de-seguiment"
TRANSVERSAL = "comissio-tecnica-transversal"
REFUGEES = "taula-local-persones-refugiades"


@dataclass
class SeedPlis:
    plan: Plan
    bodies: dict[str, Body]

    def seat(self, slug: str, position: int) -> Seat:
        return Seat.objects.get(body=self.bodies[slug], position=position)

    @property
    def technicians_seat(self) -> Seat:
        """«22 tècnics/tècniques municipals de les 5 àrees de l'Ajuntament»."""
        return self.seat(TRANSVERSAL, 2)


@pytest.fixture
def plis(organisation) -> SeedPlis:
    call_command("loaddata", "plis", verbosity=0)
    plan = Plan.objects.get()
    return SeedPlis(plan=plan, bodies={body.slug: body for body in plan.bodies.all()})


def build_memberships(
    seat: Seat,
    count: int,
    *,
    start: date = date(2020, 1, 1),
    end: date | None = None,
    first: int = 1,
) -> list[Membership]:
    """`count` new people seated in `seat` from `start`, spread over the five areas, every
    other one recorded by a service of area 3 rather than by area."""
    areas = list(Area.objects.order_by("number"))
    services = list(Service.objects.order_by("pk"))
    people = Person.objects.bulk_create(
        Person(name=f"Persona de prova {first + index:03d}", email=f"p{first + index}@example.org")
        for index in range(count)
    )
    memberships = []
    for index, person, area, service in zip(
        range(count), people, cycle(areas), cycle(services), strict=False
    ):
        by_service = index % 2 == 1
        memberships.append(
            Membership(
                person=person,
                seat=seat,
                area=None if by_service else area,
                service=service if by_service else None,
                start=start,
                end=end,
            )
        )
    return Membership.objects.bulk_create(memberships)
