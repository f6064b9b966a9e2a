"""The PLIS pages: the plan and its bodies, a body's composition (page and PDF), the
open-data export, and the forms with which staff seat and unseat members."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.access import (
    governance_manager_required,
    may_manage_governance,
    reader_required,
)
from governance.caching import cached_for_audience
from governance.composition import (
    bodies_with_counts,
    membership_history,
    recent_composition_changes,
)
from governance.documents import BODY_PDF, composition_context
from governance.forms import CompositionDateForm, EndMembershipForm, MembershipForm
from governance.models import Body, Membership, Seat
from governance.operations import add_membership, change_membership, end_membership
from governance.popolo import build_popolo
from governance.views.shared import current_plan
from terrassa_plis import documents, formatting
from terrassa_plis.concurrency import (
    CONFLICT_STATUS,
    UNSEEN,
    EditConflict,
    conflict_message,
    rebased,
)
from terrassa_plis.exports import json_export


@reader_required
def plan_overview(request):
    plan = current_plan()
    return render(
        request,
        "governance/plan.html",
        {"plan": plan, "bodies": bodies_with_counts(plan, timezone.localdate())},
    )


@reader_required
def popolo_export(request):
    return json_export("plis-popolo", build_popolo()).as_response()


def _body_context(request, slug) -> dict:
    """What the page and the PDF share: the body, its functions and its composition on
    the day asked for (today unless `?data=` names a valid one)."""
    body = get_object_or_404(Body.objects.select_related("plan"), slug=slug)
    today = timezone.localdate()
    date_form = CompositionDateForm(request.GET)
    day = today
    if date_form.is_valid() and date_form.cleaned_data["data"] is not None:
        day = date_form.cleaned_data["data"]
    return {
        **composition_context(body, day, today),
        "today": today,
        "date_form": date_form,
        "may_manage": may_manage_governance(request.user),
    }


def _body_page(request, context):
    """The body's page, with the latest changes of its composition (the PDF has none); a
    `?data=` that is no date is a bad request, said next to the field."""
    status = 400 if context["date_form"].errors else 200
    context = {**context, "recent_changes": recent_composition_changes(context["body"])}
    return render(request, "governance/body.html", context, status=status)


@reader_required
@cached_for_audience
def body_detail(request, slug):
    """The same for every reader of the same roles (kept, see `governance.caching`):
    whether it offers the composition's edit links is the roles' to decide."""
    return _body_page(request, _body_context(request, slug))


@reader_required
def body_pdf(request, slug):
    """The composition as a PDF, made in the background (`governance.documents`)."""
    context = _body_context(request, slug)
    if context["date_form"].errors:
        # No PDF of another day than the one asked for: the page says what is wrong.
        return _body_page(request, context)
    body, day = context["body"], context["day"]
    params = {"body": body.slug, "day": day.isoformat(), "today": context["today"].isoformat()}
    title = _("%(body)s: composició a %(day)s") % {"body": body.name, "day": formatting.day(day)}
    return documents.respond(request, BODY_PDF, params, title=title)


def _body_url(body: Body, seat_pk: int | None = None) -> str:
    url = reverse("governance:body", args=[body.slug])
    return f"{url}#placa-{seat_pk}" if seat_pk else url


def _seat_asked_for(request, body: Body) -> Seat | None:
    """The seat of `?seat=<pk>`, one of the body's; 404 for anything else."""
    value = request.GET.get("seat")
    if not value:
        return None
    try:
        pk = int(value)
    except ValueError:  # «abc», but also «²», which str.isdigit() lets through
        raise Http404 from None
    return get_object_or_404(Seat, pk=pk, body=body)


@governance_manager_required
def membership_create(request, slug):
    body = get_object_or_404(Body.objects.select_related("plan"), slug=slug)
    seat = _seat_asked_for(request, body)
    if request.method == "POST":
        form = MembershipForm(request.POST, body=body)
        if form.is_valid():
            try:
                membership = add_membership(form.membership_data(), acting_user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("S'ha afegit %(person)s a «%(body)s».")
                    % {"person": membership.person.name, "body": body.name},
                )
                return redirect(_body_url(body, membership.seat_id))
    else:
        form = MembershipForm(
            initial={"seat": seat.pk if seat else None, "start": timezone.localdate()}, body=body
        )
    return render(
        request,
        "governance/membership_form.html",
        {"body": body, "form": form, "seat": seat, "membership": None, "leaving": False},
    )


@governance_manager_required
def membership_edit(request, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("seat__body__plan", "person"), pk=pk
    )
    body = membership.seat.body
    leaving = bool(request.GET.get("baixa"))
    status = 200
    if leaving:
        form_class = EndMembershipForm
        initial = {"end": timezone.localdate(), "base_version": membership.version}
        form_kwargs = {}
    else:
        form_class, initial = MembershipForm, MembershipForm.initial_from(membership)
        form_kwargs = {"body": body}
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            # A page that carried no version is as stale as an old one.
            base_version = form.cleaned_data["base_version"] or UNSEEN
            try:
                if leaving:
                    end_membership(
                        membership,
                        form.cleaned_data["end"],
                        acting_user=request.user,
                        base_version=base_version,
                    )
                    message = _("%(person)s deixa «%(body)s» el %(date)s.") % {
                        "person": membership.person.name,
                        "body": body.name,
                        "date": formatting.day(membership.end),
                    }
                else:
                    change_membership(
                        membership,
                        form.membership_data(),
                        acting_user=request.user,
                        base_version=base_version,
                    )
                    message = _("S'han desat els canvis de %(person)s a «%(body)s».") % {
                        "person": membership.person.name,
                        "body": body.name,
                    }
            except ValidationError as error:
                form.add_error(None, error)
            except EditConflict as conflict:
                membership = conflict.current
                form = form_class(
                    rebased(request.POST, {"base_version": conflict.version}), **form_kwargs
                )
                form.is_valid()
                what = _("les dades de %(person)s a «%(body)s»") % {
                    "person": membership.person.name,
                    "body": body.name,
                }
                form.add_error(None, conflict_message(conflict.saver, what))
                status = CONFLICT_STATUS
            else:
                messages.success(request, message)
                return redirect(_body_url(body, membership.seat_id))
    else:
        form = form_class(initial=initial, **form_kwargs)
    return render(
        request,
        "governance/membership_form.html",
        {
            "body": body,
            "form": form,
            "seat": membership.seat,
            "membership": membership,
            "leaving": leaving,
            "history": membership_history(membership),
            "conflict": status == CONFLICT_STATUS,
        },
        status=status,
    )
