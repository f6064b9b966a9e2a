"""Publishing off the request: the publish button records a publication and a task
renders and freezes it. The page says «S'està publicant…» meanwhile, a second click
publishes nothing, a failure publishes nothing and says why, and every file goes
through Django's storage API."""

import signal
import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import publication.tasks as tasks
from publication.models import (
    JobFailure,
    JobStatus,
    PublicationJob,
    PublishedVersion,
    ReportingRound,
    RoundStatus,
)
from publication.operations import (
    PublicationUnderWay,
    publish_round,
    request_publication,
)
from publication.snapshots import build_snapshot
from publication.tasks import publish_version
from terrassa_plis import budgets
from tests.pages import visible_text

IN_MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
UNDER_WAY = "S'està publicant…"
ALREADY = "No s'ha demanat cap publicació nova: ja se n'està fent una d'aquesta ronda."

needs_row_locks = pytest.mark.skipif(
    not connection.features.has_select_for_update,
    reason="the database locks no rows (SQLite serialises writes instead)",
)


@pytest.fixture
def in_memory_storage(settings):
    """Files kept in memory: whatever the app writes outside the storage API would be
    found in MEDIA_ROOT instead."""
    settings.STORAGES = {**settings.STORAGES, "default": IN_MEMORY}
    return default_storage


def round_url(round):
    return reverse("publication:round", args=[round.pk])


def publish_url(round):
    return reverse("publication:round_publish", args=[round.pk])


def stored_files(storage, folder="") -> list[str]:
    folders, files = storage.listdir(folder)
    found = [f"{folder}{name}" for name in files]
    for name in folders:
        found += stored_files(storage, f"{folder}{name}/")
    return found


def media_files(settings) -> list:
    media = settings.MEDIA_ROOT
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def fail_rendering(monkeypatch, error=None):
    def broken(round):
        raise error or RuntimeError("el motor de PDF no respon")

    monkeypatch.setattr(tasks, "build_snapshot", broken)


# The click answers at once


def test_the_click_answers_with_a_redirect_and_the_task_publishes_the_version(
    client, balance, staff
):
    client.force_login(staff)

    response = client.post(publish_url(balance), {"note": ""})

    assert response.status_code == 302
    assert response.url == round_url(balance)
    version = PublishedVersion.objects.get()
    job = PublicationJob.objects.get()
    assert (job.status, job.version, job.requested_by) == (JobStatus.DONE, version, staff)
    assert job.started_at and job.finished_at and job.task_id
    balance.refresh_from_db()
    assert balance.last_publication == job
    assert balance.status == RoundStatus.PUBLISHED
    text = visible_text(client.get(round_url(balance)))
    assert UNDER_WAY not in text
    assert "Pàgina pública de la versió 1" in text


def test_while_the_task_waits_the_page_says_it_is_publishing_and_who_asked(
    client, balance, staff, no_worker
):
    client.force_login(staff)

    response = client.post(publish_url(balance), {"note": ""}, follow=True)

    assert PublishedVersion.objects.count() == 0
    job = PublicationJob.objects.get()
    assert job.status == JobStatus.WAITING
    text = visible_text(response)
    assert UNDER_WAY in text
    moment = timezone.localtime(job.requested_at).strftime("%d/%m/%Y %H:%M")
    assert f"Ho va demanar Publicacio el {moment}." in text
    assert "La versió nova apareixerà en aquesta pàgina quan acabi" in text
    # The page follows the publication with a script of its own (no timed refresh,
    # which would move a reader's focus away), and a link to check by hand.
    assert "js/publication-status.js" in response.content.decode()
    assert "Comprova-ho ara" in text
    # No publish button while it runs: the page reloads itself until it is done.
    assert publish_url(balance) not in response.content.decode()
    assert "Aquesta ronda encara no ha publicat cap versió." in text


def test_a_second_click_while_one_is_under_way_publishes_nothing_and_says_why(
    client, balance, staff, administrator, no_worker
):
    client.force_login(staff)
    client.post(publish_url(balance), {"note": ""})
    client.force_login(administrator)

    response = client.post(publish_url(balance), {"note": "Una altra"}, follow=True)

    assert PublicationJob.objects.count() == 1
    assert PublishedVersion.objects.count() == 0
    text = visible_text(response)
    assert ALREADY in text
    assert "La va demanar Publicacio el" in text
    assert UNDER_WAY in text


def test_the_worker_runs_the_job_once_and_the_page_then_lists_the_version(
    client, balance, staff, no_worker
):
    client.force_login(staff)
    client.post(publish_url(balance), {"note": ""})
    job = PublicationJob.objects.get()

    assert publish_version.call(job.pk) == 1
    assert publish_version.call(job.pk) is None  # A repeated task finds nothing to do.

    assert PublishedVersion.objects.count() == 1
    text = visible_text(client.get(round_url(balance)))
    assert UNDER_WAY not in text
    assert "Pàgina pública de la versió 1" in text


def test_publishing_again_without_a_note_is_refused_before_anything_is_queued(
    client, balance, staff
):
    client.force_login(staff)
    client.post(publish_url(balance), {"note": ""})

    response = client.post(publish_url(balance), {"note": "  "})

    assert response.status_code == 400
    assert "Expliqueu què canvia en aquesta versió." in visible_text(response)
    assert PublicationJob.objects.count() == 1


def test_the_database_refuses_a_second_publication_under_way(balance, staff, no_worker):
    request_publication(balance, acting_user=staff)

    with pytest.raises(PublicationUnderWay) as refusal:
        request_publication(balance, acting_user=staff)
    assert refusal.value.job == PublicationJob.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        PublicationJob.objects.create(round=balance, status=JobStatus.RUNNING)


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_make_one_publication(balance, staff, no_worker):
    start = threading.Barrier(2)
    outcomes = []

    def click():
        try:
            start.wait()
            round = ReportingRound.objects.get(pk=balance.pk)
            outcomes.append(request_publication(round, acting_user=staff).status)
        except PublicationUnderWay:
            outcomes.append("refused")
        finally:
            connection.close()

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["refused", JobStatus.WAITING]
    assert PublicationJob.objects.count() == 1
    assert PublishedVersion.objects.count() == 0


@needs_row_locks
def test_the_round_is_locked_before_looking_for_a_publication_under_way(balance, staff, no_worker):
    with CaptureQueriesContext(connection) as queries:
        request_publication(balance, acting_user=staff)

    sql = [query["sql"] for query in queries.captured_queries]
    lock = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q and "reportinground" in q)
    look = next(i for i, q in enumerate(sql) if 'FROM "publication_publicationjob"' in q)
    assert lock < look


@needs_row_locks
def test_the_task_renders_with_no_row_locked(balance, staff, no_worker, monkeypatch):
    job = request_publication(balance, acting_user=staff)
    rendered_after = []

    def counting(round):
        snapshot = build_snapshot(round)
        rendered_after.append(len(connection.queries))
        return snapshot

    monkeypatch.setattr(tasks, "build_snapshot", counting)
    with CaptureQueriesContext(connection) as queries:
        publish_version.call(job.pk)

    sql = [query["sql"] for query in queries.captured_queries]
    first_lock = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q)
    assert first_lock >= rendered_after[0] - queries.initial_queries


# Failures publish nothing and say why


def test_a_failed_render_publishes_nothing_and_the_page_says_how_to_try_again(
    client, balance, staff, monkeypatch, settings
):
    fail_rendering(monkeypatch)
    client.force_login(staff)

    response = client.post(publish_url(balance), {"note": "Primera, amb nota"}, follow=True)

    assert PublishedVersion.objects.count() == 0
    assert media_files(settings) == []
    job = PublicationJob.objects.get()
    assert (job.status, job.failure) == (JobStatus.FAILED, JobFailure.RENDER)
    balance.refresh_from_db()
    assert balance.status == RoundStatus.OPEN
    text = visible_text(response)
    assert "No s'ha pogut publicar" in text
    assert "No s'ha pogut generar el document; no s'ha publicat res. Torneu-ho a provar" in text
    assert "Per tornar-ho a provar, feu clic a «Publica» a continuació." in text
    assert "RuntimeError: el motor de PDF no respon" in text
    assert UNDER_WAY not in text
    # The form is there again, with the note that was sent.
    assert "Primera, amb nota</textarea>" in response.content.decode()

    monkeypatch.undo()
    client.post(publish_url(balance), {"note": "Primera, amb nota"})

    assert PublishedVersion.objects.get().note == "Primera, amb nota"
    assert "No s'ha pogut publicar" not in visible_text(client.get(round_url(balance)))


def test_a_failed_write_leaves_no_version_and_no_file(
    client, balance, staff, in_memory_storage, monkeypatch
):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("disc ple")

    monkeypatch.setattr(PublishedVersion, "save", broken_save)
    client.force_login(staff)

    client.post(publish_url(balance), {"note": ""})

    monkeypatch.undo()
    assert PublishedVersion.objects.count() == 0
    assert stored_files(in_memory_storage) == []
    assert PublicationJob.objects.get().status == JobStatus.FAILED


def test_storage_that_cannot_write_is_named_as_the_reason(
    client, balance, staff, in_memory_storage, monkeypatch
):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(InMemoryStorage, "_save", full)
    client.force_login(staff)

    response = client.post(publish_url(balance), {"note": ""}, follow=True)

    assert PublishedVersion.objects.count() == 0
    assert PublicationJob.objects.get().failure == JobFailure.STORAGE
    assert "No s'han pogut desar els fitxers del document" in visible_text(response)


def test_a_file_missing_while_rendering_is_not_blamed_on_storage(balance, staff, monkeypatch):
    fail_rendering(monkeypatch, FileNotFoundError("print.css"))

    job = request_publication(balance, acting_user=staff)

    assert job.failure == JobFailure.RENDER


def test_a_version_published_meanwhile_asks_for_a_note(client, balance, staff, no_worker):
    job = request_publication(balance, acting_user=staff)
    publish_round(balance, acting_user=staff)  # By another way, while the job waited.

    with pytest.raises(ValidationError):
        publish_version.call(job.pk)

    job.refresh_from_db()
    assert job.failure == JobFailure.NOTE
    assert PublishedVersion.objects.count() == 1
    client.force_login(staff)
    text = visible_text(client.get(round_url(balance)))
    assert "Mentrestant s'ha publicat una altra versió" in text


def test_rendering_past_the_time_budget_stops_and_publishes_nothing(
    client, balance, staff, settings, monkeypatch
):
    """In the main thread (a worker's), a timer interrupts the rendering."""
    settings.PUBLISH_TIME_BUDGET = 1

    def slow(round):
        time.sleep(5)

    monkeypatch.setattr(tasks, "build_snapshot", slow)
    client.force_login(staff)
    started = time.monotonic()

    response = client.post(publish_url(balance), {"note": ""}, follow=True)

    assert time.monotonic() - started < 4
    assert PublishedVersion.objects.count() == 0
    assert PublicationJob.objects.get().failure == JobFailure.TIMEOUT
    assert "La publicació ha durat més del temps màxim i s'ha aturat" in visible_text(response)


def test_in_a_request_thread_the_budget_is_checked_when_rendering_ends(
    balance, staff, settings, monkeypatch
):
    """Signals reach only the main thread: elsewhere the rendering runs to its end and
    then fails, still publishing nothing."""
    settings.PUBLISH_TIME_BUDGET = 1
    monkeypatch.setattr(budgets.threading, "main_thread", lambda: None)

    def slow(round):
        snapshot = build_snapshot(round)
        time.sleep(1.1)
        return snapshot

    monkeypatch.setattr(tasks, "build_snapshot", slow)

    job = request_publication(balance, acting_user=staff)

    assert (job.status, job.failure) == (JobStatus.FAILED, JobFailure.TIMEOUT)
    assert PublishedVersion.objects.count() == 0


def test_a_publication_whose_worker_vanished_no_longer_blocks_the_round(
    client, balance, staff, no_worker
):
    lost = PublicationJob.objects.create(
        round=balance, requested_by=staff, requested_at=timezone.now() - timedelta(hours=2)
    )

    job = request_publication(balance, acting_user=staff)

    lost.refresh_from_db()
    assert (lost.status, lost.failure) == (JobStatus.FAILED, JobFailure.INTERRUPTED)
    assert job.status == JobStatus.WAITING
    # If the lost task runs after all, it does nothing.
    assert publish_version.call(lost.pk) is None
    assert PublishedVersion.objects.count() == 0


def test_a_job_declared_interrupted_while_rendering_stores_nothing(
    balance, staff, no_worker, monkeypatch, in_memory_storage
):
    job = request_publication(balance, acting_user=staff)

    def interrupted_meanwhile(round):
        snapshot = build_snapshot(round)
        PublicationJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, failure=JobFailure.INTERRUPTED
        )
        return snapshot

    monkeypatch.setattr(tasks, "build_snapshot", interrupted_meanwhile)

    assert publish_version.call(job.pk) is None
    assert PublishedVersion.objects.count() == 0
    assert stored_files(in_memory_storage) == []


# Storage: every file through Django's storage API


def test_publishing_and_serving_go_through_the_storage_api(
    client, balance, staff, in_memory_storage, settings
):
    client.force_login(staff)

    client.post(publish_url(balance), {"note": ""})

    version = PublishedVersion.objects.get()
    assert stored_files(in_memory_storage) == [version.pdf.name]
    assert media_files(settings) == []
    with in_memory_storage.open(version.pdf.name, "rb") as handle:
        stored = handle.read()
    assert stored.startswith(b"%PDF")
    client.logout()
    pdf = client.get(reverse("publication:public_pdf", args=[balance.pk, 1]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content) == stored
    data = client.get(reverse("publication:public_data", args=[balance.pk, 1, "json"]))
    assert data.status_code == 200
    assert data.content.decode() == version.json
    assert media_files(settings) == []


def test_the_admin_lists_the_publications_asked_for_but_changes_none(
    client, balance, staff, administrator, monkeypatch
):
    fail_rendering(monkeypatch)
    job = request_publication(balance, acting_user=staff)
    client.force_login(administrator)

    listing = client.get(reverse("admin:publication_publicationjob_changelist"))
    change_url = reverse("admin:publication_publicationjob_change", args=[job.pk])

    assert listing.status_code == 200
    assert "Document no generat" in visible_text(listing)
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"status": "waiting"}).status_code == 403
    assert (
        client.get(
            reverse("admin:publication_reportinground_change", args=[balance.pk])
        ).status_code
        == 200
    )


WORKER_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


@pytest.mark.django_db(transaction=True)  # The worker commits, as in production.
def test_a_database_worker_runs_the_publication(client, balance, staff, settings):
    """The production path: the task waits in the database until `db_worker` runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(staff)
    client.post(publish_url(balance), {"note": ""})
    assert PublicationJob.objects.get().status == JobStatus.WAITING

    handlers = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
    try:
        call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    finally:
        for number, handler in handlers.items():  # The worker installs its own.
            signal.signal(number, handler)

    job = PublicationJob.objects.get()
    assert job.status == JobStatus.DONE
    assert job.version == PublishedVersion.objects.get()
