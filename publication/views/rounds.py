"""Reporting rounds: the list (where staff open one) and a round's page, with each area's
or service's completion, the review and publish actions, and the published versions.

Directors, publication staff and administrators read these pages; only staff and
administrators (the access guard's publishers) open, review and publish. Each action
posts to a view of its own; a form with errors comes back on the page it was sent from,
with status 400.

Publishing answers at once: the click records a publication and a task does it
(`request_publication`). The round's page says «S'està publicant…» while it runs (and
reloads itself), lists the new version once done, or says why it failed, with the
publish form ready to try again.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from governance.access import may_publish, publisher_required, steering_required
from publication.forms import OpenRoundForm, PublishForm
from publication.models import JobStatus, RoundStatus
from publication.operations import (
    PublicationUnderWay,
    move_to_review,
    open_round,
    request_publication,
)
from publication.public import FROZEN_CONTENT
from publication.rounds import (
    MISSING_SHOWN,
    build_completion,
    preview_links,
    round_history,
    round_summaries,
    rounds_with_subjects,
)
from terrassa_plis import formatting

INVALID = 400


def _put_errors(form, error: ValidationError) -> None:
    """An operation's refusal, shown on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error)


# The list of rounds


def _render_rounds(request, open_form: OpenRoundForm | None, *, status: int = 200):
    """The list of rounds, with the form that opens one when the user may (else None)."""
    rounds = list(rounds_with_subjects())
    summaries = round_summaries(rounds)
    context = {
        "rows": [(item, summaries[item.pk]) for item in rounds],
        "form": open_form,
        "may_open": open_form is not None,
        "today": timezone.localdate(),
    }
    return render(request, "publication/rounds.html", context, status=status)


@steering_required
@require_safe
def round_list(request):
    open_form = OpenRoundForm(initial={"reminder_days": 7}) if may_publish(request.user) else None
    return _render_rounds(request, open_form)


@publisher_required
@require_POST
def round_open(request):
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
    return _render_rounds(request, form, status=INVALID)


# One round


def _render_round(request, round, publish_form: PublishForm | None, *, status: int = 200):
    """The round's page, with the publish form when the user may act (else None), and
    how the latest publication asked for goes when it is under way or failed."""
    # The frozen documents grow with the plan and the page shows none of them.
    versions = list(
        round.versions.select_related("published_by").defer(*FROZEN_CONTENT).order_by("-number")
    )
    may_act = publish_form is not None
    publication = round.last_publication
    if publication is not None and publication.status == JobStatus.DONE:
        publication = None  # The version list shows it.
    completion = build_completion(round, shown=MISSING_SHOWN)
    context = {
        "round": round,
        "completion": completion,
        "missing": completion.missing_for(request.user),
        "preview": preview_links(round),
        "versions": versions,
        "may_act": may_act,
        "may_review": may_act and round.status == RoundStatus.OPEN,
        "publish_form": publish_form,
        "publishes_again": bool(versions),
        "publication": publication,
        "history": round_history(round),
    }
    return render(request, "publication/round.html", context, status=status)


@steering_required
def round_detail(request, pk):
    round = get_object_or_404(
        rounds_with_subjects().select_related("last_publication__requested_by"), pk=pk
    )
    if request.method == "POST":
        # The page has no form of its own: review and publish post to their own URLs.
        # Only a hand-made request gets here: a short answer, as plain text.
        return HttpResponseBadRequest(
            _("Formulari desconegut."), content_type="text/plain; charset=utf-8"
        )
    publish_form = None
    if may_publish(request.user):
        failed = round.last_publication
        # After a failure the form comes back with the note that was sent, to try again.
        keep = failed is not None and failed.status == JobStatus.FAILED
        publish_form = PublishForm(initial={"note": failed.note} if keep else None)
    return _render_round(request, round, publish_form)


@publisher_required
@require_POST
def round_review(request, pk):
    round = get_object_or_404(rounds_with_subjects(), pk=pk)
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


@publisher_required
@require_POST
def round_publish(request, pk):
    round = get_object_or_404(rounds_with_subjects(), pk=pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            job = request_publication(
                round, note=form.cleaned_data["note"], acting_user=request.user
            )
        except PublicationUnderWay as refusal:
            messages.error(request, _under_way(refusal.job))
            return redirect("publication:round", pk=round.pk)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            if job.status == JobStatus.DONE:  # A backend that runs the task at once.
                messages.success(
                    request,
                    _("S'ha publicat la versió %(number)s de «%(title)s».")
                    % {"number": job.version.number, "title": job.version.title},
                )
            return redirect("publication:round", pk=round.pk)
    return _render_round(request, round, form, status=INVALID)


def _under_way(job) -> str:
    """Why a second click publishes nothing, and who asked for the publication under way."""
    text = _(
        "No s'ha demanat cap publicació nova: ja se n'està fent una d'aquesta ronda. "
        "Espereu que acabi; la versió nova apareixerà en aquesta pàgina."
    )
    if job is None:
        return text
    asked = _("La va demanar %(person)s el %(moment)s.") % {
        "person": formatting.person_name(job.requested_by) or _("algú"),
        "moment": formatting.moment(job.requested_at),
    }
    return f"{text} {asked}"
