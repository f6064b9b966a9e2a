"""The publication task: render a round's document and freeze it, off the web request.

`request_publication` (publication.operations) records a `PublicationJob` and enqueues
`publish_version` with the job's id. The task claims the job (waiting → running, one
conditional UPDATE, so a repeated or late task does nothing), renders the document in
Catalan with no lock held and no request (the PDF has no links to resolve), then freezes
the version in one short locked transaction (publication.versions). Any failure leaves
nothing published, marks the job failed with a reason the round's page shows, and is
raised again so the task's own result says it failed too.

Rendering has a time budget, `settings.PUBLISH_TIME_BUDGET` seconds. In a worker's main
thread a timer (SIGALRM) stops it when the budget runs out; in a request thread (the
immediate backend, runserver) signals are not available, so the budget is checked once
rendering ends.
"""

import logging
import time
from contextlib import nullcontext

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tasks import task

from publication.models import JobFailure, JobStatus, PublicationJob, ReportingRound
from publication.snapshots import build_snapshot
from publication.versions import JobAbandoned, freeze_version
from terrassa_plis.isolation import run_isolated

logger = logging.getLogger(__name__)


class PublicationTimedOut(Exception):
    def __init__(self, seconds):
        super().__init__(f"Rendering took longer than PUBLISH_TIME_BUDGET ({seconds} s).")


@task()
def publish_version(job_id: int) -> int | None:
    """Publish what job `job_id` asked for; the new version's number, or None when the
    job was not waiting (already run, or declared interrupted)."""
    claimed = PublicationJob.objects.filter(pk=job_id, status=JobStatus.WAITING).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = PublicationJob.objects.select_related("round__period__mandate", "requested_by").get(
        pk=job_id
    )
    writing = False
    try:
        budget = settings.PUBLISH_TIME_BUDGET
        started = time.monotonic()
        snapshot = run_isolated(
            _snapshot, job.round, budget=budget, expired=lambda: PublicationTimedOut(budget)
        )
        if budget and time.monotonic() - started > budget:
            raise PublicationTimedOut(budget)
        writing = True
        version = freeze_version(
            job.round, snapshot, note=job.note, acting_user=job.requested_by, job=job
        )
    except JobAbandoned:
        logger.warning("Publication job %s was declared interrupted before it ended.", job_id)
        return None
    except Exception as error:
        _record_failure(job_id, _failure_kind(error, writing=writing), _detail(error))
        # Raised again: the task's result records the failure and its traceback.
        raise
    return version.number


def _snapshot(round: ReportingRound):
    """What the round publishes, rendered (in a worker's child process, see
    `terrassa_plis.isolation`)."""
    with _savepoint_if_nested():
        return build_snapshot(round)


def _savepoint_if_nested():
    """Inside a transaction (the immediate backend runs the task in the request's), a
    failed query while rendering must not abort it: the failure still has to be recorded.
    A worker renders outside any transaction, holding nothing."""
    return transaction.atomic() if connection.in_atomic_block else nullcontext()


def _failure_kind(error: Exception, *, writing: bool) -> str:
    """What the person is told: it depends on what failed and while doing what."""
    if isinstance(error, PublicationTimedOut):
        return JobFailure.TIMEOUT
    if (
        writing
        and isinstance(error, ValidationError)
        and "note" in getattr(error, "error_dict", {})
    ):
        return JobFailure.NOTE  # Someone published meanwhile; this one had no note.
    if writing and isinstance(error, OSError):
        return JobFailure.STORAGE
    return JobFailure.RENDER


def _detail(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _record_failure(job_id: int, failure: str, detail: str) -> None:
    def record():
        PublicationJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, failure=failure, detail=detail, finished_at=timezone.now()
        )

    try:
        record()
    except DatabaseError:
        # A timer that fired in the middle of a query can leave the connection unusable;
        # a worker (outside any transaction) reconnects and tries once more.
        if connection.in_atomic_block:
            raise
        connection.close()
        record()
