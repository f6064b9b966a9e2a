"""The PLIS as citizens read it, without signing in: the plan's bodies, each body's
functions and composition, and the bodies in Popolo.

The same builders as the internal pages (`governance.composition`, `governance.popolo`),
asked for their public version: every seat with its counts, per area too, but a
person's name only on an elected post (`governance.models.POLITICAL_ROLES`); staff
and technicians are counted, never named. The internal pages keep every name.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from governance.caching import cached_for_audience
from governance.composition import bodies_with_counts
from governance.documents import composition_context
from governance.models import Body
from governance.popolo import build_popolo
from governance.views.shared import current_plan
from terrassa_plis.exports import json_export


@login_not_required
@require_safe
@cached_for_audience
def public_plan(request):
    plan = current_plan()
    context = {"plan": plan, "bodies": bodies_with_counts(plan, timezone.localdate())}
    return render(request, "publication/public_plis.html", context)


@login_not_required
@require_safe
@cached_for_audience
def public_body(request, slug):
    body = get_object_or_404(Body.objects.select_related("plan"), slug=slug)
    today = timezone.localdate()
    context = composition_context(body, today, today, public=True)
    return render(request, "publication/public_body.html", context)


@login_not_required
@require_safe
def public_popolo(request):
    return json_export("plis-popolo", build_popolo(public=True)).as_response()
