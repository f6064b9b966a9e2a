"""A plan's commitment (or action) related to an item of another instrument: a charter's
commitment or indicator, or a PLIS action. Kept outside the domain apps, which never
import each other.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commitments.models import PlanNode
from governance.models import PlanAction
from service_charters.models import CharterCommitment, Indicator
from terrassa_plis.history import ChangeHistory


class RelationQuerySet(models.QuerySet):
    def of_nodes(self, node_ids):
        return self.filter(node_id__in=node_ids)

    def with_targets(self):
        """With the indicator's charter (and its service and area) and the action's
        plan, in the same query."""
        return self.select_related(
            "charter_commitment__objective__offered_service__charter",
            "indicator__commitment__objective__offered_service__charter__service__area",
            "action__plan",
        )

    def in_printed_order(self):
        """Charter commitments, then indicators, then actions by code."""
        return self.order_by(
            "node_id",
            models.F("charter_commitment_id").asc(nulls_last=True),
            models.F("indicator_id").asc(nulls_last=True),
            "action__code",
            "pk",
        )


class Relation(models.Model):
    """One related item of a plan node: exactly one of a charter's commitment, a charter's
    indicator or a PLIS action."""

    node = models.ForeignKey(
        PlanNode,
        verbose_name=_("element del pla"),
        related_name="relations",
        on_delete=models.CASCADE,
    )
    charter_commitment = models.ForeignKey(
        CharterCommitment,
        verbose_name=_("compromís de la carta"),
        related_name="plan_relations",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicador"),
        related_name="plan_relations",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    action = models.ForeignKey(
        PlanAction,
        verbose_name=_("acció del PLIS"),
        related_name="plan_relations",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    created_at = models.DateTimeField(_("afegit el"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("afegit per"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RelationQuerySet.as_manager()

    history = ChangeHistory(excluded_fields=["created_at"])

    class Meta:
        ordering = ["node", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(charter_commitment__isnull=False, indicator=None, action=None)
                    | Q(charter_commitment=None, indicator__isnull=False, action=None)
                    | Q(charter_commitment=None, indicator=None, action__isnull=False)
                ),
                name="relation_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["node", "charter_commitment"],
                condition=Q(charter_commitment__isnull=False),
                name="one_relation_per_node_and_charter_commitment",
            ),
            models.UniqueConstraint(
                fields=["node", "indicator"],
                condition=Q(indicator__isnull=False),
                name="one_relation_per_node_and_indicator",
            ),
            models.UniqueConstraint(
                fields=["node", "action"],
                condition=Q(action__isnull=False),
                name="one_relation_per_node_and_action",
            ),
        ]
        verbose_name = _("element relacionat")
        verbose_name_plural = _("elements relacionats")

    def __str__(self):
        return f"{self.node_id} → {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("commitments:detail", args=[self.node_id])

    @property
    def target(self):
        if self.charter_commitment_id:
            return self.charter_commitment
        return self.indicator if self.indicator_id else self.action

    def owning_unit(self):
        """The plan node's: its area decides who may add and remove its relations."""
        return self.node.owning_unit()
