"""What the shared layer keeps: the documents made in the background, and the version of
the data they show. Neither knows any app's models."""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, models
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A counter per app whose data the pages and documents show, raised by every
    committed change to that app's models (`terrassa_plis.documents` connects the
    signals). A document's fingerprint holds every app's; a kept page is checked against
    those of the apps it read (`terrassa_plis.cache`), so an edit of a commitment makes
    the plan's dashboard new and keeps the charters' one."""

    app_label = models.CharField(_("aplicació"), max_length=100, unique=True)
    value = models.BigIntegerField(_("valor"), default=0)

    class Meta:
        verbose_name = _("versió de les dades")
        verbose_name_plural = _("versions de les dades")

    def __str__(self) -> str:
        return f"{self.app_label} {self.value}"

    @classmethod
    def current(cls) -> dict[str, int]:
        """Every app's version, by app label. Read on every request for a kept page,
        where building the ORM's query cost more than running it: one plain SELECT."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT app_label, value FROM {table}")
            return dict(cursor.fetchall())

    @classmethod
    def bump(cls, app_labels: Iterable[str]) -> None:
        """One UPDATE an app, atomic in the database, so concurrent saves never lose a
        raise. The apps' rows are made by the migration: a row made here by two saves at
        once would count one."""
        for label in sorted(app_labels):
            if not cls.objects.filter(app_label=label).update(value=F("value") + 1):
                cls.objects.get_or_create(app_label=label, defaults={"value": 1})


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
