"""The Mandate Plan's part of the site's search: the plan's items whose own text, or
whose semester entries (observations, reason, related information), hold the words.
Matched by the one rule of `terrassa_plis.text_search`; the search page (`search`)
groups and shows them."""

from collections.abc import Sequence

from django.db.models import OuterRef, QuerySet, Subquery

from commitments.models import Entry, PlanNode
from terrassa_plis.text_search import matching


def nodes_matching(words: Sequence[str]) -> QuerySet[PlanNode]:
    """The matching items, the newest mandate first and each in plan order, with their
    level, area and mandate, and `latest_status` and `latest_period`: the status and
    period label of their latest entry (None before any). One query."""
    in_text = matching(PlanNode.objects.order_by(), words).values("pk")
    in_entries = matching(Entry.objects.order_by(), words).values("node_id")
    latest = Entry.objects.filter(node=OuterRef("pk")).order_by("-period__start")
    return (
        # One subquery of both: SQLite ran each of «pk IN a OR pk IN b» twice (to pick
        # the rows, then to check them), scanning every entry's text twice.
        PlanNode.objects.filter(pk__in=in_text.union(in_entries))
        .select_related("mandate", "level", "area")
        .annotate(
            latest_status=Subquery(latest.values("status__label")[:1]),
            latest_period=Subquery(latest.values("period__label")[:1]),
        )
        .order_by("-mandate__start_year", "path")
    )
