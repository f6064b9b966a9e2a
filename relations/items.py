"""The related items as the pages and documents show them (`terrassa_plis.related`):
a plan node's charter commitments and indicators, with their latest compliance and band
(a commitment's is its indicators' mean, as the follow-up counts it), and its PLIS actions,
with their decision and latest degree of implementation; and, the other way, the plan
nodes an indicator or an action serves.

Compliance comes from the charters' one rule (`assess_measurement`, which calls
`service_charters.compliance`) and its words from `service_charters.bands`; the
action's decision and degree from governance's models.
"""

from collections import defaultdict

from django.utils.translation import gettext

from governance.models import ActionDecision, PlanAction
from relations.models import Relation
from relations.targets import action_code, charter_commitment_code, indicator_code
from service_charters.bands import BAND_LABELS, band_css
from service_charters.compliance import NOT_ASSESSED
from service_charters.followup import FollowUpRow, commitment_assessment
from service_charters.models import Indicator, Measurement, assess_measurement
from terrassa_plis.formatting import percent, semester
from terrassa_plis.related import RelatedItem

DECISION_CLASSES = {
    ActionDecision.VALIDATED: "band band--met",
    ActionDecision.PROPOSED: "band band--not-assessed",
    ActionDecision.REJECTED: "band band--not-met",
}


def items_of_nodes(node_ids: list[int]) -> dict[int, list[RelatedItem]]:
    """Each node's related charter commitments, indicators, then actions
    (`relation_items`)."""
    relations = Relation.objects.of_nodes(node_ids).with_targets().in_printed_order()
    items: dict[int, list[RelatedItem]] = defaultdict(list)
    for relation, item in relation_items(relations):
        items[relation.node_id].append(item)
    return dict(items)


def relation_items(relations) -> list[tuple[Relation, RelatedItem]]:
    """Each relation with its item as the pages show it. Queries: the relations with
    their targets (1); the related charter commitments' indicators, when any is related
    (1); the indicators' results, when any indicator is concerned (1); the actions'
    latest implementation, when any action is related (1)."""
    relations = list(relations)
    commitment_ids = {
        relation.charter_commitment_id for relation in relations if relation.charter_commitment_id
    }
    commitment_indicators = _indicators_of(commitment_ids)
    indicator_ids = {relation.indicator_id for relation in relations if relation.indicator_id}
    indicator_ids |= {item.pk for items in commitment_indicators.values() for item in items}
    action_ids = {relation.action_id for relation in relations if relation.action_id}
    results = _results_by_year(indicator_ids)
    implementation = _latest_implementation(action_ids)
    rows = []
    for relation in relations:
        if relation.charter_commitment_id:
            item = charter_commitment_item(
                relation.charter_commitment,
                commitment_indicators.get(relation.charter_commitment_id, []),
                results,
            )
        elif relation.indicator_id:
            item = indicator_item(relation.indicator, _latest(results.get(relation.indicator_id)))
        else:
            degree, period = implementation.get(relation.action_id, (None, None))
            item = action_item(relation.action, degree, period)
        rows.append((relation, item))
    return rows


def _indicators_of(commitment_ids) -> dict[int, list[Indicator]]:
    """The indicators of each charter commitment, in their order. One query, none for no
    ids."""
    if not commitment_ids:
        return {}
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in Indicator.objects.filter(commitment_id__in=commitment_ids).order_by(
        "commitment_id", "position", "pk"
    ):
        indicators[indicator.commitment_id].append(indicator)
    return dict(indicators)


def _results_by_year(indicator_ids) -> dict[int, dict[int, Measurement]]:
    """Each indicator's results by year. One query, none for no ids."""
    if not indicator_ids:
        return {}
    results: dict[int, dict[int, Measurement]] = defaultdict(dict)
    for measurement in Measurement.objects.filter(indicator_id__in=indicator_ids):
        results[measurement.indicator_id][measurement.year] = measurement
    return dict(results)


def _latest(by_year: dict[int, Measurement] | None) -> Measurement | None:
    return by_year[max(by_year)] if by_year else None


def _latest_implementation(action_ids) -> dict[int, tuple]:
    """Each action's latest degree and period. One query, none for no ids."""
    if not action_ids:
        return {}
    rows = (
        PlanAction.objects.filter(pk__in=action_ids)
        .with_latest_implementation()
        .values_list("pk", "latest_degree", "latest_period")
    )
    return {pk: (degree, period) for pk, degree, period in rows}


def indicator_item(indicator, measurement) -> RelatedItem:
    """An indicator with the compliance of its latest year with a result."""
    charter = indicator.commitment.objective.offered_service.charter
    assessment = assess_measurement(indicator, measurement)
    if measurement is None:
        figures = gettext("Encara sense resultats")
    else:
        figures = gettext("Compliment %(year)s: %(compliance)s") % {
            "year": measurement.year,
            "compliance": percent(assessment.compliance),
        }
    return RelatedItem(
        kind=gettext("Indicador de carta de serveis"),
        code=indicator_code(indicator.pk),
        title=indicator.name,
        url=indicator.get_absolute_url(),
        figures=figures,
        badge=str(BAND_LABELS[assessment.band]),
        badge_class=f"band {band_css(assessment.band)}",
        context=charter.title,
    )


def charter_commitment_item(commitment, indicators, results) -> RelatedItem:
    """A charter's commitment with its compliance in the latest year any of its indicators
    has a result: the mean of its indicators' (`followup.commitment_assessment`)."""
    objective = commitment.objective
    charter = objective.offered_service.charter
    years = {year for indicator in indicators for year in results.get(indicator.pk, {})}
    if years:
        year = max(years)
        rows = [
            FollowUpRow(
                charter=charter,
                offered_service=objective.offered_service,
                objective=objective,
                commitment=commitment,
                indicator=indicator,
                measurement=results.get(indicator.pk, {}).get(year),
                assessment=assess_measurement(indicator, results.get(indicator.pk, {}).get(year)),
            )
            for indicator in indicators
        ]
        assessment = commitment_assessment(rows)
        figures = gettext("Compliment %(year)s: %(compliance)s") % {
            "year": year,
            "compliance": percent(assessment.compliance),
        }
    else:
        assessment = NOT_ASSESSED
        figures = gettext("Encara sense resultats")
    return RelatedItem(
        kind=gettext("Compromís de carta de serveis"),
        code=charter_commitment_code(commitment.pk),
        title=commitment.text,
        url=commitment.get_absolute_url(),
        figures=figures,
        badge=str(BAND_LABELS[assessment.band]),
        badge_class=f"band {band_css(assessment.band)}",
        context=charter.title,
    )


def action_item(action, degree, period) -> RelatedItem:
    """A PLIS action with its decision and its latest degree of implementation."""
    if degree is None:
        figures = gettext("Sense implementació registrada")
    else:
        figures = gettext("Grau d'implementació: %(degree)s (%(period)s)") % {
            "degree": percent(degree),
            "period": semester(period),
        }
    return RelatedItem(
        kind=gettext("Acció del PLIS"),
        code=action_code(action.code),
        title=f"{action.code} {action.title}",
        url=action.get_absolute_url(),
        figures=figures,
        badge=action.get_decision_display(),
        badge_class=DECISION_CLASSES.get(action.decision, ""),
        context=action.plan.name,
    )


def node_item(node) -> RelatedItem:
    """A plan node an indicator or action serves: «Compromís 21», its text, its mandate."""
    return RelatedItem(
        kind=node.level.name,
        code=node.code,
        title=f"{node.level.name} {node.code}. {node.text}",
        url=node.get_absolute_url(),
        context=node.mandate.name,
    )


def _nodes_by(field: str, ids: list[int]) -> dict[int, list[RelatedItem]]:
    """The nodes related to each target, in plan order. One query."""
    relations = (
        Relation.objects.filter(**{f"{field}_id__in": ids})
        .select_related("node__level", "node__mandate")
        .order_by("node__mandate__start_year", "node__path")
    )
    items: dict[int, list[RelatedItem]] = defaultdict(list)
    for relation in relations:
        items[getattr(relation, f"{field}_id")].append(node_item(relation.node))
    return dict(items)


def nodes_of_indicators(indicator_ids: list[int]) -> dict[int, list[RelatedItem]]:
    return _nodes_by("indicator", indicator_ids)


def nodes_of_actions(action_ids: list[int]) -> dict[int, list[RelatedItem]]:
    return _nodes_by("action", action_ids)
