"""What an imported follow-up sheet leaves on record: every charter text and result it
saves names the person who imported it and the file it came from."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from governance.models import Service
from service_charters.models import (
    Charter,
    CharterCommitment,
    Indicator,
    Measurement,
    Objective,
    OfferedService,
)

SEED_FILE = Path(__file__).parent / "data" / "seguiment_2021_solidaritat.csv"
SERVICE = "Servei de Solidaritat i Cooperació Internacional"
IMPORTED = [Charter, OfferedService, Objective, CharterCommitment, Indicator, Measurement]


def records_of(model):
    return list(model.history.all())


@pytest.mark.django_db
def test_a_confirmed_import_names_the_importer_and_the_file_in_every_history(client, staff):
    client.force_login(staff)
    file = io.BytesIO(SEED_FILE.read_bytes())
    file.name = "seguiment de solidaritat 2021.csv"
    client.post(
        reverse("service_charters:import"),
        {
            "action": "preview",
            "file": file,
            "service": Service.objects.get(name=SERVICE).pk,
            "year": 2021,
        },
    )
    token = client.session["service_charters.import"]["token"]

    client.post(reverse("service_charters:import_confirm"), {"token": token})

    for model in IMPORTED:
        records = records_of(model)
        assert records, model
        for record in records:
            assert record.history_user == staff, model
            assert record.history_change_reason == (
                "Importat del fitxer «seguiment de solidaritat 2021.csv»"
            ), model


@pytest.mark.django_db
def test_the_command_names_the_user_it_is_told_and_the_file(organisation, staff):
    call_command(
        "import_charter",
        str(SEED_FILE),
        service=SERVICE,
        year=2021,
        user=staff.username,
        stdout=io.StringIO(),
    )

    for model in IMPORTED:
        assert {
            (record.history_user, record.history_change_reason) for record in records_of(model)
        } == {(staff, f"Importat del fitxer «{SEED_FILE.name}»")}, model
