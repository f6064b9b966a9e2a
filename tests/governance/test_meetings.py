"""The bodies' meetings and their agreements, read as a person reads them."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.meetings import AgreementState, agreement_state
from governance.models import Agreement, Meeting, Membership, Person
from governance.views.meetings import AGREEMENTS_PER_PAGE, MEETINGS_PER_PAGE
from tests.conftest import PERSONAS
from tests.governance.conftest import FOLLOW_UP, TRANSVERSAL, build_memberships
from tests.pages import page_links, section, text_of, visible_text

LOGIN = 302
READERS = {"anonymous": LOGIN, "user_without_role": 403}


def make_meeting(body, day, *, attendees=(), agreements=(), agenda="", minutes=""):
    """A meeting of `body` on `day`; `agreements` are (text, owner, due, done_on)."""
    meeting = Meeting.objects.create(body=body, date=day, agenda=agenda, minutes=minutes)
    meeting.attendees.set(attendees)
    for text, owner, due, done_on in agreements:
        Agreement.objects.create(meeting=meeting, text=text, owner=owner, due=due, done_on=done_on)
    return meeting


def rows(fragment: str) -> list[str]:
    """The text of each body row of the tables in `fragment`."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", fragment, re.S)
    return [
        text_of(row) for body in bodies for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def today():
    return timezone.localdate()


# The list


def test_meetings_are_listed_newest_first_with_their_attendees_and_open_agreements(reader, plis):
    ana, biel = Person.objects.create(name="Ana Prova"), Person.objects.create(name="Biel Prova")
    make_meeting(
        plis.bodies[TRANSVERSAL],
        date(2024, 3, 12),
        attendees=[ana, biel],
        agreements=[
            ("Validar l'acció 1.1.1", ana, date(2024, 4, 30), date(2024, 4, 2)),
            ("Preparar la fitxa de l'acció 1.2.2", biel, today() + timedelta(days=20), None),
        ],
    )
    make_meeting(plis.bodies[FOLLOW_UP], date(2024, 11, 5), attendees=[ana])

    response = reader.get(reverse("governance:meetings"))

    assert response.status_code == 200
    assert rows(section(response, "meetings-title")) == [
        "05/11/2024 · Comissió polític-tècnica de seguiment "
        "Comissió polític-tècnica de seguiment 1 0",
        "12/03/2024 · Comissió tècnica transversal Comissió tècnica transversal 2 1",
    ]


def test_pending_agreements_list_the_late_ones_first_marked_late(reader, plis):
    owner = Person.objects.create(name="Carla Responsable")
    make_meeting(
        plis.bodies[TRANSVERSAL],
        date(2024, 3, 12),
        agreements=[
            ("Acord a temps", owner, today() + timedelta(days=10), None),
            ("Acord sense termini", None, None, None),
            ("Acord endarrerit", owner, today() - timedelta(days=3), None),
            ("Acord complert", owner, today() - timedelta(days=30), today() - timedelta(days=40)),
        ],
    )
    # Due today is not late yet.
    make_meeting(
        plis.bodies[FOLLOW_UP],
        date(2024, 6, 1),
        agreements=[("Acord que venç avui", owner, today(), None)],
    )

    response = reader.get(reverse("governance:meetings"))

    pending = rows(section(response, "pending-title"))
    transversal = "Comissió tècnica transversal · 12/03/2024"
    follow_up = "Comissió polític-tècnica de seguiment · 01/06/2024"

    def due(delta):
        return (today() + timedelta(days=delta)).strftime("%d/%m/%Y")

    assert pending == [
        f"Acord endarrerit {transversal} Carla Responsable {due(-3)} Endarrerit",
        f"Acord que venç avui {follow_up} Carla Responsable {due(0)} Pendent",
        f"Acord a temps {transversal} Carla Responsable {due(10)} Pendent",
        f"Acord sense termini {transversal} — — Pendent",
    ]
    assert "Acord complert" not in visible_text(response)


def test_the_list_filters_by_body(reader, plis):
    make_meeting(
        plis.bodies[TRANSVERSAL],
        date(2024, 3, 12),
        agreements=[("Acord de la transversal", None, None, None)],
    )
    make_meeting(
        plis.bodies[FOLLOW_UP],
        date(2024, 5, 21),
        agreements=[("Acord del seguiment", None, None, None)],
    )

    response = reader.get(reverse("governance:meetings") + f"?organ={FOLLOW_UP}")

    text = visible_text(response)
    assert "Reunions i acords · Comissió polític-tècnica de seguiment" in text
    assert "21/05/2024" in text
    assert "12/03/2024" not in text
    assert "Acord del seguiment" in text
    assert "Acord de la transversal" not in text


def test_an_unknown_body_in_the_filter_says_so(reader, plis):
    response = reader.get(reverse("governance:meetings") + "?organ=no-existeix")

    assert response.status_code == 400
    assert "Trieu un dels òrgans de la llista." in visible_text(response)


def test_an_empty_list_says_there_is_nothing(reader, plis):
    text = visible_text(reader.get(reverse("governance:meetings")))

    assert "No hi ha cap acord pendent." in text
    assert "Encara no hi ha cap reunió registrada." in text


# A meeting


def test_a_meeting_shows_its_agenda_and_minutes_as_rich_text(reader, plis):
    meeting = make_meeting(
        plis.bodies[TRANSVERSAL],
        date(2024, 3, 12),
        agenda="1. Valoració de les accions.\n2. Torn obert.",
        minutes="La comissió **valida** l'acció 1.1.1.\n- Queda pendent l'acció 1.2.2.",
    )

    response = reader.get(reverse("governance:meeting", args=[meeting.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    text = visible_text(response)
    assert "Comissió tècnica transversal" in text
    assert "Reunió del 12/03/2024" in text
    assert "<strong>valida</strong>" in content
    assert "<li>Queda pendent l&#x27;acció 1.2.2.</li>" in content or (
        "<li>Queda pendent l'acció 1.2.2.</li>" in content
    )
    assert "<li>Valoració de les accions.</li>" in content


def test_attendance_lists_the_members_of_the_body_on_the_meeting_s_date(reader, plis):
    seat = plis.technicians_seat
    present, absent = build_memberships(seat, 2, start=date(2020, 1, 1))
    left = Membership.objects.create(
        person=Person.objects.create(name="Qui Ja Havia Marxat"),
        seat=seat,
        start=date(2018, 1, 1),
        end=date(2023, 12, 31),
    )
    later = Membership.objects.create(
        person=Person.objects.create(name="Qui Va Arribar Després"),
        seat=seat,
        start=date(2024, 6, 1),
    )
    other_body = build_memberships(plis.seat(FOLLOW_UP, 7), 1, first=900)[0]
    guest = Person.objects.create(name="Persona Convidada")
    meeting = make_meeting(
        plis.bodies[TRANSVERSAL],
        date(2024, 3, 12),
        attendees=[present.person, guest, other_body.person],
    )

    response = reader.get(reverse("governance:meeting", args=[meeting.pk]))

    attendance = section(response, "attendance-title")
    assert rows(attendance) == [
        f"{present.person.name} 22 tècnics/tècniques municipals de les 5 àrees de l'Ajuntament "
        "Vocal Present",
        f"{absent.person.name} 22 tècnics/tècniques municipals de les 5 àrees de l'Ajuntament "
        "Vocal Absent",
    ]
    text = text_of(attendance)
    assert "Presents: 1 de 2 membres de l'òrgan el 12/03/2024." in text
    assert left.person.name not in text
    assert later.person.name not in text
    # Who came without sitting in the body that day.
    assert "Altres assistents" in text
    assert "Persona Convidada" in text
    assert other_body.person.name in text


def test_a_meeting_lists_its_agreements_with_owner_due_date_and_state(reader, plis):
    owner = Person.objects.create(name="Dani Responsable")
    meeting = make_meeting(
        plis.bodies[TRANSVERSAL],
        date(2024, 3, 12),
        agreements=[
            ("Acord complert", owner, date(2024, 4, 30), date(2024, 4, 22)),
            ("Acord endarrerit", owner, date(2024, 5, 31), None),
            ("Acord pendent", None, today() + timedelta(days=5), None),
        ],
    )

    response = reader.get(reverse("governance:meeting", args=[meeting.pk]))

    due = (today() + timedelta(days=5)).strftime("%d/%m/%Y")
    assert rows(section(response, "agreements-title")) == [
        "Acord complert Dani Responsable 30/04/2024 Complert el 22/04/2024",
        "Acord endarrerit Dani Responsable 31/05/2024 Endarrerit",
        f"Acord pendent — {due} Pendent",
    ]


def test_a_meeting_without_agreements_says_none_is_recorded(reader, plis):
    # Also true of a meeting still to come, which «did not take any» would not be.
    upcoming = make_meeting(plis.bodies[TRANSVERSAL], today() + timedelta(days=7))

    response = reader.get(reverse("governance:meeting", args=[upcoming.pk]))

    assert text_of(section(response, "agreements-title")) == "Acords No hi ha cap acord registrat."


def test_attendance_of_one_member_elides_in_catalan(reader, plis):
    [member] = build_memberships(plis.seat(FOLLOW_UP, 2), 1, start=date(2020, 1, 1))
    meeting = make_meeting(plis.bodies[FOLLOW_UP], date(2024, 3, 12), attendees=[member.person])

    response = reader.get(reverse("governance:meeting", args=[meeting.pk]))

    assert "Presents: 1 d'1 membre de l'òrgan el 12/03/2024." in visible_text(response)


def test_an_agreement_done_after_its_due_date_is_done_not_late():
    agreement = Agreement(due=date(2024, 1, 31), done_on=date(2024, 3, 1))
    assert agreement_state(agreement, date(2024, 6, 1)) == AgreementState.DONE
    assert agreement_state(Agreement(due=date(2024, 1, 31)), date(2024, 1, 31)) == (
        AgreementState.PENDING
    )
    assert agreement_state(Agreement(due=date(2024, 1, 31)), date(2024, 2, 1)) == (
        AgreementState.LATE
    )


def test_a_missing_meeting_is_not_found(reader, plis):
    assert reader.get(reverse("governance:meeting", args=[999])).status_code == 404


# Who may read


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_meeting_pages_are_for_every_role(persona_client, plis, persona):
    meeting = make_meeting(plis.bodies[TRANSVERSAL], date(2024, 3, 12))
    client = persona_client(persona)

    for url in (reverse("governance:meetings"), reverse("governance:meeting", args=[meeting.pk])):
        response = client.get(url)
        assert response.status_code == READERS.get(persona, 200)
        if persona == "anonymous":
            assert response["Location"].startswith("/entrar/?next=")


# Queries


def build_meetings(plis, count: int) -> list[Meeting]:
    """`count` meetings of the transversal commission, each attended by `count` of its
    members and with `count` agreements (every third one late, every third done)."""
    members = build_memberships(plis.technicians_seat, min(count, 22), first=500)
    people = [member.person for member in members]
    owner = people[0]
    meetings = []
    for index in range(count):
        due = today() + timedelta(days=index - count // 2)
        meetings.append(
            make_meeting(
                plis.bodies[TRANSVERSAL if index % 2 else FOLLOW_UP],
                date(2024, 1, 1) + timedelta(days=7 * index),
                attendees=people,
                agreements=[
                    (f"Acord {index}.{number}", owner, due, due if number % 3 == 0 else None)
                    for number in range(count)
                ],
                minutes="Acta amb **negreta**.",
            )
        )
    return meetings


@pytest.mark.parametrize("size", [3, 30])
def test_the_meeting_list_runs_the_same_queries_whatever_the_number_of_meetings(
    reader, plis, size, django_assert_num_queries
):
    build_meetings(plis, size)
    # 1 session, 2 user, 3 the user's groups (roles), 4 the bodies (filter), 5 the
    # meetings counted, 6 the pending agreements counted, 7 a page of meetings with
    # their body and counts, 8 a page of pending agreements with their owners, meetings
    # and bodies.
    with django_assert_num_queries(8):
        response = reader.get(reverse("governance:meetings"))
    assert len(rows(section(response, "meetings-title"))) == min(size, MEETINGS_PER_PAGE)


def test_the_meetings_and_the_pending_agreements_are_listed_a_page_at_a_time(reader, plis):
    build_meetings(plis, MEETINGS_PER_PAGE + 5)
    url = reverse("governance:meetings")

    first = reader.get(url)
    meetings = section(first, "meetings-title")
    assert len(rows(meetings)) == MEETINGS_PER_PAGE
    assert 'aria-label="Pàgines de les reunions"' in meetings
    agreements = section(first, "pending-title")
    assert len(rows(agreements)) == AGREEMENTS_PER_PAGE
    assert 'aria-label="Pàgines dels acords pendents"' in agreements
    # Each list turns its own pages, keeping the other's and the filter.
    second = reader.get(url, {"reunions": 2, "acords": 1, "organ": ""})
    remaining = Meeting.objects.count() - MEETINGS_PER_PAGE
    assert len(rows(section(second, "meetings-title"))) == remaining
    links = [href for _, href in page_links(section(second, "meetings-title"))]
    assert any("reunions=1" in href and "acords=1" in href for href in links)
    everyone = set()
    for number in (1, 2):
        page = section(reader.get(url, {"reunions": number}), "meetings-title")
        everyone |= set(re.findall(r'href="(/plis/reunions/\d+/)"', page))
    assert len(everyone) == Meeting.objects.count()


@pytest.mark.parametrize("size", [3, 20])
def test_a_meeting_runs_the_same_queries_whatever_the_number_of_members_and_agreements(
    reader, plis, size, django_assert_num_queries
):
    meeting = build_meetings(plis, size)[1]  # one of the transversal commission
    # 1 session, 2 user, 3 the user's groups (roles), 4 the meeting with its body,
    # 5 its attendees, 6 the body's members that day with their people and seats,
    # 7 its agreements with their owners.
    with django_assert_num_queries(7):
        response = reader.get(reverse("governance:meeting", args=[meeting.pk]))
    assert len(rows(section(response, "agreements-title"))) == size
