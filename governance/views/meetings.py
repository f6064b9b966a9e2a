"""The bodies' meetings: the list with the agreements still pending, and one meeting
with its attendance and agreements."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from governance.access import reader_required
from governance.meeting_forms import MeetingFilterForm
from governance.meetings import build_meeting_detail, with_state
from governance.models import Agreement, Body, Meeting
from terrassa_plis.tables import ForgivingPaginator, page_nav

# The query-string fields of each list's page number.
MEETINGS_PAGE = "reunions"
AGREEMENTS_PAGE = "acords"
# Rows a page of each list. A body meets about once a month, so a page of meetings is
# the better part of a year's. The agreements still to do head the page: a short list,
# so that the meetings stay in view below it (on a phone too), paged on after ten.
MEETINGS_PER_PAGE = 20
AGREEMENTS_PER_PAGE = 10


@reader_required
def meeting_list(request):
    today = timezone.localdate()
    bodies = list(Body.objects.order_by("plan", "position", "pk"))
    form = MeetingFilterForm(request.GET, bodies=bodies)
    body = form.body()
    # Both lists grow with the years: a page of each, its own number in the query string.
    meetings = ForgivingPaginator(Meeting.objects.with_counts().of_body(body), MEETINGS_PER_PAGE)
    agreements = ForgivingPaginator(
        Agreement.objects.pending(today).of_body(body), AGREEMENTS_PER_PAGE
    )
    meetings_page = meetings.get_page(request.GET.get(MEETINGS_PAGE))
    agreements_page = agreements.get_page(request.GET.get(AGREEMENTS_PAGE))
    context = {
        "form": form,
        "body": body,
        "meetings": meetings_page,
        "meetings_pages": page_nav(request, meetings_page, MEETINGS_PAGE),
        "agreements": with_state(agreements_page.object_list, today),
        "agreements_pages": page_nav(request, agreements_page, AGREEMENTS_PAGE),
        "today": today,
    }
    return render(request, "governance/meetings.html", context, status=400 if form.errors else 200)


@reader_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    detail = build_meeting_detail(meeting, timezone.localdate())
    return render(request, "governance/meeting.html", {"meeting": meeting, "detail": detail})
