"""Template filters shared by every app: Catalan number formats and rich text."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from terrassa_plis import richtext

register = template.Library()

NBSP = "\u00a0"


@register.filter
def percent(value, decimals=0):
    """75 → «75 %» (Catalan writes a space before the sign); None → «—»."""
    if value is None or value == "":
        return "—"
    return f"{number_format(Decimal(value), int(decimals))}{NBSP}%"


@register.filter
def number(value, decimals=None):
    """1234.5 → «1.234,5»; whole numbers lose their decimals."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if decimals is None:
        whole = value == value.to_integral_value()
        decimals = 0 if whole else max(0, -value.normalize().as_tuple().exponent)
    return number_format(value, int(decimals), force_grouping=True)


@register.filter
def rich_text(value):
    return richtext.render(value or "")
