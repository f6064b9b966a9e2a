"""The technicians' page: a charter's yearly results, every indicator on one form."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.access import get_item_for_user
from service_charters import followup
from service_charters.bands import BAND_LABELS, band_css
from service_charters.compliance import Band
from service_charters.forms import ResultForm, ResultFormSet
from service_charters.models import Charter, Measurement
from service_charters.operations import EditConflict, save_results
from service_charters.years import check_year
from terrassa_plis import formatting
from terrassa_plis.concurrency import CONFLICT_STATUS, last_saved, rebased


@dataclass(frozen=True)
class Saved:
    """An indicator's saved figures, written as the follow-up table writes them."""

    result: str
    difference: str
    compliance: str
    band: Band
    band_label: str
    observations: str

    @property
    def band_css(self) -> str:
        return band_css(self.band)

    @classmethod
    def of(cls, row: followup.FollowUpRow) -> "Saved":
        return cls(
            result=row.result_text,
            difference=row.difference_text,
            # «No avaluat» is already the band's label: say it once.
            compliance=row.compliance_text if row.assessment.compliance is not None else "",
            band=row.band,
            band_label=str(BAND_LABELS[row.band]),
            observations=row.observations_text,
        )


@dataclass(frozen=True)
class Conflict:
    """What someone else saved for an indicator while the user was editing it."""

    saved_by: str
    saved_on: str
    saved_at: str


@dataclass(frozen=True)
class IndicatorBlock:
    row: followup.FollowUpRow
    form: ResultForm
    starts_offered_service: bool
    starts_objective: bool
    starts_commitment: bool
    saved: Saved
    conflict: Conflict | None


def _saver(measurement: Measurement) -> str:
    user = measurement.updated_by
    if user is None:
        return _("una altra persona")
    return formatting.person_name(user)


def _conflict_of(measurement: Measurement) -> Conflict:
    saver = last_saved(measurement)
    return Conflict(
        saved_by=saver.name or _saver(measurement), saved_on=saver.day, saved_at=saver.time
    )


def _conflict_message(current: list[Measurement]) -> str:
    if not current:
        return _(
            "Una altra persona ha canviat aquests resultats mentre editàveu aquesta pàgina. "
            "No s'ha desat cap dels vostres canvis: reviseu-los i torneu a desar."
        )
    names = list(dict.fromkeys(_saver(m) for m in current if m.updated_by is not None))
    if names:
        who = ngettext(
            "Una altra persona (%(names)s) ha desat",
            "Altres persones (%(names)s) han desat",
            len(names),
        ) % {"names": ", ".join(names)}
    else:
        who = _("Una altra persona ha desat")
    what = ngettext(
        "el resultat d'un dels indicadors que heu canviat",
        "els resultats de %(count)s dels indicadors que heu canviat",
        len(current),
    ) % {"count": len(current)}
    latest = _conflict_of(max(current, key=lambda m: m.updated_at))
    return _(
        "%(who)s %(what)s el %(date)s a les %(time)s, mentre editàveu aquesta pàgina. "
        "No s'ha desat cap dels vostres canvis, però el que heu escrit es manté: reviseu els "
        "valors desats ara, que es mostren al costat de cada indicador afectat, i torneu a desar."
    ) % {"who": who, "what": what, "date": latest.saved_on, "time": latest.saved_at}


def _blocks(rows, formset, conflicts: dict[int, Conflict]) -> list[IndicatorBlock]:
    spans = followup.row_spans(rows)
    return [
        IndicatorBlock(
            row=row,
            form=form,
            starts_offered_service=span["offered_service"] > 0,
            starts_objective=span["objective"] > 0,
            starts_commitment=span["commitment"] > 0,
            saved=Saved.of(row),
            conflict=conflicts.get(row.indicator.pk),
        )
        for row, form, span in zip(rows, formset.forms, spans, strict=True)
    ]


def results_edit(request, pk, year):
    charter = get_item_for_user(request.user, Charter.objects.with_service(), write=True, pk=pk)
    check_year(year)
    if not charter.is_in_force(year):
        # A charter has no results for a year before it was approved or after it ended.
        raise Http404
    rows = followup.load_rows([charter], year)
    status_code = 200
    conflicts: dict[int, Conflict] = {}

    if request.method == "POST":
        formset = ResultFormSet(request.POST, rows=rows)
        if formset.is_valid():
            changed = formset.result_data()
            if not changed:
                messages.info(request, _("No heu canviat cap resultat: no s'ha desat res."))
                return redirect("service_charters:results_edit", pk=charter.pk, year=year)
            try:
                save_results(charter, year, changed, acting_user=request.user)
            except EditConflict as conflict:
                messages.error(request, _conflict_message(conflict.current))
                conflicts = {m.indicator_id: _conflict_of(m) for m in conflict.current}
                # Keep every typed character, but let the next «Desa» overwrite the
                # versions the user has now been shown.
                data = rebased(
                    request.POST,
                    {
                        f"{formset.prefix}-{m.indicator_id}-base_version": m.version
                        for m in conflict.current
                    },
                )
                rows = followup.load_rows([charter], year)
                formset = ResultFormSet(data, rows=rows)
                status_code = CONFLICT_STATUS
            else:
                messages.success(
                    request, _("S'han desat els resultats de %(year)s.") % {"year": year}
                )
                return redirect("service_charters:results_edit", pk=charter.pk, year=year)
    else:
        formset = ResultFormSet(rows=rows)

    blocks = _blocks(rows, formset, conflicts)
    return render(
        request,
        "service_charters/results_form.html",
        {
            "charter": charter,
            "year": year,
            # Not a quantity: «2021», never «2.021».
            "year_label": str(year),
            "formset": formset,
            "blocks": blocks,
            "invalid_blocks": [b for b in blocks if formset.is_bound and b.form.errors],
            "conflict_blocks": [b for b in blocks if b.conflict is not None],
        },
        status=status_code,
    )
