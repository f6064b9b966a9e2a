"""Reporting rounds and the frozen versions they publish.

A round asks every area for its semester entries (a balance round, for a reporting
period) or every service for its charter results (a charters round, for a year), up to
a deadline. Publishing freezes a `PublishedVersion`: the document's HTML, its PDF and
its open data exactly as published. Later edits of the entries never change them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commitments.models import ReportingPeriod
from terrassa_plis.text_bounds import bounded

# The longest note a person may type when publishing a version: what changes from the
# previous one, a paragraph (some 300 words) printed on the round's page and above the
# published document, never inside its PDF.
NOTE_MAX_LENGTH = 2_000


class RoundKind(models.TextChoices):
    BALANCE = "balance", _("Balanç semestral del Pla de Mandat")
    CHARTERS = "charters", _("Seguiment anual de les cartes de serveis")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Oberta")
    IN_REVIEW = "in_review", _("En revisió")
    PUBLISHED = "published", _("Publicada")


class ReportingRound(models.Model):
    kind = models.CharField(_("tipus"), max_length=10, choices=RoundKind.choices)
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("període"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    year = models.PositiveSmallIntegerField(_("any"), null=True, blank=True)
    deadline = models.DateField(_("termini"))
    reminder_days = models.PositiveSmallIntegerField(_("dies d'avís abans del termini"), default=7)
    status = models.CharField(
        _("estat"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="balance", period__isnull=False, year__isnull=True)
                    | models.Q(kind="charters", period__isnull=True, year__isnull=False)
                ),
                name="round_has_period_or_year",
            ),
            models.UniqueConstraint(fields=["period"], name="one_round_per_period"),
            models.UniqueConstraint(fields=["kind", "year"], name="one_round_per_year"),
        ]
        verbose_name = _("ronda de seguiment")
        verbose_name_plural = _("rondes de seguiment")

    def __str__(self):
        subject = self.period.label if self.period_id else str(self.year)
        return f"{self.get_kind_display()} · {subject}"


def _pdf_path(version, filename):
    return f"published/{version.round.kind}/{version.round_id}/v{version.number}/{filename}"


class PublishedVersion(models.Model):
    """What a round published, frozen: never changed after it is created."""

    round = models.ForeignKey(ReportingRound, related_name="versions", on_delete=models.PROTECT)
    number = models.PositiveSmallIntegerField(_("versió"))
    note = models.TextField(_("nota de la versió"), blank=True, **bounded(NOTE_MAX_LENGTH))
    published_at = models.DateTimeField(_("publicada el"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("títol"), max_length=200)
    html = models.TextField(_("document HTML"))
    pdf = models.FileField(_("PDF"), upload_to=_pdf_path)
    csv = models.TextField(_("dades obertes (CSV)"))
    json = models.TextField(_("dades obertes (JSON)"))

    class Meta:
        ordering = ["round", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="unique_version_number"),
        ]
        verbose_name = _("versió publicada")
        verbose_name_plural = _("versions publicades")

    def __str__(self):
        return f"{self.title} · v{self.number}"
