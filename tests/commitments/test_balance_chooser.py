"""The way to a balance: the navigation's «Balanç» for everyone with a role, the chooser
(mandate → semester, priority or objective, area), and the downloads beside it."""

import pytest
from django.urls import reverse

from commitments.models import ReportingPeriod
from tests.conftest import PERSONAS
from tests.pages import markup

CHOOSE_URL = reverse("commitments:balance_choose")


def balance_url(period, query=""):
    return reverse("commitments:balance", args=[period.pk]) + query


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_navigation_links_the_balance_for_everyone_with_a_role(
    persona_client, seed_plan, persona
):
    client = persona_client(persona)

    response = client.get(reverse("commitments:list"))

    link = f'href="{CHOOSE_URL}"'
    if persona in ("anonymous", "user_without_role"):
        assert link not in markup(response)
    else:
        assert response.status_code == 200
        assert link in markup(response)


def test_a_technician_reads_the_balance_of_the_latest_reported_semester(
    client, technician_area3, seed_plan
):
    client.force_login(technician_area3)

    response = client.get(CHOOSE_URL, follow=True)

    assert response.redirect_chain == [(balance_url(seed_plan.open_period), 302)]
    assert response.status_code == 200
    assert "COMPROMÍS núm. 21" in markup(response)


def test_the_chooser_keeps_the_semester_priority_and_area(reader, seed_plan):
    period = seed_plan.previous_period
    query = {"mandate": seed_plan.mandate.pk, "period": period.pk, "priority": "2", "area": "3"}

    response = reader.get(CHOOSE_URL, query)

    assert response.status_code == 302
    assert response["Location"] == balance_url(period, "?priority=2&area=3")


def test_another_mandate_opens_on_its_own_semester_without_the_old_priority(reader, seed_plan):
    """The semester and priority sent are the previous mandate's: the new mandate's
    latest semester with entries, or its open or last one, takes their place."""
    mandate = seed_plan.mandate_2019_2023
    query = {
        "mandate": mandate.pk,
        "period": seed_plan.open_period.pk,
        "priority": "2",
        "area": "3",
    }

    response = reader.get(CHOOSE_URL, query)

    period = ReportingPeriod.objects.filter(mandate=mandate).order_by("-start").first()
    assert response["Location"] == balance_url(period, "?area=3")


def test_the_balance_page_offers_the_mandates_and_the_semesters_of_its_own(reader, seed_plan):
    text = markup(reader.get(balance_url(seed_plan.previous_period, "?area=3")))

    form = text.split(f'action="{CHOOSE_URL}"')[1].split("</form>")[0]
    assert 'method="get"' in text.split(f'action="{CHOOSE_URL}"')[0][-80:]
    assert "Programa d'Actuació Municipal 2019-2023" in form
    assert f'<option value="{seed_plan.previous_period.pk}" selected>Segon semestre de 2018' in form
    assert "Segon semestre de 2021" not in form  # the other mandate's
    assert '<option value="3" selected>' in form


def test_the_downloads_beside_the_balance_carry_its_choices(reader, seed_plan):
    period = seed_plan.previous_period

    text = markup(reader.get(balance_url(period, "?priority=2&area=3")))

    pdf = reverse("commitments:balance_pdf", args=[period.pk])
    assert f'href="{pdf}?priority=2&area=3"' in text
    area_pk = seed_plan.commitment_21.area_id
    for file_format in ("csv", "xlsx", "json"):
        export = reverse("commitments:export", args=[file_format])
        query = f"mandate={seed_plan.mandate.pk}&period={period.pk}&area={area_pk}"
        assert f'href="{export}?{query}"' in text
