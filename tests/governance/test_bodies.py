"""The plan's page and its bodies' pages, read as a person reads them."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.composition import build_composition, members_against_expected
from governance.models import Body, Membership, Person, Plan, PoliticalGroup, Service
from governance.wording import elides_de
from tests.conftest import PERSONAS
from tests.governance.conftest import FOLLOW_UP, OTL, REFUGEES, TRANSVERSAL, build_memberships
from tests.pages import text_of, visible_text

LOGIN = 302

OTL_FUNCTIONS = [
    "Conèixer els processos d'exclusió i fractura social a Terrassa, a través de la generació, "
    "la monitorització i l'anàlisi de dades i informacions",
    "Detectar i analitzar els recursos i els serveis del territori",
    "Dissenyar, planificar i implementar programes, projectes i accions inclusives",
    "Oferir suport teòric, tècnic i metodològic a altres accions de caràcter inclusiu que "
    "s'impulsin a Terrassa",
    "Fer el seguiment i l'avaluació de programes i serveis en l'àmbit de la inclusió social",
    "Promoure que les polítiques locals i les diferents iniciatives de la societat civil "
    "incorporin la perspectiva de la inclusió i la cohesió socials",
    "Promoure el treball en xarxa mitjançant la creació i la dinamització d'òrgans de "
    "participació o altres estructures i espais.",
]


def list_items(response, css_class: str | None = None, tag: str = "ol") -> list[str]:
    """The items of the first <ol> (or the list with `css_class`) of the page's main part."""
    content = response.content.decode()
    main = content[content.index('<main id="main"') :]
    pattern = rf"<{tag}[^>]*>(.*?)</{tag}>"
    if css_class:
        pattern = rf'<{tag} class="{css_class}"[^>]*>(.*?)</{tag}>'
    match = re.search(pattern, main, re.S)
    assert match, f"no <{tag}> found"
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def body_url(slug, query=""):
    return reverse("governance:body", args=[slug]) + query


# The plan


def test_the_plan_page_names_the_plan_its_dates_and_its_bodies(reader, plis):
    response = reader.get(reverse("governance:plan"))

    assert response.status_code == 200
    text = visible_text(response)
    assert "Pla Local d'Inclusió Social de Terrassa" in text
    assert "Aprovat pel Ple el 31/03/2011" in text
    assert "Actualització 2016-2020 acordada el 29/10/2015" in text
    for name in [
        "Oficina tècnica local (OTL)",
        "Comissió polític-tècnica de seguiment",
        "Comissió tècnica transversal",
        "Taula Local per a les Persones Refugiades",
    ]:
        assert name in text
    content = response.content.decode()
    for slug in (OTL, FOLLOW_UP, TRANSVERSAL, REFUGEES):
        assert f'href="{body_url(slug)}"' in content
    for name in ("governance:meetings", "governance:actions", "governance:popolo"):
        assert f'href="{reverse(name)}"' in content


def test_the_plan_page_counts_each_body_s_current_members(reader, plis):
    build_memberships(plis.technicians_seat, 3)
    build_memberships(plis.seat(FOLLOW_UP, 2), 1)
    # Someone who left does not count.
    build_memberships(
        plis.technicians_seat, 2, start=date(2016, 1, 1), end=date(2018, 12, 31), first=50
    )

    text = visible_text(reader.get(reverse("governance:plan")))

    # The follow-up commission has seats without a count: no expected total.
    assert "Comissió polític-tècnica de seguiment 1 membre " in text
    assert "Comissió tècnica transversal 3 membres " in text
    assert "Oficina tècnica local (OTL) 0 membres" in text


def test_a_body_whose_every_seat_has_a_count_shows_members_against_expected(reader, plis):
    refugees = plis.bodies[REFUGEES]
    refugees.seats.create(position=1, description="Tres entitats", expected_count=3)
    refugees.seats.create(position=2, description="La regidoria", expected_count=1)
    build_memberships(refugees.seats.get(position=1), 2)

    text = visible_text(reader.get(reverse("governance:plan")))

    assert "Taula Local per a les Persones Refugiades 2 membres de 4 previstos" in text


@pytest.mark.parametrize(
    ("count", "expected", "label"),
    [
        (1, 1, "1 membre d'1 previst"),
        (0, 1, "0 membres d'1 previst"),
        (2, 1, "2 membres d'1 previst"),
        (1, 4, "1 membre de 4 previstos"),
        (3, 11, "3 membres d'11 previstos"),
        (3, 12, "3 membres de 12 previstos"),
        (3, None, "3 membres"),
        (1, None, "1 membre"),
    ],
)
def test_members_against_expected_agree_in_number_and_elide(count, expected, label):
    assert members_against_expected(count, expected) == label


def test_the_plan_page_says_one_member_of_one_expected_in_good_catalan(reader, plis):
    refugees = plis.bodies[REFUGEES]
    refugees.seats.create(position=1, description="La regidoria", expected_count=1)
    build_memberships(refugees.seats.get(position=1), 1)

    text = visible_text(reader.get(reverse("governance:plan")))

    assert "Taula Local per a les Persones Refugiades 1 membre d'1 previst" in text


@pytest.mark.parametrize(
    ("number", "elides"),
    [
        (1, True),
        (11, True),
        (11_000, True),
        (1_000_000, True),
        (11_500_000, True),
        (0, False),
        (2, False),
        (8, False),
        (10, False),
        (111, False),
        (1_000, False),
        (1_011, False),
        (2_000_000, False),
    ],
)
def test_de_elides_before_numbers_read_with_a_vowel(number, elides):
    assert elides_de(number) is elides


def test_the_current_plan_is_the_first_recorded(plis):
    assert Plan.objects.current() == plis.plan
    Plan.objects.create(name="Un altre pla", short_name="ALT", approved_on=date(2020, 1, 1))
    assert Plan.objects.current() == plis.plan


def test_without_a_plan_the_plan_pages_are_not_found(reader, organisation):
    assert Plan.objects.current() is None
    for name in ("governance:plan", "governance:actions", "governance:actions_pdf"):
        assert reader.get(reverse(name)).status_code == 404


# A body's page


def test_the_otl_page_reads_like_the_seed(reader, plis):
    response = reader.get(body_url(OTL))

    assert response.status_code == 200
    text = visible_text(response)
    assert "Oficina tècnica local (OTL)" in text
    assert (
        "l' Oficina Tècnica Local (OTL) és l'òrgan tècnic del Pla Local d'Inclusió Social, i té "
        "l'objectiu de dinamitzar, coordinar i supervisar el procés d'elaboració, implementació "
        "i avaluació del mateix."
    ) in text
    assert "l'OTL s'ha de consolidar com a òrgan estable en l'estructura de l'Ajuntament." in text
    # Two paragraphs, as in the seed.
    assert (
        response.content.decode().count("<p>D'acord amb el Document Marc")
        + response.content.decode().count("<p>D&#x27;acord amb el Document Marc")
        == 1
    )
    assert "Funcions:" in text
    assert list_items(response) == OTL_FUNCTIONS
    assert (
        "Aquestes funcions s'han de desenvolupar amb el compromís i la implicació de les diverses "
        "àrees i serveis de l'Ajuntament, així com la resta d'actors presents en el territori"
    ) in text


def test_the_follow_up_commission_page_lists_its_composition_and_two_functions(reader, plis):
    response = reader.get(body_url(FOLLOW_UP))

    text = visible_text(response)
    assert (
        "Aquest grup de treball formarà part del sistema participat del PLIS. Serà l'espai on es "
        "rendiran comptes respecte la redacció del Pla."
    ) in text
    assert "Composició:" in text
    lines = [
        "Els i les portaveus dels diferents grups municipals o en qui deleguin",
        "La tinença d'Alcaldia de l'Àrea de Drets socials i Serveis a les Persones",
        "La tinença d'Alcaldia de l'Àrea de Desenvolupament Econòmic, Indústria i Ocupació",
        "Altres regidors/es: Serveis Socials, Joventut i Lleure Infantil, Cultura Innovació i "
        "Projecció de Ciutat",
        "Els/les directors/res de les cinc àrees de l'Ajuntament:",
        "La Cap del Servei de Planificació Estratègica de l'Àrea de Drets Socials i Serveis a "
        "les Persones.",
        "Els/les tècniques de l'Oficina Tècnica Local del PLIS",
    ]
    positions = [text.index(line) for line in lines]
    assert positions == sorted(positions)
    # The five areas under the directors' seat are a list of their own.
    assert list_items(response, "plis-seat__lines", tag="ul") == [
        "Àrea 1- Territori i Sostenibilitat",
        "Àrea 2- Serveis Generals i Govern Obert",
        "Àrea 3- Drets Socials i Serveis a les Persones",
        "Àrea 4- Desenvolupament Econòmic Indústria i Ocupació",
        "Àrea 5- Cultura Innovació i Projecció de la Ciutat",
    ]
    assert list_items(response) == [
        "Seguiment del grau de compliment del calendari previst per a la redacció del Pla.",
        "Seguiment del grau de compliment de les accions previstes per a la redacció del Pla",
    ]
    assert "5 previstos: 0 designats" in text  # the directors of the five areas
    assert "1 previst: 0 designats" in text  # each deputy mayor


def test_the_transversal_commission_shows_filled_against_expected_and_members_per_area(
    reader, plis, organisation
):
    build_memberships(plis.technicians_seat, 18)
    build_memberships(plis.seat(TRANSVERSAL, 1), 2, first=100)

    response = reader.get(body_url(TRANSVERSAL))

    text = visible_text(response)
    assert "22 tècnics/tècniques municipals de les 5 àrees de l'Ajuntament" in text
    assert "22 previstos: 18 designats" in text
    assert "2 designats" in text  # the diagnosis seat has no count
    assert list_items(response) == [
        "Valoració i validació de possibles i/o futures accions propostes",
        "Ubicació de les accions dins el Pla d'Acció",
        "Coordinació i seguiment del grau d'implementació de les accions",
    ]
    # 20 people: the even ones of each batch by area (1, 3, 5, 2, 4, 1, …), the odd ones
    # by a service of area 3, which counts for area 3.
    assert "Membres per àrea" in text
    assert (
        "1. Territori i Sostenibilitat 3 "
        "2. Serveis Generals i Govern Obert 2 "
        "3. Drets Socials i Serveis a les Persones 12 "
        "4. Desenvolupament Econòmic, Indústria i Ocupació 1 "
        "5. Cultura, Innovació i Projecció de la Ciutat 2 "
        "Total 20"
    ) in text


def test_each_member_line_says_who_where_with_which_role_and_for_whom(reader, plis):
    seat = plis.seat(FOLLOW_UP, 1)
    group = PoliticalGroup.objects.create(name="Grup Municipal de Prova")
    spokesperson = Person.objects.create(name="Anna Portaveu")
    Membership.objects.create(
        person=Person.objects.create(name="Pere Delegat"),
        seat=seat,
        political_group=group,
        body_role="chair",
        delegate_of=spokesperson,
        start=date(2020, 1, 1),
    )
    Membership.objects.create(
        person=Person.objects.create(name="Laia Tècnica"),
        seat=plis.seat(FOLLOW_UP, 7),
        service=Service.objects.get(name="Servei de Ciutadania"),
        area=Service.objects.get(name="Servei de Ciutadania").area,
        start=date(2020, 1, 1),
    )

    text = visible_text(reader.get(body_url(FOLLOW_UP)))

    assert "Pere Delegat en delegació de Anna Portaveu Grup Municipal de Prova Presidència" in text
    assert (
        "Laia Tècnica Servei de Ciutadania (Drets Socials i Serveis a les Persones) Vocal" in text
    )


def test_a_member_s_unit_is_their_group_or_service_or_area(plis, organisation):
    service = Service.objects.get(name="Servei de Ciutadania")
    group = PoliticalGroup.objects.create(name="Grup Municipal de Prova")
    seat = plis.technicians_seat

    def unit(**values):
        return Membership(seat=seat, start=date(2020, 1, 1), **values).unit_label()

    assert unit(political_group=group, area=organisation[3]) == "Grup Municipal de Prova"
    assert unit(service=service, area=service.area) == (
        "Servei de Ciutadania (Drets Socials i Serveis a les Persones)"
    )
    assert unit(service=service) == "Servei de Ciutadania"
    assert unit(area=organisation[1]) == "Territori i Sostenibilitat"
    assert unit() == ""


def test_a_member_with_no_unit_recorded_shows_a_dash(reader, plis):
    Membership.objects.create(
        person=Person.objects.create(name="Sense Unitat"),
        seat=plis.technicians_seat,
        start=date(2020, 1, 1),
    )

    text = visible_text(reader.get(body_url(TRANSVERSAL)))

    assert "Sense Unitat — Vocal" in text


def test_a_past_date_shows_who_sat_there_then(reader, plis):
    seat = plis.technicians_seat
    Membership.objects.create(
        person=Person.objects.create(name="Marta Antiga"),
        seat=seat,
        start=date(2016, 1, 1),
        end=date(2018, 12, 31),
    )
    Membership.objects.create(
        person=Person.objects.create(name="Núria Actual"), seat=seat, start=date(2019, 1, 1)
    )

    def composition(query=""):
        # The body's document only: the latest changes, after it, name both joinings.
        content = reader.get(body_url(TRANSVERSAL, query)).content.decode()
        return text_of(content.split("</article>")[0])

    today = composition()
    then = composition("?data=15/06/2017")
    then_iso = composition("?data=2018-12-31")

    assert "Núria Actual" in today and "Marta Antiga" not in today
    assert "Membres a data d'avui" in today
    assert "Marta Antiga" in then and "Núria Actual" not in then
    assert "Membres a data de 15/06/2017." in then
    assert "22 previstos: 1 designat" in then
    # The end date is the member's last day.
    assert "Marta Antiga" in then_iso and "Núria Actual" not in then_iso


def test_a_date_that_is_no_date_is_said_next_to_the_field(reader, plis):
    response = reader.get(body_url(TRANSVERSAL, "?data=31/02/2019"))

    assert response.status_code == 400
    assert "Escriviu una data com 31/03/2011." in visible_text(response)
    assert "Membres a data d'avui" in visible_text(response)


def test_an_unknown_body_is_not_found(reader, plis):
    assert reader.get(body_url("no-existeix")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "manages"),
    [("staff", True), ("administrator", True), ("director", False), ("technician_area3", False)],
)
def test_only_staff_and_administrators_see_the_member_management_links(
    persona_client, plis, persona, manages
):
    [membership] = build_memberships(plis.technicians_seat, 1)

    response = persona_client(persona).get(body_url(TRANSVERSAL))

    assert response.status_code == 200
    content = response.content.decode()
    create_url = reverse("governance:membership_create", args=[TRANSVERSAL])
    edit_url = reverse("governance:membership_edit", args=[membership.pk])
    assert (f'href="{create_url}?seat={plis.technicians_seat.pk}"' in content) is manages
    assert (f'href="{edit_url}"' in content) is manages
    assert (f'href="{edit_url}?baixa=1"' in content) is manages
    text = visible_text(response)
    assert ("Afegeix un membre" in text) is manages
    assert ("Dona de baixa" in text) is manages


READERS = {"anonymous": LOGIN, "user_without_role": 403}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url",
    ["/plis/", f"/plis/organs/{OTL}/", f"/plis/organs/{OTL}/pdf/", "/plis/popolo.json"],
)
def test_the_plis_pages_are_for_every_role(persona_client, plis, persona, url):
    response = persona_client(persona).get(url)

    assert response.status_code == READERS.get(persona, 200)
    if persona == "anonymous":
        assert response["Location"].startswith("/entrar/?next=")


# Queries


@pytest.mark.parametrize("size", [5, 60])
def test_the_body_page_runs_the_same_queries_whatever_the_number_of_members(
    client, staff, plis, size, django_assert_num_queries
):
    build_memberships(plis.technicians_seat, size)
    client.force_login(staff)
    url = body_url(TRANSVERSAL)
    # 1 session, 2 user, 3 the user's groups (roles), 4 the body with its plan,
    # 5 its functions, 6 its seats, 7 the memberships of the day with their people,
    # areas, services, groups and delegators, 8 the areas (members per area),
    # 9 the latest changes of the composition: its memberships', 10 its seats' and
    # 11 its members' names' history records.
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    assert f"{size} designats" in visible_text(response)


@pytest.mark.parametrize("size", [5, 60])
def test_the_composition_builder_runs_the_same_queries_whatever_the_number_of_members(
    plis, size, django_assert_num_queries
):
    build_memberships(plis.technicians_seat, size)
    body = Body.objects.get(slug=TRANSVERSAL)
    # 1 seats, 2 the memberships of the day, 3 the areas.
    with django_assert_num_queries(3):
        composition = build_composition(body, timezone.localdate())
    assert composition.member_count == size
    assert sum(row.count for row in composition.area_counts) == size


@pytest.mark.parametrize("size", [5, 60])
def test_the_plan_page_runs_the_same_queries_whatever_the_number_of_members(
    reader, plis, size, django_assert_num_queries
):
    build_memberships(plis.technicians_seat, size)
    build_memberships(plis.seat(FOLLOW_UP, 7), size, first=1000)
    # 1 session, 2 user, 3 the user's groups (roles), 4 the plan,
    # 5 its bodies with their member and seat counts.
    with django_assert_num_queries(5):
        response = reader.get(reverse("governance:plan"))
    assert f"Comissió tècnica transversal {size} membres" in visible_text(response)


def test_tomorrow_s_members_are_not_counted_today(plis):
    tomorrow = timezone.localdate() + timedelta(days=1)
    build_memberships(plis.technicians_seat, 2, start=tomorrow)

    assert build_composition(plis.bodies[TRANSVERSAL], timezone.localdate()).member_count == 0
    assert build_composition(plis.bodies[TRANSVERSAL], tomorrow).member_count == 2
