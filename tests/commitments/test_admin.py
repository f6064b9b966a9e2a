"""The Mandate Plan in the admin: from a period to its Balanç, and from each record to its
page on the site."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from commitments.documents import BALANCE_PDF
from commitments.models import ReportingPeriod
from terrassa_plis.models import GeneratedDocument
from tests.admin_actions import changelist_url, run_action
from tests.pages import visible_text


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_the_period_action_downloads_the_balance_the_site_gives(admin_client, seed_plan, no_worker):
    period = seed_plan.open_period
    response = run_action(admin_client, ReportingPeriod, "download_balance", [period])
    assert response.status_code == 302
    assert response["Location"] == reverse("commitments:balance_pdf", args=[period.pk])

    # The site's own PDF link: the same document, queued once, its progress page shown.
    waiting = admin_client.get(response["Location"])
    document = GeneratedDocument.objects.get()
    assert (document.kind, document.params) == (BALANCE_PDF, {"period": period.pk})
    assert waiting["Location"] == document.get_absolute_url()
    admin_client.get(reverse("commitments:balance_pdf", args=[period.pk]))
    assert GeneratedDocument.objects.count() == 1


def test_the_balance_action_asks_for_one_period_at_a_time(admin_client, seed_plan, no_worker):
    periods = [seed_plan.open_period, seed_plan.previous_period]
    response = run_action(admin_client, ReportingPeriod, "download_balance", periods)
    assert response.status_code == 302
    assert response["Location"] == changelist_url(ReportingPeriod)
    page = admin_client.get(response["Location"])
    assert "Trieu un sol element (període de seguiment)" in visible_text(page)
    assert not GeneratedDocument.objects.exists()


def test_the_periods_list_links_each_balance(admin_client, seed_plan):
    page = admin_client.get(changelist_url(ReportingPeriod))
    balance = reverse("commitments:balance", args=[seed_plan.open_period.pk])
    assert f'href="{balance}"' in page.content.decode()
    assert "Descarrega el Balanç del període (PDF)" in visible_text(page)


def test_view_on_site_leads_from_a_period_to_its_balance(admin_client, seed_plan):
    period = seed_plan.open_period
    change = admin_client.get(reverse("admin:commitments_reportingperiod_change", args=[period.pk]))
    assert "Veure al lloc" in visible_text(change)
    content_type = ContentType.objects.get_for_model(ReportingPeriod)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, period.pk])
    assert f'href="{view_on_site}"' in change.content.decode()
    assert admin_client.get(view_on_site)["Location"].endswith(
        reverse("commitments:balance", args=[period.pk])
    )


def test_each_record_leads_to_a_page_a_reader_may_open(client, director, seed_plan):
    """The internal pages, for anyone with a role: the director reads each of them."""
    entry = seed_plan.entry_21
    client.force_login(director)
    records = [
        seed_plan.mandate,
        seed_plan.commitment_21,
        seed_plan.priority_2,
        seed_plan.open_period,
        entry,
        entry.figures.first(),
    ]
    for record in records:
        response = client.get(record.get_absolute_url())
        assert response.status_code == 200, record
    assert seed_plan.mandate.get_absolute_url().endswith(f"?mandate={seed_plan.mandate.pk}")
    assert entry.get_absolute_url() == seed_plan.commitment_21.get_absolute_url()
