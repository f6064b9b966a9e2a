"""What each semester brought: a mandate's reporting periods and statuses, and each
leaf's `Entry` of a period with its figures."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Avg, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commitments.figures import figure_text, labelled_figure_text
from commitments.models.plan import (
    OBSERVATIONS_MAX_LENGTH,
    REASON_MAX_LENGTH,
    RELATED_INFORMATION_MAX_LENGTH,
    Mandate,
    PlanNode,
)
from terrassa_plis.concurrency import EditedRecord
from terrassa_plis.formatting import number
from terrassa_plis.history import ChangeHistory
from terrassa_plis.richtext import CleanHTMLField, RichTextModel
from terrassa_plis.text_bounds import bounded
from terrassa_plis.text_search import SearchableModel, SearchableQuerySet


class StatusCategory(models.TextChoices):
    COMPLETED = "completed", _("Completat")
    ON_TRACK = "on_track", _("Dins les previsions")
    DELAYED = "delayed", _("Amb retard")
    PENDING = "pending", _("Pendent")
    DROPPED = "dropped", _("No iniciat per canvi de prioritat")


class Status(models.Model):
    """One of a mandate's statuses, e.g. «En execució però amb retard»."""

    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandat"), related_name="statuses", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    label = models.CharField(_("etiqueta"), max_length=120)
    colour = models.CharField(
        _("color"),
        max_length=7,
        help_text="#2e7d32",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$")],
    )
    category = models.CharField(_("categoria"), max_length=12, choices=StatusCategory.choices)

    history = ChangeHistory()

    class Meta:
        ordering = ["mandate", "position"]
        constraints = [
            models.UniqueConstraint(fields=["mandate", "position"], name="unique_status_position"),
        ]
        verbose_name = _("estat de compliment")
        verbose_name_plural = _("estats de compliment")

    def __str__(self):
        return self.label

    @property
    def requires_reason(self) -> bool:
        return self.category == StatusCategory.DROPPED

    @property
    def is_not_started(self) -> bool:
        """Pending or dropped: nothing done yet, so no progress either."""
        return self.category in (StatusCategory.PENDING, StatusCategory.DROPPED)


class ReportingPeriodQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_open=True)


class ReportingPeriod(models.Model):
    """A semester on which every leaf of the plan reports."""

    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandat"), related_name="periods", on_delete=models.CASCADE
    )
    label = models.CharField(_("nom"), max_length=80, help_text=_("Primer semestre de 2019"))
    start = models.DateField(_("inici"))
    end = models.DateField(_("final"))
    is_open = models.BooleanField(_("oberta l'entrada de dades"), default=False)

    objects = ReportingPeriodQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        ordering = ["mandate", "start"]
        get_latest_by = "start"
        constraints = [
            models.UniqueConstraint(fields=["mandate", "start"], name="unique_period_start"),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="period_ends_after_start"
            ),
        ]
        verbose_name = _("període de seguiment")
        verbose_name_plural = _("períodes de seguiment")

    def __str__(self):
        return self.label

    def get_absolute_url(self) -> str:
        """The period's Balanç."""
        return reverse("commitments:balance", args=[self.pk])

    def previous(self):
        return (
            ReportingPeriod.objects.filter(mandate_id=self.mandate_id, start__lt=self.start)
            .order_by("-start")
            .first()
        )


class EntryQuerySet(SearchableQuerySet):
    def for_balance(self):
        """With the status; the balance reads the figures apart (`balance.build_balance`)."""
        return self.select_related("status")

    def progress_by_period(self, node) -> dict[int, Decimal]:
        """The average progress of the leaves under `node` in every period, by period id:
        an upper level's roll-up through the mandate (as `progress_by_node` per period).
        One query."""
        rows = (
            self.filter(
                node__mandate_id=node.mandate_id,
                node__path__startswith=f"{node.path}/",
                progress__isnull=False,
            )
            .order_by()
            .values("period_id")
            .annotate(mean=Avg("progress"))
        )
        return {row["period_id"]: row["mean"] for row in rows}

    def progress_by_node(self, period) -> dict[int | None, Decimal]:
        """The average progress of every node of the period's mandate, leaves and roll-ups.

        Each upper level shows the mean of its leaves (not of its children), as the
        2019-2023 balance reports its «50,6 % executat». The key None holds the mean
        of all the leaves, the whole plan's figure. Two queries.
        """
        leaf_progress = list(
            self.filter(period=period, progress__isnull=False).values_list("node__path", "progress")
        )
        sums: dict[str, list[Decimal]] = {}
        for path, progress in leaf_progress:
            parts = path.split("/")
            for i in range(1, len(parts) + 1):
                sums.setdefault("/".join(parts[:i]), []).append(progress)
        # Only the nodes these leaves roll up to, not the whole plan's.
        nodes = dict(
            PlanNode.objects.filter(mandate_id=period.mandate_id, path__in=list(sums))
            .order_by()
            .values_list("path", "id")
        )
        means: dict[int | None, Decimal] = {
            nodes[path]: sum(values) / len(values) for path, values in sums.items() if path in nodes
        }
        if leaf_progress:
            means[None] = sum(progress for _path, progress in leaf_progress) / len(leaf_progress)
        return means


class Entry(SearchableModel, RichTextModel, EditedRecord):
    """What a leaf of the plan reports for one period: status, observations, figures."""

    search_fields = ("observations", "reason", "related_information")

    rich_text_fields = {
        "observations": "observations_html",
        "related_information": "related_information_html",
    }

    node = models.ForeignKey(
        PlanNode,
        verbose_name=_("element del pla"),
        related_name="entries",
        on_delete=models.CASCADE,
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("període"),
        related_name="entries",
        on_delete=models.PROTECT,
    )
    status = models.ForeignKey(
        Status, verbose_name=_("estat de compliment"), on_delete=models.PROTECT
    )
    progress = models.DecimalField(
        _("percentatge d'execució"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    reason = models.TextField(
        _("motiu"),
        blank=True,
        **bounded(REASON_MAX_LENGTH),
        help_text=_("Obligatori quan el compromís no s'inicia per canvi de prioritat."),
    )
    observations = models.TextField(
        _("observacions"),
        blank=True,
        **bounded(OBSERVATIONS_MAX_LENGTH),
        help_text=_(
            "Paràgrafs, llistes amb guions (- element), **negreta** i enllaços [text](https://…)."
        ),
    )
    related_information = models.TextField(
        _("informació relacionada"),
        blank=True,
        **bounded(RELATED_INFORMATION_MAX_LENGTH),
        help_text=_("Text amb enllaços, p. ex. la memòria de l'àrea a Govern Obert."),
    )
    observations_html = CleanHTMLField(_("observacions (HTML)"))
    related_information_html = CleanHTMLField(_("informació relacionada (HTML)"))
    history = ChangeHistory(excluded_fields=["version", "updated_at"])

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["node__path", "period__start"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "period"], name="one_entry_per_node_and_period"
            ),
        ]
        indexes = [
            # Whether a leaf's entry of a period is in some statuses, and its progress:
            # the dashboard's lists walk the plan checking it from this index alone,
            # without reading the entries and their texts.
            models.Index(
                fields=["node", "period", "status", "progress"], name="entry_status_by_node"
            ),
        ]
        verbose_name = _("seguiment")
        verbose_name_plural = _("seguiments")

    def __str__(self):
        return f"{self.node} · {self.period}"

    def get_absolute_url(self) -> str:
        """The commitment's page, which shows its entry of every period."""
        return reverse("commitments:detail", args=[self.node_id])

    def owning_unit(self):
        return self.node.owning_unit()

    def clean(self):
        """The entry's own rules; the entry form runs them too, with a status, a reason and
        a progress.

        A status, period and node of different mandates would count the entry in one
        mandate's balance with another's status, and the shares would not add up.
        """
        errors = {}
        node = self.node if self.node_id else None
        period = self.period if self.period_id else None
        status = self.status if self.status_id else None
        if node is not None and not node.is_leaf:
            errors["node"] = _(
                "Només es fa el seguiment dels elements de l'últim nivell del pla, no de %(node)s."
            ) % {"node": node}
        mandate_id = node.mandate_id if node else period.mandate_id if period else None
        if period is not None and period.mandate_id != mandate_id:
            errors["period"] = _("El període és d'un altre mandat que l'element del pla.")
        if status is not None and mandate_id is not None and status.mandate_id != mandate_id:
            errors["status"] = _("L'estat de compliment és d'un altre mandat.")
        if status is not None and status.requires_reason and not self.reason.strip():
            errors["reason"] = _(
                "Expliqueu per què no s'inicia aquest compromís: l'estat triat ho demana."
            )
        if status is not None and status.is_not_started and self.progress:
            # «No iniciada» at 80 % would count as not started in the balance's shares
            # and as well advanced in its average: one of the two is a typing slip.
            errors["progress"] = _(
                "L'estat «%(status)s» vol dir que encara no s'ha començat: el percentatge "
                "d'execució ha de ser 0 o quedar buit. Corregiu el percentatge o trieu "
                "l'estat que correspon."
            ) % {"status": status.label}
        if errors:
            raise ValidationError(errors)


class Figure(models.Model):
    """A figure of the observations, kept structured: 144 participants (121 dones i 23 homes)."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("seguiment"), related_name="figures", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    label = models.CharField(_("concepte"), max_length=200)
    value = models.DecimalField(
        _("valor"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unitat"), max_length=60, blank=True)
    women = models.DecimalField(
        _("dones"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    men = models.DecimalField(
        _("homes"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    history = ChangeHistory()

    class Meta:
        ordering = ["entry", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="figure_value_not_negative"),
        ]
        indexes = [
            # The dashboard adds up every leaf's figures split by sex from this index
            # alone, without reading the figures' rows.
            models.Index(fields=["entry", "women", "men", "value"], name="figure_split_by_entry"),
        ]
        verbose_name = _("xifra")
        verbose_name_plural = _("xifres")

    def __str__(self):
        return f"{self.value} {self.unit} {self.label}".strip()

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", args=[self.entry.node_id])

    @property
    def text(self) -> str:
        """«144 participants (121 dones i 23 homes)», as the seed prints it."""
        return figure_text(self.value, self.unit, self.women, self.men)

    @property
    def labelled_text(self) -> str:
        return labelled_figure_text(self.label, self.value, self.unit, self.women, self.men)

    def clean(self):
        split = (self.women or 0) + (self.men or 0)
        if self.value is not None and split > self.value:
            raise ValidationError(
                _("Dones i homes (%(split)s) sumen més que el total (%(total)s).")
                % {"split": number(split), "total": number(self.value)},
                code="split_exceeds_total",
            )
