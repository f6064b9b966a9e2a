"""The charter commitments that fell short in a year: not met and partly met, per service.

The dashboard counts commitments per band; this page names them, so a director can go
from «2 no assolits» to the indicators behind them. A commitment's band is the one the
counts use (`followup.commitment_assessment`), so the page lists exactly what the
dashboard and the follow-up report count.
"""

from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext

from governance.models import Service
from service_charters import followup
from service_charters.bands import BAND_LABELS, BAND_PLURALS, band_css
from service_charters.compliance import Band
from service_charters.followup import FollowUpRow
from service_charters.models import Charter, CharterCommitment, Objective

# Not met first: the worst news leads.
SHORTFALL_BANDS = (Band.NOT_MET, Band.PARTLY_MET)


@dataclass(frozen=True)
class Shortfall:
    """A commitment not met or partly met, with its indicators (each links to its page)."""

    charter: Charter
    objective: Objective
    commitment: CharterCommitment
    band: Band
    compliance_text: str
    rows: list[FollowUpRow]

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS[self.band])

    @property
    def css_class(self) -> str:
        return band_css(self.band)


@dataclass(frozen=True)
class BandCount:
    band: Band
    label: str
    count: int


@dataclass(frozen=True)
class ServiceShortfalls:
    service: Service
    shortfalls: list[Shortfall]  # not met first, then partly met, each in printed order

    @property
    def anchor(self) -> str:
        return service_anchor(self.service.name)

    @property
    def counts(self) -> list[BandCount]:
        return band_counts(self.shortfalls)


@dataclass(frozen=True)
class ShortfallsPage:
    year: int
    services: list[ServiceShortfalls]  # only services with a shortfall, in printed order

    @property
    def counts(self) -> list[BandCount]:
        return band_counts([item for service in self.services for item in service.shortfalls])

    @property
    def title(self) -> str:
        return gettext("Compromisos no assolits i assolits parcialment, %(year)s") % {
            "year": self.year
        }


def service_anchor(service_name: str) -> str:
    """The id of a service's section on the page, from its name (which is unique), so the
    dashboard's per-service figures, which know services by name, can link to it."""
    return f"servei-{slugify(service_name)}"


def band_counts(shortfalls: list[Shortfall]) -> list[BandCount]:
    return [
        BandCount(band, str(BAND_PLURALS[band]), sum(1 for item in shortfalls if item.band == band))
        for band in SHORTFALL_BANDS
    ]


def shortfalls_of(rows: list[FollowUpRow]) -> list[Shortfall]:
    """The commitments of `rows` not met or partly met: not met first, then partly met."""
    found = []
    for commitment_rows in followup.rows_by_commitment(rows).values():
        assessment = followup.commitment_assessment(commitment_rows)
        if assessment.band not in SHORTFALL_BANDS:
            continue
        first = commitment_rows[0]
        found.append(
            Shortfall(
                charter=first.charter,
                objective=first.objective,
                commitment=first.commitment,
                band=assessment.band,
                compliance_text=followup.format_percent(assessment.compliance),
                rows=commitment_rows,
            )
        )
    # sorted() is stable: within a band the printed order stays.
    return sorted(found, key=lambda item: SHORTFALL_BANDS.index(item.band))


def build_shortfalls_page(year: int) -> ShortfallsPage:
    """The commitments not met and partly met of the charters in force in `year`, per service.

    Queries, whatever the number of charters and indicators: 1 the charters in force,
    2-3 the indicators with their tree and the year's results (followup.load_rows).
    """
    charters = list(Charter.objects.in_force(year).in_printed_order())
    rows = followup.load_rows(charters, year) if charters else []
    by_service: dict[int, list[FollowUpRow]] = {}
    for row in rows:
        by_service.setdefault(row.charter.service.pk, []).append(row)
    services = []
    for service_rows in by_service.values():
        shortfalls = shortfalls_of(service_rows)
        if shortfalls:
            services.append(ServiceShortfalls(service_rows[0].charter.service, shortfalls))
    return ShortfallsPage(year=year, services=services)
