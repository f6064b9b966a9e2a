"""Two journeys of issue 15 in Chromium: a director goes from the plan dashboard to area
3's page and reads how it is doing across the instruments; a visitor types «refugiades»
in the header's search box and finds the published charter indicator and the refugee
table, with their area and status."""

from datetime import timedelta

import pytest
from django.utils import timezone

from publication.models import RoundKind
from publication.operations import open_round, publish_round
from tests.browser.conftest import sign_in
from tests.commitments import conftest as commitment_fixtures
from tests.governance import conftest as governance_fixtures
from tests.service_charters import conftest as charter_fixtures

# The seed fixtures live with the domain apps' tests; offer them here.
seed_plan = commitment_fixtures.seed_plan
seed_charter = charter_fixtures.seed_charter
plis = governance_fixtures.plis


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_director_opens_area_3_from_the_dashboard(page, seed_plan, seed_charter, plis, director):
    sign_in(page, director.username)
    page.get_by_role("link", name="Quadre de comandament").first.click()
    page.wait_for_url("**/quadre/")

    page.get_by_role(
        "link", name="Visió de l'àrea 3. Drets Socials i Serveis a les Persones"
    ).click()
    page.wait_for_url("**/arees/3/")

    assert page.get_by_role(
        "heading", level=1, name="Àrea 3. Drets Socials i Serveis a les Persones"
    ).is_visible()
    for part in ("Pla de Mandat", "Cartes de serveis", "Accions del PLIS"):
        assert page.get_by_role("heading", level=2, name=part, exact=True).is_visible()
    late = page.locator(
        "section", has=page.get_by_role("heading", name="Endarrerits i no assolits")
    )
    late.get_by_role(
        "link", name="Nombre de convocatòries de la Taula Local per a les Persones Refugiades"
    ).click()
    page.wait_for_url("**/cartes-de-serveis/indicadors/*/")
    assert page.console_errors == []


def test_a_visitor_searches_refugiades(page, seed_charter, plis, staff, media):
    round_ = open_round(
        RoundKind.CHARTERS,
        year=2021,
        deadline=timezone.localdate() + timedelta(days=30),
        acting_user=staff,
    )
    publish_round(round_, acting_user=staff)

    page.goto("/")
    page.get_by_role("searchbox", name="Cerca al lloc").fill("refugiades")
    page.get_by_role("button", name="Cerca", exact=True).first.click()
    page.wait_for_url("**/cerca/?q=refugiades")

    assert page.get_by_text("La cerca pública només inclou el que s'ha publicat").is_visible()
    charters = page.locator(
        "section", has=page.get_by_role("heading", name="Cartes de serveis: seguiments publicats")
    )
    result = charters.get_by_role("listitem").filter(has_text="Taula Local per a les Persones")
    assert "Àrea: Drets Socials i Serveis a les Persones" in result.first.inner_text()
    assert "No assolit" in result.first.inner_text()
    bodies = page.locator("section", has=page.get_by_role("heading", name="PLIS: òrgans"))
    bodies.get_by_role("link", name="Taula Local per a les Persones Refugiades").click()
    page.wait_for_url("**/publicat/plis/taula-local-persones-refugiades/")
    assert page.console_errors == []
