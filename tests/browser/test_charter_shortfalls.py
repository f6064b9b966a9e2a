"""Browser test: a director goes from the charters dashboard to the commitments that fell
short, and opens the indicator behind one of them."""

from django.core.management import call_command

from governance.roles import Role
from tests.browser.conftest import sign_in
from tests.conftest import make_user


def test_a_director_finds_which_charter_commitments_failed(page, organisation):
    call_command("loaddata", "service_charters", verbosity=0)
    make_user("directora", Role.DIRECTOR)

    sign_in(page, "directora")
    page.get_by_role("link", name="Quadre de comandament").first.click()
    page.wait_for_url("**/quadre/")
    page.get_by_role("navigation", name="Quadres de comandament").get_by_role(
        "link", name="Cartes de serveis"
    ).click()
    page.wait_for_url("**/quadre/cartes/")

    page.get_by_role("link", name="Compromisos no assolits i assolits parcialment, 2021").click()
    page.wait_for_url("**/cartes-de-serveis/seguiment/2021/no-assolits/")
    assert page.get_by_role(
        "heading", level=1, name="Compromisos no assolits i assolits parcialment, 2021"
    ).is_visible()
    service = page.get_by_role("region", name="Servei de Solidaritat i Cooperació Internacional")
    rows = service.get_by_role("row")
    # The header, then the commitment not met, then the one partly met.
    assert rows.count() == 3
    assert "Convocarem la Taula Local" in rows.nth(1).inner_text()
    assert "No assolit" in rows.nth(1).inner_text()
    assert "Assolit parcialment" in rows.nth(2).inner_text()

    service.get_by_role(
        "link", name="Nombre de convocatòries de la Taula Local per a les Persones Refugiades"
    ).click()
    page.wait_for_url("**/cartes-de-serveis/indicadors/*/")
    assert page.get_by_role(
        "heading",
        level=1,
        name="Nombre de convocatòries de la Taula Local per a les Persones Refugiades",
    ).is_visible()
    assert page.console_errors == []
