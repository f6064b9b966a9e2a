"""The balance (*Balanç*) of a period: one context, rendered as a page or as a PDF."""

from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from commitments.balance import FilterOptions, build_balance, filter_options
from commitments.documents import BALANCE_PDF, balance_document_title
from commitments.models import ReportingPeriod
from governance.access import reader_required
from terrassa_plis import documents


class BalanceFilterForm(forms.Form):
    """The GET filters of the balance; an unknown value is a form error, not a crash."""

    priority = forms.ChoiceField(label=_("Prioritat"), required=False)
    area = forms.TypedChoiceField(
        label=_("Àrea responsable"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data, *, options: FilterOptions):
        super().__init__(data)
        priority = self.fields["priority"]
        if options.top_nodes:
            priority.label = options.top_nodes[0].level.name
        priority.choices = [("", _("Tot el pla"))] + [
            (node.code, f"{node.code}. {Truncator(node.text).chars(70)}")
            for node in options.top_nodes
        ]
        self.fields["area"].choices = [("", _("Totes les àrees"))] + [
            (area.number, str(area)) for area in options.areas
        ]


def _balance_filters(request, period_pk):
    """The period, the filter form and the filters it asks for (None when the form has
    errors). A few small queries: the balance itself is built by the page or the
    document task."""
    period = get_object_or_404(ReportingPeriod.objects.select_related("mandate"), pk=period_pk)
    options = filter_options(period.mandate)
    form = BalanceFilterForm(request.GET, options=options)
    if not form.is_valid():
        return period, form, options, None
    filters = {key: value for key, value in form.cleaned_data.items() if value not in ("", None)}
    return period, form, options, filters


@reader_required
def balance_page(request, period_pk):
    period, form, options, filters = _balance_filters(request, period_pk)
    context = {"period": period, "form": form, "balance": None}
    if filters is None:
        return render(request, "commitments/balance.html", context, status=400)
    context["balance"] = build_balance(
        period,
        top_code=filters.get("priority"),
        area_number=filters.get("area"),
        options=options,
    )
    query = f"?{urlencode(filters)}" if filters else ""
    context["pdf_url"] = reverse("commitments:balance_pdf", args=[period.pk]) + query
    return render(request, "commitments/balance.html", context)


@reader_required
def balance_pdf(request, period_pk):
    """The balance as a PDF, made in the background (`commitments.documents`)."""
    period, form, options, filters = _balance_filters(request, period_pk)
    if filters is None:
        raise Http404
    return documents.respond(
        request,
        BALANCE_PDF,
        {"period": period.pk, **filters},
        title=balance_document_title(period, filters, options),
    )
