"""Technicians' pages: the commitments they report on, and the entry form of one of them."""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from commitments.forms import EntryForm, entry_data, figure_formset
from commitments.models import Entry, PlanNode, ReportingPeriod
from commitments.operations import EditConflict, PeriodClosed, save_entry
from commitments.tables import WorklistTable
from commitments.worklist import Worklist, worklists
from governance.access import get_item_for_user, reader_required
from terrassa_plis.concurrency import CONFLICT_STATUS, last_saved, rebased
from terrassa_plis.formatting import person_name
from terrassa_plis.tables import paginate_always

# The name of the second submit button: save, then come back to the form.
CONTINUE = "continue"


@dataclass(frozen=True)
class WorklistSection:
    """One open period of «Els meus compromisos»: its worklist and the worklist's two
    lists as tables, a page of each read from the database (an area may have hundreds of
    commitments); None for an empty list, which the page says in words."""

    worklist: Worklist
    missing: WorklistTable | None
    filled: WorklistTable | None


def _table(worklist: Worklist, request, *, filled: bool) -> WorklistTable | None:
    count = worklist.filled_count if filled else worklist.missing_count
    if not count:
        return None
    period = worklist.period
    table = WorklistTable(
        worklist.filled if filled else worklist.missing,
        period=period,
        statuses=period.mandate.status_map() if filled else None,
        filled=filled,
        prefix=f"p{period.pk}-{'filled' if filled else 'missing'}-",
    )
    # Counted already with the other list: the table reads its page only.
    paginate_always(table, request, count=count)
    return table


def _section(worklist: Worklist, request) -> WorklistSection:
    return WorklistSection(
        worklist, _table(worklist, request, filled=False), _table(worklist, request, filled=True)
    )


@reader_required
def my_commitments(request):
    lists = worklists(request.user)
    return render(
        request,
        "commitments/my_commitments.html",
        {
            "sections": [_section(worklist, request) for worklist in lists],
            "edits_anything": any(worklist.total for worklist in lists),
        },
    )


def _entry_of(node, period):
    if period is None:
        return None
    return (
        Entry.objects.filter(node=node, period=period)
        .select_related("status", "updated_by")
        .prefetch_related("figures")
        .first()
    )


def _conflict_message(current: Entry) -> str:
    saver = last_saved(current)
    values = {"date": saver.day, "time": saver.time}
    if saver.name:
        values["name"] = saver.name
        return (
            _(
                "Una altra persona (%(name)s) ha desat aquest seguiment el %(date)s a les %(time)s "
                "mentre l'editàveu. Els vostres canvis no s'han desat: reviseu la versió actual, "
                "que es mostra al costat, i torneu a desar."
            )
            % values
        )
    return (
        _(
            "Una altra persona ha desat aquest seguiment el %(date)s a les %(time)s mentre "
            "l'editàveu. Els vostres canvis no s'han desat: reviseu la versió actual, que es "
            "mostra al costat, i torneu a desar."
        )
        % values
    )


def _saved_message(node) -> str:
    # The item after a colon, as its level names it («Compromís 21», «Actuació 61.1»):
    # no article to elide or to agree with the level's gender.
    return _("S'ha desat el seguiment: %(item)s.") % {"item": node}


def _panel(title, entry, *, current=False, offers_copy=False) -> dict:
    """A saved entry shown beside the form, read only."""
    return {
        "title": title,
        "entry": entry,
        "saved_by": person_name(entry.updated_by) if entry is not None else "",
        "current": current,
        "offers_copy": offers_copy,
    }


def _closed_message(period) -> str:
    return _(
        "L'entrada de dades del període «%(period)s» està tancada: el seguiment només es "
        "pot consultar i no s'ha desat cap canvi."
    ) % {"period": period.label}


def entry_edit(request, pk, period_pk):
    node = get_item_for_user(
        request.user,
        PlanNode.objects.leaves().select_related("mandate", "level", "area", "service"),
        write=True,
        pk=pk,
    )
    period = get_object_or_404(ReportingPeriod, pk=period_pk, mandate_id=node.mandate_id)
    entry = _entry_of(node, period)
    previous_period = period.previous()
    previous_entry = _entry_of(node, previous_period)
    mandate = node.mandate
    status_code = 200
    conflict_entry = None
    form = formset = None
    from_previous = False

    if not period.is_open:
        if request.method == "POST":
            messages.error(request, _closed_message(period))
            status_code = CONFLICT_STATUS
    elif request.method == "POST":
        form = EntryForm(request.POST, mandate=mandate)
        formset = figure_formset(request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                save_entry(
                    node,
                    period,
                    entry_data(form, formset),
                    base_version=form.cleaned_data["base_version"],
                    acting_user=request.user,
                )
            except EditConflict as conflict:
                conflict_entry = _entry_of(node, period) or conflict.current
                messages.error(request, _conflict_message(conflict_entry))
                # Keep every typed character, but let the next «Desa» overwrite the
                # version the user has now been shown.
                data = rebased(request.POST, {"base_version": conflict_entry.version})
                form = EntryForm(data, mandate=mandate)
                formset = figure_formset(data)
                status_code = CONFLICT_STATUS
            except PeriodClosed:
                messages.error(request, _closed_message(period))
                period.is_open = False
                form = formset = None
                status_code = CONFLICT_STATUS
            else:
                messages.success(request, _saved_message(node))
                if CONTINUE in request.POST:
                    # Back to the form, which offers new empty figure rows.
                    return redirect("commitments:entry_edit", pk=node.pk, period_pk=period.pk)
                return redirect("commitments:detail", pk=node.pk)
    else:
        from_previous = bool(request.GET.get("from_previous")) and previous_entry is not None
        source = previous_entry if from_previous else entry
        form = EntryForm(
            initial=EntryForm.initial_from(source, keep_version_of=entry), mandate=mandate
        )
        formset = figure_formset(figures=source.figures.all() if source else ())

    panels = []
    if conflict_entry is not None:
        panels.append(_panel(_("Versió desada ara"), conflict_entry, current=True))
    elif form is None:
        panels.append(_panel(_("Seguiment desat"), entry))
    if previous_period is not None:
        panels.append(
            _panel(
                _("Semestre anterior: %(period)s") % {"period": previous_period.label},
                previous_entry,
                offers_copy=form is not None and previous_entry is not None,
            )
        )
    return render(
        request,
        "commitments/entry_form.html",
        {
            "node": node,
            "period": period,
            "entry": entry,
            "form": form,
            "formset": formset,
            "panels": panels,
            "from_previous": from_previous,
        },
        status=status_code,
    )
