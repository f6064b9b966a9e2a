"""The action plan: its page grouped by axis and line, the drafting calendar, and an
action's page where the transversal commission decides and staff record the
implementation."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.action_plan import axis_choices, build_action_plan, natural_key
from governance.action_plan_forms import ImplementationForm
from governance.action_plan_operations import decide_action, record_implementation
from governance.models import (
    ActionDecision,
    ActionImplementation,
    Area,
    Membership,
    Milestone,
    Person,
    PlanAction,
)
from terrassa_plis.text_search import filled
from tests.conftest import PERSONAS
from tests.forms import error_next_to, long_text
from tests.governance.test_meetings import READERS, rows
from tests.pages import markup, page_links, section, text_of, visible_text


def today():
    return timezone.localdate()


def make_action(
    plan,
    code,
    *,
    title=None,
    axis="Eix 1. Inclusió laboral",
    line="1.1 Itineraris d'inserció",
    decision=ActionDecision.PROPOSED,
    decided_on=None,
    reason="",
    areas=(),
    implementation=(),
):
    action = PlanAction.objects.create(
        plan=plan,
        code=code,
        title=title or f"Acció {code}",
        axis=axis,
        line=line,
        decision=decision,
        decided_on=decided_on,
        decision_reason=reason,
    )
    action.areas.set(areas)
    for period, degree in implementation:
        ActionImplementation.objects.create(action=action, period=period, degree=degree)
    return action


@pytest.fixture
def commission_member(plis, technician_area3):
    """Marta (technician of area 3), who sits in the transversal commission."""
    person = Person.objects.create(name="Marta Comissió", user=technician_area3)
    Membership.objects.create(person=person, seat=plis.technicians_seat, start=date(2020, 1, 1))
    return technician_area3


@pytest.fixture
def action(plis, organisation):
    return make_action(
        plis.plan,
        "1.1.1",
        title="Itineraris personalitzats d'inserció",
        areas=[organisation[4]],
    )


@pytest.fixture
def validated_action(plis, organisation):
    """Only a validated action is carried out, and so takes implementation entries."""
    return make_action(
        plis.plan,
        "1.1.1",
        title="Itineraris personalitzats d'inserció",
        decision=ActionDecision.VALIDATED,
        decided_on=date(2024, 3, 12),
        areas=[organisation[4]],
    )


def action_url(action):
    return reverse("governance:action", args=[action.pk])


def decision_post(client, action, **data):
    """As the page opened just now posts it: with the action's version, unless given."""
    opened = PlanAction.objects.filter(pk=action.pk).first()
    data.setdefault("base_version", opened.version if opened else "")
    return client.post(reverse("governance:action_decision", args=[action.pk]), data)


def implementation_post(client, action, **data):
    """As the page opened just now posts it: with the versions of the entries it shows."""
    data.setdefault(
        "seen_versions",
        ImplementationForm.versions_of(ActionImplementation.objects.filter(action=action)),
    )
    return client.post(reverse("governance:action_implementation", args=[action.pk]), data)


# The plan's page


def axis_headings(response) -> list[str]:
    """The headings of the axes and lines the page shows, in their order."""
    content = response.content.decode()
    return [
        text_of(axis or line)
        for axis, line in re.findall(
            r'<h2 id="eix-\d+-title"[^>]*>(.*?)</h2>|<h3[^>]*>(.*?)</h3>', content, re.S
        )
    ]


def action_codes(response) -> list[str]:
    content = response.content.decode()
    return [
        text_of(code)
        for code in re.findall(r'<th scope="row"><a href="/plis/accions/\d+/">(.*?)</a>', content)
    ]


def chooser(response) -> str:
    """The markup of the page's chooser of axes."""
    match = re.search(
        r'<nav[^>]*aria-labelledby="axes-title"[^>]*>(.*?)</nav>', response.content.decode(), re.S
    )
    assert match, "no chooser of axes"
    return match.group(1)


def current_axis(response) -> list[str]:
    return [
        text_of(link) for link in re.findall(r'aria-current="page">(.*?)</a>', chooser(response))
    ]


AXIS1, AXIS2 = "Eix 1. Inclusió laboral", "Eix 2. Habitatge"


@pytest.fixture
def two_axes(plis):
    make_action(plis.plan, "2.1.1", axis=AXIS2, line="2.1 Accés a l'habitatge")
    make_action(plis.plan, "1.10.1", axis=AXIS1, line="1.10 Economia social")
    make_action(plis.plan, "1.2.1", axis=AXIS1, line="1.2 Formació")
    make_action(plis.plan, "1.1.2", axis=AXIS1, line="1.1 Itineraris")
    make_action(plis.plan, "1.1.1", axis=AXIS1, line="1.1 Itineraris")


def test_actions_are_grouped_by_axis_and_line_in_the_order_of_their_codes(reader, plis, two_axes):
    response = reader.get(reverse("governance:actions"))

    assert response.status_code == 200
    # The page opens on the first axis, its lines in the order of their codes.
    assert axis_headings(response) == [
        AXIS1,
        "1.1 Itineraris",
        "1.2 Formació",
        "1.10 Economia social",
    ]
    assert action_codes(response) == ["1.1.1", "1.1.2", "1.2.1", "1.10.1"]

    second = reader.get(reverse("governance:actions") + "?eix=2")

    assert second.status_code == 200
    assert axis_headings(second) == [AXIS2, "2.1 Accés a l'habitatge"]
    assert action_codes(second) == ["2.1.1"]
    # The whole plan (the PDF's) holds every axis in the same order.
    whole = build_action_plan(plis.plan, today())
    assert [axis.name for axis in whole.axes] == [AXIS1, AXIS2]
    assert [
        action.code for axis in whole.axes for line in axis.lines for action in line.actions
    ] == ["1.1.1", "1.1.2", "1.2.1", "1.10.1", "2.1.1"]


def test_the_chooser_lists_every_axis_with_its_actions_and_marks_the_one_shown(
    reader, plis, two_axes
):
    make_action(plis.plan, "9.1", axis="  ", line="")
    url = reverse("governance:actions")

    response = reader.get(url)

    assert page_links(chooser(response)) == [
        (f"{AXIS1} (4 accions)", "?eix=1"),
        (f"{AXIS2} (1 acció)", "?eix=2"),
        ("Sense eix (1 acció)", "?eix=3"),
    ]
    assert current_axis(response) == [f"{AXIS1} (4 accions)"]
    assert "Hi ha 3 eixos amb accions i aquí se'n mostra un. El PDF els recull tots." in (
        visible_text(response)
    )
    # The previous and next axes, in words.
    assert ("Eix següent: " + AXIS2, "?eix=2") in page_links(response)
    assert not [text for text, _href in page_links(response) if "Eix anterior" in text]

    last = reader.get(url + "?eix=3")

    assert current_axis(last) == ["Sense eix (1 acció)"]
    assert axis_headings(last) == ["Sense eix"]
    assert action_codes(last) == ["9.1"]
    assert ("Eix anterior: " + AXIS2, "?eix=2") in page_links(last)
    assert not [text for text, _href in page_links(last) if "Eix següent" in text]


@pytest.mark.parametrize("value", ["0", "4", "-1", "dos", "1.5"])
def test_an_unknown_axis_says_so_next_to_the_chooser(reader, plis, two_axes, value):
    response = reader.get(reverse("governance:actions") + f"?eix={value}")

    assert response.status_code == 400
    assert "Trieu un dels eixos de la llista." in text_of(chooser(response))
    # The page still shows the first axis and its chooser.
    assert action_codes(response) == ["1.1.1", "1.1.2", "1.2.1", "1.10.1"]
    assert len(page_links(chooser(response))) == 2


def test_the_chooser_keeps_the_filters_and_lists_only_the_axes_they_leave(
    reader, plis, organisation
):
    make_action(plis.plan, "1.1", axis=AXIS1, areas=[organisation[1]])
    make_action(plis.plan, "2.1", axis=AXIS2, decision=ActionDecision.VALIDATED)
    make_action(plis.plan, "3.1", axis="Eix 3. Salut", decision=ActionDecision.VALIDATED)
    make_action(plis.plan, "3.2", axis="Eix 3. Salut", areas=[organisation[3]])
    url = reverse("governance:actions")

    validated = reader.get(url + "?decisio=validated&eix=2")

    assert validated.status_code == 200
    assert page_links(chooser(validated)) == [
        (f"{AXIS2} (1 acció)", "?decisio=validated&eix=1"),
        ("Eix 3. Salut (1 acció)", "?decisio=validated&eix=2"),
    ]
    assert action_codes(validated) == ["3.1"]
    # The PDF is the whole plan with the filters, whatever axis the page shows.
    assert ("Descarrega en PDF", "/plis/accions/pdf/?decisio=validated") in page_links(validated)
    by_area = reader.get(url + "?area=3&decisio=proposed")
    assert page_links(chooser(by_area)) == [
        ("Eix 3. Salut (1 acció)", "?decisio=proposed&area=3&eix=1")
    ]
    assert action_codes(by_area) == ["3.2"]
    # A filter that leaves no action says so, and offers no axis.
    none_left = reader.get(url + "?decisio=rejected")
    assert none_left.status_code == 200
    assert "Cap acció no compleix aquests filtres." in visible_text(none_left)
    assert page_links(chooser(none_left)) == []
    assert action_codes(none_left) == []


def test_the_summary_is_the_whole_plan_s_whatever_axis_is_shown(reader, plis, organisation):
    make_action(
        plis.plan,
        "1.1",
        axis=AXIS1,
        decision=ActionDecision.VALIDATED,
        areas=[organisation[3]],
        implementation=[("2023-S2", 90), ("2024-S1", 60)],
    )
    make_action(plis.plan, "1.2", axis=AXIS1, decision=ActionDecision.VALIDATED)
    make_action(
        plis.plan,
        "2.1",
        axis=AXIS2,
        decision=ActionDecision.VALIDATED,
        areas=[organisation[3]],
        implementation=[("2024-S1", 25)],
    )
    make_action(
        plis.plan,
        "2.2",
        axis=AXIS2,
        decision=ActionDecision.REJECTED,
        reason="Sense pressupost",
        implementation=[("2024-S1", 100)],
    )
    make_action(plis.plan, "3.1", axis="", areas=[organisation[3]])
    url = reverse("governance:actions")
    summary = [
        "Accions 5",
        "Proposades 1",
        "Validades 3",
        "Rebutjades 1",
        "Implementació mitjana 42,5 %",
    ]

    for query in ("", "?eix=2", "?eix=3"):
        assert rows(section(reader.get(url + query), "actions-summary-title")) == summary
    assert rows(section(reader.get(url + "?area=3&eix=2"), "actions-summary-title")) == [
        "Accions 3",
        "Proposades 1",
        "Validades 2",
        "Rebutjades 0",
        "Implementació mitjana 42,5 %",
    ]
    # Counted in SQL for an axis, they are the figures of the whole plan read action by
    # action (the PDF's and an area's page).
    for filters in ({}, {"area": organisation[3]}, {"decision": ActionDecision.VALIDATED}):
        whole = build_action_plan(plis.plan, today(), **filters)
        choices = axis_choices(plis.plan, **filters)
        for axis in choices:
            shown = build_action_plan(plis.plan, today(), **filters, axis=axis, choices=choices)
            assert shown.decision_counts == whole.decision_counts
            assert shown.action_count == whole.action_count
            assert shown.average_degree == whole.average_degree
            assert shown.followed_count == whole.followed_count
            assert shown.average_note == whole.average_note
            assert [item.name for item in shown.axes] == [axis.name]
        assert sum(axis.action_count for axis in choices) == whole.action_count
        assert [axis.name for axis in choices] == [axis.name for axis in whole.axes]
    assert build_action_plan(plis.plan, today()).average_degree == Decimal("42.5")


def test_each_action_shows_its_decision_areas_and_latest_implementation(reader, plis, organisation):
    make_action(
        plis.plan,
        "1.1.1",
        title="Itineraris personalitzats d'inserció",
        decision=ActionDecision.VALIDATED,
        decided_on=date(2024, 3, 12),
        areas=[organisation[3], organisation[4]],
        implementation=[("2023-S2", 20), ("2024-S2", 60), ("2024-S1", 40)],
    )
    make_action(plis.plan, "1.1.2", title="Clàusules socials")

    response = reader.get(reverse("governance:actions"))

    # The first (and only) line of the first axis.
    assert rows(section(response, "eix-1-title")) == [
        "1.1.1 Itineraris personalitzats d'inserció Validada el 12/03/2024 "
        "Drets Socials i Serveis a les Persones; Desenvolupament Econòmic, Indústria i Ocupació "
        "60 % 2n semestre 2024",
        "1.1.2 Clàusules socials Proposada — —",
    ]


def test_the_summary_counts_actions_by_decision_and_averages_the_implementation(reader, plis):
    make_action(plis.plan, "1", decision=ActionDecision.VALIDATED, implementation=[("2024-S1", 60)])
    make_action(plis.plan, "2", decision=ActionDecision.VALIDATED, implementation=[("2024-S1", 25)])
    make_action(plis.plan, "3", decision=ActionDecision.REJECTED, reason="Sense pressupost")
    make_action(plis.plan, "4")

    response = reader.get(reverse("governance:actions"))

    assert rows(section(response, "actions-summary-title")) == [
        "Accions 4",
        "Proposades 1",
        "Validades 2",
        "Rebutjades 1",
        "Implementació mitjana 42,5 %",
    ]
    assert "l'últim grau d'implementació registrat de 2 accions" in visible_text(response)
    # Catalan writes a no-break space before the percent sign.
    assert "42,5\u00a0%" in response.content.decode()


def test_the_average_implementation_is_that_of_the_validated_actions(reader, plis):
    # Entries left on actions that are not (or no longer) validated don't count.
    make_action(plis.plan, "1", decision=ActionDecision.VALIDATED, implementation=[("2024-S1", 60)])
    make_action(
        plis.plan,
        "2",
        decision=ActionDecision.REJECTED,
        reason="Sense pressupost",
        implementation=[("2024-S1", 100)],
    )
    make_action(plis.plan, "3", implementation=[("2024-S1", 0)])

    response = reader.get(reverse("governance:actions"))

    assert rows(section(response, "actions-summary-title"))[-1] == "Implementació mitjana 60 %"
    assert (
        "La mitjana es calcula sobre l'últim grau d'implementació registrat d'1 acció validada."
    ) in visible_text(response)
    assert build_action_plan(plis.plan, today()).followed_count == 1


@pytest.mark.parametrize(
    ("count", "words"),
    [(0, "de 0 accions validades"), (2, "de 2 accions validades"), (11, "d'11 accions validades")],
)
def test_the_average_note_elides_before_a_vowel(plis, count, words):
    for index in range(count):
        make_action(
            plis.plan,
            str(index),
            decision=ActionDecision.VALIDATED,
            implementation=[("2024-S1", 5)],
        )

    note = build_action_plan(plis.plan, today()).average_note

    assert note == f"La mitjana es calcula sobre l'últim grau d'implementació registrat {words}."


def test_the_plan_filters_by_decision_and_area(reader, plis, organisation):
    make_action(plis.plan, "1", decision=ActionDecision.VALIDATED, areas=[organisation[3]])
    make_action(plis.plan, "2", decision=ActionDecision.VALIDATED, areas=[organisation[1]])
    make_action(plis.plan, "3", areas=[organisation[3]])
    url = reverse("governance:actions")

    def codes(query):
        content = reader.get(url + query).content.decode()
        return re.findall(r'<th scope="row"><a href="/plis/accions/\d+/">(.*?)</a>', content)

    assert codes("?decisio=validated") == ["1", "2"]
    assert codes("?area=3") == ["1", "3"]
    assert codes("?decisio=validated&area=3") == ["1"]
    assert codes("?decisio=rejected") == []
    text = visible_text(reader.get(url + "?decisio=validated&area=3"))
    assert "Accions filtrades: Decisió: Validada · Àrea responsable: 3. Drets Socials" in text
    assert 'href="/plis/accions/pdf/?decisio=validated&amp;area=3"' in (
        reader.get(url + "?decisio=validated&area=3").content.decode()
    )


def test_an_unknown_filter_value_says_so(reader, plis):
    response = reader.get(reverse("governance:actions") + "?area=9&decisio=maybe")

    assert response.status_code == 400
    text = visible_text(response)
    assert "Trieu una de les àrees de la llista." in text
    assert "Trieu una de les decisions de la llista." in text


def test_codes_sort_by_their_numbers():
    codes = ["1.10.1", "1.2.1", "A.1", "1.1.10", "1.1.2"]
    assert sorted(codes, key=natural_key) == ["1.1.2", "1.1.10", "1.2.1", "1.10.1", "A.1"]


# The drafting calendar


def test_a_milestone_is_late_when_past_and_not_done_or_done_after_its_date():
    day = date(2024, 6, 1)
    assert Milestone(planned_on=date(2024, 5, 31)).is_late(day)
    assert not Milestone(planned_on=date(2024, 6, 1)).is_late(day)
    assert Milestone(planned_on=date(2024, 3, 1), done_on=date(2024, 3, 15)).is_late(day)
    assert not Milestone(planned_on=date(2024, 3, 1), done_on=date(2024, 2, 28)).is_late(day)


def test_the_calendar_shows_planned_and_actual_dates_and_lateness(reader, plis):
    future = today() + timedelta(days=30)
    past = today() - timedelta(days=10)
    Milestone.objects.create(
        plan=plis.plan, title="Diagnosi", planned_on=date(2024, 3, 31), done_on=date(2024, 3, 20)
    )
    Milestone.objects.create(
        plan=plis.plan, title="Validació", planned_on=date(2024, 6, 30), done_on=date(2024, 7, 15)
    )
    Milestone.objects.create(plan=plis.plan, title="Esborrany", planned_on=past)
    Milestone.objects.create(plan=plis.plan, title="Aprovació", planned_on=future)

    response = reader.get(reverse("governance:actions"))

    assert rows(section(response, "calendar-title")) == [
        "Diagnosi 31/03/2024 20/03/2024 Feta",
        "Validació 30/06/2024 15/07/2024 Feta amb retard",
        f"Esborrany {past:%d/%m/%Y} — Endarrerida",
        f"Aprovació {future:%d/%m/%Y} — Dins termini",
    ]
    # Only what is still to do and past its date is flagged.
    flagged = re.findall(
        r'<strong class="badge band--not-met">(.*?)</strong>', section(response, "calendar-title")
    )
    assert flagged == ["Endarrerida"]


# An action's page and the commission's decision


def test_the_action_page_shows_its_data_and_implementation_per_period(reader, plis, organisation):
    action = make_action(
        plis.plan,
        "2.1.2",
        title="Nou equipament d'allotjament temporal",
        axis="Eix 2. Habitatge",
        line="2.1 Accés a l'habitatge",
        decision=ActionDecision.REJECTED,
        decided_on=date(2024, 6, 16),
        reason="No té dotació pressupostària.",
        areas=[organisation[1]],
    )
    ActionImplementation.objects.create(
        action=action,
        period="2024-S1",
        degree=30,
        observations="Conveni **signat** amb dues entitats.",
    )

    response = reader.get(action_url(action))

    assert response.status_code == 200
    text = visible_text(response)
    assert "2.1.2 Nou equipament d'allotjament temporal" in text
    assert "Eix 2. Habitatge · 2.1 Accés a l'habitatge" in text
    assert "Decisió Rebutjada el 16/06/2024" in text
    assert "Motiu No té dotació pressupostària." in text
    assert "Àrees responsables 1. Territori i Sostenibilitat" in text
    assert rows(section(response, "implementation-title")) == [
        "1r semestre 2024 30 % Conveni signat amb dues entitats."
    ]
    assert "<strong>signat</strong>" in response.content.decode()
    # A director reads, but neither decides nor records.
    assert "Desa la decisió" not in text
    assert "Desa la implementació" not in text


def test_a_member_of_the_transversal_commission_validates_an_action(
    client, commission_member, action
):
    client.force_login(commission_member)
    page = client.get(action_url(action))
    assert "Decisió de la comissió tècnica transversal" in visible_text(page)
    assert "Desa la implementació" not in visible_text(page)

    response = decision_post(client, action, decision="validated", decided_on="12/03/2024")

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.decision == ActionDecision.VALIDATED
    assert action.decided_on == date(2024, 3, 12)
    record = action.history.latest()
    assert record.history_user == commission_member
    assert record.history_change_reason == "Decisió: Validada el 12/03/2024"
    shown = visible_text(client.get(response["Location"]))
    assert "S'ha desat la decisió sobre l'acció 1.1.1: Validada el 12/03/2024." in shown
    assert "Decisió Validada el 12/03/2024" in shown


def test_a_rejection_needs_a_reason(client, commission_member, action):
    client.force_login(commission_member)

    response = decision_post(
        client, action, decision="rejected", decided_on="12/03/2024", reason=" "
    )

    assert response.status_code == 200
    text = visible_text(response)
    assert "No s'ha desat la decisió" in text
    assert "Escriviu el motiu del rebuig: és obligatori per rebutjar una acció." in text
    action.refresh_from_db()
    assert action.decision == ActionDecision.PROPOSED

    response = decision_post(
        client, action, decision="rejected", decided_on="12/03/2024", reason="Sense pressupost."
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.decision, action.decision_reason) == (
        ActionDecision.REJECTED,
        "Sense pressupost.",
    )


def test_the_decision_form_says_in_a_sentence_when_a_reason_is_needed(
    client, commission_member, action
):
    client.force_login(commission_member)

    assert "Obligatori si la comissió rebutja l'acció." in visible_text(
        client.get(action_url(action))
    )


def test_the_decision_form_checks_its_date(client, commission_member, action):
    client.force_login(commission_member)
    tomorrow = (today() + timedelta(days=1)).strftime("%d/%m/%Y")

    bad_date = visible_text(
        decision_post(client, action, decision="validated", decided_on="31/02/2024")
    )
    future = visible_text(decision_post(client, action, decision="validated", decided_on=tomorrow))
    no_choice = visible_text(decision_post(client, action, decided_on="12/03/2024"))

    assert "Escriviu una data com 31/03/2011." in bad_date
    assert "La data de la decisió no pot ser posterior a avui." in future
    assert "Trieu si la comissió valida o rebutja l'acció." in no_choice
    action.refresh_from_db()
    assert action.decision == ActionDecision.PROPOSED


@pytest.mark.parametrize("decided_on", ["01/01/0001", "30/03/2011"])
def test_a_decision_is_not_dated_before_the_plan_s_approval(
    client, commission_member, action, decided_on
):
    client.force_login(commission_member)

    response = decision_post(client, action, decision="validated", decided_on=decided_on)

    assert response.status_code == 200
    assert (
        "La data de la decisió no pot ser anterior a l'aprovació del pla, el 31/03/2011."
    ) in visible_text(response)
    action.refresh_from_db()
    assert action.decision == ActionDecision.PROPOSED


def test_a_decision_may_be_dated_the_plan_s_approval_day_or_today(
    client, commission_member, action
):
    client.force_login(commission_member)

    first = decision_post(client, action, decision="validated", decided_on="31/03/2011")
    second = decision_post(
        client, action, decision="validated", decided_on=today().strftime("%d/%m/%Y")
    )

    assert (first.status_code, second.status_code) == (302, 302)
    action.refresh_from_db()
    assert action.decided_on == today()


def test_decide_action_refuses_a_date_before_the_plan(action, staff):
    with pytest.raises(ValidationError) as error:
        decide_action(action, ActionDecision.VALIDATED, on=date(1, 1, 1), acting_user=staff)

    assert error.value.message_dict == {
        "decided_on": [
            "La data de la decisió no pot ser anterior a l'aprovació del pla, el 31/03/2011."
        ]
    }


@pytest.mark.parametrize("persona", ["technician_other_area", "director", "technician_area3"])
def test_who_does_not_sit_in_the_commission_gets_no_form_and_may_not_decide(
    persona_client, action, persona
):
    client = persona_client(persona)
    history = action.history.count()

    page = client.get(action_url(action))
    response = decision_post(client, action, decision="validated", decided_on="12/03/2024")

    assert page.status_code == 200
    assert "Desa la decisió" not in visible_text(page)
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.decision == ActionDecision.PROPOSED
    assert action.history.count() == history


def test_a_former_member_of_the_commission_may_no_longer_decide(
    client, plis, technician_area3, action
):
    person = Person.objects.create(name="Antiga Membre", user=technician_area3)
    Membership.objects.create(
        person=person, seat=plis.technicians_seat, start=date(2018, 1, 1), end=date(2023, 12, 31)
    )
    client.force_login(technician_area3)

    response = decision_post(client, action, decision="validated", decided_on="12/03/2024")

    assert response.status_code == 403
    action.refresh_from_db()
    assert action.decision == ActionDecision.PROPOSED


@pytest.mark.parametrize("persona", ["staff", "administrator"])
def test_staff_may_record_the_commission_s_decision(persona_client, action, persona):
    client = persona_client(persona)

    response = decision_post(client, action, decision="validated", decided_on="12/03/2024")

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.decision == ActionDecision.VALIDATED


def test_an_unknown_form_is_a_bad_request(client, staff, action):
    client.force_login(staff)
    assert client.post(action_url(action), {"intent": "other"}).status_code == 400


def test_each_form_of_the_action_page_posts_to_its_own_view(client, staff, validated_action):
    client.force_login(staff)
    decision_url = reverse("governance:action_decision", args=[validated_action.pk])
    implementation_url = reverse("governance:action_implementation", args=[validated_action.pk])

    content = client.get(action_url(validated_action)).content.decode()

    assert f'action="{decision_url}"' in content
    assert f'action="{implementation_url}"' in content
    assert 'name="intent"' not in content
    # They only take posts, and only for an action that exists.
    assert client.get(decision_url).status_code == 405
    assert client.get(implementation_url).status_code == 405
    missing = validated_action.pk + 1000
    assert decision_post(client, PlanAction(pk=missing), decision="validated").status_code == 404


# Implementation


def test_staff_add_and_update_a_period_s_implementation(client, staff, validated_action):
    action = validated_action
    client.force_login(staff)

    first = implementation_post(
        client, action, period="2024-s1", degree="40", observations="Inici."
    )
    again = implementation_post(client, action, period="2024-S1", degree="55", observations="")
    second = implementation_post(client, action, period="2024-S2", degree="70")

    assert [first.status_code, again.status_code, second.status_code] == [302, 302, 302]
    assert list(action.implementation.values_list("period", "degree", "observations")) == [
        ("2024-S1", 55, ""),
        ("2024-S2", 70, ""),
    ]
    page = client.get(action_url(action))
    assert rows(section(page, "implementation-title")) == [
        "1r semestre 2024 55 % —",
        "2n semestre 2024 70 % —",
    ]
    assert "S'ha afegit la implementació de 2n semestre 2024: 70" in visible_text(page)
    assert action.history.latest().history_change_reason == "Implementació 2n semestre 2024: 70 %"
    assert action.history.latest().history_user == staff


@pytest.mark.parametrize(
    ("period", "degree", "message"),
    [
        ("2024", "50", "Escriviu el període com 2021-S1: l'any, un guió i S1 o S2 (el semestre)."),
        (
            "2024-S3",
            "50",
            "Escriviu el període com 2021-S1: l'any, un guió i S1 o S2 (el semestre).",
        ),
        ("", "50", "Trieu el període."),
        ("2024-S1", "101", "El grau d'implementació ha de ser un nombre enter entre 0 i 100."),
        ("2024-S1", "-1", "El grau d'implementació ha de ser un nombre enter entre 0 i 100."),
        ("2024-S1", "quaranta", "El grau d'implementació ha de ser un nombre enter entre 0 i 100."),
        ("2024-S1", "", "Escriviu el grau d'implementació, de 0 a 100."),
    ],
)
def test_the_implementation_form_explains_what_is_wrong(
    client, staff, validated_action, period, degree, message
):
    action = validated_action
    client.force_login(staff)

    response = implementation_post(client, action, period=period, degree=degree)

    assert response.status_code == 200
    text = visible_text(response)
    assert "No s'ha desat la implementació" in text
    assert message in text
    assert not action.implementation.exists()


def typed_in(response, name: str) -> str:
    """What the page's textarea `name` holds, as a browser would send it back."""
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', markup(response), re.S)
    assert match, f"no textarea {name}"
    return match.group(1)


def test_too_long_observations_of_a_period_are_refused_next_to_them_and_kept(
    client, staff, validated_action
):
    client.force_login(staff)
    observations = long_text(5_001)

    response = implementation_post(
        client, validated_action, period="2024-S1", degree="50", observations=observations
    )

    assert response.status_code == 200
    assert "No s'ha desat la implementació" in visible_text(response)
    assert error_next_to(response, "id_observations") == (
        "El text és massa llarg: té 5.001 caràcters i com a màxim en pot tenir 5.000."
    )
    assert typed_in(response, "observations") == observations
    assert not validated_action.implementation.exists()


def test_a_too_long_reason_for_a_decision_is_refused_next_to_it_and_kept(
    client, commission_member, action
):
    client.force_login(commission_member)
    reason = long_text(2_001)

    response = decision_post(
        client, action, decision="rejected", decided_on="12/03/2024", reason=reason
    )

    assert response.status_code == 200
    # Only the length is wrong: the reason is there, so no «Escriviu el motiu…».
    assert error_next_to(response, "id_reason") == (
        "El text és massa llarg: té 2.001 caràcters i com a màxim en pot tenir 2.000."
    )
    assert typed_in(response, "reason") == reason
    action.refresh_from_db()
    assert (action.decision, action.decision_reason) == (ActionDecision.PROPOSED, "")


@pytest.mark.parametrize("decision", [ActionDecision.PROPOSED, ActionDecision.REJECTED])
def test_an_action_not_validated_takes_no_implementation(client, staff, plis, decision):
    action = make_action(
        plis.plan,
        "1.1.1",
        decision=decision,
        decided_on=None if decision == ActionDecision.PROPOSED else date(2024, 3, 12),
        reason="Sense pressupost.",
    )
    client.force_login(staff)

    page = client.get(action_url(action))
    response = implementation_post(client, action, period="2024-S1", degree="50")

    # No form, but the reason why.
    assert "Desa la implementació" not in visible_text(page)
    assert (
        "La implementació es registra un cop la comissió tècnica transversal ha validat l'acció."
    ) in visible_text(page)
    # A post all the same (a page opened before a rejection) says why nothing was saved.
    assert response.status_code == 200
    text = visible_text(response)
    assert "No s'ha desat la implementació" in text
    assert (
        "Només es registra la implementació de les accions validades per la comissió tècnica "
        "transversal, i aquesta acció no ho està."
    ) in text
    assert not action.implementation.exists()


def test_record_implementation_refuses_an_action_not_validated(action, staff):
    history = action.history.count()

    with pytest.raises(ValidationError) as error:
        record_implementation(action, "2024-S1", 30, "", acting_user=staff)

    assert error.value.messages == [
        "Només es registra la implementació de les accions validades per la comissió tècnica "
        "transversal, i aquesta acció no ho està."
    ]
    assert not action.implementation.exists()
    assert action.history.count() == history


def test_record_implementation_reads_the_decision_saved_meanwhile(validated_action, staff):
    # The page was read while validated; the commission has rejected it since.
    PlanAction.objects.filter(pk=validated_action.pk).update(decision=ActionDecision.REJECTED)

    with pytest.raises(ValidationError):
        record_implementation(validated_action, "2024-S1", 30, "", acting_user=staff)

    assert not validated_action.implementation.exists()


def test_a_period_lies_between_the_plan_s_approval_year_and_next_year(
    client, staff, validated_action
):
    client.force_login(staff)
    next_year = today().year + 1
    message = (
        f"L'any del període ha de ser entre 2011 (l'aprovació del pla) i {next_year} "
        "(l'any vinent)."
    )

    for period in ("9999-S1", "2010-S2", f"{next_year + 1}-S1"):
        response = implementation_post(client, validated_action, period=period, degree="50")
        assert response.status_code == 200
        assert message in visible_text(response)
    assert not validated_action.implementation.exists()

    for period in ("2011-S1", f"{next_year}-S2"):
        assert (
            implementation_post(client, validated_action, period=period, degree="50").status_code
            == 302
        )
    assert validated_action.implementation.count() == 2
    with pytest.raises(ValidationError) as error:
        record_implementation(validated_action, "9999-S1", 50, acting_user=staff)
    assert error.value.message_dict == {"period": [message]}


def test_the_form_offers_the_current_semester(client, staff, validated_action):
    client.force_login(staff)
    half = 1 if today().month <= 6 else 2

    content = client.get(action_url(validated_action)).content.decode()

    assert f'value="{today().year}-S{half}"' in content


def test_the_admin_shows_implementation_entries_but_records_them_only_on_the_action_page(
    client, administrator, validated_action
):
    entry = ActionImplementation.objects.create(action=validated_action, period="2024-S1", degree=5)
    client.force_login(administrator)
    change_url = reverse("admin:governance_actionimplementation_change", args=[entry.pk])

    assert client.get(change_url).status_code == 200  # shown, read only
    assert client.get(reverse("admin:governance_actionimplementation_add")).status_code == 403
    response = client.post(change_url, {"action": validated_action.pk, "period": "9999-S1"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.period == "2024-S1"


@pytest.mark.parametrize("persona", ["technician_area3", "director"])
def test_only_staff_record_the_implementation(
    persona_client, commission_member, validated_action, persona
):
    # Even a member of the commission (Marta, technician_area3) only decides.
    action = validated_action
    client = persona_client(persona)

    page = client.get(action_url(action))
    response = implementation_post(client, action, period="2024-S1", degree="50")

    assert "Desa la implementació" not in visible_text(page)
    assert response.status_code == 403
    assert not action.implementation.exists()


# The operations


def test_decide_action_refuses_a_rejection_without_reason(action, staff):
    with pytest.raises(ValidationError) as error:
        decide_action(
            action, ActionDecision.REJECTED, on=date(2024, 3, 1), reason="", acting_user=staff
        )

    assert "reason" in error.value.message_dict
    action.refresh_from_db()
    assert action.decision == ActionDecision.PROPOSED


def test_decide_action_refuses_going_back_to_proposed(action, staff):
    with pytest.raises(ValidationError) as error:
        decide_action(
            action, ActionDecision.PROPOSED, on=date(2024, 3, 1), reason="", acting_user=staff
        )

    assert "decision" in error.value.message_dict


def test_record_implementation_keeps_one_entry_per_period(validated_action, staff):
    action = validated_action
    entry, created = record_implementation(action, "2024-S1", 30, "", acting_user=staff)
    again, created_again = record_implementation(action, "2024-S1", 45, "Més.", acting_user=staff)

    assert (created, created_again) == (True, False)
    assert again.pk == entry.pk
    assert list(action.implementation.values_list("degree", "observations")) == [(45, "Més.")]
    with pytest.raises(ValidationError):
        record_implementation(action, "2024-S1", 140, "", acting_user=staff)
    with pytest.raises(ValidationError):
        record_implementation(action, "S1-2024", 40, "", acting_user=staff)


# Who may read


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_action_pages_are_for_every_role(persona_client, action, persona):
    client = persona_client(persona)

    for url in (reverse("governance:actions"), action_url(action)):
        response = client.get(url)
        assert response.status_code == READERS.get(persona, 200)
        if persona == "anonymous":
            assert response["Location"].startswith("/entrar/?next=")


@pytest.mark.parametrize("persona", ["anonymous", "user_without_role"])
def test_who_may_not_read_may_not_post(persona_client, action, persona):
    response = decision_post(
        persona_client(persona), action, decision="validated", decided_on="12/03/2024"
    )

    assert response.status_code == READERS[persona]
    action.refresh_from_db()
    assert action.decision == ActionDecision.PROPOSED


# Queries


def build_actions(plan, count: int):
    """`count` actions over 3 axes and 2 lines each, with 2 areas and 4 periods each."""
    areas = list(Area.objects.order_by("number"))
    actions = PlanAction.objects.bulk_create(
        filled(
            PlanAction(
                plan=plan,
                code=f"{index % 3 + 1}.{index % 2 + 1}.{index}",
                title=f"Acció de prova {index}",
                axis=f"Eix {index % 3 + 1}",
                line=f"Línia {index % 3 + 1}.{index % 2 + 1}",
                decision=[ActionDecision.VALIDATED, ActionDecision.PROPOSED][index % 2],
                decided_on=date(2024, 1, 1) if index % 2 == 0 else None,
            )
            for index in range(count)
        )
    )
    Through = PlanAction.areas.through
    Through.objects.bulk_create(
        Through(planaction_id=action.pk, area_id=areas[(index + shift) % 5].pk)
        for index, action in enumerate(actions)
        for shift in (0, 1)
    )
    ActionImplementation.objects.bulk_create(
        filled(
            ActionImplementation(
                action=action,
                period=f"2024-S{half}" if year == 2024 else f"{year}-S{half}",
                degree=10 * half + year % 10,
            )
            for action in actions
            for year in (2023, 2024)
            for half in (1, 2)
        )
    )
    Milestone.objects.bulk_create(
        Milestone(
            plan=plan,
            title=f"Fita {index}",
            planned_on=date(2024, 1, 1) + timedelta(days=30 * index),
        )
        for index in range(count // 10 + 1)
    )
    return actions


@pytest.mark.parametrize("size", [10, 120])
@pytest.mark.parametrize("query", ["?area=2", "?eix=3"])
def test_the_action_plan_runs_the_same_queries_whatever_the_number_of_actions(
    reader, plis, size, query, django_assert_num_queries
):
    build_actions(plis.plan, size)
    # 1 session, 2 user, 3 the user's groups (roles), 4 the plan, 5 the areas (filter),
    # 6 the axes of the chooser (each action's axis and code), 7 the summary counted in
    # SQL, 8 the axis's actions with their latest implementation, 9 their areas,
    # 10 the milestones.
    with django_assert_num_queries(10):
        response = reader.get(reverse("governance:actions") + query)
    assert response.status_code == 200
    axis = 1 if query == "?area=2" else 3
    shown = [
        index
        for index in range(size)
        if index % 3 + 1 == axis
        and (query != "?area=2" or 2 in {(index % 5) + 1, ((index + 1) % 5) + 1})
    ]
    assert response.content.decode().count('<tr class="plis-action ') == len(shown)
    # The summary is the whole (filtered) plan's.
    filtered = [
        index
        for index in range(size)
        if query != "?area=2" or 2 in {(index % 5) + 1, ((index + 1) % 5) + 1}
    ]
    assert rows(section(response, "actions-summary-title"))[0] == f"Accions {len(filtered)}"


@pytest.mark.parametrize("size", [10, 120])
def test_the_action_plan_builder_reads_three_queries(plis, size, django_assert_num_queries):
    build_actions(plis.plan, size)
    # 1 the actions with their latest implementation, 2 their areas, 3 the milestones.
    with django_assert_num_queries(3):
        action_plan = build_action_plan(plis.plan, today())
    assert action_plan.action_count == size
    assert sum(axis.action_count for axis in action_plan.axes) == size


@pytest.mark.parametrize("size", [10, 120])
def test_an_axis_of_the_action_plan_reads_five_queries(plis, size, django_assert_num_queries):
    build_actions(plis.plan, size)
    # 1 each action's axis and code (the chooser), 2 the summary counted in SQL, 3 the
    # axis's actions with their latest implementation, 4 their areas, 5 the milestones.
    with django_assert_num_queries(5):
        choices = axis_choices(plis.plan)
        action_plan = build_action_plan(plis.plan, today(), axis=choices[1], choices=choices)
    assert action_plan.action_count == size
    assert [axis.name for axis in action_plan.axes] == ["Eix 2"]
    assert action_plan.axes[0].action_count == len(range(1, size, 3))


@pytest.mark.parametrize("periods", [1, 12])
def test_an_action_page_runs_the_same_queries_whatever_its_implementation(
    client, commission_member, action, periods, django_assert_num_queries
):
    for index in range(periods):
        ActionImplementation.objects.create(
            action=action, period=f"{2020 + index // 2}-S{index % 2 + 1}", degree=index * 5
        )
    for day in range(periods):
        decide_action(
            action,
            "validated",
            on=date(2024, 1, 1) + timedelta(days=day),
            acting_user=commission_member,
        )
    client.force_login(commission_member)
    # 1 session, 2 user, 3 the user's groups (roles), 4 the action with its plan,
    # 5 its areas, 6 the user's membership of the commission (may decide),
    # 7 its implementation entries, 8 its latest history with their users,
    # 9 the areas that history kept, 10 its implementation entries' history records
    # with their users, 11 the plan's commitments it serves.
    with django_assert_num_queries(11):
        response = client.get(action_url(action))
    assert len(rows(section(response, "implementation-title"))) == periods


def test_staff_choose_the_period_in_words_the_current_one_first_chosen(
    client, staff, validated_action
):
    client.force_login(staff)
    today = timezone.localdate()
    current = f"{today.year}-S{1 if today.month <= 6 else 2}"

    page = client.get(action_url(validated_action))

    select = re.search(r'<select name="period".*?</select>', markup(page), re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    assert options[0] == (f"{today.year + 1}-S2", "", f"2n semestre {today.year + 1}")
    assert options[-1] == ("2011-S1", "", "1r semestre 2011")
    assert [value for value, selected, _text in options if selected] == [current]
    assert all(not re.fullmatch(r"\d{4}-S[12]", text) for _value, _selected, text in options)
