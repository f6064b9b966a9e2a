"""Demo data of the service charters: the seed's 2021 follow-up and (`--scale city`)
54 charters of about 8 indicators each, with results for 4 years.

Keyed by charter title and by (indicator, year), so loading twice leaves the same data.
"""

import random
from datetime import date
from decimal import Decimal

from django.core.management import call_command

from governance.models import Area, Service
from service_charters.models import (
    Charter,
    CharterCommitment,
    Indicator,
    Measurement,
    Objective,
    OfferedService,
)
from terrassa_plis.text_search import filled

CITY_CHARTERS = 54
CITY_YEARS = (2019, 2020, 2021, 2022)
GENERATED = "[Dades generades]"

# target text, kind, value, unit
TARGET_SHAPES = [
    ("100 %", "floor", 100, "%"),
    ("95 %", "floor", 95, "%"),
    ("4", "floor", 4, ""),
    ("12", "floor", 12, ""),
    ("≥ 5 exposicions", "floor", 5, "exposicions"),
    ("≤ 10 dies", "ceiling", 10, "dies"),
    ("menys de 48 hores", "ceiling", 48, "hores"),
    ("1 cicle anual", "yes_no", 1, "cicle anual"),
]


def load(*, scale, stdout, factor=1):
    call_command("loaddata", "service_charters", verbosity=0)
    if scale == "city":
        _load_city_charters(CITY_CHARTERS * factor)
    stdout.write(
        f"service_charters: {Charter.objects.count()} cartes, "
        f"{Indicator.objects.count()} indicadors, {Measurement.objects.count()} resultats."
    )


def _load_city_charters(count):
    existing = Charter.objects.filter(title__startswith=GENERATED).count()
    if existing >= count:
        return
    rng = random.Random(54 + existing)
    areas = list(Area.objects.all())
    for number in range(existing + 1, count + 1):
        area = areas[number % len(areas)]
        service, _ = Service.objects.get_or_create(
            name=f"{GENERATED} Servei municipal {number}", defaults={"area": area}
        )
        charter = Charter.objects.create(
            service=service,
            title=f"{GENERATED} Carta de serveis {number}",
            in_force_from=date(2018, 4 if number <= 17 else 12, 1),
        )
        offered = OfferedService.objects.create(charter=charter, position=1, name=service.name)
        indicators = []
        for objective_number in range(1, 4):
            objective = Objective.objects.create(
                offered_service=offered,
                position=objective_number,
                text=f"Objectiu {objective_number} de la carta {number}.",
            )
            for commitment_number in range(1, 3 if objective_number < 3 else 4):
                commitment = CharterCommitment.objects.create(
                    objective=objective,
                    position=commitment_number,
                    text=f"Compromís {objective_number}.{commitment_number} de la carta {number}.",
                )
                for indicator_number in range(1, rng.choice((1, 1, 1, 2)) + 1):
                    text, kind, value, unit = rng.choice(TARGET_SHAPES)
                    indicators.append(
                        Indicator(
                            commitment=commitment,
                            position=indicator_number,
                            name=(
                                f"Indicador {objective_number}.{commitment_number}."
                                f"{indicator_number}"
                            ),
                            target_kind=kind,
                            target_value=Decimal(value),
                            target_text=text,
                            unit=unit,
                        )
                    )
        Indicator.objects.bulk_create(filled(indicators))
        Measurement.objects.bulk_create(
            filled(
                _measurement(rng, indicator, year)
                for indicator in indicators
                for year in CITY_YEARS
            )
        )


def _measurement(rng, indicator, year):
    if rng.random() < 0.06:
        return Measurement(
            indicator=indicator,
            year=year,
            not_applicable=True,
            not_applicable_reason="No s'ha pogut mesurar aquest any.",
        )
    target = indicator.target_value
    if indicator.target_kind == "yes_no":
        result = Decimal(1 if rng.random() < 0.85 else 0)
    else:
        result = (target * Decimal(rng.uniform(0.5, 1.3))).quantize(Decimal(1))
    below = (
        (indicator.target_kind == "floor" and result < target)
        or (indicator.target_kind == "ceiling" and result > target)
        or (indicator.target_kind == "yes_no" and result < 1)
    )
    return Measurement(
        indicator=indicator,
        year=year,
        result=result,
        observations="Recursos insuficients durant part de l'any." if below else "",
    )
