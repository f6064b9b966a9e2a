"""A technician of area 3 relates commitment 21 to an indicator of the Solidaritat i
Cooperació Internacional charter on the commitment's page, then finds it, with its
compliance, in the Balanç and follows it to the indicator's page, which names the
commitment in turn."""

from django.core.management import call_command

from commitments.models import PlanNode, ReportingPeriod
from governance.roles import Role
from tests.browser.conftest import sign_in
from tests.conftest import make_user


def test_a_technician_relates_an_indicator_and_finds_it_in_the_balance(page, organisation):
    call_command("loaddata", "mandate_plan", "service_charters", "plis", verbosity=0)
    make_user("tecnic", Role.TECHNICIAN, areas=[organisation[3]])
    commitment = PlanNode.objects.get(mandate__term="2015-2019", level__depth=1, code="21")
    period = ReportingPeriod.objects.get(is_open=True)

    sign_in(page, "tecnic")
    page.goto(f"/pla-de-mandat/compromisos/{commitment.pk}/")
    related = page.locator(
        "section", has=page.get_by_role("heading", name="Informació relacionada")
    )
    assert related.get_by_text(
        "Encara no hi ha cap indicador ni cap acció relacionats."
    ).is_visible()
    related.get_by_role("link", name="Gestiona la informació relacionada").click()

    page.get_by_role("combobox", name="Element relacionat").select_option(
        label="Indicador: Nombre de cicles realitzats"
    )
    page.get_by_role("button", name="Afegeix", exact=True).click()
    assert (
        page.get_by_role("status")
        .get_by_text("S'ha afegit «Nombre de cicles realitzats» a la informació relacionada.")
        .is_visible()
    )

    page.goto(f"/pla-de-mandat/balanc/{period.pk}/")
    leaf = page.locator(".balance-leaf", has_text="COMPROMÍS núm. 21")
    item = leaf.locator(".related-item", has_text="Nombre de cicles realitzats")
    assert "Compliment 2021: 75" in item.inner_text()
    assert item.get_by_text("Assolit parcialment").is_visible()
    item.get_by_role("link", name="Nombre de cicles realitzats").click()

    page.wait_for_url("**/cartes-de-serveis/indicadors/*/")
    served = page.locator("section", has=page.get_by_role("heading", name="Pla de Mandat"))
    assert served.get_by_role("link", name="Compromís 21. Garantirem els drets").is_visible()
    assert page.console_errors == []
