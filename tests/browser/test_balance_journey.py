"""A technician finds the Balanç of their semester from the home page: the navigation,
then the chooser, then the PDF beside it with the same choices."""

import re

from django.core.management import call_command

from commitments.models import ReportingPeriod
from governance.roles import Role
from tests.browser.conftest import sign_in
from tests.conftest import make_user


def test_a_technician_goes_from_home_to_the_balance_of_their_semester(page, organisation):
    call_command("loaddata", "mandate_plan", verbosity=0)
    make_user("tecnic", Role.TECHNICIAN, areas=[organisation[3]])
    open_period = ReportingPeriod.objects.get(is_open=True)
    earlier = ReportingPeriod.objects.get(
        mandate=open_period.mandate, label="Segon semestre de 2018"
    )

    sign_in(page, "tecnic")
    navigation = page.get_by_role("navigation", name="Navegació principal")
    navigation.get_by_role("link", name="Balanç").click()
    page.wait_for_url(re.compile(rf".*/pla-de-mandat/balanc/{open_period.pk}/(\?.*)?$"))
    assert page.get_by_role("heading", name="Balanç del Pla de Mandat 2015-2019").is_visible()

    # Another semester, then back to their own, with their priority and area.
    chooser = page.get_by_role("form", name="Trieu el balanç")
    chooser.get_by_label("Semestre").select_option(label="Segon semestre de 2018")
    chooser.get_by_role("button", name="Mostra el balanç").click()
    # The chooser keeps the priority the page opened on.
    page.wait_for_url(re.compile(rf".*/pla-de-mandat/balanc/{earlier.pk}/(\?.*)?$"))
    chooser.get_by_label("Semestre").select_option(label="Primer semestre de 2019")
    chooser.get_by_label("Prioritat").select_option(value="2")
    chooser.get_by_label("Àrea responsable").select_option(value="3")
    chooser.get_by_role("button", name="Mostra el balanç").click()

    page.wait_for_url(f"**/pla-de-mandat/balanc/{open_period.pk}/?priority=2&area=3")
    assert page.locator(".balance-cover__period").inner_text() == "Primer semestre de 2019"
    commitment = page.locator(".balance-leaf", has_text="COMPROMÍS núm. 21")
    assert commitment.get_by_text("144 persones (121 dones i 23 homes)").is_visible()
    pdf = page.get_by_role("link", name="Descarrega el balanç en PDF")
    assert pdf.get_attribute("href") == (
        f"/pla-de-mandat/balanc/{open_period.pk}/pdf/?priority=2&area=3"
    )
    assert page.console_errors == []
