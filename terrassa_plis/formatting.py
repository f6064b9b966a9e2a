"""How the city writes numbers, percentages, shares, dates, half-years and people: the
one place.

Terrassa's publications write `1.234,5`, `75 %` and `30/06/2019` whatever the
interface language, so that typed and imported figures read the same (the format
modules under `terrassa_plis/formats/` say so to Django). Every page, PDF, e-mail and
message writes through these functions, and the template filters in
`terrassa_plis.templatetags.plis` are one-line registrations of them.

One rounding rule for every percentage: **at most one decimal, rounded half up, and
no decimal when it is zero**. 97,5 stays «97,5 %», 33,33 reads «33,3 %», 66,666 reads
«66,7 %» and 75,00 reads «75 %». Half up, not banker's rounding, because that is how
a reader checks a figure by hand; one decimal because the shares of a few hundred
items differ in the first decimal and the city publishes averages such as «50,6 %».
Shares are computed exactly and rounded only when written, so a rounded share is
never rounded again.
"""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

# What a page shows where there is no value.
EMPTY = "—"
NBSP = "\u00a0"
PERCENT_DECIMALS = 1
_PERCENT_STEP = Decimal(1).scaleb(-PERCENT_DECIMALS)


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _is_empty(value) -> bool:
    return value is None or value == ""


def number(value, decimals: int | None = None) -> str:
    """1234.5 → «1.234,5», with thousands grouped; whole numbers lose their decimals
    and others keep the ones they have (12,50 → «12,5»), unless `decimals` is given,
    which rounds half up. None → «—»."""
    if _is_empty(value):
        return EMPTY
    value = _decimal(value)
    if decimals is None:
        whole = value == value.to_integral_value()
        decimals = 0 if whole else max(0, -value.normalize().as_tuple().exponent)
    else:
        value = value.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
    return number_format(value, int(decimals), force_grouping=True)


def plain_decimal(value: Decimal | None) -> Decimal | None:
    """A number as a person types it back: 144.00 → 144 and 12.50 → 12.5, so an opened
    form shows «144» and «12,5», not «144,00», and a value saved unchanged compares
    equal to what was typed."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def rounded_percentage(value) -> Decimal:
    """A percentage rounded by the one rule: one decimal, half up, «,0» dropped."""
    rounded = _decimal(value).quantize(_PERCENT_STEP, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return rounded.quantize(Decimal(1))
    return rounded


def percent(value) -> str:
    """A percentage 0-100 as the city writes it: 97,5 → «97,5 %», 33,333 → «33,3 %»,
    75 → «75 %» (a space before the sign, which never wraps apart). None → «—»."""
    if _is_empty(value):
        return EMPTY
    return f"{number(rounded_percentage(value))}{NBSP}%"


def percentage_of(count: int, total: int, *, empty: Decimal = Decimal(0)) -> Decimal:
    """`count` as an exact percentage (0-100) of `total`; `empty` when there is no total."""
    return Decimal(count * 100) / total if total else empty


def share(count: int, total: int) -> str:
    """`count` of `total` as a percentage: 1 of 3 → «33,3 %»; «—» when there is no total."""
    return percent(percentage_of(count, total)) if total else EMPTY


def day(value: date | datetime | None) -> str:
    """30/06/2019 (a moment is read in local time first). None → «—»."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        value = _local(value)
    return date_format(value)


def moment(value: datetime | None) -> str:
    """30/06/2019 14:05, in local time. None → «—»."""
    if value is None:
        return EMPTY
    return date_format(_local(value), "DATETIME_FORMAT")


def machine_moment(value: datetime | date | None) -> str:
    """A moment as a `<time datetime>` attribute holds it: ISO 8601 in local time, to the
    second (HTML allows at most three decimals of a second; nobody reads more). A date
    stays a date; None → ""."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    return _local(value).replace(microsecond=0).isoformat()


def clock(value: datetime) -> str:
    """14:05, in local time."""
    return date_format(_local(value), "H:i")


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


# A half-year as the forms take it and the data keeps it, sortable as text: «2026-S2».
SEMESTER_CODE = re.compile(r"^(\d{4})-S([12])$")


def semester(code: str | None) -> str:
    """«2026-S2» → «2n semestre 2026», in the active language: people read a period in
    words, the code stays in the data and the forms. Anything else is returned as it
    came (None → «—»)."""
    if _is_empty(code):
        return EMPTY
    match = SEMESTER_CODE.match(str(code).strip().upper())
    if match is None:
        return str(code)
    year, half = match.groups()
    if half == "1":
        return gettext("1r semestre %(year)s") % {"year": year}
    return gettext("2n semestre %(year)s") % {"year": year}


def person_name(user) -> str:
    """The user's full name, or their user name when they gave none; "" for no user.

    Every page, PDF and e-mail that says who did something names people this way.
    """
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def shorten(text: str, limit: int = 160) -> str:
    """`text` cut at a word before `limit` characters, with «…» (cheaper than Django's
    Truncator on long lists)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def data_lang_attribute() -> SafeString:
    """` lang="ca"` for an element holding the council's data (titles, texts,
    observations, names), which is Catalan whatever language the interface speaks;
    nothing on a Catalan page, whose <html lang> already says so."""
    data_language = settings.LANGUAGE_CODE
    if (translation.get_language() or data_language).split("-")[0] == data_language:
        return mark_safe("")
    return format_html(' lang="{}"', data_language)
