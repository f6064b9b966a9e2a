"""The seed's 2021 follow-up of the Solidaritat i Cooperació Internacional charter."""

from dataclasses import dataclass

import pytest
from django.core.management import call_command

from governance.models import Service
from service_charters.models import Charter, Indicator


@dataclass
class SeedCharter:
    charter: Charter
    service: Service
    year: int
    indicators: list[Indicator]  # the seven rows, in order


@pytest.fixture
def seed_charter(organisation) -> SeedCharter:
    call_command("loaddata", "service_charters", verbosity=0)
    charter = Charter.objects.select_related("service").get()
    indicators = list(
        Indicator.objects.filter(commitment__objective__offered_service__charter=charter).order_by(
            "position"
        )
    )
    return SeedCharter(charter=charter, service=charter.service, year=2021, indicators=indicators)


def build_charters(service, count: int, *, indicators_each: int = 8, years=(2021,)):
    """`count` charters of `service`, each with `indicators_each` indicators and results."""
    from datetime import date
    from decimal import Decimal

    from service_charters.models import (
        CharterCommitment,
        Measurement,
        Objective,
        OfferedService,
    )

    charters = []
    for number in range(count):
        charter = Charter.objects.create(
            service=service, title=f"Carta de prova {number}", in_force_from=date(2018, 4, 1)
        )
        offered = OfferedService.objects.create(charter=charter, position=1, name=service.name)
        objective = Objective.objects.create(offered_service=offered, position=1, text="Objectiu")
        for index in range(indicators_each):
            commitment = CharterCommitment.objects.create(
                objective=objective, position=index, text=f"Compromís {index}"
            )
            indicator = Indicator.objects.create(
                commitment=commitment,
                position=index,
                name=f"Indicador {index}",
                target_kind="floor",
                target_value=Decimal(4),
                target_text="4",
            )
            for year in years:
                Measurement.objects.create(
                    indicator=indicator, year=year, result=Decimal(index % 5)
                )
        charters.append(charter)
    return charters
