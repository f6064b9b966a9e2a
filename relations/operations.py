"""Adding and removing a plan node's related items: one function each, in a transaction,
recorded in the relation's history with who did it.

A relation is only ever created or deleted, never edited, so there is no version to
claim: two people adding the same item meet the unique constraint (the second is told
it is there already), and removing one already removed is told who removed it.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from relations.models import Relation
from terrassa_plis.formatting import moment, person_name


class RelationRefused(Exception):
    """Nothing was saved; `message` says why, in Catalan."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def add_relation(
    node, *, charter_commitment=None, indicator=None, action=None, acting_user
) -> Relation:
    """Relate `node` to a charter's commitment, a charter's indicator or a PLIS action
    (exactly one)."""
    if sum(target is not None for target in (charter_commitment, indicator, action)) != 1:
        raise ValueError("A relation has exactly one target.")
    relation = Relation(
        node=node,
        charter_commitment=charter_commitment,
        indicator=indicator,
        action=action,
        created_by=acting_user,
    )
    relation._history_user = acting_user
    try:
        with transaction.atomic():
            relation.save()
    except IntegrityError as error:
        raise RelationRefused(
            _("«%(item)s» ja és a la informació relacionada de %(node)s.")
            % {"item": relation.target, "node": node}
        ) from error
    return relation


@transaction.atomic
def remove_relation(node, relation_id: int, *, acting_user) -> None:
    """Remove the relation `relation_id` of `node`."""
    # Lock the relation's row only: PostgreSQL locks no row of an outer join's nullable side.
    relation = (
        Relation.objects.select_for_update(of=("self",))
        .select_related("charter_commitment", "indicator", "action")
        .filter(node=node, pk=relation_id)
        .first()
    )
    if relation is None:
        raise RelationRefused(_already_removed(node, relation_id))
    relation._history_user = acting_user
    relation.delete()


def _already_removed(node, relation_id: int) -> str:
    record = (
        Relation.history.filter(id=relation_id, node_id=node.pk, history_type="-")
        .select_related("history_user")
        .first()
    )
    if record is None:
        return _("Aquest element ja no és a la informació relacionada de %(node)s.") % {
            "node": node
        }
    return _(
        "Aquest element ja no és a la informació relacionada de %(node)s: el va treure "
        "%(person)s el %(moment)s."
    ) % {
        "node": node,
        "person": person_name(record.history_user) or _("algú"),
        "moment": moment(record.history_date),
    }
