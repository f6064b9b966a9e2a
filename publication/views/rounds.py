"""Reporting rounds: the list (where staff open one) and a round's page, with each area's
or service's completion, the review and publish actions, and the published versions.

Directors, publication staff and administrators read these pages; only staff and
administrators (the access guard's publishers) open, review and publish.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.access import may_publish, require_publisher, require_steering
from publication.forms import OpenRoundForm, PublishForm
from publication.models import RoundStatus
from publication.operations import move_to_review, open_round, publish_round
from publication.rounds import build_completion, round_summaries, rounds_with_subjects
from terrassa_plis import formatting

REVIEW = "review"
PUBLISH = "publish"


def _put_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error)


def round_list(request):
    require_steering(request.user)
    may_open = may_publish(request.user)
    form = None
    status = 200
    if request.method == "POST":
        require_publisher(request.user)
        form = OpenRoundForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                round = open_round(
                    data["kind"],
                    period=data["period"],
                    year=data["year"],
                    deadline=data["deadline"],
                    reminder_days=data["reminder_days"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(
                    request,
                    _("S'ha obert la ronda «%(round)s», amb termini el %(deadline)s.")
                    % {"round": round, "deadline": formatting.day(round.deadline)},
                )
                return redirect("publication:round", pk=round.pk)
        status = 400
    elif may_open:
        form = OpenRoundForm(initial={"reminder_days": 7})
    rounds = list(rounds_with_subjects())
    summaries = round_summaries(rounds)
    context = {
        "rows": [(item, summaries[item.pk]) for item in rounds],
        "form": form,
        "may_open": may_open,
        "today": timezone.localdate(),
    }
    return render(request, "publication/rounds.html", context, status=status)


def round_detail(request, pk):
    require_steering(request.user)
    round = get_object_or_404(rounds_with_subjects(), pk=pk)
    may_act = may_publish(request.user)
    publish_form = PublishForm() if may_act else None
    status = 200

    if request.method == "POST":
        require_publisher(request.user)
        intent = request.POST.get("intent")
        if intent == REVIEW:
            try:
                move_to_review(round, acting_user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("La ronda «%(round)s» ha passat a revisió.") % {"round": round},
                )
            return redirect("publication:round", pk=round.pk)
        if intent != PUBLISH:
            return HttpResponseBadRequest(_("Formulari desconegut."))
        publish_form = PublishForm(request.POST)
        if publish_form.is_valid():
            try:
                version = publish_round(
                    round,
                    note=publish_form.cleaned_data["note"],
                    acting_user=request.user,
                    request=request,
                )
            except ValidationError as error:
                _put_errors(publish_form, error)
            else:
                messages.success(
                    request,
                    _("S'ha publicat la versió %(number)s de «%(title)s».")
                    % {"number": version.number, "title": version.title},
                )
                return redirect("publication:round", pk=round.pk)
        status = 400

    versions = list(round.versions.select_related("published_by").order_by("-number"))
    context = {
        "round": round,
        "completion": build_completion(round),
        "versions": versions,
        "may_act": may_act,
        "may_review": may_act and round.status == RoundStatus.OPEN,
        "publish_form": publish_form,
        "publishes_again": bool(versions),
        "REVIEW": REVIEW,
        "PUBLISH": PUBLISH,
    }
    return render(request, "publication/round.html", context, status=status)
