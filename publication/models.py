"""Reporting rounds, the frozen versions they publish and the publications under way.

A round asks every area for its semester entries (a balance round, for a reporting
period) or every service for its charter results (a charters round, for a year), up to
a deadline. Publishing freezes a `PublishedVersion`: the document's HTML, its PDF and
its open data exactly as published. Later edits of the entries never change them.

Rendering a city's document takes long, so the publish button only records a
`PublicationJob` (who asked, with which note, when) and a task of the Tasks framework
renders and freezes the version (`publication.tasks`). A round has at most one job
waiting or running, which the database itself guarantees.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import ReportingPeriod
from terrassa_plis.history import ChangeHistory
from terrassa_plis.text_bounds import bounded
from terrassa_plis.text_search import SearchTextField

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
    opened_at = models.DateTimeField(_("oberta el"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oberta per"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The latest publication asked for, so the round's page shows how it goes without a
    # query of its own: under way, failed (and why) or done.
    last_publication = models.ForeignKey(
        "PublicationJob",
        verbose_name=_("darrera publicació demanada"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = ChangeHistory(excluded_fields=["last_publication"])

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

    def get_absolute_url(self) -> str:
        return reverse("publication:round", args=[self.pk])


def _pdf_path(version, filename):
    return f"published/{version.round.kind}/{version.round_id}/v{version.number}/{filename}"


class PublishedVersion(models.Model):
    """What a round published, frozen: never changed after it is created."""

    round = models.ForeignKey(
        ReportingRound, verbose_name=_("ronda"), related_name="versions", on_delete=models.PROTECT
    )
    number = models.PositiveSmallIntegerField(_("versió"))
    note = models.TextField(_("nota de la versió"), blank=True, **bounded(NOTE_MAX_LENGTH))
    published_at = models.DateTimeField(_("publicada el"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publicada per"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("títol"), max_length=200)
    html = models.TextField(_("document HTML"))
    # The document's beginning (its title and summary), which the public page shows
    # above each of its `parts`. Empty on versions published before parts: their public
    # page shows the whole `html`.
    intro = models.TextField(_("inici del document"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to=_pdf_path)
    csv = models.TextField(_("dades obertes (CSV)"))
    json = models.TextField(_("dades obertes (JSON)"))
    # The rows the document was built from, as `publication.changes` compares them with
    # another version's: each commitment's status and observations, or each indicator's
    # result and compliance, keyed by the item. Empty on versions published before it.
    rows = models.JSONField(_("files per comparar"), default=list, blank=True, editable=False)

    class Meta:
        ordering = ["round", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="unique_version_number"),
        ]
        verbose_name = _("versió publicada")
        verbose_name_plural = _("versions publicades")

    def __str__(self):
        return f"{self.title} · v{self.number}"

    def get_absolute_url(self) -> str:
        """The public page of this version, as citizens read it."""
        return reverse("publication:public_version", args=[self.round_id, self.number])


class PublishedPart(models.Model):
    """One part of a published version's document: a top-level node of the balance (a
    priority, an objective), a charter of the follow-up. The public page shows the
    document's beginning and one part at a time, so no page carries a whole city's plan
    (the PDF does). Frozen with its version."""

    version = models.ForeignKey(
        PublishedVersion, verbose_name=_("versió"), related_name="parts", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("posició"))
    # What the public page's address names the part by: «objectiu-6», «carta-12».
    key = models.SlugField(_("clau"), max_length=80)
    title = models.CharField(_("títol"), max_length=300)
    html = models.TextField(_("HTML"))
    # Where each item of the open data is in this part: its key in the open data (a
    # commitment's code, a charter's service) to the id of its element, so a search
    # result links to the item itself.
    anchors = models.JSONField(_("elements"), default=dict, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_part_key"),
            models.UniqueConstraint(fields=["version", "position"], name="unique_part_position"),
        ]
        verbose_name = _("part publicada")
        verbose_name_plural = _("parts publicades")

    def __str__(self):
        return self.title


class PublishedItem(models.Model):
    """One item of a published version's open data as the public search finds it: a
    commitment of a balance, an indicator of a follow-up, with what the result names
    and its searched words already folded (`terrassa_plis.text_search.fold`). Written
    with its version; only the latest version of each round keeps its items, since a
    visitor searches what is published now. The search reads these rows, not the
    published JSON: its cost is the matching rows', not every publication's."""

    version = models.ForeignKey(
        PublishedVersion, verbose_name=_("versió"), related_name="items", on_delete=models.CASCADE
    )
    position = models.PositiveIntegerField(_("posició"))
    # Who the item is across publications (a commitment every semester, an indicator
    # every year): the search names it once, in its newest publication.
    key = models.CharField(_("clau"), max_length=600)
    title = models.TextField(_("títol"))
    text = models.TextField(_("text"), blank=True)
    area = models.CharField(_("àrea"), max_length=200, blank=True)
    status = models.CharField(_("estat"), max_length=200, blank=True)
    # Where it is on its version's public page: «?part=objectiu-6#balance-node-12».
    place = models.CharField(_("lloc"), max_length=300, blank=True)
    search_text = SearchTextField(_("text per a la cerca"))

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="unique_item_position"),
        ]
        verbose_name = _("element publicat")
        verbose_name_plural = _("elements publicats")

    def __str__(self):
        return self.title


class JobStatus(models.TextChoices):
    WAITING = "waiting", _("En espera")
    RUNNING = "running", _("En curs")
    DONE = "done", _("Publicada")
    FAILED = "failed", _("Fallida")


UNDER_WAY = (JobStatus.WAITING, JobStatus.RUNNING)


class JobFailure(models.TextChoices):
    TIMEOUT = "timeout", _("Temps esgotat")
    STORAGE = "storage", _("Fitxers no desats")
    NOTE = "note", _("Cal una nota")
    INTERRUPTED = "interrupted", _("Interrompuda")
    RENDER = "render", _("Document no generat")


# Why a publication failed, in words that say what the person can do about it.
FAILURE_REASONS = {
    JobFailure.TIMEOUT: _(
        "La publicació ha durat més del temps màxim i s'ha aturat; no s'ha publicat res. "
        "Torneu-ho a provar més tard; si torna a passar, demaneu a l'equip tècnic que "
        "ampliï el temps màxim de publicació."
    ),
    JobFailure.STORAGE: _(
        "No s'han pogut desar els fitxers del document; no s'ha publicat res. Torneu-ho a "
        "provar; si torna a passar, aviseu l'equip tècnic: l'emmagatzematge pot ser ple o "
        "no estar disponible."
    ),
    JobFailure.NOTE: _(
        "Mentrestant s'ha publicat una altra versió, i per tornar a publicar cal una nota "
        "que expliqui què canvia; no s'ha publicat res. Escriviu la nota i torneu-ho a provar."
    ),
    JobFailure.INTERRUPTED: _(
        "La publicació es va interrompre abans d'acabar (el procés que la feia es va "
        "aturar); no s'ha publicat res. Torneu-ho a provar."
    ),
    JobFailure.RENDER: _(
        "No s'ha pogut generar el document; no s'ha publicat res. Torneu-ho a provar; si "
        "torna a passar, aviseu l'equip tècnic i digueu-los la data i l'hora d'aquest intent."
    ),
}


class PublicationJob(models.Model):
    """A publication someone asked for: waiting for a worker, running, done or failed.

    The task (`publication.tasks.publish_version`) moves it from waiting to running,
    and from running to done (with the version) or failed (with the reason), each by a
    conditional update, so a job runs once and a late or repeated task does nothing.
    """

    round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("ronda"),
        related_name="publication_jobs",
        on_delete=models.CASCADE,
    )
    note = models.TextField(_("nota de la versió"), blank=True, **bounded(NOTE_MAX_LENGTH))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demanada per"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("demanada el"), default=timezone.now)
    status = models.CharField(
        _("estat"), max_length=10, choices=JobStatus.choices, default=JobStatus.WAITING
    )
    started_at = models.DateTimeField(_("començada el"), null=True, blank=True)
    finished_at = models.DateTimeField(_("acabada el"), null=True, blank=True)
    failure = models.CharField(
        _("motiu de la fallada"), max_length=12, blank=True, choices=JobFailure.choices
    )
    detail = models.TextField(_("detall tècnic"), blank=True)
    version = models.ForeignKey(
        PublishedVersion,
        verbose_name=_("versió publicada"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    task_id = models.CharField(_("tasca"), max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # Two clicks, two browsers, two web processes: one publication at a time.
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(status__in=["waiting", "running"]),
                name="one_publication_under_way_per_round",
            ),
        ]
        verbose_name = _("publicació demanada")
        verbose_name_plural = _("publicacions demanades")

    def __str__(self):
        return f"{self.round} · {self.get_status_display()} · {self.requested_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        """The round's page, which shows how its latest publication goes."""
        return reverse("publication:round", args=[self.round_id])

    @property
    def is_under_way(self) -> bool:
        return self.status in UNDER_WAY

    @property
    def reason(self) -> str:
        """Why it failed, in words a person can act on (empty unless it failed)."""
        if self.status != JobStatus.FAILED:
            return ""
        return str(FAILURE_REASONS[JobFailure(self.failure or JobFailure.RENDER)])
