"""The years the charters' pages speak of: the range any page, export or import accepts,
and the years that have results."""

from django.http import Http404

from service_charters.models import Measurement

# The range of years any charters page, export or import may be asked for: outside it
# a year is a typing mistake, and `date(year, …)` would not even exist.
FIRST_YEAR, LAST_YEAR = 1990, 2100


def check_year(year: int) -> None:
    """Not found, for a year outside the range every charters view accepts."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404


def available_years() -> list[int]:
    """Years with any measurement, newest first; one query."""
    return list(Measurement.objects.order_by("-year").values_list("year", flat=True).distinct())
