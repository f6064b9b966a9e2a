"""Reporting rounds: opening one, each area's and service's completion with who answers for
it, passing to review, who may see and do what, and the queries the pages run."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from commitments.models import Entry, ReportingPeriod, Status
from governance.models import Service
from governance.roles import Role
from publication.models import PublishedVersion, ReportingRound, RoundKind, RoundStatus
from publication.operations import move_to_review, open_round, publish_round
from publication.rounds import (
    MISSING_SHOWN,
    build_completion,
    round_summaries,
    rounds_with_subjects,
)
from service_charters.models import Measurement
from terrassa_plis.formatting import person_name
from tests.commitments.conftest import build_commitments
from tests.conftest import PERSONAS, make_user
from tests.pages import page_links, section, text_of, visible_text
from tests.service_charters.conftest import build_charters

LOGIN = 302


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def balance_round(seed, user, **kwargs) -> ReportingRound:
    kwargs.setdefault("deadline", in_days(20))
    return open_round(RoundKind.BALANCE, period=seed.open_period, acting_user=user, **kwargs)


def charters_round(user, year=2021, **kwargs) -> ReportingRound:
    kwargs.setdefault("deadline", in_days(20))
    return open_round(RoundKind.CHARTERS, year=year, acting_user=user, **kwargs)


def rounds_url():
    return reverse("publication:rounds")


def round_url(round):
    return reverse("publication:round", args=[round.pk])


def open_url():
    return reverse("publication:round_open")


def review_url(round):
    return reverse("publication:round_review", args=[round.pk])


def publish_url(round):
    return reverse("publication:round_publish", args=[round.pk])


def open_post(client, **data):
    form = {"kind": "balance", "deadline": in_days(20).isoformat(), "reminder_days": "7"}
    return client.post(open_url(), {**form, **data})


# Opening a round


def test_open_round_opens_a_balance_round_for_the_period(seed_plan, staff):
    round = balance_round(seed_plan, staff, reminder_days=5)

    assert round.kind == RoundKind.BALANCE
    assert round.period == seed_plan.open_period
    assert round.year is None
    assert round.status == RoundStatus.OPEN
    assert round.reminder_days == 5
    assert round.opened_by == staff


def test_open_round_opens_a_charters_round_for_the_year(seed_charter, staff):
    round = charters_round(staff)

    assert (round.kind, round.year, round.period) == (RoundKind.CHARTERS, 2021, None)


def test_one_round_per_period_and_per_year(seed_plan, seed_charter, staff):
    balance_round(seed_plan, staff)
    charters_round(staff)

    with pytest.raises(ValidationError) as period_error:
        balance_round(seed_plan, staff)
    with pytest.raises(ValidationError) as year_error:
        charters_round(staff)

    assert period_error.value.message_dict == {
        "period": ["Ja hi ha una ronda de seguiment per a aquest període."]
    }
    assert year_error.value.message_dict == {
        "year": ["Ja hi ha una ronda de seguiment de les cartes de 2021."]
    }
    assert ReportingRound.objects.count() == 2


def test_the_deadline_may_be_today_but_not_in_the_past(seed_plan, staff):
    with pytest.raises(ValidationError) as error:
        balance_round(seed_plan, staff, deadline=in_days(-1))
    assert error.value.message_dict == {"deadline": ["El termini no pot ser anterior a avui."]}

    assert balance_round(seed_plan, staff, deadline=in_days(0)).deadline == timezone.localdate()


def test_the_period_or_year_must_have_something_to_report(seed_plan, seed_charter, staff):
    empty_period = ReportingPeriod.objects.get(label="Segon semestre de 2019")  # 2019-2023: no plan

    with pytest.raises(ValidationError) as period_error:
        open_round(RoundKind.BALANCE, period=empty_period, deadline=in_days(9), acting_user=staff)
    with pytest.raises(ValidationError) as year_error:
        charters_round(staff, year=2017)  # the seed charter is in force from December 2018

    assert period_error.value.message_dict == {
        "period": [
            "El Programa d'Actuació Municipal 2019-2023 no té cap compromís per fer-ne "
            "el seguiment."
        ]
    }
    assert year_error.value.message_dict == {
        "year": ["No hi ha cap carta de serveis amb indicadors en vigor el 2017."]
    }
    assert not ReportingRound.objects.exists()


def test_staff_open_a_round_from_the_list(client, seed_plan, staff):
    client.force_login(staff)

    response = open_post(client, period=seed_plan.open_period.pk, reminder_days="10")

    round = ReportingRound.objects.get()
    assert response.status_code == 302
    assert response.url == round_url(round)
    assert (round.period, round.reminder_days, round.opened_by) == (
        seed_plan.open_period,
        10,
        staff,
    )
    page = client.get(response.url)
    deadline = in_days(20).strftime("%d/%m/%Y")
    assert (
        f"S'ha obert la ronda «Balanç semestral del Pla de Mandat · Primer semestre de 2019», "
        f"amb termini el {deadline}." in visible_text(page)
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period": ""}, "period", "Trieu el període del balanç."),
        ({"kind": "charters"}, "year", "Escriviu l'any del seguiment de les cartes."),
        ({"deadline": "2001-01-01"}, "deadline", "El termini no pot ser anterior a avui."),
        ({"deadline": "dijous"}, "deadline", "Introduïu una data vàlida."),
        ({"deadline": "9999-12-31"}, "deadline", "Escriviu una data entre el 01/01/2000 i el"),
        ({"reminder_days": "-1"}, "reminder_days", "més gran o igual que 0"),
    ],
)
def test_the_open_form_says_what_to_correct(client, seed_plan, staff, data, field, message):
    client.force_login(staff)

    response = open_post(client, **{"period": seed_plan.open_period.pk, **data})

    assert response.status_code == 400
    assert "No s'ha obert la ronda: corregiu els camps marcats." in visible_text(response)
    assert message in " ".join(response.context["form"].errors[field])
    assert not ReportingRound.objects.exists()


def test_the_open_form_refuses_a_second_round_for_the_period(client, seed_plan, staff):
    balance_round(seed_plan, staff)
    client.force_login(staff)

    response = open_post(client, period=seed_plan.open_period.pk)

    assert response.status_code == 400
    assert response.context["form"].errors["period"] == [
        "Ja hi ha una ronda de seguiment per a aquest període."
    ]
    assert ReportingRound.objects.count() == 1


def test_a_round_is_not_opened_on_a_closed_period(client, seed_plan, staff):
    """A round on the second semester of 2018 would count its entries missing, though
    nobody can enter them, and send reminders for them: it is refused beside the field,
    with the choices kept."""
    client.force_login(staff)

    response = open_post(client, period=seed_plan.previous_period.pk, reminder_days="12")

    assert response.status_code == 400
    assert response.context["form"].errors["period"] == [
        "El segon semestre de 2018 té l'entrada de dades tancada: ningú no hi podria aportar "
        "les dades. Trieu un període obert, o obriu-ne l'entrada a l'administració abans "
        "d'obrir-hi la ronda."
    ]
    assert response.context["form"]["reminder_days"].value() == "12"
    assert not ReportingRound.objects.exists()
    # The picker says which periods are closed before anyone chooses one.
    text = visible_text(response)
    assert "Pla de Mandat 2015-2019 · Segon semestre de 2018 (entrada tancada)" in text
    assert "Pla de Mandat 2015-2019 · Primer semestre de 2019 (entrada" not in text


# Completion


@pytest.fixture
def technicians(organisation):
    """Marta (area 3), Jordi (area 1), Laia (the Solidaritat service, in area 3), and an
    area-3 user without the technician role, who answers for nothing."""
    solidarity = Service.objects.get(name="Servei de Solidaritat i Cooperació Internacional")
    return {
        "marta": make_user("marta", Role.TECHNICIAN, areas=[organisation[3]]),
        "jordi": make_user("jordi", Role.TECHNICIAN, areas=[organisation[1]]),
        "laia": make_user("laia", Role.TECHNICIAN, services=[solidarity]),
        "former": make_user("antic", None, areas=[organisation[3]]),
        "solidarity": solidarity,
    }


@pytest.fixture
def plan_with_gaps(seed_plan, organisation, technicians):
    """Commitment 21 (area 3) has its entry; 100 and 102 (area 3) and 101 and 103 (area 1)
    have none in the open period; 102 belongs to the Solidaritat service."""
    nodes = build_commitments(seed_plan, 4, areas=[organisation[3], organisation[1]])
    nodes[2].service = technicians["solidarity"]
    nodes[2].save()
    return nodes


def test_balance_completion_per_area_with_its_technicians(plan_with_gaps, seed_plan, staff):
    round = balance_round(seed_plan, staff)

    completion = build_completion(round)

    summary = [
        (group.name, group.done, group.total, group.technician_names) for group in completion.groups
    ]
    assert summary == [
        ("Territori i Sostenibilitat", 0, 2, ["Jordi"]),
        ("Drets Socials i Serveis a les Persones", 1, 3, ["Marta", "Laia"]),
    ]
    area3 = completion.groups[1]
    assert [item.label for item in area3.missing] == ["Compromís 100", "Compromís 102"]
    assert (completion.done, completion.total, completion.share) == (1, 5, 20)


def test_each_technician_is_reminded_of_their_own_missing_items(plan_with_gaps, seed_plan, staff):
    round = balance_round(seed_plan, staff)

    reminders = build_completion(round).reminders()

    assert [(r.name, [item.label for item in r.items]) for r in reminders] == [
        ("Jordi", ["Compromís 101", "Compromís 103"]),
        ("Laia", ["Compromís 102"]),
        ("Marta", ["Compromís 100", "Compromís 102"]),
    ]
    node_100 = plan_with_gaps[0]
    assert reminders[2].items[0].url == reverse(
        "commitments:entry_edit", args=[node_100.pk, seed_plan.open_period.pk]
    )


def test_charters_completion_per_service_with_its_technicians(
    seed_charter, organisation, technicians, staff
):
    urbanism = Service.objects.create(area=organisation[1], name="Servei d'Urbanisme")
    [charter] = build_charters(urbanism, 1, indicators_each=3, years=(2020,))
    round = charters_round(staff)

    completion = build_completion(round)

    summary = [
        (group.name, group.done, group.total, group.technician_names) for group in completion.groups
    ]
    assert summary == [
        ("Servei d'Urbanisme", 0, 3, ["Jordi"]),
        ("Servei de Solidaritat i Cooperació Internacional", 7, 7, ["Laia", "Marta"]),
    ]
    reminders = completion.reminders()
    assert [(r.name, len(r.items)) for r in reminders] == [("Jordi", 3)]
    assert reminders[0].items[0].url == reverse(
        "service_charters:results_edit", args=[charter.pk, 2021]
    )


def test_the_round_page_shows_each_area_and_who_answers_for_it(
    client, plan_with_gaps, seed_plan, staff
):
    round = balance_round(seed_plan, staff)
    client.force_login(staff)

    response = client.get(round_url(round))

    assert response.status_code == 200
    text = visible_text(response)
    assert "Territori i Sostenibilitat 0 de 2 2 0 % Jordi" in text
    assert "Drets Socials i Serveis a les Persones 1 de 3 2 33,3 % Marta, Laia" in text
    assert "Drets Socials i Serveis a les Persones: 2 pendents" in text
    assert "Compromís 102 · Compromís de prova 102" in text
    assert "20 % · 1 de 5 compromisos" in text
    assert "Aquesta ronda encara no ha publicat cap versió." in text


@pytest.mark.parametrize("persona", ["director", "staff"])
def test_readers_of_a_round_get_links_they_may_open(
    client, plan_with_gaps, seed_plan, staff, persona, request
):
    """Directors and staff read a missing commitment's page; the entry form, which only
    its technicians may open, is not offered to them."""
    round = balance_round(seed_plan, staff)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(round_url(round))

    links = dict(page_links(section(response, "completion-title")))
    node_100 = plan_with_gaps[0]
    assert links["Compromís 100"] == reverse("commitments:detail", args=[node_100.pk])
    assert not [url for url in links.values() if "/seguiment/" in url]
    for url in links.values():
        assert client.get(url).status_code == 200, url


def test_an_administrator_gets_the_entry_form(client, plan_with_gaps, seed_plan, staff):
    round = balance_round(seed_plan, staff)
    client.force_login(make_user("admin-rondes", Role.ADMINISTRATOR))

    links = dict(page_links(section(client.get(round_url(round)), "completion-title")))

    assert links["Compromís 100"] == reverse(
        "commitments:entry_edit", args=[plan_with_gaps[0].pk, seed_plan.open_period.pk]
    )


def test_a_charters_round_links_each_missing_charter_report(client, seed_plan, seed_charter, staff):
    Measurement.objects.filter(year=2021).delete()
    round = charters_round(staff)
    client.force_login(staff)

    links = page_links(section(client.get(round_url(round)), "completion-title"))

    report = reverse("service_charters:charter_report", args=[seed_charter.charter.pk, 2021])
    assert links and {url for _, url in links} == {report}


@pytest.mark.parametrize("kind", ["balance", "charters"])
def test_the_round_page_links_the_document_it_will_publish(
    client, seed_plan, seed_charter, staff, kind
):
    round = balance_round(seed_plan, staff) if kind == "balance" else charters_round(staff)
    client.force_login(staff)

    links = dict(page_links(section(client.get(round_url(round)), "preview-title")))

    if kind == "balance":
        page = reverse("commitments:balance", args=[seed_plan.open_period.pk])
        pdf = reverse("commitments:balance_pdf", args=[seed_plan.open_period.pk])
    else:
        page = reverse("service_charters:year_report", args=[2021])
        pdf = reverse("service_charters:year_report_pdf", args=[2021])
    changes = reverse("publication:round_changes", args=[round.pk])
    assert links == {"Revisa el document": page, "Revisa'n el PDF": pdf, "Què ha canviat": changes}
    assert client.get(page).status_code == 200


def test_an_area_without_technicians_is_pointed_out(client, seed_plan, organisation, staff):
    round = balance_round(seed_plan, staff)
    client.force_login(staff)

    text = visible_text(client.get(round_url(round)))

    assert "Drets Socials i Serveis a les Persones 1 de 1 0 100 % Sense personal tècnic" in text


def test_the_list_shows_every_round_with_its_completion(
    client, plan_with_gaps, seed_plan, seed_charter, director, staff
):
    balance_round(seed_plan, staff, deadline=in_days(30))
    charters_round(staff, deadline=in_days(10))
    client.force_login(director)

    response = client.get(rounds_url())

    assert response.status_code == 200
    text = visible_text(response)
    deadline = in_days(30).strftime("%d/%m/%Y")
    assert (
        f"Pla de Mandat 2015-2019 · Primer semestre de 2019 Balanç semestral del Pla de Mandat "
        f"{deadline} Oberta 1 de 5 20 % 0" in text
    )
    assert "Cartes de serveis 2021 Seguiment anual de les cartes de serveis" in text
    assert "7 de 7 100 %" in text
    assert "Obre una ronda" not in text  # directors read; staff open


# Review and status


def test_staff_pass_a_round_to_review(client, seed_plan, staff):
    round = balance_round(seed_plan, staff)
    client.force_login(staff)

    response = client.post(review_url(round))

    assert response.status_code == 302
    round.refresh_from_db()
    assert round.status == RoundStatus.IN_REVIEW
    text = visible_text(client.get(round_url(round)))
    assert "ha passat a revisió" in text
    assert "En revisió" in text
    assert "Passa a revisió" not in text


def test_only_an_open_round_passes_to_review(seed_plan, staff):
    round = balance_round(seed_plan, staff)
    move_to_review(round, acting_user=staff)

    with pytest.raises(ValidationError, match="Només es pot passar a revisió una ronda oberta."):
        move_to_review(round, acting_user=staff)


def test_publishing_marks_the_round_published(seed_plan, staff):
    round = balance_round(seed_plan, staff)
    move_to_review(round, acting_user=staff)

    publish_round(round, acting_user=staff)

    round.refresh_from_db()
    assert round.status == RoundStatus.PUBLISHED


def test_an_unknown_intent_is_a_bad_request(client, seed_plan, staff):
    round = balance_round(seed_plan, staff)
    client.force_login(staff)

    assert client.post(round_url(round), {"intent": "delete"}).status_code == 400


# Who may see and do what

READERS = {
    "anonymous": LOGIN,
    "user_without_role": 403,
    "technician_area3": 403,
    "technician_other_area": 403,
    "director": 200,
    "staff": 200,
    "administrator": 200,
}
# Staff and administrators are sent back to the round; anonymous visitors to the login page.
ACTORS = {
    "anonymous": LOGIN,
    "user_without_role": 403,
    "technician_area3": 403,
    "technician_other_area": 403,
    "director": 403,
    "staff": 302,
    "administrator": 302,
}
MAY_ACT = {"staff", "administrator"}


@pytest.fixture
def a_round(seed_plan, organisation):
    opener = make_user("obridora", Role.PUBLICATION_STAFF)
    return balance_round(seed_plan, opener)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_rounds(persona_client, a_round, persona):
    client = persona_client(persona)

    assert client.get(rounds_url()).status_code == READERS[persona]
    assert client.get(round_url(a_round)).status_code == READERS[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_opens_a_round(persona_client, seed_plan, seed_charter, persona):
    client = persona_client(persona)

    response = open_post(client, kind="charters", year="2021")

    assert response.status_code == ACTORS[persona]
    assert ReportingRound.objects.exists() == (persona in MAY_ACT)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_passes_a_round_to_review(persona_client, a_round, persona):
    client = persona_client(persona)

    response = client.post(review_url(a_round))

    assert response.status_code == ACTORS[persona]
    a_round.refresh_from_db()
    expected = RoundStatus.IN_REVIEW if persona in MAY_ACT else RoundStatus.OPEN
    assert a_round.status == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_publishes(persona_client, a_round, persona):
    client = persona_client(persona)

    response = client.post(publish_url(a_round), {"note": ""})

    assert response.status_code == ACTORS[persona]
    assert PublishedVersion.objects.exists() == (persona in MAY_ACT)


def test_directors_see_no_actions(client, a_round, director):
    client.force_login(director)

    response = client.get(round_url(a_round))

    assert response.status_code == 200
    main = response.content.decode().split('<main id="main"')[1].split("</main>")[0]
    assert 'method="post"' not in main
    assert "Passa a revisió" not in visible_text(response)


def test_an_unknown_round_is_not_found(client, staff):
    client.force_login(staff)

    assert client.get(reverse("publication:round", args=[999])).status_code == 404


# Queries, whatever the size


@pytest.mark.parametrize("extra", [2, 40])
def test_balance_completion_runs_the_same_queries_at_any_size(
    seed_plan, organisation, staff, extra, django_assert_num_queries
):
    nodes = build_commitments(
        seed_plan, extra, areas=[organisation[1], organisation[3], organisation[5]]
    )
    services = list(Service.objects.filter(area=organisation[3]))
    for index, node in enumerate(node for node in nodes if node.area == organisation[3]):
        node.service = services[index % len(services)]
        node.save()
    for number in range(extra // 2):
        make_user(f"tecnica{number}", Role.TECHNICIAN, areas=[organisation[number % 5 + 1]])
        make_user(f"servei{number}", Role.TECHNICIAN, services=[services[number % len(services)]])
    round = ReportingRound.objects.select_related("period__mandate").get(
        pk=balance_round(seed_plan, staff).pk
    )

    # The leaves counted per area and service; the areas' technicians; the services'
    # technicians; the areas; the missing leaves; the leaves' level.
    with django_assert_num_queries(6):
        completion = build_completion(round)
    assert completion.total == extra + 1
    assert completion.technicians  # areas 1, 3 and 5 and their services have some


@pytest.mark.parametrize(("charters", "indicators_each"), [(1, 2), (6, 15)])
def test_charters_completion_runs_the_same_queries_at_any_size(
    seed_charter, organisation, staff, charters, indicators_each, django_assert_num_queries
):
    for number in range(charters):
        service = Service.objects.create(area=organisation[number % 5 + 1], name=f"Servei {number}")
        build_charters(service, 1, indicators_each=indicators_each, years=(2020,))
        make_user(f"tecnica{number}", Role.TECHNICIAN, services=[service])
    round = charters_round(staff)

    # The charters in force; their indicators with whether each has a result; the
    # services' technicians; the areas' technicians.
    with django_assert_num_queries(4):
        completion = build_completion(round)
    assert completion.total == 7 + charters * indicators_each


@pytest.mark.parametrize("size", [2, 30])
def test_the_round_page_runs_the_same_queries_at_any_size(
    client, seed_plan, organisation, staff, size, django_assert_num_queries
):
    build_commitments(seed_plan, size, areas=[organisation[1], organisation[3]])
    round = balance_round(seed_plan, staff)
    for number in (1, 2):  # Versions as publish_round leaves them, without rendering a PDF.
        PublishedVersion.objects.create(
            round=round,
            number=number,
            note=f"Versió {number}",
            published_by=staff,
            title="Balanç",
            html="<article></article>",
            pdf=f"published/balance/{round.pk}/v{number}/balanc.pdf",
            csv="",
            json="[]",
        )
    client.force_login(staff)

    # Session, user, the user's roles; the round with its period, mandate, opener and
    # version count; the versions with who published them; the completion (leaves
    # counted per area, areas' technicians, the areas, the first missing leaves of each
    # area, the leaves' level); the round's history records with who saved each.
    with django_assert_num_queries(11):
        response = client.get(round_url(round))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_the_list_runs_the_same_queries_at_any_number_of_rounds(
    client, seed_plan, seed_charter, staff, size, django_assert_num_queries
):
    balance_round(seed_plan, staff)
    for year in range(2021, 2021 + size):
        ReportingRound.objects.create(kind=RoundKind.CHARTERS, year=year, deadline=in_days(5))
    client.force_login(staff)

    # Session, user, the user's roles; the rounds with their period, mandate, opener and
    # version count; leaves per mandate; entries per period; the indicators with their
    # charters' dates; the results of the rounds' years; the open form's periods.
    with django_assert_num_queries(9):
        response = client.get(rounds_url())
    assert response.status_code == 200
    assert len(response.context["rows"]) == size + 1


def test_round_summaries_agree_with_the_completion(plan_with_gaps, seed_plan, seed_charter, staff):
    rounds = [balance_round(seed_plan, staff), charters_round(staff)]

    summaries = round_summaries(list(rounds_with_subjects()))

    for round in rounds:
        completion = build_completion(round)
        assert (summaries[round.pk].done, summaries[round.pk].total) == (
            completion.done,
            completion.total,
        )


def test_the_round_page_shows_who_opened_reviewed_and_changed_the_round(
    client, seed_plan, staff, administrator
):
    round = balance_round(seed_plan, staff, deadline=date(2031, 7, 15))
    move_to_review(round, acting_user=staff)
    client.force_login(administrator)
    client.post(
        reverse("admin:publication_reportinground_change", args=[round.pk]),
        {
            "kind": round.kind,
            "period": round.period_id,
            "year": "",
            "deadline": "20/07/2031",
            "reminder_days": "7",
            "status": RoundStatus.IN_REVIEW,
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )
    client.force_login(staff)

    history = text_of(section(client.get(round_url(round)), "round-history-title"))

    opened, reviewed, changed = (
        history.index(text)
        for text in (
            "Creat Termini: — → 15/07/2031",
            "Modificat Estat: Oberta → En revisió",
            "Modificat Termini: 15/07/2031 → 20/07/2031",
        )
    )
    assert changed < reviewed < opened  # newest first
    assert history.count(person_name(staff)) == 2
    assert history.count(person_name(administrator)) == 1


def test_the_round_page_shows_the_first_missing_of_an_area_and_links_them_all(
    client, seed_plan, organisation, staff
):
    """However many an area still owes, the page lists the first `MISSING_SHOWN` and
    links the commitments list that holds every one of them, and only them."""
    owed = MISSING_SHOWN + 2
    reported, *_ = build_commitments(seed_plan, owed + 1, areas=[organisation[1]])
    Entry.objects.create(
        node=reported,
        period=seed_plan.open_period,
        status=Status.objects.filter(mandate=seed_plan.open_period.mandate).first(),
    )
    round = balance_round(seed_plan, staff)
    client.force_login(staff)

    response = client.get(round_url(round))

    text = visible_text(response)
    assert f"Territori i Sostenibilitat: {owed} pendents" in text
    assert f"Es mostren els {MISSING_SHOWN} primers de {owed}." in text
    links = page_links(section(response, "completion-title"))
    [area1] = [group for group in build_completion(round).groups if group.missing]
    assert len(area1.missing) == owed
    assert [label for label, _ in links if label.startswith("Compromís")] == [
        item.label for item in area1.missing[:MISSING_SHOWN]
    ]
    [all_url] = [
        url for label, url in links if label == f"Vegeu-los tots ({owed}) a la llista del pla"
    ]
    listed = client.get(all_url)
    assert listed.status_code == 200
    # The area's leaves without their entry: not the one reported.
    assert f"{owed} compromisos" in visible_text(listed)
