"""How far a form lets a person go: the shared bounds on rows and on dates.

- `bounded_formset_factory`: every formset caps its rows. Django builds one form per
  row the posted management form claims, up to `absolute_max` (2,000 by default), so a
  tiny POST claiming 100,000 rows made the server build and render thousands of forms.
  Here `absolute_max` equals `max_num` and `validate_max` is on: a claim above the cap
  builds at most the cap, saves nothing and says why in Catalan.
- `validate_date_in_range`: the dates people type (memberships, round deadlines,
  improvement dates) lie between `EARLIEST_DATE` and `LATEST_YEARS_AHEAD` years from
  today. A year 0001 or 9999 is a typing slip, and it would sort and print as if real.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from terrassa_plis.formatting import day

# The oldest records the app holds are the 2015-2019 plan's; nothing predates 2000.
EARLIEST_DATE = date(2000, 1, 1)
# Far enough for a long mandate's deadlines and a body's planned end, near enough that
# a mistyped year is caught.
LATEST_YEARS_AHEAD = 20

DATE_OUT_OF_RANGE = _("Escriviu una data entre el %(earliest)s i el %(latest)s.")

TOO_MANY_ROWS = ngettext_lazy(
    "Com a màxim s'hi pot enviar %(num)d fila; no s'ha desat res.",
    "Com a màxim s'hi poden enviar %(num)d files; no s'ha desat res.",
    "num",
)


def latest_date(today: date | None = None) -> date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + LATEST_YEARS_AHEAD)
    except ValueError:  # 29 February, twenty years later, is not always a day.
        return today.replace(year=today.year + LATEST_YEARS_AHEAD, day=28)


def validate_date_in_range(value: date) -> None:
    """A form field's validator: the date is between the earliest and the latest allowed."""
    latest = latest_date()
    if not EARLIEST_DATE <= value <= latest:
        raise ValidationError(
            DATE_OUT_OF_RANGE,
            code="date_out_of_range",
            params={"earliest": day(EARLIEST_DATE), "latest": day(latest)},
        )


class BoundedFormSet(forms.BaseFormSet):
    """The base of every formset: its «too many rows» message speaks Catalan."""

    default_error_messages = {"too_many_forms": TOO_MANY_ROWS}


def bounded_formset_factory(form, *, formset=BoundedFormSet, max_num: int, **kwargs):
    """`formset_factory` with the cap applied: never more than `max_num` forms built."""
    if not issubclass(formset, BoundedFormSet):
        raise TypeError(f"{formset.__name__} must derive from BoundedFormSet.")
    return forms.formset_factory(
        form,
        formset=formset,
        max_num=max_num,
        absolute_max=max_num,
        validate_max=True,
        **kwargs,
    )
