"""The action plan's pages: the plan (page and PDF) with its drafting calendar, and an
action's page. Its two forms post to views of their own: the transversal commission
records its decision (`action_decision`), staff record the implementation of a period
(`action_implementation`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.access import (
    action_decider_required,
    governance_manager_required,
    may_decide_actions,
    may_manage_governance,
    reader_required,
)
from governance.action_history import action_history
from governance.action_plan_forms import ActionFilterForm, DecisionForm, ImplementationForm
from governance.action_plan_operations import (
    current_period,
    decide_action,
    record_implementation,
)
from governance.caching import cached_for_audience
from governance.documents import ACTION_PLAN_PDF, action_plan_context
from governance.models import ActionDecision, Area, PlanAction
from governance.views.shared import current_plan
from terrassa_plis import documents, formatting
from terrassa_plis.concurrency import (
    CONFLICT_STATUS,
    UNSEEN,
    EditConflict,
    conflict_message,
    rebased,
)
from terrassa_plis.related import related_items

# The plan


def _action_plan_context(request) -> dict:
    return action_plan_context(current_plan(), request.GET, timezone.localdate())


def _action_plan_page(request, context):
    """The action plan's page; an unknown filter value or axis is a bad request, said
    next to its field."""
    status = 400 if context["form"].errors or context["axis_form"].errors else 200
    return render(request, "governance/actions.html", context, status=status)


@reader_required
@cached_for_audience
def action_plan(request):
    """The same for every reader (kept, see `governance.caching`): each action's page is
    open to all of them."""
    return _action_plan_page(request, _action_plan_context(request))


@reader_required
def action_plan_pdf(request):
    """The action plan as a PDF, made in the background (`governance.documents`)."""
    plan = current_plan()
    form = ActionFilterForm(request.GET, areas=list(Area.objects.order_by("number")))
    if not form.is_valid():
        # No PDF of other actions than the ones asked for: the page says what is wrong.
        return _action_plan_page(request, _action_plan_context(request))
    today = timezone.localdate()
    filters = {name: value for name, value in form.cleaned_data.items() if value}
    params = {"plan": plan.pk, "filters": filters, "today": today.isoformat()}
    title = _("%(plan)s · Pla d'acció a %(day)s") % {
        "plan": plan.name,
        "day": formatting.day(today),
    }
    return documents.respond(request, ACTION_PLAN_PDF, params, title=title)


# An action


def _action(pk: int) -> PlanAction:
    return get_object_or_404(PlanAction.objects.with_plan_and_areas(), pk=pk)


def _action_page(
    request,
    action: PlanAction,
    *,
    today,
    decision_form=None,
    implementation_form=None,
    status=200,
):
    """The action's page with the forms this user may fill in: the one given (bound, with
    its errors, when a post was refused) and a blank one for the other. Which forms the
    page offers is what it shows, not a guard: each POST view declares its own."""
    if decision_form is None and may_decide_actions(request.user, today=today):
        initial = {
            "decided_on": today,
            "reason": action.decision_reason,
            "base_version": action.version,
        }
        if action.decision != ActionDecision.PROPOSED:
            initial["decision"] = action.decision
        decision_form = DecisionForm(initial=initial, plan=action.plan, today=today)
    may_record = may_manage_governance(request.user)
    implementation = list(action.implementation.in_period_order())
    # Only a validated action is carried out, so only it takes implementation entries.
    if implementation_form is None and may_record and action.decision == ActionDecision.VALIDATED:
        implementation_form = ImplementationForm(
            initial={
                "period": current_period(today),
                "seen_versions": ImplementationForm.versions_of(implementation),
            },
            action=action,
            today=today,
        )
    return render(
        request,
        "governance/action.html",
        {
            "action": action,
            "areas": list(action.areas.all()),
            "implementation": implementation,
            "latest": implementation[-1] if implementation else None,
            "decision_form": decision_form,
            "implementation_form": implementation_form,
            "may_record": may_record,
            "history": action_history(action),
            # The plan's commitments this action serves, from whichever app keeps relations.
            "served": related_items("governance.PlanAction", [action.pk]).get(action.pk, []),
            # The refusal's message says what happened and what to do: no «correct the
            # marked fields» above it.
            "conflict": status == CONFLICT_STATUS,
        },
        status=status,
    )


def _conflicted(form_class, request, conflict: EditConflict, versions: dict, what: str, **kwargs):
    """The form again with every typed character, the versions just shown (so the next
    save overwrites them on purpose) and the message of who saved what and when."""
    form = form_class(rebased(request.POST, versions), **kwargs)
    form.is_valid()
    form.add_error(None, conflict_message(conflict.saver, what))
    return form


def _decision_words(action: PlanAction) -> str:
    if action.decided_on is None:
        return _("la decisió «%(decision)s»") % {"decision": action.get_decision_display()}
    return _("la decisió «%(decision)s» amb data %(date)s") % {
        "decision": action.get_decision_display(),
        "date": formatting.day(action.decided_on),
    }


@reader_required
def action_detail(request, pk):
    if request.method == "POST":
        # Each form of the page posts to its own view: a post here is no form of ours.
        # Only a hand-made request gets here: a short answer, as plain text.
        return HttpResponseBadRequest(
            _("Formulari desconegut."), content_type="text/plain; charset=utf-8"
        )
    return _action_page(request, _action(pk), today=timezone.localdate())


@action_decider_required
@require_POST
def action_decision(request, pk):
    """The transversal commission's decision on an action: validated or rejected."""
    action = _action(pk)
    today = timezone.localdate()
    form = DecisionForm(request.POST, plan=action.plan, today=today)
    if form.is_valid():
        data = form.cleaned_data
        try:
            action = decide_action(
                action,
                data["decision"],
                on=data["decided_on"],
                reason=data["reason"],
                acting_user=request.user,
                today=today,
                # A page that carried no version is as stale as an old one.
                base_version=data["base_version"] or UNSEEN,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except EditConflict as conflict:
            action = _action(pk)
            form = _conflicted(
                DecisionForm,
                request,
                conflict,
                {"base_version": conflict.version},
                _decision_words(action),
                plan=action.plan,
                today=today,
            )
            return _action_page(
                request, action, today=today, decision_form=form, status=CONFLICT_STATUS
            )
        else:
            messages.success(
                request,
                _("S'ha desat la decisió sobre l'acció %(code)s: %(decision)s el %(date)s.")
                % {
                    "code": action.code,
                    "decision": action.get_decision_display(),
                    "date": formatting.day(action.decided_on),
                },
            )
            return redirect("governance:action", pk=action.pk)
    return _action_page(request, action, today=today, decision_form=form)


@governance_manager_required
@require_POST
def action_implementation(request, pk):
    """How far a validated action is implemented in a period (a new one, or one again)."""
    action = _action(pk)
    today = timezone.localdate()
    form = ImplementationForm(request.POST, action=action, today=today)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry, created = record_implementation(
                action,
                data["period"],
                data["degree"],
                data["observations"],
                acting_user=request.user,
                today=today,
                base_version=form.base_version(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        except EditConflict as conflict:
            action = _action(pk)
            entries = list(action.implementation.in_period_order())
            current = conflict.current
            what = (
                _("la implementació de %(period)s: %(degree)s")
                % {
                    "period": formatting.semester(current.period),
                    "degree": formatting.percent(current.degree),
                }
                if current is not None
                else _("la implementació d'aquest període")
            )
            form = _conflicted(
                ImplementationForm,
                request,
                conflict,
                {"seen_versions": ImplementationForm.versions_of(entries)},
                what,
                action=action,
                today=today,
            )
            return _action_page(
                request, action, today=today, implementation_form=form, status=CONFLICT_STATUS
            )
        else:
            message = (
                _("S'ha afegit la implementació de %(period)s: %(degree)s.")
                if created
                else _("S'ha actualitzat la implementació de %(period)s: %(degree)s.")
            )
            degree = formatting.percent(entry.degree)
            messages.success(
                request, message % {"period": formatting.semester(entry.period), "degree": degree}
            )
            return redirect("governance:action", pk=action.pk)
    return _action_page(request, action, today=today, implementation_form=form)
