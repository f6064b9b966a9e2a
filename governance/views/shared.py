"""What the PLIS views share."""

from django.http import Http404

from governance.models import Plan


def current_plan() -> Plan:
    """The plan the pages follow (`Plan.objects.current()`); 404 while none is recorded."""
    plan = Plan.objects.current()
    if plan is None:
        raise Http404
    return plan
