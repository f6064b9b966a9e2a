"""Template filters shared by every app: registrations of `terrassa_plis.formatting`
(how the city writes numbers, percentages, half-years and people) and rich text."""

from django import template

from terrassa_plis import formatting, richtext

register = template.Library()

register.filter("number", formatting.number)
register.filter("percent", formatting.percent)
register.filter("person", formatting.person_name)
register.filter("shorten", formatting.shorten)
register.filter("semester", formatting.semester)
register.filter("machine_moment", formatting.machine_moment)


@register.filter
def rich_text(value):
    return richtext.render(value or "")
