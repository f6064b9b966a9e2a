"""The council's areas and services, the PLIS plan, and the bounds of the PLIS's free
texts."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from terrassa_plis.history import ChangeHistory

# The longest text a person may type (or import) in each free-text field, in one place.
# The body's and the action plan's PDFs print these texts, and WeasyPrint lays out about
# 17 pages a second; in the PDFs' 10 pt about 3.000 characters fill an A4 page.
# A body's purpose and functions, a seat's description, an agreement, the reason for a
# decision: a paragraph each, under a page (the plan's longest is 531 characters).
DESCRIPTION_MAX_LENGTH = 2_000
# An action's title: one cell of the action plan's table, printed for every action.
ACTION_TITLE_MAX_LENGTH = 1_000
# A period's observations on an action and a meeting's agenda: about two pages, shown
# on the action's and the meeting's pages only.
OBSERVATIONS_MAX_LENGTH = 5_000
# A meeting's minutes, the longest text of the PLIS: an acta of some seven pages,
# shown on the meeting's page only.
MINUTES_MAX_LENGTH = 20_000


def subquery_total(queryset, outer: str, expression=None):
    """One aggregate (a count unless `expression` says otherwise) per outer row, as a
    correlated subquery, 0 where there is none. `queryset` filters on OuterRef("pk")
    and `outer` names its field that points at the outer row: the aggregate groups by it.
    Subqueries rather than joins, so that two counts of one row don't multiply each other."""
    subquery = (
        queryset.values(outer).annotate(total=expression or models.Count("pk")).values("total")
    )
    return Coalesce(models.Subquery(subquery, output_field=models.IntegerField()), 0)


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

    history = ChangeHistory(m2m_fields=[technicians])

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

    history = ChangeHistory(m2m_fields=[technicians])

    class Meta:
        ordering = ["area__number", "name"]
        verbose_name = _("servei")
        verbose_name_plural = _("serveis")

    def __str__(self):
        return self.name

    def short_name(self) -> str:
        """«Servei de Solidaritat i …» → «Solidaritat i …», as charters and reports title it."""
        folded = self.name.casefold()
        for prefix in ("servei de ", "servei d'", "servei d’"):
            if folded.startswith(prefix) and len(self.name) > len(prefix):
                return self.name[len(prefix) :]
        return self.name


class PlanQuerySet(models.QuerySet):
    def current(self) -> "Plan | None":
        """The plan the pages follow: the first one recorded (the city has one PLIS),
        or None while none is."""
        return self.order_by("pk").first()


class Plan(models.Model):
    """The local social-inclusion plan (PLIS), with its approval and updates."""

    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("sigla"), max_length=20)
    approved_on = models.DateField(_("aprovat el"))
    updated_on = models.DateField(_("actualització acordada el"), null=True, blank=True)
    update_period = models.CharField(_("període de l'actualització"), max_length=20, blank=True)

    objects = PlanQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        verbose_name = _("pla")
        verbose_name_plural = _("plans")

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        """The PLIS pages follow one plan, the current one (`PlanQuerySet.current`)."""
        return reverse("governance:plan")
