"""The directors' dashboards: the Mandate Plan, the service charters and the PLIS.

Directors, publication staff and administrators read them; the access guard
decides. Each view reads its GET filters through a form (an unknown value is a
form error and a 400 page, not a crash), calls one of the builders beside each domain
(`commitments.dashboard`, `service_charters.dashboard`, `governance.dashboard`) and
renders it.
"""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments import dashboard as plan_dashboards
from commitments.plan_choices import PlanChoices, plan_choices
from governance import dashboard as plis_dashboards
from governance.access import steering_required
from governance.caching import cached_for_audience
from service_charters import dashboard as charters_dashboards

# The Mandate Plan


class PlanDashboardForm(forms.Form):
    """Mandate, period and area. A period of another mandate than the one asked for
    (the mandate was changed and the form sent again) gives way to the mandate's
    default period."""

    mandate = forms.TypedChoiceField(
        label=_("Mandat"), required=False, coerce=int, empty_value=None
    )
    period = forms.TypedChoiceField(
        label=_("Període"), required=False, coerce=int, empty_value=None
    )
    area = forms.TypedChoiceField(
        label=_("Àrea responsable"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data=None, *, choices: PlanChoices, mandate=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["mandate"].choices = [(item.pk, item.name) for item in choices.mandates]
        periods = choices.periods_of(mandate) if mandate is not None else choices.periods
        self.fields["period"].choices = [(item.pk, item.label) for item in periods]
        self.fields["area"].choices = [("", _("Totes les àrees"))] + [
            (item.number, str(item)) for item in choices.areas
        ]


def _plan_filters(cleaned, choices: PlanChoices):
    """The mandate, period and area the cleaned filters ask for, with the defaults."""
    mandate = choices.mandate(cleaned["mandate"]) if cleaned.get("mandate") else None
    period = choices.period(cleaned["period"]) if cleaned.get("period") else None
    if period is not None and mandate is not None and period.mandate_id != mandate.pk:
        period = None
    if period is None:
        period = choices.default_period(mandate)
    area = choices.area(cleaned["area"]) if cleaned.get("area") is not None else None
    return period, area


@steering_required
@cached_for_audience
def plan_dashboard(request):
    choices = plan_choices()
    form = PlanDashboardForm(request.GET, choices=choices)
    context = {"dashboard_section": "plan", "form": form, "dashboard": None}
    if not form.is_valid():
        return render(request, "publication/dashboard_plan.html", context, status=400)
    period, area = _plan_filters(form.cleaned_data, choices)
    if period is None:
        return render(request, "publication/dashboard_plan.html", context)
    # The form as it stands now: the periods of the mandate shown, the defaults filled in.
    context["form"] = PlanDashboardForm(
        {
            "mandate": period.mandate_id,
            "period": period.pk,
            "area": area.number if area else "",
        },
        choices=choices,
        mandate=period.mandate,
    )
    context["dashboard"] = plan_dashboards.build_plan_dashboard(
        period, areas=choices.areas, area=area, previous=period.previous()
    )
    return render(request, "publication/dashboard_plan.html", context)


# The service charters


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Any"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, years: list[int]):
        super().__init__(data)
        self.fields["year"].choices = [(year, str(year)) for year in years]


@steering_required
@cached_for_audience
def charters_dashboard(request):
    form_years = charters_dashboards.available_years()
    form = YearForm(request.GET, years=form_years)
    context = {"dashboard_section": "charters", "form": form, "dashboard": None}
    if not form.is_valid():
        return render(request, "publication/dashboard_charters.html", context, status=400)
    context["dashboard"] = charters_dashboards.build_charters_dashboard(
        form.cleaned_data["year"], years=form_years
    )
    return render(request, "publication/dashboard_charters.html", context)


# The PLIS


@steering_required
@cached_for_audience
def plis_dashboard(request):
    context = {
        "dashboard_section": "plis",
        "dashboard": plis_dashboards.build_plis_dashboard(timezone.localdate()),
    }
    return render(request, "publication/dashboard_plis.html", context)
