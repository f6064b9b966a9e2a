from django.core.management import call_command

from commitments.models import PlanNode, ReportingPeriod
from governance.roles import Role
from tests.browser.conftest import sign_in
from tests.conftest import make_user


def test_tecnic_fills_commitment_21_and_sees_it_on_the_balance(page, organisation):
    call_command("loaddata", "mandate_plan", verbosity=0)
    make_user("tecnic", Role.TECHNICIAN, areas=[organisation[3]])
    commitment = PlanNode.objects.get(mandate__term="2015-2019", level__depth=1, code="21")
    period = ReportingPeriod.objects.get(is_open=True)

    sign_in(page, "tecnic")
    page.get_by_role("link", name="Els meus compromisos").first.click()
    page.get_by_role("link", name="21", exact=False).first.click()
    page.wait_for_url(f"**/compromisos/{commitment.pk}/seguiment/{period.pk}/")

    page.get_by_label("En execució però amb retard").check()
    page.get_by_label("Observacions").fill(
        "Balanç del semestre:\n- 12 tallers de llengua amb 180 participants.\n"
        "- 4 sessions d'acollida."
    )
    page.get_by_label("Concepte (fila 1)").fill("Participants als tallers de llengua")
    page.get_by_label("Valor (fila 1)").fill("180")
    page.get_by_label("Dones (fila 1)").fill("110")
    page.get_by_label("Homes (fila 1)").fill("70")
    page.get_by_role("button", name="Desa", exact=True).click()

    assert page.get_by_text("S'ha desat el seguiment: Compromís 21.").is_visible()

    page.goto(f"/pla-de-mandat/balanc/{period.pk}/?priority=2")
    commitment_block = page.locator(".keep-together", has_text="COMPROMÍS núm. 21")
    assert commitment_block.locator("li", has_text="12 tallers de llengua").is_visible()
    assert commitment_block.get_by_text("(estat actual)").count() == 1
    current = commitment_block.locator("li", has_text="(estat actual)")
    assert "En execució però amb retard" in current.inner_text()
    assert page.console_errors == []
