"""Who changed a membership or an action, when, and each field before → after: on the
membership's page, in the body's latest changes and on the action's page, each in a
fixed number of queries."""

import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.action_plan_operations import decide_action, record_implementation
from governance.operations import (
    MembershipData,
    add_membership,
    change_membership,
    end_membership,
)
from terrassa_plis.history import Field, FieldChange, history_rows
from tests.governance.conftest import FOLLOW_UP, TRANSVERSAL, build_memberships
from tests.governance.test_actions import make_action
from tests.pages import pdf_text, text_of

WHEN = re.compile(r"\d\d/\d\d/\d{4} \d\d:\d\d")


def events(response, heading_id: str) -> list[str]:
    """Each event listed in the section labelled by `heading_id`, as text, with its date
    and time written «DATE» (they are the test's own)."""
    content = response.getvalue().decode()
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', content, re.S
    )
    assert match, f"no section {heading_id}"
    items = match.group(1).split('<li class="history-list__event">')[1:]
    return [WHEN.sub("DATE", text_of(item)) for item in items]


def edit_url(membership, query=""):
    return reverse("governance:membership_edit", args=[membership.pk]) + query


def body_url(slug=TRANSVERSAL):
    return reverse("governance:body", args=[slug])


def action_url(action):
    return reverse("governance:action", args=[action.pk])


@pytest.fixture
def joan(plis, staff, technician_area3, organisation):
    """Joan joins the transversal commission (staff), Marta makes him secretary for area 5,
    and staff record that he leaves on 30/06/2021."""
    membership = add_membership(
        MembershipData(seat=plis.technicians_seat, start=date(2020, 1, 1), new_person_name="Joan"),
        acting_user=staff,
    )
    change_membership(
        membership,
        MembershipData(
            seat=plis.technicians_seat,
            start=date(2020, 1, 1),
            person=membership.person,
            area=organisation[5],
            body_role="secretary",
        ),
        acting_user=technician_area3,
    )
    end_membership(membership, date(2021, 6, 30), acting_user=staff)
    return membership


SEAT = "22 tècnics/tècniques municipals de les 5 àrees de l'Ajuntament"
AREA5 = "5. Cultura, Innovació i Projecció de la Ciutat"


# A membership's page


def test_a_membership_s_page_lists_its_changes_before_and_after(manager, joan):
    response = manager.get(edit_url(joan))

    assert response.status_code == 200
    assert events(response, "history-title") == [
        "Publicacio · DATE · Baixa Final: — → 30/06/2021",
        f"Marta · DATE · Canvi Àrea: — → {AREA5} Funció a l'òrgan: Vocal → Secretaria",
        f"Publicacio · DATE · Alta Persona: — → Joan Plaça: — → {SEAT} "
        "Funció a l'òrgan: — → Vocal Inici: — → 01/01/2020",
    ]


def test_the_leaving_form_shows_the_history_too(manager, joan):
    response = manager.get(edit_url(joan, "?baixa=1"))

    assert events(response, "history-title")[0] == "Publicacio · DATE · Baixa Final: — → 30/06/2021"


def test_a_save_that_changes_nothing_is_not_listed(manager, plis, staff):
    [membership] = build_memberships(plis.technicians_seat, 1)
    membership._history_user = staff
    membership.save()
    membership.save()

    response = manager.get(edit_url(membership))

    # Created in bulk, with no history of its joining: its first record can't say what it
    # had before; the second changed nothing.
    assert len(events(response, "history-title")) == 1
    assert "Inici: no registrat → 01/01/2020" in events(response, "history-title")[0]


def test_a_membership_with_no_history_says_so(manager, plis):
    [membership] = build_memberships(plis.technicians_seat, 1)

    response = manager.get(edit_url(membership))

    assert "Cap canvi registrat." in text_of(
        response.getvalue().decode().split('id="history-title"')[1]
    )


@pytest.mark.parametrize("changes", [1, 15])
def test_a_membership_s_page_runs_the_same_queries_whatever_its_history(
    manager, plis, staff, organisation, changes, django_assert_num_queries
):
    membership = add_membership(
        MembershipData(seat=plis.technicians_seat, start=date(2020, 1, 1), new_person_name="Eva"),
        acting_user=staff,
    )
    for index in range(changes):
        change_membership(
            membership,
            MembershipData(
                seat=plis.technicians_seat,
                start=date(2020, 1, 1) + timedelta(days=index + 1),
                person=membership.person,
                area=organisation[index % 5 + 1],
            ),
            acting_user=staff,
        )
    # 1 session, 2 user, 3 the user's groups (roles), 4 the membership with its seat,
    # body, plan and person, 5 its history with what its records name, 6-12 the form's
    # choices (people, the body's seats twice, areas, services, groups, the people one
    # may stand in for).
    with django_assert_num_queries(12):
        response = manager.get(edit_url(membership))
    assert len(events(response, "history-title")) == changes + 1


# The body's latest changes


def test_the_body_page_lists_its_latest_composition_changes(reader, joan):
    response = reader.get(body_url())

    assert events(response, "recent-changes-title") == [
        "Joan · Baixa · DATE · per Publicacio Final: — → 30/06/2021",
        f"Joan · Canvi · DATE · per Marta Àrea: — → {AREA5}; Funció a l'òrgan: Vocal → Secretaria",
        f"Joan · Alta · DATE · per Publicacio Plaça: {SEAT}; Funció a l'òrgan: Vocal; "
        "Inici: 01/01/2020",
    ]
    # Readers see the list; only staff get to each membership's page from it.
    assert edit_url(joan) not in response.getvalue().decode()


def test_staff_go_from_the_latest_changes_to_the_membership(manager, joan):
    response = manager.get(body_url())

    section = response.getvalue().decode().split('id="recent-changes-title"')[1]
    assert f'<a href="{edit_url(joan)}">Joan</a>' in section


def test_the_latest_changes_are_the_body_s_twenty_newest(reader, plis, staff):
    memberships = [
        add_membership(
            MembershipData(
                seat=plis.technicians_seat,
                start=date(2020, 1, 1),
                new_person_name=f"Persona {index:02d}",
            ),
            acting_user=staff,
        )
        for index in range(12)
    ]
    for membership in memberships:
        change_membership(
            membership,
            replace(MembershipData.of(membership), body_role="secretary"),
            acting_user=staff,
        )
    # Another body's changes are not this one's.
    add_membership(
        MembershipData(
            seat=plis.seat(FOLLOW_UP, 7), start=date(2020, 1, 1), new_person_name="Altra"
        ),
        acting_user=staff,
    )

    listed = events(reader.get(body_url()), "recent-changes-title")

    # The 12 changes, then the 8 newest of the 12 joinings.
    assert [" · ".join(item.split(" · ")[:2]) for item in listed] == [
        f"Persona {index:02d} · Canvi" for index in range(11, -1, -1)
    ] + [f"Persona {index:02d} · Alta" for index in range(11, 3, -1)]
    assert listed[0].endswith("Funció a l'òrgan: Vocal → Secretaria")
    other = events(reader.get(body_url(FOLLOW_UP)), "recent-changes-title")
    assert [item.split(" · ")[:2] for item in other] == [["Altra", "Alta"]]


def test_the_pdf_has_no_latest_changes(reader, joan):
    response = reader.get(reverse("governance:body_pdf", args=[TRANSVERSAL]) + "?data=01/03/2021")

    assert response.status_code == 200
    text = pdf_text(response.getvalue())
    assert "Joan" in text
    assert "Darrers canvis" not in text and "Baixa" not in text


@pytest.mark.parametrize("size", [2, 20])
def test_the_latest_changes_run_the_same_queries_whatever_the_history(
    reader, plis, staff, size, django_assert_num_queries
):
    memberships = build_memberships(plis.technicians_seat, size)
    for membership in memberships:
        end_membership(membership, date(2021, 1, 1), acting_user=staff)
        membership.refresh_from_db()
        change_membership(
            membership,
            replace(MembershipData.of(membership), body_role="chair"),
            acting_user=staff,
        )
    # 1 session, 2 user, 3 the user's groups (roles), 4 the body with its plan,
    # 5 its functions, 6 its seats, 7 the memberships of the day, 8 the areas (members
    # per area), 9 the latest changes of the composition: its memberships', 10 its
    # seats' and 11 its members' names' history records.
    with django_assert_num_queries(11):
        response = reader.get(body_url())
    assert len(events(response, "recent-changes-title")) == min(2 * size, 20)


# An action's page


def test_a_decision_shows_each_field_before_and_after(reader, plis, organisation, staff):
    action = make_action(plis.plan, "1.1.1", areas=[organisation[4]])
    decide_action(
        action,
        "rejected",
        on=date(2024, 3, 12),
        reason="No hi ha pressupost.",
        acting_user=staff,
        today=date(2024, 3, 20),
    )
    decide_action(
        action, "validated", on=date(2024, 4, 2), acting_user=staff, today=date(2024, 4, 2)
    )

    listed = events(reader.get(action_url(action)), "history-title")

    assert listed[0] == (
        "Publicacio · DATE · Decisió: Validada el 02/04/2024 "
        "Decisió: Rebutjada → Validada "
        "Data de la decisió: 12/03/2024 → 02/04/2024 "
        "Motiu de la decisió: No hi ha pressupost. → —"
    )
    assert listed[1] == (
        "Publicacio · DATE · Decisió: Rebutjada el 12/03/2024 "
        "Decisió: Proposada → Rebutjada "
        "Data de la decisió: — → 12/03/2024 "
        "Motiu de la decisió: — → No hi ha pressupost."
    )
    # make_action sets the areas after creating the action: a change of its own.
    assert listed[2] == (
        "— · DATE · Acció modificada Àrees responsables: — → "
        "4. Desenvolupament Econòmic, Indústria i Ocupació"
    )
    assert listed[3].startswith("— · DATE · Acció creada Codi: — → 1.1.1 Títol: — → Acció 1.1.1")


def test_a_change_of_areas_and_an_implementation_entry_show_in_the_history(
    reader, plis, organisation, staff
):
    action = make_action(plis.plan, "2.1.1", areas=[organisation[4]], decision="validated")
    action._history_user = staff
    action.areas.add(organisation[2])
    record_implementation(action, "2024-S1", 40, acting_user=staff, today=date(2024, 7, 1))

    listed = events(reader.get(action_url(action)), "history-title")

    assert listed[0] == (
        "Publicacio · DATE · Implementació 1r semestre 2024: 40 % Grau d'implementació (%): — → 40"
    )
    assert listed[1] == (
        "Publicacio · DATE · Acció modificada Àrees responsables: "
        "4. Desenvolupament Econòmic, Indústria i Ocupació → "
        "2. Serveis Generals i Govern Obert; 4. Desenvolupament Econòmic, Indústria i Ocupació"
    )


@pytest.mark.parametrize("decisions", [1, 14])
def test_an_action_s_history_runs_the_same_queries_and_compares_its_oldest_line(
    reader, plis, organisation, staff, decisions, django_assert_num_queries
):
    action = make_action(plis.plan, "3.1.1", areas=[organisation[1], organisation[3]])
    first = date(2024, 1, 1)
    for day in range(decisions):
        decide_action(
            action,
            "validated",
            on=first + timedelta(days=day),
            acting_user=staff,
            today=timezone.localdate(),
        )
    # 1 session, 2 user, 3 the user's groups (roles), 4 the action with its plan,
    # 5 its areas, 6 the user's membership of the commission (may decide),
    # 7 its implementation entries, 8 its latest history with their users,
    # 9 the areas that history kept, 10 its implementation entries' history records
    # with their users, 11 the plan's commitments it serves (relations).
    with django_assert_num_queries(11):
        response = reader.get(action_url(action))
    listed = events(response, "history-title")
    assert len(listed) == min(decisions + 2, 10)
    # The oldest line shown is compared with the record before it, even when that one
    # is not shown.
    if decisions > 10:
        oldest_shown = first + timedelta(days=decisions - 10)
        assert listed[-1].endswith(
            f"Data de la decisió: {oldest_shown - timedelta(days=1):%d/%m/%Y} → "
            f"{oldest_shown:%d/%m/%Y}"
        )


# The shared diff, on records of any model


def record(object_id, history_id, history_type, **values):
    return SimpleNamespace(
        id=object_id,
        history_id=history_id,
        history_type=history_type,
        history_date=timezone.now() + timedelta(seconds=history_id),
        **values,
    )


def test_records_of_many_objects_are_each_compared_with_their_own_predecessor():
    records = [
        record(2, 4, "-", name="b2"),
        record(1, 1, "+", name="a"),
        record(2, 2, "~", name="b1"),
        record(1, 3, "~", name="a"),
        record(1, 5, "~", name="c"),
    ]
    rows = history_rows(records, [Field("name", "Nom")], who=lambda record: "")

    assert [(row.record.history_id, row.who, row.kind, row.changes) for row in rows] == [
        (5, "—", "~", [FieldChange("Nom", "a", "c")]),
        # A deletion lists what the object had.
        (4, "—", "-", [FieldChange("Nom", "b2", "—")]),
        # Record 3 changed nothing: left out. The first record kept of an object that
        # is no creation can't say what it had before.
        (2, "—", "~", [FieldChange("Nom", "no registrat", "b1")]),
        (1, "—", "+", [FieldChange("Nom", "—", "a")]),
    ]


def test_values_are_shown_in_catalan():
    records = [
        record(1, 1, "+", on=None, done=False, value=None),
        record(1, 2, "~", on=date(2021, 6, 30), done=True, value=Decimal("1234.50")),
    ]
    fields = [Field("on", "Data"), Field("done", "Fet"), Field("value", "Valor")]

    [changed, _created] = history_rows(records, fields, who=lambda record: "Marta")

    assert changed.changes == [
        FieldChange("Data", "—", "30/06/2021"),
        FieldChange("Fet", "No", "Sí"),
        FieldChange("Valor", "—", "1.234,5"),
    ]
    assert changed.who == "Marta" and changed.kind_label == "Modificat"


def test_an_overwritten_implementation_observation_is_kept_in_the_history(
    reader, plis, staff, technician_area3
):
    action = make_action(plis.plan, "2.1.2", decision="validated")
    today = date(2024, 7, 1)
    record_implementation(
        action, "2024-S1", 40, observations="Primera nota", acting_user=staff, today=today
    )
    record_implementation(
        action, "2024-S1", 50, observations="Segona nota", acting_user=technician_area3, today=today
    )

    listed = events(reader.get(action_url(action)), "history-title")

    assert listed[0].endswith(
        "Implementació 1r semestre 2024: 50 % "
        "Grau d'implementació (%): 40 → 50 Observacions: Primera nota → Segona nota"
    )
