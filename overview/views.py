"""The area's page: its picture across the Mandate Plan, the charters and the PLIS."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from governance.access import get_area_for_user
from governance.models import Area
from overview.area import build_area_picture


@require_safe
def area_page(request, number):
    area = get_area_for_user(request.user, Area.objects.all(), number=number)
    picture = build_area_picture(area, timezone.localdate())
    return render(request, "overview/area.html", {"picture": picture})
