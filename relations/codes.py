"""A plan node's related items as the codes of a file (`terrassa_plis.related.RelatedCodes`):
the plan's export writes them in its «Relacionats» column and its import reads them back.
"""

from collections import defaultdict
from collections.abc import Iterable

from governance.models import Plan, PlanAction
from relations.models import Relation
from relations.targets import action_code, charter_commitment_code, indicator_code, parse
from service_charters.models import CharterCommitment, Indicator


def relation_code(relation: Relation) -> str:
    if relation.charter_commitment_id:
        return charter_commitment_code(relation.charter_commitment_id)
    if relation.indicator_id:
        return indicator_code(relation.indicator_id)
    return action_code(relation.action.code)


class PlanNodeCodes:
    def codes_for(self, ids: list[int]) -> dict[int, list[str]]:
        """One query."""
        codes: dict[int, list[str]] = defaultdict(list)
        for relation in Relation.objects.of_nodes(ids).select_related("action").in_printed_order():
            codes[relation.node_id].append(relation_code(relation))
        return dict(codes)

    def _targets(self, codes: Iterable[str]) -> dict[str, tuple[str, object]]:
        """What each known code names: («charter_commitment», commitment), («indicator»,
        indicator) or («action», action). Four queries at most."""
        keys = {code: parse(code) for code in codes}
        commitment_ids = {
            key.charter_commitment_id for key in keys.values() if key and key.charter_commitment_id
        }
        commitments = {
            item.pk: item for item in CharterCommitment.objects.filter(pk__in=commitment_ids)
        }
        indicator_ids = {key.indicator_id for key in keys.values() if key and key.indicator_id}
        action_codes = {key.action_code for key in keys.values() if key and key.action_code}
        indicators = {item.pk: item for item in Indicator.objects.filter(pk__in=indicator_ids)}
        plan = Plan.objects.current() if action_codes else None
        actions = (
            {
                item.code: item
                for item in PlanAction.objects.filter(plan=plan, code__in=action_codes)
            }
            if plan is not None
            else {}
        )
        targets = {}
        for code, key in keys.items():
            if key is None:
                continue
            if key.charter_commitment_id in commitments:
                targets[code] = ("charter_commitment", commitments[key.charter_commitment_id])
            elif key.indicator_id in indicators:
                targets[code] = ("indicator", indicators[key.indicator_id])
            elif key.action_code in actions:
                targets[code] = ("action", actions[key.action_code])
        return targets

    def unknown(self, codes: Iterable[str]) -> list[str]:
        codes = list(codes)
        known = self._targets(codes)
        return [code for code in codes if code not in known]

    def replace(self, codes_by_object: dict, *, user, reason: str) -> None:
        """Each node's relations become those of its codes: the others are removed, the
        missing ones added, each recorded in the history with `user` and `reason`."""
        targets = self._targets({code for codes in codes_by_object.values() for code in codes})
        nodes = {node.pk: node for node in codes_by_object}
        existing: dict[int, dict[tuple, Relation]] = defaultdict(dict)
        for relation in Relation.objects.of_nodes(nodes):
            existing[relation.node_id][_key(relation)] = relation
        for node, codes in codes_by_object.items():
            wanted = {}
            for code in codes:
                kind, target = targets[code]
                wanted[(kind, target.pk)] = (kind, target)
            current = existing.get(node.pk, {})
            for key, relation in current.items():
                if key not in wanted:
                    relation._history_user = user
                    relation._change_reason = reason
                    relation.delete()
            for key, (kind, target) in wanted.items():
                if key in current:
                    continue
                relation = Relation(node=node, created_by=user, **{kind: target})
                relation._history_user = user
                relation._change_reason = reason
                relation.save()


def _key(relation: Relation) -> tuple[str, int]:
    """What a relation points at, as `replace` compares it: (kind, id)."""
    if relation.charter_commitment_id:
        return ("charter_commitment", relation.charter_commitment_id)
    if relation.indicator_id:
        return ("indicator", relation.indicator_id)
    return ("action", relation.action_id)
