"""The charters index's figures: each charter's commitments per band in a year, for the
charters of one page of the index (`tables.CharterTable`)."""

from django.db.models import Count, Exists, OuterRef, Sum

from service_charters.compliance import Band
from service_charters.compliance_sql import band_of_hundredths, compliance_hundredths
from service_charters.models import CharterCommitment, Indicator, Measurement


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
