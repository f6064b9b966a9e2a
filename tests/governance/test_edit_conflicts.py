"""Two people editing the same PLIS record: the commission's decision on an action, an
action's implementation in a period, a member's data and their leaving. The second save
opened before the first was saved is refused and told who saved what and when, keeps
what was typed, and saves on purpose when sent again; on PostgreSQL, of two saves at
the same instant only one wins."""

import threading
from datetime import date

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from governance.action_plan_operations import NO_ENTRY, decide_action, record_implementation
from governance.models import ActionDecision, ActionImplementation, Membership, PlanAction
from governance.operations import MembershipData, change_membership
from terrassa_plis import formatting
from terrassa_plis.concurrency import EditConflict, last_saved
from tests.forms import browser_data
from tests.governance.conftest import build_memberships
from tests.governance.test_actions import action_url, make_action
from tests.governance.test_memberships import edit_url, form_data
from tests.pages import visible_text

needs_row_locks = pytest.mark.skipif(
    not connection.features.has_select_for_update,
    reason="the database locks no rows (SQLite serialises writes instead)",
)


@pytest.fixture
def action(plis):
    return make_action(plis.plan, "1.1.1", title="Itineraris personalitzats d'inserció")


@pytest.fixture
def validated_action(plis):
    return make_action(
        plis.plan,
        "1.1.1",
        title="Itineraris personalitzats d'inserció",
        decision=ActionDecision.VALIDATED,
        decided_on=date(2024, 3, 12),
    )


@pytest.fixture
def second(administrator):
    """Another browser, signed in as the administrator, who may do what staff do."""
    browser = Client()
    browser.force_login(administrator)
    return browser


def told_who_and_when(response, user, record) -> bool:
    saver = last_saved(record)
    text = visible_text(response)
    return (
        formatting.person_name(user) in text
        and f"el {saver.day} a les {saver.time}" in text
        and "No s'ha desat res del que heu escrit" in text
        # No field is marked: the page does not ask to correct one.
        and "corregiu els camps marcats" not in text
    )


# The commission's decision


def test_a_decision_opened_before_another_was_saved_is_refused_and_can_be_sent_again(
    manager, staff, second, plis, action
):
    decision_url = reverse("governance:action_decision", args=[action.pk])
    first_page = browser_data(manager.get(action_url(action)), decision_url)
    second_page = browser_data(second.get(action_url(action)), decision_url)

    saved = manager.post(
        decision_url, {**first_page, "decision": "validated", "decided_on": "12/03/2024"}
    )
    typed = "Duplica l'acció 1.1.2, que ja fa el mateix."
    refused = second.post(
        decision_url,
        {**second_page, "decision": "rejected", "decided_on": "13/03/2024", "reason": typed},
    )

    assert saved.status_code == 302
    assert refused.status_code == 409
    action.refresh_from_db()
    assert (action.decision, action.decided_on) == (ActionDecision.VALIDATED, date(2024, 3, 12))
    assert told_who_and_when(refused, staff, action)
    assert "la decisió «Validada» amb data 12/03/2024" in visible_text(refused)
    resent = browser_data(refused, decision_url)
    assert (resent["decision"], resent["decided_on"], resent["reason"]) == (
        "rejected",
        "13/03/2024",
        typed,
    )

    again = second.post(decision_url, resent)

    assert again.status_code == 302
    action.refresh_from_db()
    assert (action.decision, action.decision_reason) == (ActionDecision.REJECTED, typed)


def test_a_decision_from_a_page_without_a_version_is_refused(manager, action):
    decision_url = reverse("governance:action_decision", args=[action.pk])

    response = manager.post(decision_url, {"decision": "validated", "decided_on": "12/03/2024"})

    assert response.status_code == 409
    assert PlanAction.objects.get(pk=action.pk).decision == ActionDecision.PROPOSED


# An action's implementation


def test_an_implementation_opened_before_another_was_saved_is_refused_and_can_be_sent_again(
    manager, staff, second, validated_action
):
    action = validated_action
    url = reverse("governance:action_implementation", args=[action.pk])
    first_page = browser_data(manager.get(action_url(action)), url)
    second_page = browser_data(second.get(action_url(action)), url)

    saved = manager.post(
        url, {**first_page, "period": "2024-S1", "degree": "40", "observations": "Inici."}
    )
    typed = "Els itineraris ja arriben a tres barris."
    refused = second.post(
        url, {**second_page, "period": "2024-S1", "degree": "60", "observations": typed}
    )

    assert saved.status_code == 302
    assert refused.status_code == 409
    entry = ActionImplementation.objects.get(action=action, period="2024-S1")
    assert (entry.degree, entry.observations) == (40, "Inici.")
    assert told_who_and_when(refused, staff, entry)
    assert "la implementació de 1r semestre 2024: 40" in visible_text(refused)
    resent = browser_data(refused, url)
    assert (resent["degree"], resent["observations"]) == ("60", typed)

    again = second.post(url, {**resent, "period": "2024-S1"})

    assert again.status_code == 302
    entry.refresh_from_db()
    assert (entry.degree, entry.observations) == (60, typed)


def test_a_stale_page_still_records_a_period_nobody_recorded_meanwhile(
    manager, second, validated_action
):
    action = validated_action
    url = reverse("governance:action_implementation", args=[action.pk])
    second_page = browser_data(second.get(action_url(action)), url)
    first_page = browser_data(manager.get(action_url(action)), url)
    manager.post(url, {**first_page, "period": "2024-S1", "degree": "40"})

    other_period = second.post(url, {**second_page, "period": "2024-S2", "degree": "55"})

    assert other_period.status_code == 302
    assert dict(action.implementation.values_list("period", "degree")) == {
        "2024-S1": 40,
        "2024-S2": 55,
    }


# A member's data and their leaving


def test_a_membership_edit_opened_before_another_was_saved_is_refused_and_can_be_sent_again(
    manager, staff, second, plis
):
    seat = plis.technicians_seat
    [membership] = build_memberships(seat, 1, start=date(2020, 1, 1))
    version = browser_data(manager.get(edit_url(membership)))["base_version"]
    assert browser_data(second.get(edit_url(membership)))["base_version"] == version
    fields = form_data(seat, person=membership.person.pk, start="01/01/2020")

    saved = manager.post(
        edit_url(membership), {**fields, "body_role": "secretary", "base_version": version}
    )
    refused = second.post(
        edit_url(membership), {**fields, "end": "31/12/2021", "base_version": version}
    )

    assert saved.status_code == 302
    assert refused.status_code == 409
    membership.refresh_from_db()
    assert (membership.body_role, membership.end) == ("secretary", None)
    assert told_who_and_when(refused, staff, membership)
    assert 'value="31/12/2021"' in refused.content.decode()
    newer = browser_data(refused)["base_version"]
    assert int(newer) == membership.version

    again = second.post(
        edit_url(membership), {**fields, "end": "31/12/2021", "base_version": newer}
    )

    assert again.status_code == 302
    membership.refresh_from_db()
    assert membership.end == date(2021, 12, 31)


def test_leaving_recorded_on_a_stale_page_is_refused_and_can_be_sent_again(
    manager, staff, second, plis
):
    seat = plis.technicians_seat
    [membership] = build_memberships(seat, 1, start=date(2020, 1, 1))
    leaving = edit_url(membership, "?baixa=1")
    stale = browser_data(second.get(leaving))
    fields = form_data(seat, person=membership.person.pk, start="01/01/2020")
    manager.post(
        edit_url(membership),
        {**fields, "end": "30/06/2022", "base_version": str(membership.version)},
    )

    refused = second.post(leaving, {**stale, "end": "31/12/2021"})

    assert refused.status_code == 409
    membership.refresh_from_db()
    assert membership.end == date(2022, 6, 30)
    assert told_who_and_when(refused, staff, membership)
    resent = browser_data(refused)
    assert resent["end"] == "31/12/2021"
    assert second.post(leaving, resent).status_code == 302
    membership.refresh_from_db()
    assert membership.end == date(2021, 12, 31)


def test_a_change_without_a_version_still_makes_an_open_form_stale(staff, plis):
    [membership] = build_memberships(plis.technicians_seat, 1, start=date(2020, 1, 1))
    opened = membership.version

    change_membership(
        membership,
        MembershipData(
            seat=plis.technicians_seat,
            start=date(2020, 1, 1),
            person=membership.person,
            body_role="secretary",
        ),
        acting_user=staff,
    )

    assert Membership.objects.get(pk=membership.pk).version == opened + 1


# Two saves at the same instant, on a database that runs them at once


def _at_once(*saves) -> list:
    """Run each save in its own thread (its own connection), released together; what
    each returned or raised."""
    barrier = threading.Barrier(len(saves))
    outcomes = [None] * len(saves)

    def run(index, save):
        try:
            barrier.wait()
            outcomes[index] = save()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test reads
            outcomes[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_of_two_decisions_saved_at_once_from_one_version_only_one_wins(staff, administrator, plis):
    action = PlanAction.objects.create(plan=plis.plan, code="9.9.9", title="Acció en disputa")
    opened = action.version

    def save(user, decision, reason):
        return lambda: decide_action(
            PlanAction.objects.get(pk=action.pk),
            decision,
            on=date(2024, 3, 12),
            reason=reason,
            acting_user=user,
            base_version=opened,
        )

    outcomes = _at_once(
        save(staff, ActionDecision.VALIDATED, ""),
        save(administrator, ActionDecision.REJECTED, "Duplicada."),
    )

    conflicts = [o for o in outcomes if isinstance(o, EditConflict)]
    saved = [o for o in outcomes if isinstance(o, PlanAction)]
    assert (len(saved), len(conflicts)) == (1, 1), outcomes
    action.refresh_from_db()
    assert action.decision == saved[0].decision
    assert action.version == opened + 1


# The admin's action form takes part in the same check


def test_an_admin_edit_of_an_action_opened_before_a_decision_is_refused(
    manager, staff, second, action
):
    change_url = reverse("admin:governance_planaction_change", args=[action.pk])
    admin_page = browser_data(second.get(change_url))
    decision_url = reverse("governance:action_decision", args=[action.pk])
    site_page = browser_data(manager.get(action_url(action)), decision_url)
    manager.post(decision_url, {**site_page, "decision": "validated", "decided_on": "12/03/2024"})
    # The selects, which the page reader leaves out, as the admin's page showed them.
    selects = {"plan": action.plan_id, "decision": "proposed"}

    refused = second.post(change_url, {**admin_page, **selects, "title": "Títol corregit"})

    assert refused.status_code == 200
    action.refresh_from_db()
    assert (action.decision, action.title) == (
        ActionDecision.VALIDATED,
        "Itineraris personalitzats d'inserció",
    )
    assert told_who_and_when(refused, staff, action)
    resent = {**browser_data(refused), **selects, "decision": "validated"}
    assert resent["title"] == "Títol corregit"
    assert second.post(change_url, resent).status_code == 302
    action.refresh_from_db()
    assert (action.decision, action.title) == (ActionDecision.VALIDATED, "Títol corregit")


def test_a_refused_decision_names_who_decided_not_who_recorded_an_implementation_since(
    staff, administrator, validated_action
):
    action = validated_action
    opened = action.version
    decide_action(action, ActionDecision.VALIDATED, on=date(2024, 3, 13), acting_user=administrator)
    record_implementation(action, "2024-S1", 40, acting_user=staff, today=date(2024, 7, 1))

    with pytest.raises(EditConflict) as refused:
        decide_action(
            action,
            ActionDecision.REJECTED,
            on=date(2024, 3, 14),
            reason="Duplicada.",
            acting_user=staff,
            base_version=opened,
        )

    assert refused.value.saver.name == formatting.person_name(administrator)
    assert PlanAction.objects.get(pk=action.pk).decision == ActionDecision.VALIDATED


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_of_two_first_records_of_a_period_saved_at_once_only_one_wins(staff, administrator, plis):
    action = PlanAction.objects.create(
        plan=plis.plan,
        code="9.9.8",
        title="Acció validada",
        decision=ActionDecision.VALIDATED,
        decided_on=date(2024, 3, 12),
    )

    def record(user, degree):
        return lambda: record_implementation(
            PlanAction.objects.get(pk=action.pk),
            "2024-S1",
            degree,
            acting_user=user,
            today=date(2024, 7, 1),
            base_version=NO_ENTRY,
        )

    outcomes = _at_once(record(staff, 40), record(administrator, 60))

    conflicts = [o for o in outcomes if isinstance(o, EditConflict)]
    saved = [o[0] for o in outcomes if isinstance(o, tuple)]
    assert (len(saved), len(conflicts)) == (1, 1), outcomes
    [entry] = ActionImplementation.objects.filter(action=action)
    assert entry.degree == saved[0].degree
    assert conflicts[0].current.degree == entry.degree
