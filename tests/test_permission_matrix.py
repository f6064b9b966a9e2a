"""Who may open what: one table of (url, persona → expected status), run for every persona.

Every internal page of every app is listed here; a page missing from the table is a
page nobody checked. URLs are templates filled with the ids of the seed data.
"""

import pytest
from django.core.management import call_command

from commitments.models import PlanNode, ReportingPeriod
from service_charters.models import Charter, Indicator
from tests.conftest import PERSONAS

LOGIN = 302
READERS = {"anonymous": LOGIN, "user_without_role": 403}
# Entries and results are edited by technicians of the item's area and by administrators.
EDITORS_OF_AREA_3 = {
    "anonymous": LOGIN,
    "user_without_role": 403,
    "technician_area3": 200,
    "technician_other_area": 403,
    "director": 403,
    "staff": 403,
    "administrator": 200,
}
PUBLISHERS = {"anonymous": LOGIN, "staff": 200, "administrator": 200}
STEERING = {"anonymous": LOGIN, "director": 200, "staff": 200, "administrator": 200}

# (url, {persona: status}, status of every persona not named)
MATRIX = [
    ("/", {"anonymous": LOGIN}, 200),
    ("/entrar/", {}, 200),
    ("/health/", {}, 200),
    # The admin sends anyone who is not staff to its own login page.
    ("/admin/", {"administrator": 200}, 302),
    ("/admin/governance/area/", {"administrator": 200}, 302),
    ("/admin/commitments/entry/", {"administrator": 200}, 302),
    ("/admin/service_charters/measurement/", {"administrator": 200}, 302),
    # Mandate Plan
    ("/pla-de-mandat/", READERS, 200),
    ("/pla-de-mandat/exporta.csv", READERS, 200),
    ("/pla-de-mandat/exporta.xlsx", READERS, 200),
    ("/pla-de-mandat/compromisos/{commitment_21}/", READERS, 200),
    ("/pla-de-mandat/els-meus/", READERS, 200),
    ("/pla-de-mandat/compromisos/{commitment_21}/seguiment/{open_period}/", EDITORS_OF_AREA_3, 200),
    ("/pla-de-mandat/balanc/{open_period}/", READERS, 200),
    ("/pla-de-mandat/balanc/{open_period}/pdf/", READERS, 200),
    # Service charters
    ("/cartes-de-serveis/", READERS, 200),
    ("/cartes-de-serveis/seguiment/2021/", READERS, 200),
    ("/cartes-de-serveis/seguiment/2021/pdf/", READERS, 200),
    ("/cartes-de-serveis/seguiment/2021/exporta.csv", READERS, 200),
    ("/cartes-de-serveis/seguiment/2021/exporta.json", READERS, 200),
    ("/cartes-de-serveis/{charter}/seguiment/2021/", READERS, 200),
    ("/cartes-de-serveis/{charter}/seguiment/2021/pdf/", READERS, 200),
    ("/cartes-de-serveis/{charter}/seguiment/2021/exporta.xlsx", READERS, 200),
    ("/cartes-de-serveis/indicadors/{indicator}/", READERS, 200),
    ("/cartes-de-serveis/{charter}/resultats/2021/", EDITORS_OF_AREA_3, 200),
    ("/cartes-de-serveis/importa/", PUBLISHERS, 403),
    # PLIS
    ("/plis/", READERS, 200),
    ("/plis/popolo.json", READERS, 200),
    ("/plis/organs/comissio-tecnica-transversal/", READERS, 200),
    ("/plis/organs/oficina-tecnica-local/pdf/", READERS, 200),
    ("/plis/organs/comissio-tecnica-transversal/membres/nou/", PUBLISHERS, 403),
    ("/plis/reunions/", READERS, 200),
    ("/plis/accions/", READERS, 200),
    ("/plis/accions/pdf/", READERS, 200),
    # Dashboards and rounds: those who steer
    ("/quadre/", STEERING, 403),
    ("/quadre/cartes/", STEERING, 403),
    ("/quadre/plis/", STEERING, 403),
    ("/rondes/", STEERING, 403),
    # Public pages: no login, and nothing unpublished
    ("/publicat/", {}, 200),
    ("/publicat/999/", {}, 404),
]


@pytest.fixture
def seed_ids(organisation):
    call_command("loaddata", "mandate_plan", "service_charters", "plis", verbosity=0)
    return {
        "commitment_21": PlanNode.objects.get(
            level__depth=1, code="21", mandate__term="2015-2019"
        ).pk,
        "open_period": ReportingPeriod.objects.get(is_open=True).pk,
        "charter": Charter.objects.get().pk,
        "indicator": Indicator.objects.order_by("pk").first().pk,
    }


def expand(matrix):
    for url, overrides, default in matrix:
        for persona in PERSONAS:
            yield pytest.param(url, persona, overrides.get(persona, default), id=f"{url}-{persona}")


@pytest.mark.parametrize(("url", "persona", "expected"), list(expand(MATRIX)))
def test_permission_matrix(persona_client, seed_ids, url, persona, expected):
    response = persona_client(persona).get(url.format(**seed_ids))
    assert response.status_code == expected


def test_anonymous_visitors_are_sent_to_the_login_page_and_back(client):
    response = client.get("/", follow=False)
    assert response["Location"] == "/entrar/?next=/"
