"""Browser test: a director opens the plan dashboard, picks a semester and reads its charts
and the delayed commitments."""

from django.core.management import call_command

from commitments.models import Mandate, ReportingPeriod
from governance.roles import Role
from tests.browser.conftest import sign_in
from tests.commitments.conftest import SeedPlan, build_commitments
from tests.conftest import make_user


def test_a_director_reads_the_plan_dashboard(page, organisation):
    call_command("loaddata", "mandate_plan", verbosity=0)
    mandate = Mandate.objects.get(term="2015-2019")
    open_period = ReportingPeriod.objects.get(mandate=mandate, is_open=True)
    seed = SeedPlan(
        mandate=mandate,
        mandate_2019_2023=Mandate.objects.get(term="2019-2023"),
        open_period=open_period,
        previous_period=ReportingPeriod.objects.get(
            mandate=mandate, label="Segon semestre de 2018"
        ),
        priority_2=mandate.nodes.get(code="2"),
        commitment_21=mandate.nodes.get(code="21"),
        entry_21=open_period.entries.get(),
    )
    build_commitments(seed, 12)
    make_user("directora", Role.DIRECTOR)

    sign_in(page, "directora")
    page.get_by_role("link", name="Quadre de comandament").first.click()
    page.wait_for_url("**/quadre/")
    assert page.get_by_role("heading", name="Quadre de comandament del Pla de Mandat").is_visible()

    # The semester before the open one, where the built commitments reported.
    page.get_by_label("Període", exact=True).select_option(label="Segon semestre de 2018")
    page.get_by_role("button", name="Mostra").click()
    page.wait_for_url("**/quadre/?*")
    assert page.get_by_text("Pla de Mandat 2015-2019 · Segon semestre de 2018").is_visible()

    chart = page.locator("svg[role=img]").first
    assert chart.is_visible()
    assert chart.locator("title").text_content() == "Estat de compliment de tot el pla"
    assert page.locator("svg[role=img] title").count() >= 3

    attention = page.locator("section", has=page.get_by_role("heading", name="amb retard"))
    delayed_row = attention.get_by_role("row", name="En execució però amb retard").first
    assert delayed_row.is_visible()
    assert "Compromís de prova 100" in delayed_row.inner_text()

    page.get_by_role("link", name="Compromís de prova 100").first.click()
    page.wait_for_url("**/pla-de-mandat/compromisos/*/")
    assert page.console_errors == []
