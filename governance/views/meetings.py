"""The bodies' meetings: the list with the agreements still pending, and one meeting
with its attendance and agreements."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from governance.access import require_reader
from governance.meeting_forms import MeetingFilterForm
from governance.meetings import build_meeting_detail, with_state
from governance.models import Agreement, Body, Meeting


def meeting_list(request):
    require_reader(request.user)
    today = timezone.localdate()
    bodies = list(Body.objects.order_by("plan", "position", "pk"))
    form = MeetingFilterForm(request.GET, bodies=bodies)
    body = form.body()
    context = {
        "form": form,
        "body": body,
        "meetings": list(Meeting.objects.with_counts().of_body(body)),
        "agreements": with_state(Agreement.objects.pending(today).of_body(body), today),
        "today": today,
    }
    return render(request, "governance/meetings.html", context, status=400 if form.errors else 200)


def meeting_detail(request, pk):
    require_reader(request.user)
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    detail = build_meeting_detail(meeting, timezone.localdate())
    return render(request, "governance/meeting.html", {"meeting": meeting, "detail": detail})
