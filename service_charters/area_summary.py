"""One area's service charters in their latest year with results: the charters'
commitments by compliance band, for the whole area and per service, and the indicators
that fell short, for the area's page (`overview`).

The bands are those of the follow-up report and the dashboard (`followup.summarise`,
on the rules of `service_charters.compliance`). `build_area_charters` runs a fixed
number of queries (see its docstring).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext

from governance.models import Area
from service_charters import followup
from service_charters.bands import BAND_LABELS, SummaryView, band_css, summary_view
from service_charters.dashboard import latest_year
from service_charters.followup import FollowUpRow
from service_charters.models import Charter
from service_charters.shortfalls import SHORTFALL_BANDS
from service_charters.years import available_years

# How many indicators the area's page names; the shortfalls page holds them all.
LISTED_INDICATORS = 10


@dataclass(frozen=True)
class ShortIndicator:
    """An indicator of the area that fell short in the year, with its band."""

    row: FollowUpRow

    @property
    def label(self) -> str:
        return str(BAND_LABELS[self.row.band])

    @property
    def css_class(self) -> str:
        return band_css(self.row.band)

    @property
    def url(self) -> str:
        return self.row.indicator.get_absolute_url()


@dataclass(frozen=True)
class AreaCharters:
    year: int
    charter_count: int
    overall: SummaryView
    by_service: list[SummaryView]
    short: list[ShortIndicator]  # the first LISTED_INDICATORS not met or partly met
    short_count: int
    shortfalls_url: str  # every charter's commitments that fell short that year

    @property
    def more_short(self) -> bool:
        return self.short_count > len(self.short)


def build_area_charters(area: Area) -> AreaCharters | None:
    """The charters of the area's services in force in the latest year with results,
    or None when the area has none in force then.

    Queries, whatever the number of charters and indicators: 1 the years with results,
    2 the area's charters in force that year, 3-4 their indicators and the year's
    results (`followup.load_rows`).
    """
    year = latest_year(available_years())
    charters = list(Charter.objects.in_force(year).filter(service__area=area))
    if not charters:
        return None
    rows = followup.load_rows(charters, year)
    # Not met first, then partly met, each in the printed order.
    short = [row for band in SHORTFALL_BANDS for row in rows if row.band == band]
    return AreaCharters(
        year=year,
        charter_count=len(charters),
        overall=summary_view(followup.summarise(rows, gettext("Totes les cartes de l'àrea"))),
        by_service=[summary_view(summary) for summary in followup.summaries_by_service(rows)],
        short=[ShortIndicator(row) for row in short[:LISTED_INDICATORS]],
        short_count=len(short),
        shortfalls_url=reverse("service_charters:shortfalls", args=[year]),
    )
