"""The PLIS action plan: its actions, their implementation each period, milestones."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.models.organisation import (
    ACTION_TITLE_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    OBSERVATIONS_MAX_LENGTH,
    Area,
    Plan,
)
from terrassa_plis import formatting
from terrassa_plis.concurrency import EditedRecord
from terrassa_plis.history import ChangeHistory
from terrassa_plis.richtext import CleanHTMLField, RichTextModel
from terrassa_plis.text_bounds import bounded
from terrassa_plis.text_search import SearchableModel, SearchableQuerySet


class ActionDecision(models.TextChoices):
    PROPOSED = "proposed", _("Proposada")
    VALIDATED = "validated", _("Validada")
    REJECTED = "rejected", _("Rebutjada")


class PlanActionQuerySet(SearchableQuerySet):
    def with_latest_implementation(self):
        """Each action with the degree and period of its latest implementation entry,
        `latest_degree` and `latest_period` (periods like «2021-S1» sort as text)."""
        latest = ActionImplementation.objects.filter(action=models.OuterRef("pk")).order_by(
            "-period"
        )
        return self.annotate(
            latest_degree=models.Subquery(
                latest.values("degree")[:1], output_field=models.IntegerField()
            ),
            latest_period=models.Subquery(latest.values("period")[:1]),
        )

    def in_action_plan(self, plan, *, decision: str | None = None, area=None):
        """The actions of `plan` as its page lists them (of one decision and one area when
        asked), with their latest implementation and their areas."""
        actions = self.filter(plan=plan).with_latest_implementation()
        if decision:
            actions = actions.filter(decision=decision)
        if area is not None:
            actions = actions.filter(areas=area)
        return actions.prefetch_related("areas")

    def with_plan_and_areas(self):
        """As an action's page reads it: with its plan and its areas; its implementation
        entries are read apart (`action.implementation.in_period_order()`)."""
        return self.select_related("plan").prefetch_related("areas")


class PlanAction(SearchableModel):
    search_fields = ("code", "title", "decision_reason", "axis", "line")

    plan = models.ForeignKey(
        Plan, verbose_name=_("pla"), related_name="actions", on_delete=models.CASCADE
    )
    code = models.CharField(_("codi"), max_length=20)
    title = models.TextField(_("títol"), **bounded(ACTION_TITLE_MAX_LENGTH))
    proposed_by = models.CharField(_("proposada per"), max_length=200, blank=True)
    decision = models.CharField(
        _("decisió"), max_length=10, choices=ActionDecision.choices, default=ActionDecision.PROPOSED
    )
    decided_on = models.DateField(_("data de la decisió"), null=True, blank=True)
    decision_reason = models.TextField(
        _("motiu de la decisió"), blank=True, **bounded(DESCRIPTION_MAX_LENGTH)
    )
    axis = models.CharField(_("eix"), max_length=200, blank=True)
    line = models.CharField(_("línia"), max_length=200, blank=True)
    areas = models.ManyToManyField(Area, verbose_name=_("àrees responsables"), blank=True)
    # Optimistic locking of the commission's decision (`terrassa_plis.concurrency`).
    version = models.PositiveIntegerField(_("versió"), default=1, editable=False)
    history = ChangeHistory(m2m_fields=[areas], excluded_fields=["version"])

    objects = PlanActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_action_code")]
        verbose_name = _("acció del pla")
        verbose_name_plural = _("accions del pla")

    def __str__(self):
        return f"{self.code} {self.title[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("governance:action", args=[self.pk])


class ActionImplementationQuerySet(SearchableQuerySet):
    def in_period_order(self):
        """Oldest period first (periods like «2021-S1» sort as text)."""
        return self.order_by("period", "pk")


class ActionImplementation(SearchableModel, RichTextModel, EditedRecord):
    search_fields = ("observations",)
    rich_text_fields = {"observations": "observations_html"}

    action = models.ForeignKey(
        PlanAction,
        verbose_name=_("acció"),
        related_name="implementation",
        on_delete=models.CASCADE,
    )
    period = models.CharField(_("període"), max_length=40, help_text="2021-S1")
    degree = models.PositiveSmallIntegerField(
        _("grau d'implementació (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    observations = models.TextField(
        _("observacions"), blank=True, **bounded(OBSERVATIONS_MAX_LENGTH)
    )
    observations_html = CleanHTMLField(_("observacions (HTML)"))

    objects = ActionImplementationQuerySet.as_manager()

    history = ChangeHistory(excluded_fields=["version", "updated_at", "updated_by"])

    class Meta:
        ordering = ["action", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "period"], name="one_implementation_per_period"
            )
        ]
        verbose_name = _("implementació")
        verbose_name_plural = _("implementacions")

    def __str__(self):
        return f"{self.action.code} · {formatting.semester(self.period)}"

    def get_absolute_url(self) -> str:
        return reverse("governance:action", args=[self.action_id])


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, today):
        """Still to do and planned before `today` (`action_plan.MilestoneLine.is_overdue`:
        late by `Milestone.is_late`, and not done)."""
        return self.filter(done_on__isnull=True, planned_on__lt=today)


class Milestone(models.Model):
    """A step of the plan's drafting calendar."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("pla"), related_name="milestones", on_delete=models.CASCADE
    )
    title = models.CharField(_("fita"), max_length=200)
    planned_on = models.DateField(_("data prevista"))
    done_on = models.DateField(_("data real"), null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()

    history = ChangeHistory()

    class Meta:
        ordering = ["plan", "planned_on"]
        verbose_name = _("fita del calendari")
        verbose_name_plural = _("calendari")

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        """The action plan's page, which ends with the calendar."""
        return reverse("governance:actions")

    def is_late(self, today) -> bool:
        return (self.done_on or today) > self.planned_on
