"""Service charters (cartes de serveis) and their yearly follow-up.

A charter belongs to a service. Under it: services offered → objectives →
commitments → indicators, each indicator with a target and, per year, a
measurement. Difference and compliance always come from `compliance.assess`.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.models import Service
from service_charters.compliance import NOT_ASSESSED, Assessment, TargetKind, assess
from terrassa_plis.concurrency import EditedRecord
from terrassa_plis.history import ChangeHistory
from terrassa_plis.text_bounds import bounded
from terrassa_plis.text_search import SearchableModel, SearchableQuerySet

# The longest text a person may type (or import) in each free-text field, in one place.
# Every row of the follow-up table prints in the year's report of every charter, and
# WeasyPrint lays out about 17 pages a second: the longest allowed text bounds how long
# that document, and publishing it, can take. The table is landscape, in 7,5 pt, and
# each text has a narrow column of its own, so a long cell stretches its row over pages:
# measured, 1.000 characters of observations fit in the row, 2.000 add about 2 pages and
# 5.000 add 4.
# A result's observations, its reason when not applicable (printed in the same column),
# the causes of a shortfall and the improvement actions: a paragraph each, some 300 words,
# fourteen times the seed's longest (140); one row at the limit adds about 2 pages.
RESULT_TEXT_MAX_LENGTH = 2_000
# An objective, a commitment, an indicator's name: a sentence or two, printed in a
# column of every row under them; five times the seed's longest (207), inside one page.
CHARTER_TEXT_MAX_LENGTH = 1_000

RESULT_NOT_YES_NO = _("Escriviu Sí o No (1 o 0).")
RESULT_OVER_100 = _("Un percentatge no pot passar de 100.")


# The lookup from an indicator up to its charter: the tree's four steps, spelled once.
INDICATOR_CHARTER = "commitment__objective__offered_service__charter"


def in_force_in(year: int, in_force_from: date, in_force_until: date | None) -> bool:
    """Whether a charter in force from `in_force_from` (until `in_force_until`, None: no
    end) is in force at some point of `year`, as `CharterQuerySet.in_force` filters."""
    return in_force_from <= date(year, 12, 31) and (
        in_force_until is None or in_force_until >= date(year, 1, 1)
    )


class CharterQuerySet(models.QuerySet):
    def in_force(self, year: int):
        """Charters in force at some point of `year`."""
        return self.filter(
            Q(in_force_until__isnull=True) | Q(in_force_until__gte=date(year, 1, 1)),
            in_force_from__lte=date(year, 12, 31),
        )

    def with_service(self):
        """Each charter with its service and the service's area, in the same query."""
        return self.select_related("service__area")

    def in_printed_order(self):
        """The order of the printed follow-up: by service name, then oldest charter first."""
        return self.with_service().order_by("service__name", "id")

    def ids_in_force_by_year(self, years: Iterable[int]) -> dict[int, set[int]]:
        """The ids of the charters in force in each year (`in_force`); one query."""
        years = list(years)
        flags = {
            f"in_force_{year}": Exists(Charter.objects.in_force(year).filter(pk=OuterRef("pk")))
            for year in years
        }
        in_force: dict[int, set[int]] = {year: set() for year in years}
        for row in self.annotate(**flags).values("pk", *flags).order_by():
            for year in years:
                if row[f"in_force_{year}"]:
                    in_force[year].add(row["pk"])
        return in_force


class CharterPartQuerySet(SearchableQuerySet):
    """The items under a charter, each level knowing its lookup up to the charter."""

    charter_path = "charter"

    def of_charter(self, charter: "Charter"):
        return self.filter(**{self.charter_path: charter})

    def of_charters(self, charters: Iterable["Charter"]):
        """The items of `charters` (a list or a QuerySet of charters)."""
        return self.filter(**{f"{self.charter_path}__in": charters})


class ObjectiveQuerySet(CharterPartQuerySet):
    charter_path = "offered_service__charter"


class CharterCommitmentQuerySet(CharterPartQuerySet):
    charter_path = "objective__offered_service__charter"


class IndicatorQuerySet(CharterPartQuerySet):
    charter_path = INDICATOR_CHARTER

    def in_force(self, year: int):
        """The indicators of the charters in force in `year`."""
        return self.of_charters(Charter.objects.in_force(year))

    def with_charter(self):
        """Each indicator with its commitment, objective, offered service, charter,
        service and area, in the same query."""
        return self.select_related(f"{INDICATOR_CHARTER}__service__area")

    def with_charter_id(self):
        """Each indicator annotated with its charter's id, `charter_id`."""
        return self.annotate(charter_id=F(INDICATOR_CHARTER))

    def in_printed_order(self):
        """The order of the printed follow-up: by service name and charter, then each
        level of the tree by its position (and id, for equal positions)."""
        offered_service = "commitment__objective__offered_service"
        return self.order_by(
            f"{INDICATOR_CHARTER}__service__name",
            f"{INDICATOR_CHARTER}_id",
            f"{offered_service}__position",
            f"{offered_service}_id",
            "commitment__objective__position",
            "commitment__objective_id",
            "commitment__position",
            "commitment_id",
            "position",
            "id",
        )


# What a person types in for a year's result: the form's fields and what its history
# compares (the base version is bookkeeping, not a change).
MEASUREMENT_DATA_FIELDS = (
    "result",
    "not_applicable",
    "not_applicable_reason",
    "observations",
    "shortfall_causes",
    "improvement_actions",
    "improvement_due",
)


class MeasurementQuerySet(SearchableQuerySet):
    def of_charter(self, charter: "Charter"):
        return self.filter(**{f"indicator__{INDICATOR_CHARTER}": charter})


class Charter(models.Model):
    service = models.ForeignKey(
        Service, verbose_name=_("servei"), related_name="charters", on_delete=models.PROTECT
    )
    title = models.CharField(_("títol"), max_length=200)
    in_force_from = models.DateField(_("en vigor des de"))
    in_force_until = models.DateField(_("en vigor fins a"), null=True, blank=True)

    objects = CharterQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        ordering = ["service__name", "-in_force_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True)
                | Q(in_force_until__gt=models.F("in_force_from")),
                name="charter_ends_after_it_starts",
            ),
        ]
        verbose_name = _("carta de serveis")
        verbose_name_plural = _("cartes de serveis")

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        """The charter's follow-up of its latest year with results (or of the year it is
        in force nearest to today, before any result)."""
        return reverse("service_charters:charter_report", args=[self.pk, self.report_year()])

    def owning_unit(self):
        return self.service.area_id, self.service_id

    def report_year(self) -> int:
        latest = (
            Measurement.objects.of_charter(self).order_by("-year").values_list("year", flat=True)
        ).first()
        if latest is not None:
            return latest
        year = date.today().year
        if self.in_force_until is not None:
            year = min(year, self.in_force_until.year)
        return max(year, self.in_force_from.year)

    def is_in_force(self, year: int) -> bool:
        """Whether the charter is in force at some point of `year`, as `in_force` filters."""
        return in_force_in(year, self.in_force_from, self.in_force_until)


class OfferedService(models.Model):
    """«Servei ofert»: the first column of the follow-up table."""

    charter = models.ForeignKey(
        Charter,
        verbose_name=_("carta de serveis"),
        related_name="offered_services",
        on_delete=models.CASCADE,
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    name = models.CharField(_("servei ofert"), max_length=300)

    objects = CharterPartQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        ordering = ["charter", "position", "id"]
        verbose_name = _("servei ofert")
        verbose_name_plural = _("serveis oferts")

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return self.charter.get_absolute_url()


class Objective(models.Model):
    offered_service = models.ForeignKey(
        OfferedService,
        verbose_name=_("servei ofert"),
        related_name="objectives",
        on_delete=models.CASCADE,
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    text = models.TextField(_("objectiu"), **bounded(CHARTER_TEXT_MAX_LENGTH))

    objects = ObjectiveQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        ordering = ["offered_service", "position", "id"]
        verbose_name = _("objectiu")
        verbose_name_plural = _("objectius")

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return self.offered_service.charter.get_absolute_url()


class CharterCommitment(SearchableModel):
    search_fields = ("text",)

    objective = models.ForeignKey(
        Objective, verbose_name=_("objectiu"), related_name="commitments", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    text = models.TextField(_("compromís"), **bounded(CHARTER_TEXT_MAX_LENGTH))

    objects = CharterCommitmentQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        ordering = ["objective", "position", "id"]
        verbose_name = _("compromís de la carta")
        verbose_name_plural = _("compromisos de la carta")

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return self.objective.offered_service.charter.get_absolute_url()


class Periodicity(models.TextChoices):
    YEARLY = "yearly", _("Anual")
    HALF_YEARLY = "half_yearly", _("Semestral")
    SCHOOL_YEAR = "school_year", _("Curs escolar")


class Indicator(SearchableModel):
    search_fields = ("name", "target_text")

    commitment = models.ForeignKey(
        CharterCommitment,
        verbose_name=_("compromís"),
        related_name="indicators",
        on_delete=models.CASCADE,
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    name = models.TextField(_("indicador"), **bounded(CHARTER_TEXT_MAX_LENGTH))
    target_kind = models.CharField(
        _("tipus d'objectiu"),
        max_length=10,
        choices=[
            (TargetKind.FLOOR.value, _("Mínim o recompte")),
            (TargetKind.CEILING.value, _("Màxim")),
            (TargetKind.YES_NO.value, _("Sí/No")),
        ],
    )
    target_value = models.DecimalField(
        _("valor objectiu"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    target_text = models.CharField(
        _("indicador de mesura"),
        max_length=120,
        help_text=_("Tal com s'escriu: 100 %, ≤ 10 dies, 1 cicle anual"),
    )
    unit = models.CharField(_("unitat"), max_length=60, blank=True)
    periodicity = models.CharField(
        _("periodicitat"), max_length=12, choices=Periodicity.choices, default=Periodicity.YEARLY
    )
    history = ChangeHistory()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["commitment", "position", "id"]
        verbose_name = _("indicador")
        verbose_name_plural = _("indicadors")

    def __str__(self):
        return self.name[:80]

    def get_absolute_url(self) -> str:
        return reverse("service_charters:indicator_detail", args=[self.pk])

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"

    @property
    def is_yes_no(self) -> bool:
        return self.target_kind == TargetKind.YES_NO

    def check_result(self, value: Decimal) -> str | None:
        """Why `value` cannot be this indicator's result, or None if it can.

        The results form and the import both ask here, so a result one of them refuses
        the other refuses too, with the same words.
        """
        if self.is_yes_no and value not in (0, 1):
            return str(RESULT_NOT_YES_NO)
        if self.is_percentage and value > 100:
            return str(RESULT_OVER_100)
        return None


class Measurement(SearchableModel, EditedRecord):
    """An indicator's result for one year, with what explains a shortfall."""

    search_fields = (
        "observations",
        "not_applicable_reason",
        "shortfall_causes",
        "improvement_actions",
    )

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicador"),
        related_name="measurements",
        on_delete=models.CASCADE,
    )
    year = models.PositiveSmallIntegerField(_("any"))
    result = models.DecimalField(
        _("resultat"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    not_applicable = models.BooleanField(_("no aplicable"), default=False)
    not_applicable_reason = models.TextField(
        _("motiu de no aplicació"), blank=True, **bounded(RESULT_TEXT_MAX_LENGTH)
    )
    observations = models.TextField(
        _("observacions"), blank=True, **bounded(RESULT_TEXT_MAX_LENGTH)
    )
    shortfall_causes = models.TextField(
        _("causes de l'incompliment"), blank=True, **bounded(RESULT_TEXT_MAX_LENGTH)
    )
    improvement_actions = models.TextField(
        _("accions de millora"), blank=True, **bounded(RESULT_TEXT_MAX_LENGTH)
    )
    improvement_due = models.DateField(
        _("data prevista de les accions de millora"), null=True, blank=True
    )
    history = ChangeHistory(excluded_fields=["version", "updated_at"])

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_measurement_per_year"),
            models.CheckConstraint(
                condition=Q(result__isnull=True) | Q(result__gte=0), name="result_not_negative"
            ),
        ]
        verbose_name = _("resultat anual")
        verbose_name_plural = _("resultats anuals")

    def __str__(self):
        return f"{self.indicator} · {self.year}"

    def get_absolute_url(self) -> str:
        """The indicator's page, which shows its result of every year."""
        return reverse("service_charters:indicator_detail", args=[self.indicator_id])

    def clean(self):
        if self.not_applicable and not self.not_applicable_reason.strip():
            raise ValidationError(
                {
                    "not_applicable_reason": _(
                        "Expliqueu per què l'indicador no s'aplica aquest any."
                    )
                }
            )

    def assessment(self) -> Assessment:
        return assess_measurement(self.indicator, self)


def assess_measurement(indicator: Indicator, measurement: Measurement | None) -> Assessment:
    """The one bridge between the models and the compliance rules."""
    if measurement is None:
        return NOT_ASSESSED
    return assess(
        TargetKind(indicator.target_kind),
        indicator.target_value,
        measurement.result,
        not_applicable=measurement.not_applicable,
    )
