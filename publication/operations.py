"""Operations on reporting rounds: open one, pass it to review, publish a version.

One function each, one transaction each. Broken rules raise ValidationError with each
message under the name of the form field it concerns, so a view shows it beside it.

The publish button calls `request_publication`: it checks the note, records a
`PublicationJob` and enqueues the task that renders and freezes the version
(`publication.tasks.publish_version`), and returns at once. A round has one publication
under way at most: the request locks the round's row to look for one, and a partial
unique index refuses a second one whatever happens. `publish_round` publishes at once,
in the caller's process (the demo data, tests): the same rendering and the same write.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import PlanNode, ReportingPeriod
from publication.models import (
    UNDER_WAY,
    JobFailure,
    JobStatus,
    PublicationJob,
    PublishedVersion,
    ReportingRound,
    RoundKind,
    RoundStatus,
)
from publication.snapshots import build_snapshot
from publication.tasks import publish_version
from publication.versions import check_note, freeze_version, locked
from service_charters.models import Indicator

PERIOD_REQUIRED = _("Trieu el període del balanç.")
YEAR_REQUIRED = _("Escriviu l'any del seguiment de les cartes.")
PERIOD_TAKEN = _("Ja hi ha una ronda de seguiment per a aquest període.")
YEAR_TAKEN = _("Ja hi ha una ronda de seguiment de les cartes de %(year)s.")
DEADLINE_PAST = _("El termini no pot ser anterior a avui.")
PERIOD_EMPTY = _("El %(mandate)s no té cap compromís per fer-ne el seguiment.")
PERIOD_CLOSED = _(
    "El %(period)s té l'entrada de dades tancada: ningú no hi podria aportar les dades. "
    "Trieu un període obert, o obriu-ne l'entrada a l'administració abans d'obrir-hi la ronda."
)
YEAR_EMPTY = _("No hi ha cap carta de serveis amb indicadors en vigor el %(year)s.")
NOT_OPEN = _("Només es pot passar a revisió una ronda oberta.")


@transaction.atomic
def open_round(
    kind: str,
    *,
    period: ReportingPeriod | None = None,
    year: int | None = None,
    deadline: date,
    reminder_days: int = 7,
    acting_user,
    today: date | None = None,
) -> ReportingRound:
    """Open a round: a balance round asks for `period`'s entries, a charters round for
    `year`'s results, by `deadline`; reminders go out `reminder_days` before it."""
    today = today or timezone.localdate()
    errors: dict[str, object] = {}
    if kind == RoundKind.BALANCE:
        year = None
        if period is None:
            errors["period"] = PERIOD_REQUIRED
        elif ReportingRound.objects.filter(period=period).exists():
            errors["period"] = PERIOD_TAKEN
        elif not PlanNode.objects.filter(mandate_id=period.mandate_id, is_leaf=True).exists():
            errors["period"] = PERIOD_EMPTY % {"mandate": period.mandate.name}
        elif not period.is_open:
            # A round asks the technicians for the period's entries, which only an open
            # period takes: on a closed one it would count them missing and remind them.
            errors["period"] = PERIOD_CLOSED % {"period": period.label.lower()}
    elif kind == RoundKind.CHARTERS:
        period = None
        if year is None:
            errors["year"] = YEAR_REQUIRED
        elif ReportingRound.objects.filter(kind=kind, year=year).exists():
            errors["year"] = YEAR_TAKEN % {"year": year}
        elif not Indicator.objects.in_force(year).exists():
            errors["year"] = YEAR_EMPTY % {"year": year}
    else:
        errors["kind"] = _("Trieu el tipus de ronda.")
    if deadline is None:
        errors["deadline"] = _("Escriviu el termini.")
    elif deadline < today:
        errors["deadline"] = DEADLINE_PAST
    if reminder_days is None or reminder_days < 0:
        errors["reminder_days"] = _("Els dies d'avís han de ser zero o més.")
    if errors:
        raise ValidationError(errors)
    try:
        round = ReportingRound(
            kind=kind,
            period=period,
            year=year,
            deadline=deadline,
            reminder_days=reminder_days,
            opened_by=acting_user,
        )
        round._history_user = acting_user
        with transaction.atomic():
            round.save()
            return round
    except IntegrityError:
        # Someone opened the same round meanwhile.
        field = "period" if kind == RoundKind.BALANCE else "year"
        message = PERIOD_TAKEN if field == "period" else YEAR_TAKEN % {"year": year}
        raise ValidationError({field: message}) from None


@transaction.atomic
def move_to_review(round: ReportingRound, *, acting_user=None) -> ReportingRound:
    """The areas are done (or the deadline passed): staff now check the document."""
    round = locked(round)
    if round.status != RoundStatus.OPEN:
        raise ValidationError(NOT_OPEN)
    round.status = RoundStatus.IN_REVIEW
    round._history_user = acting_user
    round.save(update_fields=["status"])
    return round


# Publishing

# A job still under way this long after it was asked for has lost its worker (stopped,
# or never started): it no longer blocks a new publication, and if its task runs after
# all it finds the job no longer waiting and does nothing.
STALE_MARGIN = timedelta(minutes=10)


class PublicationUnderWay(Exception):
    """The round already has a publication waiting or running: `job`."""

    def __init__(self, job: PublicationJob | None):
        super().__init__("A publication of this round is already under way.")
        self.job = job


def publish_round(round: ReportingRound, *, note: str = "", acting_user=None) -> PublishedVersion:
    """Freeze the round's document as it stands now in a new version, numbered after the
    last one, here and now; publishing again needs a note that says what changed. The
    version is never modified afterwards: later edits of the entries or results do not
    reach it. The document is rendered with no lock held."""
    note = (note or "").strip()
    check_note(round, note)
    snapshot = build_snapshot(round)
    return freeze_version(round, snapshot, note=note, acting_user=acting_user)


@transaction.atomic
def request_publication(round: ReportingRound, *, note: str = "", acting_user) -> PublicationJob:
    """Ask for a new version of the round, published by a task: check the note, record
    the job (waiting) and enqueue it. Raises PublicationUnderWay when the round already
    has one under way, ValidationError({"note": …}) when publishing again without a note.

    The task is enqueued in this transaction: with the database backend its row commits
    with the job's (a worker never sees one without the other); the immediate backend
    runs it here and now, so the job comes back done or failed.
    """
    round = locked(round)
    note = (note or "").strip()
    now = timezone.now()
    _interrupt_stale_jobs(round, now)
    under_way = _job_under_way(round)
    if under_way is not None:
        raise PublicationUnderWay(under_way)
    check_note(round, note)
    try:
        with transaction.atomic():
            job = PublicationJob.objects.create(
                round=round, note=note, requested_by=acting_user, requested_at=now
            )
    except IntegrityError:
        # The partial unique index: someone else's job got in first.
        raise PublicationUnderWay(_job_under_way(round)) from None
    round.last_publication = job
    round.save(update_fields=["last_publication"])
    result = publish_version.enqueue(job.pk)
    PublicationJob.objects.filter(pk=job.pk).update(task_id=result.id)
    return PublicationJob.objects.select_related("requested_by", "version").get(pk=job.pk)


def _job_under_way(round: ReportingRound) -> PublicationJob | None:
    return (
        round.publication_jobs.filter(status__in=UNDER_WAY).select_related("requested_by").first()
    )


def _interrupt_stale_jobs(round: ReportingRound, now) -> None:
    stale_before = now - timedelta(seconds=settings.PUBLISH_TIME_BUDGET) - STALE_MARGIN
    round.publication_jobs.filter(status__in=UNDER_WAY, requested_at__lt=stale_before).update(
        status=JobStatus.FAILED, failure=JobFailure.INTERRUPTED, finished_at=now
    )
