"""The PLIS's part of the site's search: the bodies and the plan's actions whose texts
(a body's purpose and functions; an action's title, decision and implementation
observations) hold the words. Matched by the one rule of `terrassa_plis.text_search`;
the search page (`search`) groups and shows them."""

from collections.abc import Sequence

from django.db.models import QuerySet

from governance.models import ActionImplementation, Body, BodyFunction, PlanAction
from terrassa_plis.text_search import matching


def bodies_matching(words: Sequence[str]) -> QuerySet[Body]:
    """The matching bodies in their order. One query."""
    in_body = matching(Body.objects.order_by(), words).values("pk")
    in_functions = matching(BodyFunction.objects.order_by(), words).values("body_id")
    # One subquery of both: «IN a OR IN b» scans each twice on SQLite.
    return Body.objects.filter(pk__in=in_body.union(in_functions)).order_by("position", "pk")


def actions_matching(words: Sequence[str]) -> QuerySet[PlanAction]:
    """The matching actions in the order of their codes, with their latest implementation
    (`latest_degree`, `latest_period`) and their areas. Two queries."""
    in_action = matching(PlanAction.objects.order_by(), words).values("pk")
    in_implementation = matching(ActionImplementation.objects.order_by(), words).values("action_id")
    return (
        PlanAction.objects.filter(pk__in=in_action.union(in_implementation))
        .with_latest_implementation()
        .prefetch_related("areas")
        .order_by("plan", "code")
    )
