"""The charters dashboard adds the degrees of compliance up in SQL (`compliance_sql`):
every figure must still be the rules module's (`compliance.assess`, DOMAIN.md §2)."""

from datetime import date
from decimal import Decimal

import pytest

from service_charters import followup
from service_charters.compliance import Band
from service_charters.compliance_sql import as_percentage, compliance_hundredths
from service_charters.dashboard import band_counts_by_service, build_charters_dashboard
from service_charters.models import (
    Charter,
    CharterCommitment,
    Indicator,
    Measurement,
    Objective,
    OfferedService,
    Service,
    assess_measurement,
)
from tests.service_charters.conftest import build_charters

TARGETS = ["0", "0.07", "1", "3", "7", "8", "16", "40", "12345.67"]
# Ties of the half-up rounding (0.01 of 8 is 0.125 %), results just under and over the
# targets, none and zero.
RESULTS = ["0", "0.01", "0.5", "1", "2.5", "3", "6.99", "7.99", "8", "39.99", "100", "12345.66"]
KINDS = ["floor", "ceiling", "yes_no"]


def make_commitment(service, *, in_force_from=date(2018, 4, 1), in_force_until=None):
    charter = Charter.objects.create(
        service=service,
        title=f"Carta {service.name}",
        in_force_from=in_force_from,
        in_force_until=in_force_until,
    )
    offered = OfferedService.objects.create(charter=charter, position=1, name=service.name)
    objective = Objective.objects.create(offered_service=offered, position=1, text="Objectiu")
    return objective


def add_commitment(objective, indicators, year=2021):
    """A commitment with one indicator per (kind, target, result or None, not applicable)."""
    commitment = CharterCommitment.objects.create(objective=objective, text="Compromís")
    for position, (kind, target, result, not_applicable) in enumerate(indicators):
        indicator = Indicator.objects.create(
            commitment=commitment,
            position=position,
            name=f"Indicador {position}",
            target_kind=kind,
            target_value=Decimal(target),
            target_text=target,
        )
        if result is not None or not_applicable:
            Measurement.objects.create(
                indicator=indicator,
                year=year,
                result=None if result is None else Decimal(result),
                not_applicable=not_applicable,
                not_applicable_reason="No s'ha mesurat." if not_applicable else "",
            )
    return commitment


@pytest.mark.django_db
def test_the_sql_degree_of_compliance_is_the_rules_module_s_for_every_indicator(organisation):
    service = Service.objects.create(name="Servei de prova", area=organisation[3])
    objective = make_commitment(service)
    add_commitment(
        objective,
        [
            (kind, target, result, False)
            for kind in KINDS
            for target in TARGETS
            for result in RESULTS
        ]
        + [("floor", "8", None, True), ("ceiling", "8", "4", True), ("yes_no", "1", "1", True)],
    )

    measurements = Measurement.objects.select_related("indicator").annotate(
        hundredths=compliance_hundredths()
    )

    assert len(measurements) == len(KINDS) * len(TARGETS) * len(RESULTS) + 3
    for measurement in measurements:
        expected = assess_measurement(measurement.indicator, measurement).compliance
        in_sql = None if measurement.hundredths is None else as_percentage(measurement.hundredths)
        assert in_sql == expected, (measurement.indicator.target_kind, measurement.result)


def rules_counts(year):
    """Each service's counts of commitments per band, as the rules module gives them from
    the follow-up's rows (`followup.summaries_by_service`)."""
    in_force = {charter.pk for charter in Charter.objects.in_force(year)}
    rows = [row for row in followup.load_rows(None, year) if row.charter.pk in in_force]
    return {summary.label: summary.counts for summary in followup.summaries_by_service(rows)}


@pytest.mark.django_db
def test_the_dashboard_counts_are_the_rules_module_s_for_every_year_and_service(organisation):
    built = Service.objects.create(name="Servei construït", area=organisation[1])
    build_charters(built, 3, indicators_each=7, years=(2019, 2021, 2022))
    edges = Service.objects.create(name="Servei dels límits", area=organisation[3])
    objective = make_commitment(edges)
    # Means on the bands' edges: 99.995 rounds to 100 (met), 49.995 to 50 (partly met).
    add_commitment(objective, [("floor", "10000", "9999", False), ("floor", "2", "2", False)])
    add_commitment(objective, [("floor", "10000", "4999", False), ("floor", "2", "1", False)])
    add_commitment(objective, [("floor", "10000", "4998", False), ("floor", "2", "1", False)])
    # Not assessed indicators are left out of the mean (55.56, partly met); none assessed
    # is «no avaluat».
    add_commitment(objective, [("ceiling", "5", "9", False), ("floor", "5", None, True)])
    add_commitment(objective, [("yes_no", "1", None, True), ("floor", "5", None, False)])
    # A charter in force from 2022 only, and one that ended in 2020.
    later = make_commitment(
        Service.objects.create(name="Servei nou", area=organisation[2]),
        in_force_from=date(2022, 1, 1),
    )
    add_commitment(later, [("floor", "3", "2", False)], year=2022)
    ended = make_commitment(
        Service.objects.create(name="Servei tancat", area=organisation[2]),
        in_force_until=date(2020, 6, 30),
    )
    add_commitment(ended, [("ceiling", "3", "4", False)], year=2019)
    years = [2019, 2020, 2021, 2022]

    counts = band_counts_by_service(years)

    for year in years:
        assert counts[year] == rules_counts(year), year
    assert counts[2021]["Servei dels límits"] == {
        Band.MET: 1,
        Band.PARTLY_MET: 2,
        Band.NOT_MET: 1,
        Band.NOT_ASSESSED: 1,
    }
    assert "Servei nou" not in counts[2021] and "Servei tancat" not in counts[2021]
    dashboard = build_charters_dashboard(2021, years=[2022, 2021, 2019])
    expected = {band: 0 for band in Band}
    for service_counts in rules_counts(2021).values():
        for band, count in service_counts.items():
            expected[band] += count
    assert {figure.band: figure.count for figure in dashboard.overall.figures} == expected
