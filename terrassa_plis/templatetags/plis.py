"""Template filters shared by every app: registrations of `terrassa_plis.formatting`
(how the city writes numbers, percentages, half-years and people), rich text, and the
language of the data."""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html

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


@register.simple_tag
def data_lang():
    """` lang="ca"` for an element holding the council's data (titles, texts,
    observations, names), which is Catalan whatever language the interface speaks;
    nothing on a Catalan page, whose <html lang> already says so."""
    data_language = settings.LANGUAGE_CODE
    if (translation.get_language() or data_language).split("-")[0] == data_language:
        return ""
    return format_html(' lang="{}"', data_language)
