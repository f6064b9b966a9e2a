"""Documents made in the background: the click answers at once, the page follows the
work, the same document is never made twice, an edit makes a new one, a failure says why
and can be tried again."""

import io
import logging
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from governance.access import may_read_internal
from terrassa_plis import documents, isolation
from terrassa_plis.budgets import time_budget
from terrassa_plis.documents import DocumentTooLong, document_kind, make_document
from terrassa_plis.exports import Export
from terrassa_plis.models import DataVersion, DocumentStatus, GeneratedDocument
from tests.pages import pdf_text, visible_text

FLAKY = "tests.flaky_document"
# Whether the flaky document fails this time (the tests set it).
flaky = {"fails": True}


@document_kind(FLAKY, may_read=may_read_internal, steps=1)
def flaky_document(params, progress):
    progress.step("S'està provant")
    if flaky["fails"]:
        raise RuntimeError("the printer is on fire")
    return Export("prova.txt", "text/plain", b"ok")


SLOW = "tests.slow_document"


@document_kind(SLOW, may_read=may_read_internal, steps=1)
def slow_document(params, progress):
    progress.step("S'està esperant")
    time.sleep(30)
    return Export("lent.txt", "text/plain", b"lent")


@pytest.fixture
def balance_url(seed_plan):
    return reverse("commitments:balance_pdf", args=[seed_plan.open_period.pk])


def test_without_a_free_worker_the_click_leads_to_a_page_that_says_what_is_being_prepared(
    client, director, balance_url, no_worker
):
    client.force_login(director)

    response = client.get(balance_url)

    document = GeneratedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == document.get_absolute_url()
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = visible_text(page)
    assert "Balanç del Pla de Mandat 2015-2019 · Primer semestre de 2019" in text
    assert "S'està preparant el document" in text
    assert "Pas 1 de 3: En cua." in text
    assert '<progress max="3" value="0"' in page.content.decode()
    assert "Torna-ho a provar" not in text
    assert len(no_worker.results) == 1


def test_two_people_asking_for_the_same_document_start_one_task(
    client, director, technician_area3, balance_url, no_worker
):
    client.force_login(director)
    first = client.get(balance_url)
    client.force_login(technician_area3)
    second = client.get(balance_url)

    assert first["Location"] == second["Location"]
    assert GeneratedDocument.objects.count() == 1
    assert len(no_worker.results) == 1


def test_the_progress_page_follows_the_work_as_json(client, director, balance_url, no_worker):
    client.force_login(director)
    document_url = client.get(balance_url)["Location"]
    document = GeneratedDocument.objects.get()
    documents.Progress(document).step("S'estan reunint les dades del balanç")

    state = client.get(reverse("document_progress", args=[document.pk])).json()

    assert state == {
        "status": "waiting",
        "steps_done": 0,
        "steps_total": 3,
        "text": "Pas 1 de 3: S'estan reunint les dades del balanç.",
        "url": document_url,
    }


def test_a_worker_makes_the_document_and_the_same_link_then_delivers_it(
    client, director, balance_url, no_worker
):
    client.force_login(director)
    document_url = client.get(balance_url)["Location"]
    [queued] = no_worker.results

    make_document.call(*queued.args)

    response = client.get(document_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "COMPROMÍS núm. 21" in pdf_text(response.getvalue())
    assert GeneratedDocument.objects.get().status == DocumentStatus.READY


def test_a_document_is_made_once_however_many_workers_see_its_task(
    client, director, balance_url, no_worker
):
    client.force_login(director)
    client.get(balance_url)
    [queued] = no_worker.results

    assert make_document.call(*queued.args) == "ready"
    assert make_document.call(*queued.args) == "taken"


def test_an_unchanged_document_is_served_from_storage_without_being_made_again(
    client, director, balance_url, django_assert_max_num_queries
):
    client.force_login(director)
    first = client.get(balance_url)
    assert first.status_code == 200

    # Queries: the session, its user and their roles; the period, the filter options (the
    # top-level nodes, the areas); the data version; the stored document. No balance is
    # built, no PDF is typeset.
    with django_assert_max_num_queries(8):
        again = client.get(balance_url)

    assert again.status_code == 200
    assert again.getvalue() == first.getvalue()
    assert GeneratedDocument.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_edit_makes_the_next_document_a_new_one(client, director, balance_url, seed_plan):
    client.force_login(director)
    client.get(balance_url)
    before = DataVersion.current()

    entry = seed_plan.entry_21
    entry.observations += "\n\nUna frase nova."
    entry.save()

    # The commitments' version, and only theirs.
    after = DataVersion.current()
    assert after["commitments"] > before.get("commitments", 0)
    assert {label: value for label, value in after.items() if label != "commitments"} == {
        label: value for label, value in before.items() if label != "commitments"
    }
    response = client.get(balance_url)
    assert response.status_code == 200
    assert GeneratedDocument.objects.count() == 2
    assert "Una frase nova." in pdf_text(response.getvalue())


@pytest.mark.django_db(transaction=True)
def test_a_change_rolled_back_makes_no_new_document(seed_plan):
    before = DataVersion.current()

    with transaction.atomic():
        seed_plan.entry_21.save()
        seed_plan.commitment_21.save()
        transaction.set_rollback(True)

    assert DataVersion.current() == before


@pytest.mark.django_db(transaction=True)
def test_a_transaction_raises_the_data_version_once_however_many_rows_it_writes(seed_plan):
    before = DataVersion.current()

    with transaction.atomic():
        seed_plan.entry_21.save()
        seed_plan.commitment_21.save()
        seed_plan.commitment_21.area.save()

    after = DataVersion.current()
    assert after["commitments"] == before.get("commitments", 0) + 1
    assert after["governance"] == before.get("governance", 0) + 1
    assert after.get("service_charters") == before.get("service_charters")


def ask_for_the_flaky_document(user):
    """Ask for the flaky document as a view would."""
    request = RequestFactory().get("/")
    request.user = user
    return documents.respond(request, FLAKY, {"n": 1}, title="Document de prova")


def test_a_failed_document_says_why_and_can_be_tried_again(client, director):
    client.force_login(director)
    flaky["fails"] = True

    response = ask_for_the_flaky_document(director)
    page = client.get(response["Location"])

    text = visible_text(page)
    assert "No s'ha pogut preparar el document" in text
    assert "Torneu-ho a provar; si torna a passar, aviseu l'administrador" in text
    assert "the printer is on fire" not in text
    assert "Torna-ho a provar" in text

    flaky["fails"] = False
    document = GeneratedDocument.objects.get()
    retried = client.post(reverse("document_retry", args=[document.pk]))
    assert retried["Location"] == document.get_absolute_url()
    delivered = client.get(document.get_absolute_url())
    assert delivered.getvalue() == b"ok"


def test_a_document_under_way_is_not_queued_again(client, director, balance_url, no_worker):
    client.force_login(director)
    client.get(balance_url)
    document = GeneratedDocument.objects.get()

    response = client.post(reverse("document_retry", args=[document.pk]), follow=True)

    assert "Aquest document ja s'està preparant o ja és a punt." in visible_text(response)
    assert len(no_worker.results) == 1


def test_a_stalled_document_may_be_tried_again(client, director, balance_url, no_worker, settings):
    client.force_login(director)
    client.get(balance_url)
    document = GeneratedDocument.objects.get()
    settings.DOCUMENT_TIME_BUDGET = 0

    assert documents.retry(document)
    assert len(no_worker.results) == 2


def test_work_past_its_time_budget_stops():
    started = time.monotonic()
    with pytest.raises(DocumentTooLong), time_budget(0.05, DocumentTooLong):
        time.sleep(2)
    assert time.monotonic() - started < 1


def test_a_document_of_a_kind_the_reader_may_not_read_is_refused(client, balance_url, director):
    client.force_login(director)
    client.get(balance_url)
    document = GeneratedDocument.objects.get()
    document.kind = "no.such_kind"
    document.save()

    assert client.get(document.get_absolute_url()).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_in_a_child_process_that_gives_its_memory_back(
    seed_plan, director, settings, no_worker
):
    """In a worker (the main thread, no transaction) the document is built in a forked
    process that ends with it; what it made reaches the parent whole."""
    settings.WORKER_ISOLATION = True
    request = RequestFactory().get("/")
    request.user = director
    documents.respond(
        request, "commitments.balance_pdf", {"period": seed_plan.open_period.pk}, title="Balanç"
    )
    document = GeneratedDocument.objects.get()

    assert isolation.may_isolate()
    assert make_document.call(str(document.pk)) == "ready"

    document.refresh_from_db()
    assert document.steps_done == document.steps_total == 3
    with document.file.open("rb") as stored:
        assert "COMPROMÍS núm. 21" in pdf_text(stored.read())


@pytest.mark.django_db(transaction=True)
def test_a_child_process_past_the_budget_is_stopped_and_says_so(director, settings, no_worker):
    settings.WORKER_ISOLATION = True
    settings.DOCUMENT_TIME_BUDGET = 0.5
    flaky["fails"] = False
    request = RequestFactory().get("/")
    request.user = director
    documents.respond(request, SLOW, {}, title="Document lent")
    document = GeneratedDocument.objects.get()

    started = time.monotonic()
    assert make_document.call(str(document.pk)) == "failed"

    assert time.monotonic() - started < 5
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "ha superat el temps màxim" in document.error


def test_documents_are_stored_and_served_through_the_storage_api(
    client, director, balance_url, settings, tmp_path
):
    """No code assumes a local disk: with an in-memory storage nothing reaches MEDIA_ROOT."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(director)

    first = client.get(balance_url)
    again = client.get(balance_url)

    assert first.getvalue().startswith(b"%PDF-")
    assert again.getvalue() == first.getvalue()
    assert not (tmp_path / "media").exists()


def test_old_documents_are_pruned_with_their_files(client, director, balance_url, settings):
    client.force_login(director)
    client.get(balance_url)
    document = GeneratedDocument.objects.get()
    name = document.file.name
    storage = document.file.storage
    assert storage.exists(name)

    call_command("prune_documents", "--days", "30", stdout=io.StringIO())
    assert GeneratedDocument.objects.count() == 1

    GeneratedDocument.objects.update(finished_at=timezone.now() - timedelta(days=31))
    out = io.StringIO()
    call_command("prune_documents", "--days", "30", stdout=out)

    assert out.getvalue() == "Documents esborrats: 1.\n"
    assert not GeneratedDocument.objects.exists()
    assert not storage.exists(name)
    # Asked for again, it is made again.
    assert client.get(balance_url).getvalue().startswith(b"%PDF-")


def _scheduling() -> tuple[int, int, str]:
    """The calling process's niceness, whether it leads its session, and its autogroup."""
    autogroup = Path("/proc/self/autogroup")
    return (
        os.getpriority(os.PRIO_PROCESS, 0),
        os.getsid(0) == os.getpid(),
        autogroup.read_text().strip() if autogroup.exists() else "",
    )


@pytest.mark.django_db(transaction=True)
def test_a_child_process_yields_the_processor_even_to_web_processes_of_another_session(
    settings,
):
    """Separate services are separate sessions, and Linux's autogroup shares the
    processor between sessions before niceness counts: the child lowers its own group."""
    settings.WORKER_ISOLATION = True
    parent_niceness = os.getpriority(os.PRIO_PROCESS, 0)

    niceness, leads_its_session, autogroup = isolation.run_isolated(
        _scheduling, budget=30, expired=TimeoutError
    )

    assert niceness >= min(parent_niceness + 10, 19)
    assert leads_its_session
    if autogroup:
        assert autogroup.endswith("nice 19")


def test_a_failed_document_leaves_one_line_saying_who_asked_for_what(director, caplog):
    flaky["fails"] = True

    with caplog.at_level(logging.INFO, logger="terrassa_plis.tasks"):
        ask_for_the_flaky_document(director)

    document = GeneratedDocument.objects.get()
    (line,) = [r for r in caplog.records if r.name == "terrassa_plis.tasks"]
    assert (line.levelname, line.getMessage()) == (
        "ERROR",
        f"Document {document.pk} ({FLAKY}) asked for by user "
        f"{director.get_username()!r} (id {director.pk}) failed.",
    )
    assert "the printer is on fire" in line.exc_text
