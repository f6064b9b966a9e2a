"""The bodies' meetings: the list with the agreements still pending, and one meeting
with its attendance and agreements."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from governance.access import reader_required
from governance.meeting_forms import MeetingFilterForm
from governance.meetings import build_meeting_detail, with_state
from governance.models import Agreement, Body, Meeting


@reader_required
def meeting_list(request):
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


@reader_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    detail = build_meeting_detail(meeting, timezone.localdate())
    return render(request, "governance/meeting.html", {"meeting": meeting, "detail": detail})
