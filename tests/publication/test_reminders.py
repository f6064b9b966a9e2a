"""`manage.py send_round_reminders`: the technicians with missing items of an open round get
an e-mail `reminder_days` before the deadline and on the deadline, and on no other day."""

import logging
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from governance.models import Service
from governance.roles import Role
from publication.models import ReportingRound, RoundKind, RoundStatus
from tests.commitments.conftest import build_commitments
from tests.conftest import make_user
from tests.service_charters.conftest import build_charters

DEADLINE = date(2031, 7, 15)
REMINDER_DAY = date(2031, 7, 8)  # 7 days before


@pytest.fixture
def technicians(organisation):
    return {
        "marta": make_user("marta", Role.TECHNICIAN, areas=[organisation[3]]),
        "jordi": make_user("jordi", Role.TECHNICIAN, areas=[organisation[1]]),
    }


@pytest.fixture
def with_emails(technicians):
    for user in technicians.values():
        user.email = f"{user.username}@terrassa.cat"
        user.save()
    return technicians


@pytest.fixture
def balance_round(seed_plan, organisation, technicians):
    """Commitments 100 and 102 (area 3) and 101 (area 1) have no entry in the period;
    commitment 21 (area 3) has one."""
    build_commitments(seed_plan, 3, areas=[organisation[3], organisation[1]])
    # Created directly: open_round refuses a deadline in the past, and these dates are fixed.
    return ReportingRound.objects.create(
        kind=RoundKind.BALANCE, period=seed_plan.open_period, deadline=DEADLINE
    )


def remind(today: date | None) -> str:
    out = StringIO()
    args = ["--today", today.isoformat()] if today else []
    call_command("send_round_reminders", *args, stdout=out)
    return out.getvalue()


def test_on_the_reminder_day_each_technician_gets_their_missing_items(
    balance_round, seed_plan, with_emails, mailoutbox
):
    output = remind(REMINDER_DAY)

    assert sorted(message.to[0] for message in mailoutbox) == [
        "jordi@terrassa.cat",
        "marta@terrassa.cat",
    ]
    marta = next(message for message in mailoutbox if message.to == ["marta@terrassa.cat"])
    assert marta.subject == (
        "Recordatori: «Pla de Mandat 2015-2019 · Primer semestre de 2019», termini el 15/07/2031"
    )
    assert "Hola, Marta:" in marta.body
    assert "té termini el 15/07/2031" in marta.body
    assert "Encara hi falten 2 dades de les quals sou responsable:" in marta.body
    assert "- Compromís 100: Compromís de prova 100" in marta.body
    assert "- Compromís 102: Compromís de prova 102" in marta.body
    assert "Compromís 21" not in marta.body and "Compromís 101" not in marta.body
    node_100 = seed_plan.mandate.nodes.get(code="100")
    link = reverse("commitments:entry_edit", args=[node_100.pk, seed_plan.open_period.pk])
    assert f"http://127.0.0.1:8000{link}" in marta.body
    jordi = next(message for message in mailoutbox if message.to == ["jordi@terrassa.cat"])
    assert "Encara hi falta 1 dada de la qual sou responsable:" in jordi.body
    assert "Recordatori a Marta <marta@terrassa.cat>" in output
    assert "pendents: 2" in output


def test_on_the_deadline_they_are_reminded_again(balance_round, with_emails, mailoutbox):
    remind(DEADLINE)

    assert len(mailoutbox) == 2


@pytest.mark.parametrize(
    "day",
    [
        REMINDER_DAY - timedelta(days=1),
        REMINDER_DAY + timedelta(days=1),
        DEADLINE - timedelta(days=1),
        DEADLINE + timedelta(days=1),
    ],
)
def test_on_any_other_day_nothing_is_sent(balance_round, with_emails, mailoutbox, day):
    output = remind(day)

    assert mailoutbox == []
    assert f"Cap recordatori per enviar el {day:%d/%m/%Y}." in output


def test_the_reminder_days_are_the_rounds_own(balance_round, with_emails, mailoutbox):
    balance_round.reminder_days = 3
    balance_round.save()

    remind(REMINDER_DAY)
    assert mailoutbox == []
    remind(DEADLINE - timedelta(days=3))
    assert len(mailoutbox) == 2


def test_published_rounds_are_not_reminded_but_rounds_in_review_are(
    balance_round, with_emails, mailoutbox
):
    balance_round.status = RoundStatus.PUBLISHED
    balance_round.save()
    remind(DEADLINE)
    assert mailoutbox == []

    balance_round.status = RoundStatus.IN_REVIEW
    balance_round.save()
    remind(DEADLINE)
    assert len(mailoutbox) == 2


def test_technicians_with_nothing_missing_get_nothing(
    seed_plan, with_emails, mailoutbox, organisation
):
    # Only commitment 21 (area 3), which has its entry.
    ReportingRound.objects.create(
        kind=RoundKind.BALANCE, period=seed_plan.open_period, deadline=DEADLINE
    )

    remind(DEADLINE)

    assert mailoutbox == []


def test_a_technician_without_an_address_is_reported_not_mailed(
    balance_round, technicians, mailoutbox
):
    technicians["jordi"].email = "jordi@terrassa.cat"
    technicians["jordi"].save()

    output = remind(DEADLINE)

    assert [message.to for message in mailoutbox] == [["jordi@terrassa.cat"]]
    assert "Sense adreça: Marta (marta)" in output


def test_charters_rounds_remind_the_services_technicians(seed_charter, organisation, mailoutbox):
    urbanism = Service.objects.create(area=organisation[1], name="Servei d'Urbanisme")
    [charter] = build_charters(urbanism, 1, indicators_each=2, years=(2020,))
    user = make_user("pau", Role.TECHNICIAN, services=[urbanism])
    user.email = "pau@terrassa.cat"
    user.save()
    ReportingRound.objects.create(kind=RoundKind.CHARTERS, year=2021, deadline=DEADLINE)

    remind(DEADLINE)

    [message] = mailoutbox
    assert message.to == ["pau@terrassa.cat"]
    assert "Cartes de serveis 2021" in message.subject
    assert "- Indicador 0: Carta de prova 0" in message.body
    assert reverse("service_charters:results_edit", args=[charter.pk, 2021]) in message.body


def test_a_wrong_date_is_refused(db):
    with pytest.raises(CommandError, match="AAAA-MM-DD"):
        call_command("send_round_reminders", "--today", "15/07/2031")


def test_without_today_it_takes_the_real_date(balance_round, with_emails, mailoutbox):
    assert "Cap recordatori" in remind(None)
    assert mailoutbox == []


def test_each_reminder_run_leaves_one_line(balance_round, with_emails, mailoutbox, caplog):
    with caplog.at_level(logging.INFO, logger="terrassa_plis.reminders"):
        remind(REMINDER_DAY)
        remind(REMINDER_DAY + timedelta(days=1))

    lines = [r.getMessage() for r in caplog.records if r.name == "terrassa_plis.reminders"]
    assert [line.split(" by ")[0] for line in lines] == [
        f"Reminder run for {REMINDER_DAY.isoformat()}",
        f"Reminder run for {(REMINDER_DAY + timedelta(days=1)).isoformat()}",
    ]
    assert [line.split(": ")[-1] for line in lines] == ["2 e-mails sent.", "0 e-mails sent."]
    assert "command run by system user" in lines[0]
