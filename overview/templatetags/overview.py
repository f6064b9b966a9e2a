"""`{% area_name area %}`: an area's name, linked to its page for whoever may open it
(the access guard decides), plain text for everyone else."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from governance.access import may_read_area

register = template.Library()


@register.simple_tag(takes_context=True)
def area_name(context, area, text=None):
    if area is None:
        return "—"
    label = area.name if text is None else text
    user = context.get("user")
    if user is not None and may_read_area(user, area.pk):
        return format_html('<a href="{}">{}</a>', reverse("overview:area", args=[area.number]), label)
    return label
