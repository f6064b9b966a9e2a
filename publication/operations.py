"""Operations on reporting rounds: open one, pass it to review, publish a version.

One function each, one transaction each. Broken rules raise ValidationError with each
message under the name of the form field it concerns, so a view shows it beside it.
Publishing locks the round's row, so two people publishing at once get two numbered
versions, one after the other.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import PlanNode, ReportingPeriod
from publication.models import PublishedVersion, ReportingRound, RoundKind, RoundStatus
from publication.snapshots import build_snapshot
from service_charters.models import Indicator

PERIOD_REQUIRED = _("Trieu el període del balanç.")
YEAR_REQUIRED = _("Escriviu l'any del seguiment de les cartes.")
PERIOD_TAKEN = _("Ja hi ha una ronda de seguiment per a aquest període.")
YEAR_TAKEN = _("Ja hi ha una ronda de seguiment de les cartes de %(year)s.")
DEADLINE_PAST = _("El termini no pot ser anterior a avui.")
PERIOD_EMPTY = _("El %(mandate)s no té cap compromís per fer-ne el seguiment.")
YEAR_EMPTY = _("No hi ha cap carta de serveis amb indicadors en vigor el %(year)s.")
NOTE_REQUIRED = _("Expliqueu què canvia en aquesta versió.")
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
        with transaction.atomic():
            return ReportingRound.objects.create(
                kind=kind,
                period=period,
                year=year,
                deadline=deadline,
                reminder_days=reminder_days,
                opened_by=acting_user,
            )
    except IntegrityError:
        # Someone opened the same round meanwhile.
        field = "period" if kind == RoundKind.BALANCE else "year"
        message = PERIOD_TAKEN if field == "period" else YEAR_TAKEN % {"year": year}
        raise ValidationError({field: message}) from None


def _locked(round: ReportingRound) -> ReportingRound:
    # Lock only the round's row: PostgreSQL cannot lock the nullable side of the join.
    return (
        ReportingRound.objects.select_for_update(of=("self",))
        .select_related("period__mandate")
        .get(pk=round.pk)
    )


@transaction.atomic
def move_to_review(round: ReportingRound, *, acting_user=None) -> ReportingRound:
    """The areas are done (or the deadline passed): staff now check the document."""
    round = _locked(round)
    if round.status != RoundStatus.OPEN:
        raise ValidationError(NOT_OPEN)
    round.status = RoundStatus.IN_REVIEW
    round.save(update_fields=["status"])
    return round


@transaction.atomic
def publish_round(
    round: ReportingRound, *, note: str = "", acting_user=None, request=None
) -> PublishedVersion:
    """Freeze the round's document as it stands now in a new version, numbered after the
    last one; publishing again needs a note that says what changed. The version is
    never modified afterwards: later edits of the entries or results do not reach it."""
    round = _locked(round)
    note = (note or "").strip()
    previous = round.versions.aggregate(last=Max("number"))["last"] or 0
    if previous and not note:
        raise ValidationError({"note": NOTE_REQUIRED})
    snapshot = build_snapshot(round, request=request)
    version = PublishedVersion(
        round=round,
        number=previous + 1,
        note=note,
        published_by=acting_user,
        title=snapshot.title,
        html=snapshot.html,
        csv=snapshot.csv,
        json=snapshot.json,
    )
    version.pdf.save(snapshot.pdf_filename, ContentFile(snapshot.pdf), save=False)
    try:
        version.save()
        round.status = RoundStatus.PUBLISHED
        round.save(update_fields=["status"])
    except Exception:
        # The transaction rolls back; the file it wrote would stay behind.
        version.pdf.delete(save=False)
        raise
    return version
