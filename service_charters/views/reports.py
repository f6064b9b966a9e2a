"""Readers' pages of the charters: the index, the follow-up report (page and PDF), the
commitments that fell short in a year, one indicator.

A report is built by `followup_document.build_report` for the page; its PDF is made in
the background from the same document partial (`service_charters.documents`).
"""

from datetime import date

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from governance.access import get_item_for_user, may_edit_item, may_steer, reader_required
from service_charters.documents import EXPORT_FORMATS, FOLLOW_UP_PDF
from service_charters.followup_document import build_report, follow_up_title
from service_charters.indicator_page import build_indicator_page
from service_charters.models import Charter, Indicator
from service_charters.shortfalls import build_shortfalls_page
from service_charters.tables import CharterTable
from service_charters.years import available_years, check_year
from terrassa_plis import documents
from terrassa_plis.related import related_items
from terrassa_plis.tables import paginate_always


class YearForm(forms.Form):
    """The index's year; an unknown year is a form error, not a crash."""

    year = forms.TypedChoiceField(label=_("Any"), coerce=int, required=False, empty_value=None)

    def __init__(self, data, *, years: list[int]):
        super().__init__(data)
        self.fields["year"].choices = [(year, str(year)) for year in years]


@reader_required
def charter_list(request):
    measured = available_years()
    default_year = measured[0] if measured else date.today().year
    # The current year is offered too, so its results can be entered before any exist.
    years = sorted({*measured, date.today().year, default_year}, reverse=True)
    data = request.GET.copy()
    data.setdefault("year", str(default_year))
    form = YearForm(data, years=years)
    # Another year keeps the order chosen, from its first page.
    context = {"form": form, "years": years, "table": None, "sort": request.GET.get("sort")}
    if not form.is_valid():
        return render(request, "service_charters/charter_list.html", context, status=400)
    year = form.cleaned_data["year"] or default_year
    context["year"] = year
    context["export_formats"] = EXPORT_FORMATS
    table = CharterTable(
        Charter.objects.in_force(year).in_printed_order(),
        year=year,
        may_edit=lambda charter: may_edit_item(request.user, charter),
    )
    paginate_always(table, request)
    context["table"] = table
    return render(request, "service_charters/charter_list.html", context)


@reader_required
def year_report(request, year):
    check_year(year)
    context = {"report": build_report(year), "export_formats": EXPORT_FORMATS}
    return render(request, "service_charters/report.html", context)


@reader_required
def year_report_pdf(request, year):
    """The year's follow-up as a PDF, made in the background (`service_charters.documents`)."""
    check_year(year)
    return documents.respond(request, FOLLOW_UP_PDF, {"year": year}, title=follow_up_title(year))


@reader_required
def shortfalls(request, year):
    """The commitments not met and partly met in `year`, per service (`shortfalls`)."""
    check_year(year)
    context = {"page": build_shortfalls_page(year), "may_steer": may_steer(request.user)}
    return render(request, "service_charters/shortfalls.html", context)


def charter_report(request, pk, year):
    charter = get_item_for_user(request.user, Charter.objects.with_service(), pk=pk)
    check_year(year)
    context = {"report": build_report(year, charter=charter), "export_formats": EXPORT_FORMATS}
    return render(request, "service_charters/report.html", context)


def charter_report_pdf(request, pk, year):
    charter = get_item_for_user(request.user, Charter.objects.with_service(), pk=pk)
    check_year(year)
    return documents.respond(
        request,
        FOLLOW_UP_PDF,
        {"year": year, "charter": charter.pk},
        title=follow_up_title(year, charter),
    )


def indicator_detail(request, pk):
    indicator = get_item_for_user(request.user, Indicator.objects.with_charter(), pk=pk)
    page = build_indicator_page(indicator)
    # The plan's commitments this indicator serves, from whichever app keeps relations.
    served = related_items("service_charters.Indicator", [indicator.pk]).get(indicator.pk, [])
    return render(
        request, "service_charters/indicator_detail.html", {"page": page, "served": served}
    )
