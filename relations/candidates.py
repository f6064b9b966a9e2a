"""What a plan node may be related to, as the form offers it: the charters' commitments
and indicators and the PLIS actions, those of the node's own area first, without those
already related.
"""

from dataclasses import dataclass

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from governance.models import Plan, PlanAction
from relations.models import Relation
from service_charters.models import CharterCommitment, Indicator

CHARTER_COMMITMENT, INDICATOR, ACTION = "charter_commitment", "indicator", "action"
LABEL_LENGTH = 110


@dataclass(frozen=True)
class Candidates:
    """The form's grouped choices and the objects each value names."""

    groups: list[tuple[str, list[tuple[str, str]]]]
    targets: dict[str, tuple[str, object]]


def candidates_for(node) -> Candidates:
    """Queries: the node's relations (1), the charters' commitments (1) and indicators (1)
    with their charters, the current PLIS plan (1), its actions (1) with their areas (1)."""
    related = list(
        Relation.objects.filter(node=node)
        .order_by()
        .values_list("charter_commitment_id", "indicator_id", "action_id")
    )
    related_commitments = {row[0] for row in related if row[0]}
    related_indicators = {row[1] for row in related if row[1]}
    related_actions = {row[2] for row in related if row[2]}
    commitments = (
        CharterCommitment.objects.exclude(pk__in=related_commitments)
        .select_related("objective__offered_service__charter__service")
        .order_by(
            "objective__offered_service__charter__service__name",
            "objective__offered_service__charter_id",
            "objective__offered_service__position",
            "objective__position",
            "position",
            "pk",
        )
    )
    indicators = (
        Indicator.objects.exclude(pk__in=related_indicators).with_charter().in_printed_order()
    )
    plan = Plan.objects.current()
    actions = (
        PlanAction.objects.filter(plan=plan)
        .exclude(pk__in=related_actions)
        .prefetch_related("areas")
        if plan is not None
        else PlanAction.objects.none()
    )
    own, other = [], []
    targets: dict[str, tuple[str, object]] = {}
    by_charter: dict[tuple[bool, int], list] = {}
    charter_names = {}
    for commitment in commitments:
        charter = commitment.objective.offered_service.charter
        value = f"{CHARTER_COMMITMENT}:{commitment.pk}"
        targets[value] = (CHARTER_COMMITMENT, commitment)
        charter_names[charter.pk] = charter.title
        label = _("Compromís: %(text)s") % {"text": commitment.text}
        by_charter.setdefault((charter.service.area_id == node.area_id, charter.pk), []).append(
            (value, Truncator(label).chars(LABEL_LENGTH))
        )
    for indicator in indicators:
        charter = indicator.commitment.objective.offered_service.charter
        value = f"{INDICATOR}:{indicator.pk}"
        targets[value] = (INDICATOR, indicator)
        is_own = charter.service.area_id == node.area_id
        charter_names[charter.pk] = charter.title
        by_charter.setdefault((is_own, charter.pk), []).append(
            (
                value,
                Truncator(_("Indicador: %(name)s") % {"name": indicator.name}).chars(LABEL_LENGTH),
            )
        )
    for (is_own, charter_id), choices in by_charter.items():
        group = _("Carta: %(charter)s") % {"charter": charter_names[charter_id]}
        (own if is_own else other).append((group, choices))
    own_actions, other_actions = [], []
    for action in actions:
        value = f"{ACTION}:{action.pk}"
        targets[value] = (ACTION, action)
        label = Truncator(f"{action.code} {action.title}").chars(LABEL_LENGTH)
        is_own = any(area.pk == node.area_id for area in action.areas.all())
        (own_actions if is_own else other_actions).append((value, label))
    if own_actions:
        own.append((_("Accions del PLIS de l'àrea"), own_actions))
    if other_actions:
        other.append((_("Altres accions del PLIS"), other_actions))
    return Candidates(groups=own + other, targets=targets)
