"""Seating and unseating members: the forms as staff post them, every rule in Catalan
next to its field, who may do it, and the operations' history and locking."""

import html
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import Membership, Person, PoliticalGroup, Service
from governance.operations import (
    MembershipData,
    add_membership,
    change_membership,
    end_membership,
    peak_occupancy,
)
from tests.governance.conftest import FOLLOW_UP, TRANSVERSAL, build_memberships
from tests.pages import visible_text

END_NOT_AFTER_START = "La data de final ha de ser posterior a la d'inici."
# The leaving form's one date is «Data de baixa», and its message says so.
LEAVING_NOT_AFTER_START = "La data de baixa ha de ser posterior a la d'inici."
SEAT_FULL = "Aquesta plaça ja té els 22 membres previstos en aquestes dates."
ALREADY_SEATED = "Aquesta persona ja ocupa aquesta plaça en aquestes dates."


def field_errors(response, name) -> list[str]:
    """The messages shown right under the field `name`."""
    content = response.content.decode()
    return [
        html.unescape(message)
        for message in re.findall(
            rf'<p class="field__error" id="id_{name}_error">(.*?)</p>', content, re.S
        )
    ]


def create_url(slug=TRANSVERSAL, seat=None):
    url = reverse("governance:membership_create", args=[slug])
    return f"{url}?seat={seat.pk}" if seat else url


def edit_url(membership, query=""):
    return reverse("governance:membership_edit", args=[membership.pk]) + query


def as_opened(membership, data: dict) -> dict:
    """`data` as the edit page opened just now posts it: with the membership's version."""
    return {**data, "base_version": Membership.objects.get(pk=membership.pk).version}


def form_data(seat, **values):
    data = {
        "person": "",
        "new_person_name": "",
        "seat": seat.pk,
        "area": "",
        "service": "",
        "political_group": "",
        "body_role": "member",
        "delegate_of": "",
        "start": "01/02/2021",
        "end": "",
    }
    data.update({key: "" if value is None else value for key, value in values.items()})
    return data


# Adding


def test_the_form_opens_on_the_seat_asked_for_starting_today(manager, plis):
    seat = plis.technicians_seat

    response = manager.get(create_url(seat=seat))

    assert response.status_code == 200
    content = response.content.decode()
    assert f'<option value="{seat.pk}" selected>' in content
    assert f'value="{timezone.localdate():%d/%m/%Y}"' in content
    text = visible_text(response)
    assert "Afegeix un membre" in text
    assert "Comissió tècnica transversal" in text


def test_staff_seat_a_new_person_and_go_back_to_the_body(manager, plis, organisation):
    seat = plis.technicians_seat

    response = manager.post(
        create_url(seat=seat),
        form_data(seat, new_person_name="  Clara   Puig ", area=organisation[1].pk),
    )

    membership = Membership.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:body", args=[TRANSVERSAL]) + (
        f"#placa-{seat.pk}"
    )
    assert membership.person.name == "Clara Puig"
    assert membership.seat == seat
    assert membership.area == organisation[1]
    assert membership.start == date(2021, 2, 1)
    assert membership.end is None
    followed = manager.get(response["Location"])
    assert "S'ha afegit Clara Puig a «Comissió tècnica transversal»." in visible_text(followed)


def test_staff_seat_an_existing_person_by_service_and_the_area_follows(manager, plis):
    person = Person.objects.create(name="Joan Serra")
    service = Service.objects.get(name="Servei de Ciutadania")
    seat = plis.technicians_seat

    manager.post(create_url(), form_data(seat, person=person.pk, service=service.pk))

    membership = Membership.objects.get()
    assert membership.person == person
    assert membership.service == service
    assert membership.area == service.area
    assert Person.objects.count() == 1


def test_the_history_records_who_added_the_member(manager, staff, plis):
    manager.post(create_url(), form_data(plis.technicians_seat, new_person_name="Clara Puig"))

    [record] = Membership.objects.get().history.all()
    assert record.history_type == "+"
    assert record.history_user == staff


# The rules, each said next to its field, nothing typed lost


def test_the_end_must_come_after_the_start(manager, plis):
    response = manager.post(
        create_url(),
        form_data(
            plis.technicians_seat,
            new_person_name="Clara Puig",
            start="01/02/2021",
            end="01/02/2021",
        ),
    )

    assert response.status_code == 200
    assert field_errors(response, "end") == [END_NOT_AFTER_START]
    assert "No s'ha desat: corregiu els camps marcats. El que heu escrit es manté." in visible_text(
        response
    )
    content = response.content.decode()
    assert 'value="Clara Puig"' in content
    assert 'value="01/02/2021"' in content
    assert not Membership.objects.exists()
    assert not Person.objects.exists()


def test_a_full_seat_takes_no_more_members(manager, plis):
    seat = plis.technicians_seat
    build_memberships(seat, 22, start=date(2020, 1, 1))

    response = manager.post(create_url(), form_data(seat, new_person_name="Clara Puig"))

    assert field_errors(response, "seat") == [SEAT_FULL]
    assert 'value="Clara Puig"' in response.content.decode()
    assert Membership.objects.count() == 22
    assert not Person.objects.filter(name="Clara Puig").exists()


def test_a_seat_full_on_any_day_of_the_period_is_full(manager, plis):
    seat = plis.technicians_seat
    # 21 for good, and one more for the first half of 2022 only.
    build_memberships(seat, 21, start=date(2020, 1, 1))
    build_memberships(seat, 1, start=date(2022, 1, 1), end=date(2022, 6, 30), first=100)

    before = manager.post(
        create_url(), form_data(seat, new_person_name="Abans", start="01/01/2021", end="31/12/2021")
    )
    overlapping = manager.post(
        create_url(), form_data(seat, new_person_name="Durant", start="01/01/2021", end="")
    )
    after = manager.post(
        create_url(), form_data(seat, new_person_name="Després", start="01/07/2022")
    )

    assert before.status_code == 302
    assert field_errors(overlapping, "seat") == [SEAT_FULL]
    assert after.status_code == 302
    assert set(Person.objects.filter(memberships__isnull=False).values_list("name", flat=True)) >= {
        "Abans",
        "Després",
    }
    assert not Person.objects.filter(name="Durant").exists()


def test_a_seat_for_one_says_so_in_the_singular(plis):
    seat = plis.seat(FOLLOW_UP, 2)  # the deputy mayor of area 3
    build_memberships(seat, 1, start=date(2020, 1, 1))

    with pytest.raises(ValidationError) as error:
        add_membership(
            MembershipData(seat=seat, start=date(2021, 1, 1), new_person_name="Una altra"),
            acting_user=None,
        )

    assert error.value.message_dict == {
        "seat": ["Aquesta plaça ja té el membre previst en aquestes dates."]
    }


def test_a_person_holds_a_seat_once_at_a_time(manager, plis):
    seat = plis.seat(TRANSVERSAL, 1)
    [membership] = build_memberships(seat, 1, start=date(2020, 1, 1), end=date(2020, 12, 31))
    person = membership.person

    again = manager.post(
        create_url(), form_data(seat, person=person.pk, start="01/06/2020", end="")
    )
    later = manager.post(create_url(), form_data(seat, person=person.pk, start="01/01/2021"))

    assert field_errors(again, "person") == [ALREADY_SEATED]
    assert later.status_code == 302
    assert person.memberships.count() == 2


def test_the_service_belongs_to_the_area(manager, plis, organisation):
    service = Service.objects.get(name="Servei de Ciutadania")  # area 3

    response = manager.post(
        create_url(),
        form_data(
            plis.technicians_seat,
            new_person_name="Clara Puig",
            area=organisation[1].pk,
            service=service.pk,
        ),
    )

    assert field_errors(response, "service") == ["Aquest servei no és de l'àrea triada."]
    assert not Membership.objects.exists()


def test_a_seat_for_political_groups_needs_the_group(manager, plis):
    seat = plis.seat(FOLLOW_UP, 1)
    group = PoliticalGroup.objects.create(name="Grup Municipal de Prova")
    url = create_url(FOLLOW_UP)

    without = manager.post(url, form_data(seat, new_person_name="Anna Portaveu"))
    with_group = manager.post(
        url, form_data(seat, new_person_name="Anna Portaveu", political_group=group.pk)
    )

    assert field_errors(without, "political_group") == [
        "Aquesta plaça és dels grups municipals: trieu-ne el grup."
    ]
    assert with_group.status_code == 302
    assert Membership.objects.get().political_group == group


def test_the_group_field_says_in_a_sentence_where_it_is_needed(manager, plis):
    text = visible_text(manager.get(create_url(FOLLOW_UP)))

    assert "Obligatori a les places dels grups municipals." in text


def test_a_delegate_is_allowed_only_where_the_plan_says_so(manager, plis):
    holder = Person.objects.create(name="Anna Portaveu")
    group = PoliticalGroup.objects.create(name="Grup Municipal de Prova")

    technicians = manager.post(
        create_url(),
        form_data(plis.technicians_seat, new_person_name="Pere", delegate_of=holder.pk),
    )
    spokespeople = manager.post(
        create_url(FOLLOW_UP),
        form_data(
            plis.seat(FOLLOW_UP, 1),
            new_person_name="Pere",
            delegate_of=holder.pk,
            political_group=group.pk,
        ),
    )

    assert field_errors(technicians, "delegate_of") == ["En aquesta plaça no s'hi pot delegar."]
    assert spokespeople.status_code == 302
    assert Membership.objects.get().delegate_of == holder


def test_a_person_is_chosen_or_typed(manager, plis):
    person = Person.objects.create(name="Joan Serra")

    neither = manager.post(create_url(), form_data(plis.technicians_seat))
    both = manager.post(
        create_url(), form_data(plis.technicians_seat, person=person.pk, new_person_name="Joan")
    )

    assert field_errors(neither, "person") == [
        "Trieu una persona de la llista o escriviu el nom d'una de nova."
    ]
    assert field_errors(both, "new_person_name") == [
        "Heu triat una persona de la llista i n'heu escrit una de nova: deixeu-ne només una."
    ]
    assert not Membership.objects.exists()


def test_a_date_that_is_no_date_is_said_next_to_the_field(manager, plis):
    response = manager.post(
        create_url(), form_data(plis.technicians_seat, new_person_name="Clara", start="31/02/2021")
    )

    assert field_errors(response, "start") == ["Escriviu una data com 31/03/2011."]
    assert 'value="31/02/2021"' in response.content.decode()


def test_a_seat_of_another_body_is_refused(manager, plis):
    other = plis.seat(FOLLOW_UP, 7)

    response = manager.post(create_url(), form_data(other, new_person_name="Clara"))

    assert field_errors(response, "seat") == ["Trieu una de les places d'aquest òrgan."]
    assert manager.get(create_url(seat=other)).status_code == 404
    assert not Membership.objects.exists()


# Editing and leaving


def test_staff_change_a_membership_and_the_history_keeps_both_versions(
    manager, staff, plis, organisation
):
    membership = add_membership(
        MembershipData(seat=plis.technicians_seat, start=date(2020, 1, 1), new_person_name="Joan"),
        acting_user=staff,
    )

    form = manager.get(edit_url(membership))
    response = manager.post(
        edit_url(membership),
        as_opened(
            membership,
            form_data(
                plis.technicians_seat,
                person=membership.person.pk,
                area=organisation[5].pk,
                body_role="secretary",
                start="01/01/2020",
            ),
        ),
    )

    assert form.status_code == 200
    assert 'value="01/01/2020"' in form.content.decode()
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.body_role == "secretary"
    assert membership.area == organisation[5]
    latest = membership.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == staff
    assert latest.prev_record.body_role == "member"
    assert membership.history.count() == 2


def test_a_change_that_would_overfill_the_seat_is_refused(manager, plis):
    seat = plis.technicians_seat
    build_memberships(seat, 21, start=date(2020, 1, 1))
    [leaving] = build_memberships(seat, 1, start=date(2020, 1, 1), end=date(2020, 12, 31), first=99)

    # The 22nd runs on past her end: the seat keeps 22 members, it does not overfill.
    longer = manager.post(
        edit_url(leaving),
        as_opened(
            leaving, form_data(seat, person=leaving.person.pk, start="01/01/2020", end="31/12/2021")
        ),
    )
    build_memberships(seat, 1, start=date(2022, 1, 1), first=200)
    # Now a newcomer takes the 22nd place from 2022: running on into 2022 overfills.
    overfilling = manager.post(
        edit_url(leaving),
        as_opened(
            leaving, form_data(seat, person=leaving.person.pk, start="01/01/2020", end="31/12/2022")
        ),
    )

    assert longer.status_code == 302
    assert field_errors(overfilling, "seat") == [SEAT_FULL]
    leaving.refresh_from_db()
    assert leaving.end == date(2021, 12, 31)


def test_staff_record_that_a_member_leaves(manager, staff, plis):
    [membership] = build_memberships(plis.technicians_seat, 1, start=date(2020, 1, 1))

    form = manager.get(edit_url(membership, "?baixa=1"))
    response = manager.post(
        edit_url(membership, "?baixa=1"), as_opened(membership, {"end": "30/06/2021"})
    )

    assert form.status_code == 200
    assert "Dona de baixa: Persona de prova 001" in visible_text(form)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.end == date(2021, 6, 30)
    assert membership.history.first().history_user == staff
    page = manager.get(response["Location"])
    assert (
        "Persona de prova 001 deixa «Comissió tècnica transversal» el 30/06/2021."
        in visible_text(page)
    )
    assert "22 previstos: 0 designats" in visible_text(page)


def test_leaving_before_joining_is_refused(manager, plis):
    [membership] = build_memberships(plis.technicians_seat, 1, start=date(2020, 1, 1))

    response = manager.post(
        edit_url(membership, "?baixa=1"), as_opened(membership, {"end": "31/12/2019"})
    )

    assert field_errors(response, "end") == [LEAVING_NOT_AFTER_START]
    assert "Data de baixa" in visible_text(response)
    assert 'value="31/12/2019"' in response.content.decode()
    membership.refresh_from_db()
    assert membership.end is None


def test_end_membership_later_than_recorded_checks_the_seat(plis):
    seat = plis.seat(FOLLOW_UP, 2)  # one deputy mayor
    [first] = build_memberships(seat, 1, start=date(2016, 1, 1), end=date(2019, 6, 15))
    build_memberships(seat, 1, start=date(2019, 6, 16), first=10)

    with pytest.raises(ValidationError) as error:
        end_membership(first, date(2019, 12, 31), acting_user=None)

    assert error.value.message_dict == {
        "end": ["Aquesta plaça ja té el membre previst en aquestes dates."]
    }
    end_membership(first, date(2019, 6, 1), acting_user=None)
    first.refresh_from_db()
    assert first.end == date(2019, 6, 1)


def test_change_membership_does_not_count_the_membership_against_itself(plis):
    seat = plis.seat(FOLLOW_UP, 2)
    [membership] = build_memberships(seat, 1, start=date(2020, 1, 1))

    changed = change_membership(
        membership,
        MembershipData(seat=seat, start=date(2019, 1, 1), person=membership.person),
        acting_user=None,
    )

    assert changed.start == date(2019, 1, 1)


# Who may


MANAGERS = ["staff", "administrator"]
NOT_MANAGERS = ["director", "technician_area3", "technician_other_area", "user_without_role"]


@pytest.mark.parametrize("persona", MANAGERS)
def test_staff_and_administrators_open_the_forms(persona_client, plis, persona):
    client = persona_client(persona)
    [membership] = build_memberships(plis.technicians_seat, 1)

    assert client.get(create_url()).status_code == 200
    assert client.get(edit_url(membership)).status_code == 200
    assert client.get(edit_url(membership, "?baixa=1")).status_code == 200
    response = client.post(create_url(), form_data(plis.technicians_seat, new_person_name="Nova"))
    assert response.status_code == 302


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_may_not_open_or_post_the_forms_and_nothing_is_saved(persona_client, plis, persona):
    client = persona_client(persona)
    [membership] = build_memberships(plis.technicians_seat, 1, start=date(2020, 1, 1))
    data = form_data(plis.technicians_seat, new_person_name="Intrusa")

    assert client.get(create_url()).status_code == 403
    assert client.post(create_url(), data).status_code == 403
    assert client.get(edit_url(membership)).status_code == 403
    assert (
        client.post(edit_url(membership), {**data, "person": membership.person.pk}).status_code
        == 403
    )
    assert client.post(edit_url(membership, "?baixa=1"), {"end": "31/12/2020"}).status_code == 403
    membership.refresh_from_db()
    assert membership.end is None
    assert membership.history.count() == 0
    assert Membership.objects.count() == 1
    assert not Person.objects.filter(name="Intrusa").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, plis):
    [membership] = build_memberships(plis.technicians_seat, 1)

    for url in (create_url(), edit_url(membership)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/entrar/?next=")
    client.post(create_url(), form_data(plis.technicians_seat, new_person_name="Intrusa"))
    assert Membership.objects.count() == 1


def test_unknown_bodies_and_memberships_are_not_found(manager, plis):
    assert manager.get(create_url("no-existeix")).status_code == 404
    assert manager.get(reverse("governance:membership_edit", args=[999])).status_code == 404
    assert manager.get(create_url() + "?seat=abc").status_code == 404


@pytest.mark.parametrize("seat", ["²", "-1", "1.5", " ", "9" * 30])
def test_a_seat_asked_for_that_is_no_seat_of_the_body_is_not_found(manager, plis, seat):
    # «²» passes str.isdigit() but not int(): it used to be a server error.
    assert manager.get(create_url(), {"seat": seat}).status_code == 404


def test_a_seat_asked_for_by_its_number_opens_the_form_on_it(manager, plis):
    seat = plis.technicians_seat

    response = manager.get(create_url(), {"seat": f" {seat.pk} "})

    assert response.status_code == 200
    assert f'<option value="{seat.pk}" selected>' in response.content.decode()


# The admin


def test_the_admin_shows_memberships_but_changes_them_only_through_the_body_pages(
    client, administrator, plis
):
    # The admin's plain model form would skip the seat's count and the same person twice.
    [membership] = build_memberships(plis.technicians_seat, 1, start=date(2020, 1, 1))
    client.force_login(administrator)
    change_url = reverse("admin:governance_membership_change", args=[membership.pk])

    assert client.get(reverse("admin:governance_membership_changelist")).status_code == 200
    assert client.get(change_url).status_code == 200  # shown, read only
    assert client.get(reverse("admin:governance_membership_add")).status_code == 403
    response = client.post(change_url, {"person": membership.person.pk, "end": "31/12/2019"})
    assert response.status_code == 403
    delete_url = reverse("admin:governance_membership_delete", args=[membership.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    membership.refresh_from_db()
    assert membership.end is None
    assert Membership.objects.count() == 1


# Operations


def test_peak_occupancy_looks_at_every_day_of_the_period():
    periods = [
        (date(2020, 1, 1), date(2020, 6, 30)),
        (date(2020, 7, 1), date(2020, 12, 31)),
        (date(2020, 3, 1), None),
    ]

    assert peak_occupancy(periods, date(2020, 1, 1), date(2020, 12, 31)) == 2
    assert peak_occupancy(periods, date(2020, 1, 1), date(2020, 2, 28)) == 1
    assert peak_occupancy(periods, date(2021, 1, 1), None) == 1
    assert peak_occupancy(periods, date(2019, 1, 1), date(2019, 12, 31)) == 0
    # End days are included: on 30/06 the first period still runs.
    assert peak_occupancy(periods[:2], date(2020, 6, 30), date(2020, 7, 1)) == 1


@pytest.mark.skipif(
    not connection.features.has_select_for_update,
    reason="the database locks no rows (SQLite serialises writes instead)",
)
def test_the_count_is_checked_with_the_seat_row_locked(plis):
    seat = plis.technicians_seat

    with CaptureQueriesContext(connection) as queries:
        add_membership(
            MembershipData(seat=seat, start=date(2021, 1, 1), new_person_name="Clara"),
            acting_user=None,
        )

    sql = [query["sql"] for query in queries.captured_queries]
    lock = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q and "governance_seat" in q)
    count = next(i for i, q in enumerate(sql) if 'FROM "governance_membership"' in q)
    assert lock < count


@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/9999"])
def test_a_date_out_of_range_is_said_next_to_the_field(manager, plis, typed):
    response = manager.post(
        create_url(), form_data(plis.technicians_seat, new_person_name="Clara", start=typed)
    )

    assert field_errors(response, "start")[0].startswith(
        "Escriviu una data entre el 01/01/2000 i el "
    )
    assert f'value="{typed}"' in response.content.decode()
    assert not Membership.objects.exists()
