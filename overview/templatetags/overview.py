"""Links to an area's page where areas are named, only for whoever may open it (the
access guard decides): `{% area_name area %}` (the name, linked or plain) and
`{% area_picture_link area %}` («Visió de l'àrea», or nothing)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from governance.access import may_read_area

register = template.Library()


@register.simple_tag(takes_context=True)
def area_name(context, area):
    if area is None:
        return "—"
    user = context.get("user")
    if user is not None and may_read_area(user, area.pk):
        return format_html(
            '<a href="{}">{}</a>', reverse("overview:area", args=[area.number]), area.name
        )
    return area.name


@register.simple_tag(takes_context=True)
def area_picture_link(context, area):
    """«Visió de l'àrea», linked to the area's page, or nothing for whoever may not open it."""
    user = context.get("user")
    if area is None or user is None or not may_read_area(user, area.pk):
        return ""
    return format_html(
        '<a href="{}">{}<span class="visually-hidden"> {}</span></a>',
        reverse("overview:area", args=[area.number]),
        gettext("Visió de l'àrea"),
        area,
    )
