"""What the shared layer keeps: the documents made in the background, and the version of
the data they show. Neither knows any app's models."""

import uuid

from django.conf import settings
from django.db import connection, models
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row, its `value` raised by every change to the data a document may show
    (`terrassa_plis.documents` connects the signals): part of each document's fingerprint,
    so an edit makes the next request a new document and nothing stale is served."""

    value = models.BigIntegerField(_("valor"), default=0)

    class Meta:
        verbose_name = _("versió de les dades")
        verbose_name_plural = _("versions de les dades")

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def current(cls) -> int:
        # Read on every request for a kept page, where building the ORM's query cost
        # more than running it: one plain SELECT.
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {table} WHERE id = %s", [1])
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def bump(cls) -> None:
        """One UPDATE, atomic in the database, so concurrent saves never lose a raise."""
        if not cls.objects.filter(pk=1).update(value=F("value") + 1):
            cls.objects.get_or_create(pk=1, defaults={"value": 1})


class DocumentStatus(models.TextChoices):
    WAITING = "waiting", _("En cua")
    RUNNING = "running", _("En preparació")
    READY = "ready", _("Preparat")
    FAILED = "failed", _("No s'ha pogut preparar")


def _document_path(document, filename):
    return f"documents/{document.pk}/{filename}"


class GeneratedDocument(models.Model):
    """A document (a PDF, a large export) made by a worker, stored once per fingerprint
    (what it shows, in which language, from which templates) and served until the data
    changes. The row is also the progress the waiting page shows."""

    id = models.UUIDField(_("identificador"), primary_key=True, default=uuid.uuid4, editable=False)
    fingerprint = models.CharField(_("empremta"), max_length=64, unique=True)
    kind = models.CharField(_("tipus"), max_length=80)
    params = models.JSONField(_("paràmetres"), default=dict)
    language = models.CharField(_("idioma"), max_length=8)
    title = models.CharField(_("títol"), max_length=300)
    status = models.CharField(
        _("estat"), max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.WAITING
    )
    steps_done = models.PositiveSmallIntegerField(_("passos fets"), default=0)
    steps_total = models.PositiveSmallIntegerField(_("passos"), default=1)
    step_label = models.CharField(_("pas en curs"), max_length=200, blank=True)
    file = models.FileField(_("fitxer"), upload_to=_document_path, blank=True, max_length=300)
    filename = models.CharField(_("nom del fitxer"), max_length=200, blank=True)
    content_type = models.CharField(_("tipus de contingut"), max_length=120, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demanat per"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("demanat el"), auto_now_add=True)
    started_at = models.DateTimeField(_("començat el"), null=True, blank=True)
    finished_at = models.DateTimeField(_("acabat el"), null=True, blank=True)

    class Meta:
        verbose_name = _("document generat")
        verbose_name_plural = _("documents generats")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("document", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (DocumentStatus.READY, DocumentStatus.FAILED)

    @property
    def progress_text(self) -> str:
        """«Pas 2 de 3: S'estan compaginant les pàgines.»"""
        if self.status == DocumentStatus.READY:
            return gettext("El document és a punt: es descarrega ara.")
        return gettext("Pas %(done)s de %(total)s: %(label)s.") % {
            "done": min(self.steps_done + 1, self.steps_total),
            "total": self.steps_total,
            "label": self.step_label or self.get_status_display(),
        }
