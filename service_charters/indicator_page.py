"""One indicator across the years: its result, difference and compliance in each year,
a chart of its compliance, and the history of its changes and of its results'.

The history (`HistoryEvent`, `indicator_history` and what they use) is diffed by
`terrassa_plis.history`; `build_indicator_page` only puts it beside the results.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from service_charters import followup
from service_charters.bands import BAND_COLOURS, BAND_LABELS, band_css
from service_charters.compliance import Band
from service_charters.followup import FollowUpRow
from service_charters.models import (
    MEASUREMENT_DATA_FIELDS,
    Charter,
    CharterCommitment,
    Indicator,
    Measurement,
    assess_measurement,
)
from terrassa_plis import history
from terrassa_plis.charts import Bar, bar_chart
from terrassa_plis.formatting import person_name
from terrassa_plis.history import HistoryEvent


@dataclass(frozen=True)
class YearResult:
    year: int
    result: str
    difference: str
    compliance: str
    band: Band
    observations: str
    compliance_value: Decimal | None

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS[self.band])

    @property
    def css_class(self) -> str:
        return f"band {band_css(self.band)}"


@dataclass(frozen=True)
class IndicatorPage:
    indicator: Indicator
    results: list[YearResult]
    chart: SafeString | None
    history: list[HistoryEvent]

    @property
    def charter(self) -> Charter:
        return self.indicator.commitment.objective.offered_service.charter

    @property
    def path(self) -> list[str]:
        commitment = self.indicator.commitment
        objective = commitment.objective
        return [self.charter.title, objective.text, commitment.text]

    @property
    def target_kind_label(self) -> str:
        return self.indicator.get_target_kind_display()


MEASUREMENT_FIELDS = ["year", *MEASUREMENT_DATA_FIELDS]
INDICATOR_FIELDS = ["name", "target_kind", "target_value", "target_text", "unit", "periodicity"]
MEASUREMENT_EVENTS = {
    "+": _("Creat el resultat de %(year)s"),
    "~": _("Modificat el resultat de %(year)s"),
    "-": _("Esborrat el resultat de %(year)s"),
}
INDICATOR_EVENTS = {
    "+": _("Creat l'indicador"),
    "~": _("Modificat l'indicador"),
    "-": _("Esborrat l'indicador"),
}
# The charter's commitment the indicator measures: its text, edited in the admin or by
# an import.
COMMITMENT_FIELDS = ["text"]
COMMITMENT_EVENTS = {
    "+": _("Creat el compromís"),
    "~": _("Modificat el compromís"),
    "-": _("Esborrat el compromís"),
}


def build_indicator_page(indicator: Indicator) -> IndicatorPage:
    """The indicator's results of every year and their history, with the indicator's own
    changes; three queries.

    `indicator` must come with its commitment, objective, offered service, charter
    and service selected.
    """
    commitment = indicator.commitment
    results = []
    for measurement in indicator.measurements.order_by("year"):
        row = FollowUpRow(
            charter=commitment.objective.offered_service.charter,
            offered_service=commitment.objective.offered_service,
            objective=commitment.objective,
            commitment=commitment,
            indicator=indicator,
            measurement=measurement,
            assessment=assess_measurement(indicator, measurement),
        )
        results.append(
            YearResult(
                year=measurement.year,
                result=row.result_text,
                difference=row.difference_text,
                compliance=row.compliance_text,
                band=row.band,
                observations=row.observations_text,
                compliance_value=row.assessment.compliance,
            )
        )
    return IndicatorPage(
        indicator=indicator,
        results=results,
        chart=_compliance_chart(indicator, results),
        history=indicator_history(indicator),
    )


def _compliance_chart(indicator, results: list[YearResult]) -> SafeString | None:
    if not results:
        return None
    bars = []
    not_assessed = []
    for result in results:
        compliance = result.compliance_value
        if compliance is None:
            not_assessed.append(str(result.year))
            bars.append(
                Bar(str(result.year), 0, BAND_COLOURS[Band.NOT_ASSESSED], result.band_label.lower())
            )
        else:
            bars.append(Bar(str(result.year), float(compliance), BAND_COLOURS[result.band]))
    description = gettext("Grau de compliment de cada any, de 0 a 100 %%: %(years)s.") % {
        "years": "; ".join(f"{result.year}: {result.compliance.lower()}" for result in results)
    }
    if not_assessed:
        description += " " + gettext("Anys no avaluats: %(years)s.") % {
            "years": ", ".join(not_assessed)
        }
    return bar_chart(
        bars,
        title=gettext("Grau de compliment per any: %(name)s") % {"name": indicator.name},
        description=description,
        unit="%",
        max_value=100,
        chart_id=f"indicator-{indicator.pk}-chart",
    )


def _saved_by(record) -> str:
    """Who saved a record: its history's user, or else the result's editor."""
    return person_name(record.history_user or getattr(record, "updated_by", None))


def _measurement_fields(indicator: Indicator) -> list[history.Field]:
    def result(record) -> str:
        if record.result is None:
            return history.EMPTY
        return followup.format_value(indicator, record.result)

    fields = history.model_fields(Measurement, MEASUREMENT_FIELDS, result=result)
    # A creation or a deletion lists its values less the year, which its event names.
    return [replace(field, listed_alone=field.name != "year") for field in fields]


def indicator_history(indicator: Indicator) -> list[HistoryEvent]:
    """Who changed which field of the indicator, of its results or of the commitment it
    measures, newest first; the results deleted too.

    Three queries, the indicator's, its results' and its commitment's records, each diffed here
    against the one before it of the same object (terrassa_plis.history), rather than
    asking each record for its predecessor (a query per record).
    """
    measurement_records = Measurement.history.filter(indicator_id=indicator.pk).select_related(
        "history_user", "updated_by"
    )
    indicator_records = Indicator.history.filter(id=indicator.pk).select_related("history_user")
    events = [
        replace(row, summary=str(MEASUREMENT_EVENTS[row.kind]) % {"year": row.record.year})
        for row in history.history_rows(
            measurement_records, _measurement_fields(indicator), who=_saved_by
        )
    ]
    events += [
        replace(row, summary=str(INDICATOR_EVENTS[row.kind]))
        for row in history.history_rows(
            indicator_records, history.model_fields(Indicator, INDICATOR_FIELDS), who=_saved_by
        )
    ]
    commitment_records = CharterCommitment.history.filter(
        id=indicator.commitment_id
    ).select_related("history_user")
    events += [
        replace(row, summary=str(COMMITMENT_EVENTS[row.kind]))
        for row in history.history_rows(
            commitment_records,
            history.model_fields(CharterCommitment, COMMITMENT_FIELDS),
            who=_saved_by,
        )
    ]
    # The records' ids order the events saved within the same instant.
    return sorted(events, key=lambda event: (event.when, event.record.history_id), reverse=True)
