from governance.roles import Role
from tests.browser.conftest import sign_in
from tests.conftest import make_user
from tests.service_charters import conftest as charter_fixtures

# The seed charter fixture lives with the service charter tests; offer it here too.
seed_charter = charter_fixtures.seed_charter


def test_a_technician_types_a_result_and_sees_its_compliance(page, seed_charter):
    make_user("tecnica", Role.TECHNICIAN, services=[seed_charter.service])
    cycles = seed_charter.indicators[2]

    sign_in(page, "tecnica")
    page.goto(f"/cartes-de-serveis/{seed_charter.charter.pk}/resultats/2021/")
    assert page.get_by_role("heading", level=1).inner_text() == "Resultats de 2021"

    indicator = page.locator(f"#indicator-{cycles.pk}")
    indicator.get_by_label("Resultat", exact=True).fill("2")
    indicator.get_by_label("Observacions").fill("Només dos cicles per la COVID-19.")
    page.get_by_role("button", name="Desa").click()
    page.wait_for_load_state()

    assert page.get_by_text("S'han desat els resultats de 2021.").is_visible()
    indicator = page.locator(f"#indicator-{cycles.pk}")
    assert indicator.locator(".result-saved__result").inner_text() == "2"
    assert indicator.locator(".result-saved__difference").inner_text() == "-2"
    assert indicator.locator(".result-saved__compliance").inner_text() == (
        "50\u00a0% Assolit parcialment"
    )
    # Everything loads from the app itself, within the content security policy.
    assert page.console_errors == []
