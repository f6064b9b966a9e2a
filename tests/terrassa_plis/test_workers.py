"""Two real `manage.py db_worker` processes share the queue on PostgreSQL: twenty documents,
each queued twice (as when a stalled document is tried again while its first task still
waits), are each made exactly once, and every task ends well.

The workers are separate processes on the test database: the rows this test writes are
committed (`transaction=True`), and the documents are a real kind every worker knows
(`governance.body_pdf`, a body's composition on twenty different days)."""

import os
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

from governance.documents import BODY_PDF
from terrassa_plis import documents
from terrassa_plis.documents import make_document
from terrassa_plis.models import DocumentStatus, GeneratedDocument
from tests.governance.conftest import OTL, plis  # noqa: F401

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the workers are other processes sharing the queue, which needs PostgreSQL "
        "(the tests' SQLite database is in memory, invisible to another process)",
    ),
    pytest.mark.django_db(transaction=True),
]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DOCUMENTS = 20
STARTUP_TIMEOUT = 30  # seconds for a worker to load Django and start polling
WORK_TIMEOUT = 90  # seconds for both workers to empty the queue
STOP_TIMEOUT = 10  # seconds for a worker to leave after SIGTERM


def _database_url() -> str:
    """The test database (`test_plis`) as DATABASE_URL, for the workers."""
    db = connection.settings_dict
    credentials = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    options = {key: value for key, value in db["OPTIONS"].items() if isinstance(value, str)}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}{query}"


def _worker_environment(media_root: Path) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_")  # the files go where this test reads them
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="terrassa_plis.settings",
        DATABASE_URL=_database_url(),
        DATABASE_CONN_MAX_AGE="0",
        TASKS_BACKEND="database",
        MEDIA_ROOT=str(media_root),
        # Demo mode, for the staticfiles the PDFs' stylesheets are found with; `--no-reload`
        # below keeps DEBUG from wrapping the worker in the autoreloader.
        DEBUG="1",
        PYTHONUNBUFFERED="1",
    )
    return environment


def _start_worker(worker_id: str, environment: dict, log: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--worker-id",
        worker_id,
        "--interval",
        "0.1",
        "--no-startup-delay",
        "--no-reload",
        "--verbosity",
        "1",
    ]
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            cwd=django_settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _logs(logs: dict[str, Path]) -> str:
    return "\n".join(
        f"--- {worker_id} ---\n{log.read_text(errors='replace')[-3000:]}"
        for worker_id, log in logs.items()
    )


def _wait_until(condition, timeout: float, workers: dict, logs: dict, what: str) -> None:
    """Poll `condition` until it holds; fail, with the workers' output, when a worker dies
    or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while not condition():
        for worker_id, process in workers.items():
            if process.poll() is not None:
                pytest.fail(
                    f"worker {worker_id} exited ({process.returncode}) while {what}\n" + _logs(logs)
                )
        if time.monotonic() > deadline:
            pytest.fail(f"still {what} after {timeout} s\n" + _logs(logs))
        time.sleep(0.1)


def _stop(workers: dict[str, subprocess.Popen]) -> None:
    """SIGTERM (a worker between tasks leaves at once), then SIGKILL what remains."""
    for process in workers.values():
        if process.poll() is None:
            process.terminate()
    for process in workers.values():
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


def _queue_documents() -> list[GeneratedDocument]:
    """Twenty compositions of the Oficina Tècnica Local, one a day, asked for as the body's
    PDF view does; each one's task is then queued a second time."""
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    today = date(2021, 3, 1)
    queued = []
    for offset in range(DOCUMENTS):
        day = today - timedelta(days=offset)
        params = {"body": OTL, "day": day.isoformat(), "today": today.isoformat()}
        response = documents.respond(request, BODY_PDF, params, title=f"OTL {day}")
        assert response.status_code == 302  # not made here: it waits for a worker
        document = GeneratedDocument.objects.get(params=params)
        make_document.enqueue(str(document.pk))
        queued.append(document)
    return queued


@pytest.mark.usefixtures("plis")
def test_two_workers_make_each_of_twenty_documents_exactly_once(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    media_root = Path(settings.MEDIA_ROOT)
    environment = _worker_environment(media_root)
    logs = {worker_id: tmp_path / f"{worker_id}.log" for worker_id in ("worker-1", "worker-2")}
    workers = {}
    try:
        for worker_id, log in logs.items():
            workers[worker_id] = _start_worker(worker_id, environment, log)
        # Both poll the empty queue before the first task is queued: both take a share.
        _wait_until(
            lambda: all("Starting worker" in log.read_text() for log in logs.values()),
            STARTUP_TIMEOUT,
            workers,
            logs,
            "starting",
        )

        queued = _queue_documents()
        assert DBTaskResult.objects.count() == 2 * DOCUMENTS

        _wait_until(
            lambda: not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists(),
            WORK_TIMEOUT,
            workers,
            logs,
            "working",
        )
    finally:
        _stop(workers)
    # Told to stop between tasks, each left cleanly.
    assert {worker_id: process.returncode for worker_id, process in workers.items()} == {
        worker_id: 0 for worker_id in logs
    }, _logs(logs)

    results = list(DBTaskResult.objects.all())
    assert [result.status for result in results] == ["SUCCESSFUL"] * 2 * DOCUMENTS, _logs(logs)
    outcomes = defaultdict(list)
    for result in results:
        assert result.task_path == "terrassa_plis.documents.make_document"
        assert len(result.worker_ids) == 1, "each task is run by one worker, once"
        outcomes[result.args_kwargs["args"][0]].append(result.return_value)
    # The claim: of a document's two tasks, one made it and the other found it taken.
    assert {pk: sorted(values) for pk, values in outcomes.items()} == {
        str(document.pk): ["ready", "taken"] for document in queued
    }
    # Both workers took a share of the queue.
    assert {result.worker_ids[0] for result in results} == set(logs)

    made = GeneratedDocument.objects.order_by("params__day")
    assert made.count() == DOCUMENTS
    for document in made:
        assert document.status == DocumentStatus.READY, document.error
        assert document.started_at <= document.finished_at
        assert document.content_type == "application/pdf"
        assert document.filename == f"{OTL}-{document.params['day']}.pdf"
        assert (media_root / document.file.name).is_file()
        with document.file.open("rb") as stored:
            assert stored.read(5) == b"%PDF-"
