"""Adding and removing a plan item's related items: the page that lists them with the
form, and one POST view per action. The item's area decides who may (the guard's
`get_relatable_item_for_user`)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commitments.models import PlanNode
from governance.access import get_item_for_user, may_edit_relations
from relations.candidates import candidates_for
from relations.forms import AddRelationForm
from relations.items import relation_items
from relations.models import Relation
from relations.operations import RelationRefused, add_relation, remove_relation

# The node as the page shows it; its area decides who may change its related items.
NODES = PlanNode.objects.select_related("mandate", "level", "area")


def _manage_page(request, node, form):
    rows = relation_items(Relation.objects.filter(node=node).with_targets().in_printed_order())
    return render(request, "relations/manage.html", {"node": node, "rows": rows, "form": form})


def manage(request, pk):
    """Queries: the session and user (2), the user's roles and areas (2), the node (1),
    its relations with their figures (up to 3), the candidates (5)."""
    node = get_item_for_user(request.user, NODES, write=True, edit_check=may_edit_relations, pk=pk)
    return _manage_page(request, node, AddRelationForm(candidates=candidates_for(node)))


@require_POST
def add(request, pk):
    node = get_item_for_user(request.user, NODES, write=True, edit_check=may_edit_relations, pk=pk)
    form = AddRelationForm(request.POST, candidates=candidates_for(node))
    if form.is_valid():
        try:
            relation = add_relation(node, **form.chosen(), acting_user=request.user)
        except RelationRefused as refused:
            form.add_error("target", refused.message)
        else:
            messages.success(
                request,
                _("S'ha afegit «%(item)s» a la informació relacionada.")
                % {"item": relation.target},
            )
            return redirect("relations:manage", pk=node.pk)
    return _manage_page(request, node, form)


@require_POST
def remove(request, pk, relation_pk):
    node = get_item_for_user(request.user, NODES, write=True, edit_check=may_edit_relations, pk=pk)
    try:
        remove_relation(node, relation_pk, acting_user=request.user)
    except RelationRefused as refused:
        messages.warning(request, refused.message)
    else:
        messages.success(request, _("S'ha tret l'element de la informació relacionada."))
    return redirect("relations:manage", pk=node.pk)
