"""A body's latest changes list, beside its members' seatings, the changes of its seats
and the renamings of its members, each with who made it."""

import pytest
from django.urls import reverse

from governance.models import Person
from terrassa_plis.formatting import person_name
from tests.governance.conftest import TRANSVERSAL, build_memberships
from tests.pages import section, text_of


@pytest.mark.django_db
def test_the_body_lists_its_seats_and_members_names_changes(client, plis, staff, administrator):
    member = build_memberships(plis.technicians_seat, 1)[0]
    person = Person.objects.get(pk=member.person_id)
    person.save()  # the first save since the history began: not a renaming
    person.name = "Joana Riera i Puig"
    person._history_user = administrator
    person.save()
    seat = plis.technicians_seat
    seat.save()  # the first save since the history began: what it changed is unknown
    before = seat.expected_count
    seat.expected_count = (before or 0) + 2
    seat._history_user = administrator
    seat.save()
    client.force_login(staff)

    changes = text_of(
        section(client.get(reverse("governance:body", args=[TRANSVERSAL])), "recent-changes-title")
    )

    who = person_name(administrator)
    assert (
        "Joana Riera i Puig · Canvi del nom · " in changes
        and f"per {who} Nom i cognoms: Persona de prova 001 → Joana Riera i Puig" in changes
    )
    assert "Canvi de la plaça · " in changes
    assert f"Nombre previst: {before or '—'} → {(before or 0) + 2}" in changes
    assert changes.count("Canvi del nom") == 1
    assert changes.count("Canvi de la plaça") == 1
