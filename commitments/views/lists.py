"""The commitments list, its CSV/XLSX export, and one commitment's page."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from commitments.documents import EXPORTERS, PLAN_EXPORT
from commitments.filters import CommitmentFilter
from commitments.history import commitment_history
from commitments.models import Entry, PlanNode
from commitments.tables import CommitmentTable
from governance.access import get_item_for_user, may_edit_relations, reader_required
from terrassa_plis import documents
from terrassa_plis.related import related_items


@reader_required
def commitment_list(request):
    filterset = CommitmentFilter(request.GET)
    mandate = filterset.mandate
    show_progress = bool(mandate and mandate.tracks_progress)
    rolled_up = None
    if show_progress and filterset.period and not (filterset.level and filterset.level_is_leaf):
        # Upper levels are listed: their leaves' mean, two queries whatever the plan's size.
        rolled_up = Entry.objects.progress_by_node(filterset.period)
    table = CommitmentTable(
        filterset.qs,
        statuses=filterset.statuses,
        show_progress=show_progress,
        show_level=filterset.level is None,
        empty_text=filterset.empty_text(),
        caption=filterset.caption(),
        rolled_up_progress=rolled_up,
    )
    table.configure(request)
    return render(
        request,
        "commitments/list.html",
        {
            "filter": filterset,
            "table": table,
            "mandate": mandate,
            "period": filterset.period,
            "count_text": filterset.count_text(table.paginator.count),
        },
    )


@reader_required
def commitment_export(request, file_format):
    """The list as CSV or XLSX, made in the background (`commitments.documents`)."""
    if file_format not in EXPORTERS:
        raise Http404
    title = _("Llista de compromisos (%(format)s)") % {"format": file_format.upper()}
    params = {"filters": dict(request.GET.lists()), "format": file_format}
    return documents.respond(request, PLAN_EXPORT, params, title=title)


def commitment_detail(request, pk):
    node = get_item_for_user(
        request.user,
        PlanNode.objects.select_related("mandate", "level", "area", "service").prefetch_related(
            "mandate__periods", "mandate__statuses"
        ),
        pk=pk,
    )
    # Every ancestor in one query, by the prefixes of the node's path.
    ancestors = list(
        PlanNode.objects.filter(mandate_id=node.mandate_id, path__in=node.ancestor_paths())
        .select_related("level")
        .order_by("path")
    )
    periods = list(node.mandate.periods.all())
    statuses = node.mandate.status_map()
    entries = list(
        node.entries.select_related("period", "status")
        .prefetch_related("figures")
        .order_by("-period__start")
    )
    entry_of_period = {entry.period_id: entry for entry in entries}
    # An upper level reports nothing itself: it shows its leaves' mean in each period.
    rolled_up = []
    if not node.is_leaf and node.mandate.tracks_progress:
        means = Entry.objects.progress_by_period(node)
        rolled_up = [(period, means.get(period.pk)) for period in periods if period.pk in means]
    history = commitment_history(
        node,
        entries=entries,
        periods={period.pk: period for period in periods},
        statuses=statuses,
    )
    return render(
        request,
        "commitments/detail.html",
        {
            "node": node,
            "ancestors": ancestors,
            "marks": [(period, entry_of_period.get(period.pk)) for period in periods],
            "rolled_up_progress": rolled_up,
            "statuses": statuses.values(),
            "entries": entries,
            "open_period": node.period_open_to(request.user),
            "history": history,
            # Charter indicators and PLIS actions, from whichever app keeps relations.
            "related": related_items("commitments.PlanNode", [node.pk]).get(node.pk, []),
            "may_relate": may_edit_relations(request.user, node),
        },
    )
