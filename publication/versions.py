"""Freezing a version: the one write that makes a publication public.

The document is rendered first, with no lock held (`publication.snapshots`); then, in
one short transaction with the round's row locked, the version is numbered after the
last one, its PDF written through the storage API and its row created. If anything in
that write fails, the transaction rolls back and the file it wrote is deleted: there is
never a version without its files, nor a file without its version.
"""

import json

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from publication.models import (
    JobStatus,
    PublicationJob,
    PublishedPart,
    PublishedVersion,
    ReportingRound,
    RoundStatus,
)
from publication.public_search import freeze_items
from publication.snapshots import Snapshot
from terrassa_plis import events

NOTE_REQUIRED = _("Expliqueu què canvia en aquesta versió.")


class JobAbandoned(Exception):
    """The job stopped being this worker's (declared interrupted meanwhile)."""


def locked(round: ReportingRound) -> ReportingRound:
    # Lock only the round's row: PostgreSQL cannot lock the nullable side of the join.
    return (
        ReportingRound.objects.select_for_update(of=("self",))
        .select_related("period__mandate")
        .get(pk=round.pk)
    )


def last_number(round: ReportingRound) -> int:
    return round.versions.aggregate(last=Max("number"))["last"] or 0


def check_note(round: ReportingRound, note: str) -> None:
    """Publishing again needs a note that says what changed."""
    if last_number(round) and not note:
        raise ValidationError({"note": NOTE_REQUIRED})


def freeze_version(
    round: ReportingRound,
    snapshot: Snapshot,
    *,
    note: str,
    acting_user,
    job: PublicationJob | None = None,
) -> PublishedVersion:
    """Store `snapshot` as the round's next version, published by `acting_user`; when a
    job asked for it, the job becomes done in the same transaction (and if the job is
    no longer running, nothing is stored: JobAbandoned)."""
    version = None
    try:
        with transaction.atomic():
            round = locked(round)
            check_note(round, note)
            version = PublishedVersion(
                round=round,
                number=last_number(round) + 1,
                note=note,
                published_by=acting_user,
                title=snapshot.title,
                html=snapshot.html,
                intro=snapshot.intro,
                csv=snapshot.csv,
                json=snapshot.json,
                rows=snapshot.rows,
            )
            version.pdf.save(snapshot.pdf_filename, ContentFile(snapshot.pdf), save=False)
            version.save()
            PublishedPart.objects.bulk_create(
                PublishedPart(
                    version=version,
                    position=position,
                    key=part.key,
                    title=part.title,
                    html=part.html,
                    anchors=part.anchors,
                )
                for position, part in enumerate(snapshot.parts, start=1)
            )
            freeze_items(version, json.loads(snapshot.json or "[]"), snapshot.parts)
            round.status = RoundStatus.PUBLISHED
            round.save(update_fields=["status"])
            if job is not None:
                done = PublicationJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                    status=JobStatus.DONE, version=version, finished_at=timezone.now()
                )
                if not done:
                    raise JobAbandoned(job.pk)
    except BaseException:
        # The transaction rolled back (or never committed); the file it wrote would stay.
        if version is not None and version.pdf.name:
            version.pdf.storage.delete(version.pdf.name)
        raise
    events.publication.info(
        "Published version %s of round %s («%s») by %s.",
        version.number,
        round.pk,
        round,
        events.actor(acting_user),
    )
    return version
