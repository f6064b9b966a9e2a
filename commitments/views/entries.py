"""Technicians' pages: the commitments they report on, and the entry form of one of them."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commitments.forms import EntryForm, entry_data, figure_formset
from commitments.models import Entry, PlanNode, ReportingPeriod, Status
from commitments.operations import EditConflict, PeriodClosed, save_entry
from governance.access import editable_q, get_item_for_user, require_reader

CONFLICT_STATUS = 409


def my_commitments(request):
    require_reader(request.user)
    editable = editable_q(request.user)
    periods = (
        ReportingPeriod.objects.open()
        .select_related("mandate")
        .prefetch_related(
            Prefetch("mandate__statuses", queryset=Status.objects.order_by("position"))
        )
    )
    sections = []
    for period in periods:
        statuses = {status.pk: status for status in period.mandate.statuses.all()}
        nodes = list(
            PlanNode.objects.leaves()
            .filter(mandate_id=period.mandate_id)
            .filter(editable)
            .with_entry_for(period)
            .select_related("level", "area", "service")
        )
        for node in nodes:
            node.period_status = statuses.get(node.period_status_id)
        missing = [node for node in nodes if node.period_status_id is None]
        filled = [node for node in nodes if node.period_status_id is not None]
        sections.append(
            {"period": period, "missing": missing, "filled": filled, "total": len(nodes)}
        )
    return render(
        request,
        "commitments/my_commitments.html",
        {
            "sections": sections,
            "edits_anything": any(section["total"] for section in sections),
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
    when = timezone.localtime(current.updated_at)
    values = {
        "date": date_format(when, "d/m/Y"),
        "time": date_format(when, "H:i"),
    }
    if current.updated_by is not None:
        values["name"] = current.updated_by.get_full_name() or current.updated_by.get_username()
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
    item = f"{node.level.name.lower()} {node.code}"
    # Catalan elides «de» before a vowel: «del compromís 21», «de l'actuació 61.1».
    if item[:1] in "aeiouàèéíòóúh":
        return _("S'ha desat el seguiment de l'%(item)s.") % {"item": item}
    return _("S'ha desat el seguiment del %(item)s.") % {"item": item}


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
                data = request.POST.copy()
                data["base_version"] = str(conflict_entry.version)
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
        panels.append({"title": _("Versió desada ara"), "entry": conflict_entry, "current": True})
    elif form is None:
        panels.append({"title": _("Seguiment desat"), "entry": entry})
    if previous_period is not None:
        panels.append(
            {
                "title": _("Semestre anterior: %(period)s") % {"period": previous_period.label},
                "entry": previous_entry,
                "offers_copy": form is not None and previous_entry is not None,
            }
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
