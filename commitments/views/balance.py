"""The balance (*Balanç*) of a period: one context, rendered as a page or as a PDF, and
the chooser that leads to it (mandate → semester, priority or objective, area)."""

from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from commitments.balance import FilterOptions, build_balance, filter_options
from commitments.documents import BALANCE_PDF, balance_document_title
from commitments.models import ReportingPeriod
from commitments.plan_choices import PlanChoices, plan_choices
from governance.access import reader_required
from terrassa_plis import documents


class BalanceChooserForm(forms.Form):
    """Which balance: the mandate and its semester, then a priority (objective…) and an
    area. The period's choices are the mandate's: a GET form cannot change them as the
    mandate changes, so the chooser (`balance_choose`) takes a period of another mandate
    than the one sent as the mandate's default period."""

    mandate = forms.TypedChoiceField(
        label=_("Mandat"), required=False, coerce=int, empty_value=None
    )
    period = forms.TypedChoiceField(
        label=_("Semestre"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data, *, choices: PlanChoices, mandate=None):
        super().__init__(data)
        self.fields["mandate"].choices = [(item.pk, item.name) for item in choices.mandates]
        periods = choices.periods_of(mandate) if mandate is not None else choices.periods
        self.fields["period"].choices = [(item.pk, item.label) for item in periods]


class BalanceFilterForm(BalanceChooserForm):
    """The chooser with the GET filters of one mandate's balance; an unknown value is a
    form error, not a crash."""

    priority = forms.ChoiceField(label=_("Prioritat"), required=False)
    area = forms.TypedChoiceField(
        label=_("Àrea responsable"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data, *, options: FilterOptions, period, choices: PlanChoices | None):
        """Without `choices` (the PDF, which needs only the filters) the form has no
        mandate and period fields. The page shows one top-level node, the first unless
        another is asked for: the whole plan is too long for a page (over a megabyte at
        city scale) and stays a document, the PDF without a priority."""
        # The mandate and period shown are the URL's, whatever the query says.
        data = data.copy()
        data["mandate"], data["period"] = str(period.mandate_id), str(period.pk)
        whole_plan = choices is None
        first = options.first_top_node()
        if not whole_plan and not data.get("priority") and first is not None:
            data["priority"] = first.code
        super().__init__(data, choices=choices or PlanChoices([], [], []), mandate=period.mandate)
        if choices is None:
            del self.fields["mandate"], self.fields["period"]
        priority = self.fields["priority"]
        if options.top_nodes:
            priority.label = options.top_nodes[0].level.name
        priority.choices = [("", _("Tot el pla"))] if whole_plan else []
        priority.choices += [
            (node.code, f"{node.code}. {Truncator(node.text).chars(70)}")
            for node in options.top_nodes
        ]
        self.fields["area"].choices = [("", _("Totes les àrees"))] + [
            (area.number, str(area)) for area in options.areas
        ]

    def filters(self) -> dict:
        """The priority and area asked for, as the balance's query string and the PDF's
        parameters; only after `is_valid()`."""
        return {
            key: self.cleaned_data[key]
            for key in ("priority", "area")
            if self.cleaned_data.get(key) not in ("", None)
        }


def _balance_filters(request, period_pk, *, with_choices=False):
    """The period, the filter form, the filter options and the filters it asks for (None
    when the form has errors). A few small queries: the balance itself is built by the
    page or the document task. The page's form offers every mandate and period
    (`with_choices`, 3 queries); the PDF needs only the filters."""
    period = get_object_or_404(ReportingPeriod.objects.select_related("mandate"), pk=period_pk)
    options = filter_options(period.mandate)
    choices = plan_choices() if with_choices else None
    form = BalanceFilterForm(request.GET, options=options, period=period, choices=choices)
    if not form.is_valid():
        return period, form, options, None
    return period, form, options, form.filters()


def balance_url(period_pk: int, filters: dict, *, name: str = "commitments:balance") -> str:
    query = f"?{urlencode(filters)}" if filters else ""
    return reverse(name, args=[period_pk]) + query


@reader_required
def balance_choose(request):
    """The navigation's way in: the chosen mandate's semester (by default the latest
    semester with entries), with the priority and area asked for. A priority is a code
    of the mandate it was chosen in, so it is kept only while the mandate stays."""
    choices = plan_choices()
    form = BalanceChooserForm(request.GET, choices=choices)
    cleaned = form.cleaned_data if form.is_valid() else {}
    mandate = choices.mandate(cleaned["mandate"]) if cleaned.get("mandate") else None
    period = choices.period(cleaned["period"]) if cleaned.get("period") else None
    same_mandate = period is not None and (mandate is None or period.mandate_id == mandate.pk)
    if not same_mandate:
        period = choices.default_period(mandate)
    if period is None:
        return render(request, "commitments/balance.html", {"form": None, "balance": None})
    filters = {}
    if same_mandate and request.GET.get("priority"):
        filters["priority"] = request.GET["priority"]
    if request.GET.get("area"):
        filters["area"] = request.GET["area"]
    return redirect(balance_url(period.pk, filters))


@reader_required
def balance_page(request, period_pk):
    period, form, options, filters = _balance_filters(request, period_pk, with_choices=True)
    context = {"period": period, "form": form, "balance": None}
    if filters is None:
        return render(request, "commitments/balance.html", context, status=400)
    context["balance"] = build_balance(
        period,
        top_code=filters.get("priority"),
        area_number=filters.get("area"),
        options=options,
    )
    context["pdf_url"] = balance_url(period.pk, filters, name="commitments:balance_pdf")
    whole_plan = {key: value for key, value in filters.items() if key != "priority"}
    context["whole_plan_pdf_url"] = balance_url(
        period.pk, whole_plan, name="commitments:balance_pdf"
    )
    # The balance's data: the list's export of the same semester (and area), one row per
    # commitment with its status, progress and figures.
    data_query = {"mandate": period.mandate_id, "period": period.pk}
    if filters.get("area") is not None:
        data_query["area"] = options.area(filters["area"]).pk
    context["data_query"] = urlencode(data_query)
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
