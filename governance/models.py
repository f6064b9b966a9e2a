from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """One of the city council's numbered areas (àrees)."""

    number = models.PositiveSmallIntegerField(_("número"), unique=True)
    name = models.CharField(_("nom"), max_length=200)
    technicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personal tècnic"),
        related_name="technician_areas",
        blank=True,
        help_text=_("Poden editar els elements de tota l'àrea."),
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("àrea")
        verbose_name_plural = _("àrees")

    def __str__(self):
        return f"{self.number}. {self.name}"


class Service(models.Model):
    """A municipal service (servei), inside one area."""

    area = models.ForeignKey(
        Area, verbose_name=_("àrea"), related_name="services", on_delete=models.PROTECT
    )
    name = models.CharField(_("nom"), max_length=200, unique=True)
    technicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personal tècnic"),
        related_name="technician_services",
        blank=True,
        help_text=_("Poden editar els elements d'aquest servei."),
    )

    class Meta:
        ordering = ["area__number", "name"]
        verbose_name = _("servei")
        verbose_name_plural = _("serveis")

    def __str__(self):
        return self.name
