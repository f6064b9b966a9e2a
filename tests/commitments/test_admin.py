"""The Mandate Plan in the admin: from a period to its Balanç, and from each record to its
page on the site."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from commitments.documents import BALANCE_PDF
from commitments.models import Entry, ReportingPeriod
from terrassa_plis.concurrency import last_saved
from terrassa_plis.formatting import person_name
from terrassa_plis.models import GeneratedDocument
from tests.admin_actions import changelist_url, run_action
from tests.forms import browser_data
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


# The admin takes part in the entry form's check


def _entry_of_commitment_21(seed_plan):
    return Entry.objects.get(node=seed_plan.commitment_21, period=seed_plan.open_period)


def _admin_post_data(page, entry) -> dict:
    """The admin's change form as a browser posts it (its selects, which the page
    reader leaves out, as they were)."""
    return {**browser_data(page), "period": entry.period_id, "status": entry.status_id}


@pytest.fixture
def marta(technician_area3):
    browser = Client()
    browser.force_login(technician_area3)
    return browser


@pytest.fixture
def entry_url(seed_plan):
    return reverse(
        "commitments:entry_edit", args=[seed_plan.commitment_21.pk, seed_plan.open_period.pk]
    )


def test_an_admin_edit_opened_before_a_technician_saved_is_refused_and_can_be_sent_again(
    admin_client, marta, technician_area3, seed_plan, entry_url
):
    entry = _entry_of_commitment_21(seed_plan)
    change_url = reverse("admin:commitments_entry_change", args=[entry.pk])
    admin_data = _admin_post_data(admin_client.get(change_url), entry)
    technician_data = browser_data(marta.get(entry_url))

    saved = marta.post(
        entry_url, {**technician_data, "observations": "La tècnica ho ha revisat avui."}
    )
    typed = "Correcció feta des de l'administració."
    refused = admin_client.post(change_url, {**admin_data, "observations": typed})

    assert saved.status_code == 302
    assert refused.status_code == 200
    entry.refresh_from_db()
    assert entry.observations == "La tècnica ho ha revisat avui."
    saver = last_saved(entry)
    text = visible_text(refused)
    assert f"({person_name(technician_area3)}) ha desat aquest seguiment el {saver.day}" in text
    assert f"a les {saver.time}" in text
    resent = _admin_post_data(refused, entry)
    assert resent["observations"] == typed
    assert resent["base_version"] == str(entry.version)

    again = admin_client.post(change_url, resent)

    assert again.status_code == 302
    entry.refresh_from_db()
    assert entry.observations == typed


def test_a_technician_s_form_opened_before_an_admin_edit_is_refused(
    admin_client, administrator, marta, seed_plan, entry_url
):
    entry = _entry_of_commitment_21(seed_plan)
    change_url = reverse("admin:commitments_entry_change", args=[entry.pk])
    technician_data = browser_data(marta.get(entry_url))

    saved = admin_client.post(
        change_url,
        {**_admin_post_data(admin_client.get(change_url), entry), "observations": "Admin."},
    )
    refused = marta.post(entry_url, {**technician_data, "observations": "Tècnica."})

    assert saved.status_code == 302
    assert refused.status_code == 409
    assert person_name(administrator) in visible_text(refused)
    entry.refresh_from_db()
    assert entry.observations == "Admin."


def test_an_entry_s_old_version_is_shown_but_never_saved_back_over_newer_saves(
    admin_client, seed_plan
):
    """Going back to a version would skip the check that protects a technician's newer
    save: the administrator reads it, and edits through the change form instead."""
    entry = seed_plan.entry_21
    entry.save()  # its first recorded version
    old = entry.history.order_by("history_id").first()
    url = reverse("admin:commitments_entry_simple_history", args=[entry.pk, old.history_id])

    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {}).status_code == 403
    assert Entry.objects.get(pk=entry.pk).version == entry.version
