from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_tasks_db.models import DBTaskResult

from terrassa_plis import documents
from terrassa_plis.models import DocumentStatus


@login_not_required
@never_cache
@require_GET
def health(request):
    """For the load balancer, over plain HTTP too (SECURE_REDIRECT_EXEMPT): «ok» when the
    database answers and no background task has waited too long; otherwise 503 and why."""
    problem = _health_problem()
    if problem:
        return HttpResponse(problem, status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def _health_problem() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        oldest = (
            DBTaskResult.objects.ready()
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
    except DatabaseError as error:
        return f"database unreachable: {type(error).__name__}"
    limit = settings.HEALTH_MAX_QUEUE_AGE
    if oldest is not None and limit:
        waited = (timezone.now() - oldest).total_seconds()
        if waited > limit:
            return (
                f"task queue stalled: the oldest waiting task has waited {waited:.0f} s "
                f"(limit {limit} s); is a db_worker running?"
            )
    return None


@never_cache
@require_GET
def document(request, pk):
    """A document made in the background: the file once it is ready, until then a page
    that says what is being prepared and how far it got (or why it failed)."""
    document = documents.get_document_for_user(request.user, pk)
    if document.status == DocumentStatus.READY:
        return documents.serve(document)
    context = {"document": document, "may_retry": documents.may_retry(document)}
    return render(request, "documents/progress.html", context)


@never_cache
@require_GET
def document_progress(request, pk):
    """The same, as JSON, for the page's script to follow without reloading."""
    document = documents.get_document_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": document.status,
            "steps_done": document.steps_done,
            "steps_total": document.steps_total,
            "text": document.progress_text,
            "url": document.get_absolute_url(),
        }
    )


@require_POST
def document_retry(request, pk):
    document = documents.get_document_for_user(request.user, pk)
    if not documents.retry(document):
        messages.info(request, _("Aquest document ja s'està preparant o ja és a punt."))
    return redirect(document)
