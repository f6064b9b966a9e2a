"""The PLIS documents made in the background (`terrassa_plis.documents`): a body's
composition on a day, and the action plan."""

from datetime import date
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _

from governance.access import may_read_internal
from governance.action_plan import axis_choices, build_action_plan
from governance.action_plan_forms import ActionFilterForm, AxisForm
from governance.composition import build_composition
from governance.models import Area, Body, Plan
from terrassa_plis.documents import document_kind
from terrassa_plis.exports import Export
from terrassa_plis.pdf import PDF_CONTENT_TYPE, render_pdf

BODY_PDF = "governance.body_pdf"
ACTION_PLAN_PDF = "governance.action_plan_pdf"


def composition_context(body: Body, day: date, today: date, *, public: bool = False) -> dict:
    """What the body's page and its PDF share: the body, its functions and its
    composition on `day` (`public`: as citizens read it, see `build_composition`)."""
    return {
        "body": body,
        "functions": list(body.functions.order_by("position", "pk")),
        "composition": build_composition(body, day, public=public),
        "day": day,
        "is_today": day == today,
    }


def action_plan_context(plan: Plan, query: QueryDict, today: date, *, whole: bool = False) -> dict:
    """What the action plan's page and its PDF share: the actions (filtered by `query`,
    `?decisio=…&area=…`) grouped by axis and line, their counts, and the calendar. The
    page shows one axis (`?eix=3`, the first one by default) and a chooser of them; the
    PDF (`whole`) every axis."""
    form = ActionFilterForm(query, areas=list(Area.objects.order_by("number")))
    filters = form.filters()
    axis_form = None
    if whole:
        action_plan = build_action_plan(plan, today, **filters)
    else:
        choices = axis_choices(plan, **filters)
        axis_form = AxisForm(query, choices=choices)
        action_plan = build_action_plan(
            plan, today, **filters, axis=axis_form.axis(), choices=choices
        )
    return {
        "plan": plan,
        "form": form,
        "axis_form": axis_form,
        "is_filtered": any(filters.values()),
        "filter_summary": form.summary(),
        "action_plan": action_plan,
        "today": today,
        # The filters alone, as the PDF's link and the chooser's links carry them on.
        "query": urlencode([(name, query[name]) for name in ("decisio", "area") if query.get(name)])
        if form.is_valid()
        else "",
    }


@document_kind(BODY_PDF, may_read=may_read_internal, steps=2)
def body_pdf(params: dict, progress) -> Export:
    progress.step(_("S'està reunint la composició"))
    body = Body.objects.select_related("plan").get(slug=params["body"])
    day, today = date.fromisoformat(params["day"]), date.fromisoformat(params["today"])
    context = composition_context(body, day, today)
    progress.step(_("S'estan compaginant les pàgines"))
    content = render_pdf("governance/body_pdf.html", context)
    return Export(f"{body.slug}-{day:%Y-%m-%d}.pdf", PDF_CONTENT_TYPE, content)


@document_kind(ACTION_PLAN_PDF, may_read=may_read_internal, steps=2)
def action_plan_pdf(params: dict, progress) -> Export:
    progress.step(_("S'estan reunint les accions"))
    plan = Plan.objects.get(pk=params["plan"])
    query = QueryDict(mutable=True)
    query.update(params["filters"])
    today = date.fromisoformat(params["today"])
    context = action_plan_context(plan, query, today, whole=True)
    progress.step(_("S'estan compaginant les pàgines"))
    content = render_pdf("governance/actions_pdf.html", context)
    filename = f"pla-accio-{plan.short_name.lower() or 'pla'}-{today:%Y-%m-%d}.pdf"
    return Export(filename, PDF_CONTENT_TYPE, content)
