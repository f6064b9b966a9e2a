"""Readers' pages of the charters: the index, the follow-up report (page and PDF), one indicator.

A report's context is built once by `report.build_report` and handed either to the
page template or to the PDF helper, which render the same document partial.
"""

from datetime import date

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from governance.access import get_item_for_user, may_edit_item, require_reader
from service_charters import report as reports
from service_charters.models import Charter, Indicator
from terrassa_plis.exports import Export
from terrassa_plis.pdf import PDF_CONTENT_TYPE, render_pdf


class YearForm(forms.Form):
    """The index's year; an unknown year is a form error, not a crash."""

    year = forms.TypedChoiceField(label=_("Any"), coerce=int, required=False, empty_value=None)

    def __init__(self, data, *, years: list[int]):
        super().__init__(data)
        self.fields["year"].choices = [(year, str(year)) for year in years]


def charter_list(request):
    require_reader(request.user)
    measured = reports.available_years()
    default_year = measured[0] if measured else date.today().year
    # The current year is offered too, so its results can be entered before any exist.
    years = sorted({*measured, date.today().year, default_year}, reverse=True)
    data = request.GET.copy()
    data.setdefault("year", str(default_year))
    form = YearForm(data, years=years)
    context = {"form": form, "years": years, "overview": None}
    if not form.is_valid():
        return render(request, "service_charters/charter_list.html", context, status=400)
    year = form.cleaned_data["year"] or default_year
    context["year"] = year
    context["overview"] = reports.charter_overview(
        year, may_edit=lambda charter: may_edit_item(request.user, charter)
    )
    return render(request, "service_charters/charter_list.html", context)


def _respond(request, report: reports.Report, *, as_pdf: bool):
    context = {"report": report}
    if not as_pdf:
        return render(request, "service_charters/report.html", context)
    content = render_pdf("service_charters/report_pdf.html", context, request=request)
    return Export(report.pdf_filename, PDF_CONTENT_TYPE, content).as_response()


def _year_report(request, year: int, *, as_pdf: bool):
    require_reader(request.user)
    reports.check_year(year)
    return _respond(request, reports.build_report(year), as_pdf=as_pdf)


def _charter_report(request, pk: int, year: int, *, as_pdf: bool):
    charter = get_item_for_user(
        request.user, Charter.objects.select_related("service__area"), pk=pk
    )
    reports.check_year(year)
    return _respond(request, reports.build_report(year, charter=charter), as_pdf=as_pdf)


def year_report(request, year):
    return _year_report(request, year, as_pdf=False)


def year_report_pdf(request, year):
    return _year_report(request, year, as_pdf=True)


def charter_report(request, pk, year):
    return _charter_report(request, pk, year, as_pdf=False)


def charter_report_pdf(request, pk, year):
    return _charter_report(request, pk, year, as_pdf=True)


def indicator_detail(request, pk):
    indicator = get_item_for_user(
        request.user,
        Indicator.objects.select_related(
            "commitment__objective__offered_service__charter__service__area"
        ),
        pk=pk,
    )
    page = reports.build_indicator_page(indicator)
    return render(request, "service_charters/indicator_detail.html", {"page": page})
