"""The charters index: every charter in force in a year, with its commitments per band."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Sum

from service_charters.bands import band_css
from service_charters.compliance import Band
from service_charters.compliance_sql import band_of_hundredths, compliance_hundredths
from service_charters.models import Charter, CharterCommitment, Indicator, Measurement


@dataclass(frozen=True)
class CharterOverview:
    charter: Charter
    band_counts: list[tuple[str, int]]
    """Each band's stylesheet class and count of commitments, in the bands' order."""
    may_edit: bool


def charter_overview(year: int, *, may_edit: Callable[[Charter], bool]) -> list[CharterOverview]:
    """Every charter in force in `year` with its commitments per band.

    Three queries whatever the number of charters: the charters, their commitments and
    each commitment's degrees of compliance (`band_counts_by_charter`). `may_edit` is
    the access guard's answer.
    """
    charters = list(Charter.objects.in_force(year).in_printed_order())
    counts = band_counts_by_charter([charter.pk for charter in charters], year)
    return [
        CharterOverview(
            charter=charter,
            # Only the counts: the index shows neither shares nor labels per row.
            band_counts=[(band_css(band), count) for band, count in counts[charter.pk].items()],
            may_edit=may_edit(charter),
        )
        for charter in charters
    ]


def band_counts_by_charter(charter_ids: list[int], year: int) -> dict[int, dict[str, int]]:
    """Each charter's count of commitments (those with indicators) in each band in `year`:
    `followup.summarise`'s figures, without reading an indicator.

    The degrees of compliance are added up per commitment in the database
    (`compliance_sql`); Python only bands each commitment's mean by the rules module.
    Two queries (none without charters): the commitments, the sums of their degrees.
    """
    counts = {pk: dict.fromkeys(Band, 0) for pk in charter_ids}
    if not charter_ids:
        return counts
    commitments = (
        CharterCommitment.objects.of_charters(charter_ids)
        .filter(Exists(Indicator.objects.filter(commitment=OuterRef("pk"))))
        .order_by()
        .values_list("pk", "objective__offered_service__charter_id")
    )
    sums = {
        row["indicator__commitment_id"]: (row["total"], row["assessed"])
        for row in Measurement.objects.filter(
            year=year, indicator__in=Indicator.objects.of_charters(charter_ids)
        )
        .annotate(hundredths=compliance_hundredths())
        .values("indicator__commitment_id")
        .annotate(total=Sum("hundredths"), assessed=Count("hundredths"))
        .order_by()
    }
    for pk, charter_id in commitments:
        counts[charter_id][band_of_hundredths(*sums.get(pk, (None, 0)))] += 1
    return counts
