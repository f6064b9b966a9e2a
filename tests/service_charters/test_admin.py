"""The charters in the admin: from a charter to its year's follow-up, and from each record
to its page on the site."""

from datetime import date

import pytest
from django.urls import reverse

from service_charters.documents import FOLLOW_UP_PDF
from service_charters.models import Charter, Measurement
from terrassa_plis.models import GeneratedDocument
from tests.admin_actions import changelist_url, run_action
from tests.pages import visible_text


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_the_charter_action_downloads_the_follow_up_of_the_year_asked_for(
    admin_client, seed_charter, no_worker
):
    charter = seed_charter.charter
    response = run_action(admin_client, Charter, "download_follow_up", [charter], year="2021")
    assert response["Location"] == reverse(
        "service_charters:charter_report_pdf", args=[charter.pk, 2021]
    )
    admin_client.get(response["Location"])
    document = GeneratedDocument.objects.get()
    assert document.kind == FOLLOW_UP_PDF
    assert document.params == {"year": 2021, "charter": charter.pk}


def test_without_a_year_the_action_takes_the_latest_with_results(admin_client, seed_charter):
    charter = seed_charter.charter
    indicator = seed_charter.indicators[0]
    Measurement.objects.create(indicator=indicator, year=2022, result=1)
    response = run_action(admin_client, Charter, "download_follow_up", [charter], year="")
    assert response["Location"] == reverse(
        "service_charters:charter_report_pdf", args=[charter.pk, 2022]
    )


def test_a_year_out_of_range_is_refused_with_its_reason(admin_client, seed_charter, no_worker):
    response = run_action(
        admin_client, Charter, "download_follow_up", [seed_charter.charter], year="1850"
    )
    assert response["Location"] == changelist_url(Charter)
    page = visible_text(admin_client.get(response["Location"]))
    assert "Any: Assegureu-vos que aquest valor sigui més gran o igual que 1990." in page
    assert not GeneratedDocument.objects.exists()


def test_the_year_is_typed_beside_the_action(admin_client, seed_charter):
    page = admin_client.get(changelist_url(Charter))
    assert 'name="year"' in page.content.decode()
    assert "Any (buit: el darrer amb resultats)" in visible_text(page)
    assert "Descarrega el seguiment de l'any (PDF)" in visible_text(page)


def test_each_record_leads_to_a_page_a_reader_may_open(client, director, seed_charter):
    charter = seed_charter.charter
    indicator = seed_charter.indicators[0]
    objective = indicator.commitment.objective
    records = [
        charter,
        objective.offered_service,
        objective,
        indicator.commitment,
        indicator,
        indicator.measurements.get(),
    ]
    client.force_login(director)
    for record in records:
        assert client.get(record.get_absolute_url()).status_code == 200, record
    assert charter.get_absolute_url() == reverse(
        "service_charters:charter_report", args=[charter.pk, 2021]
    )


def test_a_charter_without_results_opens_on_a_year_it_is_in_force(seed_charter):
    charter = seed_charter.charter
    Measurement.objects.all().delete()
    charter.in_force_until = date(2019, 12, 31)
    assert charter.report_year() == max(2019, charter.in_force_from.year)
    charter.in_force_until = None
    assert charter.report_year() == date.today().year


# A technician's newer save is never overwritten from here


def test_the_admin_shows_charter_results_read_only(admin_client, seed_charter):
    measurement = Measurement.objects.first()
    change_url = reverse("admin:service_charters_measurement_change", args=[measurement.pk])
    before = measurement.observations

    shown = admin_client.get(change_url)
    posted = admin_client.post(change_url, {"observations": "Sobreescrit.", "result": "1"})

    assert shown.status_code == 200
    assert posted.status_code == 403
    measurement.refresh_from_db()
    assert measurement.observations == before
