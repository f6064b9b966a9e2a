"""The balance (*Balanç*) of a period: one context, rendered as a page or as a PDF."""

from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from commitments.balance import FilterOptions, build_balance, filter_options
from commitments.models import ReportingPeriod
from governance.access import reader_required
from terrassa_plis.exports import Export
from terrassa_plis.pdf import PDF_CONTENT_TYPE, render_pdf


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


def _balance_context(request, period_pk):
    """The context both renderings share; its `balance` is None when the filters have
    errors (the form holds them). The views check access before calling it."""
    period = get_object_or_404(ReportingPeriod.objects.select_related("mandate"), pk=period_pk)
    options = filter_options(period.mandate)
    form = BalanceFilterForm(request.GET, options=options)
    context = {"period": period, "form": form, "balance": None}
    if not form.is_valid():
        return context
    filters = {key: value for key, value in form.cleaned_data.items() if value not in ("", None)}
    context["balance"] = build_balance(
        period,
        top_code=filters.get("priority"),
        area_number=filters.get("area"),
        options=options,
    )
    query = f"?{urlencode(filters)}" if filters else ""
    context["pdf_url"] = reverse("commitments:balance_pdf", args=[period.pk]) + query
    return context


@reader_required
def balance_page(request, period_pk):
    context = _balance_context(request, period_pk)
    status = 200 if context["balance"] else 400
    return render(request, "commitments/balance.html", context, status=status)


@reader_required
def balance_pdf(request, period_pk):
    context = _balance_context(request, period_pk)
    if context["balance"] is None:
        raise Http404
    content = render_pdf("commitments/balance_pdf.html", context, request=request)
    return Export(context["balance"].pdf_filename, PDF_CONTENT_TYPE, content).as_response()
