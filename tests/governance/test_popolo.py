"""The bodies and their members as Popolo open data (https://www.popoloproject.com/specs/)."""

import json
import re
from datetime import date

import pytest
from django.urls import reverse

from governance.models import Membership, Person, PoliticalGroup
from tests.governance.conftest import FOLLOW_UP, OTL, TRANSVERSAL, build_memberships

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = "/plis/popolo.json"


@pytest.fixture
def seated(plis):
    """A spokesperson for a group, in delegation, who left; and a technician still there."""
    group = PoliticalGroup.objects.create(name="Grup Municipal de Prova")
    spokesperson = Person.objects.create(name="Anna Portaveu", email="anna@example.org")
    delegate = Membership.objects.create(
        person=Person.objects.create(name="Pere Delegat", email="pere@example.org"),
        seat=plis.seat(FOLLOW_UP, 1),
        political_group=group,
        delegate_of=spokesperson,
        body_role="chair",
        start=date(2016, 1, 15),
        end=date(2019, 6, 15),
    )
    [technician] = build_memberships(plis.technicians_seat, 1, start=date(2017, 3, 1))
    return {"group": group, "delegate": delegate, "technician": technician}


def export(reader):
    response = reader.get(URL)
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_the_export_is_a_json_download_of_the_four_popolo_lists(reader, seated):
    response, data = export(reader)

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="plis-popolo.json"'
    assert set(data) == {"organizations", "persons", "memberships", "posts"}
    assert reverse("governance:popolo") == URL


def test_the_plan_is_the_root_organization_of_its_bodies(reader, plis, seated):
    _, data = export(reader)

    organizations = {item["id"]: item for item in data["organizations"]}
    plan = organizations[f"pla-{plis.plan.pk}"]
    assert plan["name"] == "Pla Local d'Inclusió Social de Terrassa"
    assert plan["parent_id"] is None
    assert plan["founding_date"] == "2011-03-31"
    otl = organizations[f"organ-{OTL}"]
    assert otl == {
        "id": f"organ-{OTL}",
        "name": "Oficina tècnica local",
        "classification": "technical_office",
        "parent_id": plan["id"],
        "other_names": [{"name": "OTL"}],
    }
    bodies = [item for item in data["organizations"] if item["parent_id"] == plan["id"]]
    assert [body["classification"] for body in bodies] == [
        "technical_office",
        "political_technical",
        "transversal_technical",
        "participatory_table",
    ]
    group = organizations[f"grup-municipal-{seated['group'].pk}"]
    assert group["classification"] == "political_group"


def test_every_seat_is_a_post_of_its_body(reader, plis):
    _, data = export(reader)

    # Nine seats of the seed and the OTL's own (its technicians).
    assert len(data["posts"]) == 10
    technicians = next(p for p in data["posts"] if p["id"] == f"placa-{plis.technicians_seat.pk}")
    assert technicians == {
        "id": f"placa-{plis.technicians_seat.pk}",
        "label": "22 tècnics/tècniques municipals de les 5 àrees de l'Ajuntament",
        "organization_id": f"organ-{TRANSVERSAL}",
        "role": "Personal tècnic",
    }
    directors = next(p for p in data["posts"] if p["role"] == "Director/a d'àrea")
    # The label is the seat's line; the five areas listed under it stay out.
    assert directors["label"] == "Els/les directors/res de les cinc àrees de l'Ajuntament:"


def test_memberships_link_person_body_post_and_group_with_iso_dates(reader, plis, seated):
    _, data = export(reader)

    memberships = {item["id"]: item for item in data["memberships"]}
    delegate = memberships[f"membre-{seated['delegate'].pk}"]
    assert delegate == {
        "id": f"membre-{seated['delegate'].pk}",
        "person_id": f"persona-{seated['delegate'].person.pk}",
        "organization_id": f"organ-{FOLLOW_UP}",
        "post_id": f"placa-{plis.seat(FOLLOW_UP, 1).pk}",
        "role": "Presidència",
        "start_date": "2016-01-15",
        "end_date": "2019-06-15",
        "on_behalf_of_id": f"grup-municipal-{seated['group'].pk}",
    }
    technician = memberships[f"membre-{seated['technician'].pk}"]
    assert technician["end_date"] is None
    assert "on_behalf_of_id" not in technician
    assert technician["role"] == "Vocal"
    ids = {item["id"] for key in ("organizations", "persons", "posts") for item in data[key]}
    for membership in data["memberships"]:
        assert ISO_DATE.match(membership["start_date"])
        for key in ("person_id", "organization_id", "post_id"):
            assert membership[key] in ids
        if "on_behalf_of_id" in membership:
            assert membership["on_behalf_of_id"] in ids


def test_people_are_given_by_name_only(reader, seated):
    response, data = export(reader)

    assert data["persons"] == [
        {"id": f"persona-{seated['delegate'].person.pk}", "name": "Pere Delegat"},
        {"id": f"persona-{seated['technician'].person.pk}", "name": "Persona de prova 001"},
    ]
    # Personal data stays internal.
    assert b"@example.org" not in response.content
    assert b"email" not in response.content


@pytest.mark.parametrize("size", [5, 60])
def test_the_export_runs_the_same_queries_whatever_the_number_of_members(
    reader, plis, size, django_assert_num_queries
):
    build_memberships(plis.technicians_seat, size)
    build_memberships(plis.seat(FOLLOW_UP, 7), size, first=1000)
    # 1 session, 2 user, 3 the user's groups (roles), 4 plans, 5 bodies, 6 political
    # groups, 7 seats, 8 memberships with their people and seats.
    with django_assert_num_queries(8):
        response = reader.get(URL)
    data = json.loads(response.content)
    assert len(data["memberships"]) == 2 * size
    assert len(data["persons"]) == 2 * size


@pytest.mark.parametrize(("persona", "expected"), [("anonymous", 302), ("user_without_role", 403)])
def test_the_export_is_for_readers_only(persona_client, plis, persona, expected):
    assert persona_client(persona).get(URL).status_code == expected
