"""The follow-up table of charters for a year: the seed's nine columns, one row per indicator.

The report, the open-data exports and the import all go through these rows, so
they share one column order and one way of writing each figure.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation

from service_charters.bands import BAND_LABELS, Summary
from service_charters.compliance import (
    Assessment,
    Band,
    average_compliance,
    band_counts,
    band_shares,
)
from service_charters.models import (
    Charter,
    CharterCommitment,
    Indicator,
    Measurement,
    Objective,
    OfferedService,
    assess_measurement,
)
from terrassa_plis.formatting import NBSP, number, percent

COLUMNS = [
    "Servei ofert",
    "Objectiu",
    "Compromís",
    "Indicador",
    "Indicador de mesura",
    "Resultat",
    "Diferència respecte la previsió",
    "Grau de compliment",
    "Observacions",
]

SERVICE_COLUMN = "Servei"
"""The first column of the all-charters open data; optional on import."""


@dataclass(frozen=True)
class FollowUpRow:
    charter: Charter
    offered_service: OfferedService
    objective: Objective
    commitment: CharterCommitment
    indicator: Indicator
    measurement: Measurement | None
    assessment: Assessment

    @property
    def band(self) -> Band:
        return self.assessment.band

    @property
    def not_applicable(self) -> bool:
        return self.measurement is not None and self.measurement.not_applicable

    @property
    def result(self) -> Decimal | None:
        """The year's result; None when there is none or the indicator did not apply."""
        if self.measurement is None or self.not_applicable:
            return None
        return self.measurement.result

    @property
    def result_text(self) -> str:
        return format_result(self.indicator, self.measurement)

    @property
    def difference_text(self) -> str:
        return format_value(self.indicator, self.assessment.difference)

    @property
    def compliance_text(self) -> str:
        return format_percent(self.assessment.compliance)

    @property
    def observations_text(self) -> str:
        return observations_text(self.measurement)

    def cells(self) -> list[str]:
        """The nine columns as text, written the way the city publishes them."""
        return [
            self.offered_service.name,
            self.objective.text,
            self.commitment.text,
            self.indicator.name,
            self.indicator.target_text,
            self.result_text,
            self.difference_text,
            self.compliance_text,
            self.observations_text,
        ]


def observations_text(measurement: Measurement | None) -> str:
    """The Observacions cell: the reason when the indicator did not apply, else the
    observations."""
    if measurement is None:
        return ""
    if measurement.not_applicable and measurement.not_applicable_reason:
        return measurement.not_applicable_reason
    return measurement.observations


VERSION_COLUMN = "Versió"
"""The last column of the sheets exported to be edited and imported again (not of the
published open data): which measurement the row showed, at which version, and a digest
of each cell a person may change (`EDITABLE_COLUMNS`), so that an import can tell what
changed in the app since the sheet was made from what the person changed in the file."""
EDITABLE_COLUMNS = (COLUMNS[4], COLUMNS[5], COLUMNS[8])
"""Indicador de mesura, Resultat and Observacions."""


def editable_values(indicator: Indicator, measurement: Measurement | None) -> tuple[str, ...]:
    """What the editable cells hold, in `EDITABLE_COLUMNS`' order, independent of the
    language the cells are written in."""
    if measurement is None:
        result = ""
    elif measurement.not_applicable:
        result = "n/a"
    else:
        result = "" if measurement.result is None else str(measurement.result.normalize())
    return (indicator.target_text, result, observations_text(measurement))


def digest(value: str) -> str:
    # Six hex digits: with the version beside them, enough to tell a changed cell.
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:6]


def version_cell(indicator: Indicator, measurement: Measurement | None) -> str:
    """«m12v3-1a2b3c-4d5e6f-7a8b9c»: the measurement (m0v0 for none yet) and the digests
    of its editable cells as exported."""
    identity = f"m{measurement.pk}v{measurement.version}" if measurement else "m0v0"
    digests = "-".join(digest(value) for value in editable_values(indicator, measurement))
    return f"{identity}-{digests}"


def format_result(indicator: Indicator, measurement: Measurement | None) -> str:
    """The Resultat cell: the result, «-» when there is none, or «No aplicable»."""
    if measurement is not None and measurement.not_applicable:
        return "No aplicable"
    return format_value(indicator, measurement.result if measurement else None)


def format_value(indicator: Indicator, value: Decimal | None) -> str:
    """A result or difference as typed, in the indicator's unit; «-» (as the seed prints
    it) for none."""
    if value is None:
        return "-"
    text = number(value)
    return f"{text}{NBSP}%" if indicator.is_percentage else text


def format_percent(value: Decimal | None) -> str:
    """A degree of compliance, by the one rounding rule; «No avaluat» for none."""
    if value is None:
        return str(BAND_LABELS[Band.NOT_ASSESSED])
    return percent(value)


def load_rows(charters: Iterable[Charter] | None, year: int) -> list[FollowUpRow]:
    """Rows of the given charters (all if None) for `year`, in the printed order; two queries."""
    indicators = Indicator.objects.with_charter().in_printed_order()
    if charters is not None:
        indicators = indicators.of_charters(list(charters))
    indicators = list(indicators)
    measurements = {
        m.indicator_id: m for m in Measurement.objects.filter(indicator__in=indicators, year=year)
    }
    rows = []
    for indicator in indicators:
        commitment = indicator.commitment
        objective = commitment.objective
        offered = objective.offered_service
        measurement = measurements.get(indicator.pk)
        rows.append(
            FollowUpRow(
                charter=offered.charter,
                offered_service=offered,
                objective=objective,
                commitment=commitment,
                indicator=indicator,
                measurement=measurement,
                assessment=assess_measurement(indicator, measurement),
            )
        )
    return rows


def rows_by_charter(
    charters: Iterable[Charter], rows: Iterable[FollowUpRow]
) -> dict[int, list[FollowUpRow]]:
    """`rows` grouped by charter id, with an empty list for a charter without rows."""
    grouped: dict[int, list[FollowUpRow]] = {charter.pk: [] for charter in charters}
    for row in rows:
        grouped[row.charter.pk].append(row)
    return grouped


# The cells the printed table merges downwards, in column order, and what makes two
# rows share one.
MERGED_CELLS = {
    "offered_service": lambda r: (r.charter.pk, r.offered_service.pk),
    "objective": lambda r: (r.charter.pk, r.objective.pk),
    "commitment": lambda r: (r.charter.pk, r.commitment.pk),
}


def row_spans(rows: list[FollowUpRow]) -> list[dict[str, int]]:
    """For each row, how many rows its repeated cells span (0: merged into the one above).

    Keys: those of MERGED_CELLS.
    """
    spans = [dict.fromkeys(MERGED_CELLS, 1) for _ in rows]
    for key, identity in MERGED_CELLS.items():
        start = 0
        for index in range(1, len(rows) + 1):
            if index == len(rows) or identity(rows[index]) != identity(rows[start]):
                spans[start][key] = index - start
                for merged in range(start + 1, index):
                    spans[merged][key] = 0
                start = index
    return spans


def rows_by_commitment(rows: Iterable[FollowUpRow]) -> dict[int, list[FollowUpRow]]:
    """`rows` grouped by charter commitment id, in the order they come."""
    grouped: dict[int, list[FollowUpRow]] = {}
    for row in rows:
        grouped.setdefault(row.commitment.pk, []).append(row)
    return grouped


def commitment_assessment(rows: Iterable[FollowUpRow]) -> Assessment:
    """A charter commitment's assessment: the mean compliance of its assessed indicators.

    Cities publish how many *commitments* were met; a commitment with several
    indicators is met when, on average, they are.
    """
    return Assessment(
        difference=None, compliance=average_compliance(row.assessment for row in rows)
    )


def commitment_assessments(rows: list[FollowUpRow]) -> list[Assessment]:
    """One assessment per charter commitment (`commitment_assessment`)."""
    return [commitment_assessment(group) for group in rows_by_commitment(rows).values()]


def summarise(rows: list[FollowUpRow], label: str) -> Summary:
    assessments = commitment_assessments(rows)
    return Summary(label, band_counts(assessments), band_shares(assessments))


def summaries_by_service(rows: list[FollowUpRow]) -> list[Summary]:
    by_service: dict[str, list[FollowUpRow]] = {}
    for row in rows:
        by_service.setdefault(row.charter.service.name, []).append(row)
    return [summarise(service_rows, name) for name, service_rows in by_service.items()]


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _figures(row: FollowUpRow, year: int) -> dict:
    """The row's figures for machines: numbers (or null), not the published text."""
    return {
        "year": year,
        "target_kind": row.indicator.target_kind,
        "target_value": _number(row.indicator.target_value),
        "unit": row.indicator.unit,
        "result": _number(row.result),
        "not_applicable": row.not_applicable,
        "difference": _number(row.assessment.difference),
        "compliance": _number(row.assessment.compliance),
        "band": row.band.value,
    }


def open_data_table(
    rows: list[FollowUpRow], year: int, *, with_service: bool, with_version: bool = False
) -> tuple[list[str], list[list[str]], list[dict]]:
    """The follow-up as open data: the header, the rows as published text (CSV, XLSX) and
    the rows as records with their figures as numbers too (JSON).

    Written the Catalan way (1.234,5) whatever language the reader uses, so a downloaded
    file imports back; with «Servei» first when it holds several charters, and with
    «Versió» last (`version_cell`) when it is downloaded to be edited and imported again.
    """
    header = ([SERVICE_COLUMN] if with_service else []) + COLUMNS
    with translation.override("ca"):
        table = [([row.charter.service.name] if with_service else []) + row.cells() for row in rows]
    if with_version:
        header = [*header, VERSION_COLUMN]
        table = [
            [*cells, version_cell(row.indicator, row.measurement)]
            for row, cells in zip(rows, table, strict=True)
        ]
    records = [
        dict(zip(header, cells, strict=True)) | _figures(row, year)
        for row, cells in zip(rows, table, strict=True)
    ]
    return header, table, records


def summarise_published(records: Iterable[dict], label: str) -> Summary:
    """The commitments of published follow-up records (`open_data_table`'s JSON, as a
    version froze them) by band: each commitment assessed on its indicators' published
    compliance, by the same rule as `summarise`, never on today's results."""
    by_commitment: dict[tuple, list[Assessment]] = {}
    for record in records:
        compliance = record.get("compliance")
        assessment = Assessment(
            difference=None,
            compliance=None if compliance is None else Decimal(str(compliance)),
        )
        key = (record.get(SERVICE_COLUMN), record.get(COLUMNS[1]), record.get(COLUMNS[2]))
        by_commitment.setdefault(key, []).append(assessment)
    assessments = [
        Assessment(difference=None, compliance=average_compliance(group))
        for group in by_commitment.values()
    ]
    return Summary(label, band_counts(assessments), band_shares(assessments))
