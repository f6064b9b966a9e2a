"""Staff seat a technician in the transversal commission through the browser."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.governance import conftest as governance
from tests.governance.conftest import TRANSVERSAL, build_memberships

# The seed's PLIS, the same fixture as the governance tests'.
plis = governance.plis


def test_staff_add_a_technician_and_see_the_seat_fill_up(page, staff, plis):
    build_memberships(plis.technicians_seat, 18)
    seat_id = f"#placa-{plis.technicians_seat.pk}"

    sign_in(page, staff.username)
    page.goto("/plis/")
    page.get_by_role("link", name="Comissió tècnica transversal").click()

    seat = page.locator(seat_id)
    expect(seat.locator(".plis-seat__fill")).to_have_text("22 previstos: 18 designats")
    seat.get_by_role("link", name=re.compile("^Afegeix un membre")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Afegeix un membre")
    expect(page.get_by_label("Plaça")).to_have_value(str(plis.technicians_seat.pk))
    page.get_by_label("Nom i cognoms d'una persona nova").fill("Clara Puig i Soler")
    page.get_by_label("Àrea", exact=True).select_option(
        label="4. Desenvolupament Econòmic, Indústria i Ocupació"
    )
    page.get_by_role("button", name="Desa").click()

    page.wait_for_url(f"**/plis/organs/{TRANSVERSAL}/*")
    expect(
        page.get_by_text("S'ha afegit Clara Puig i Soler a «Comissió tècnica transversal».")
    ).to_be_visible()
    seat = page.locator(seat_id)
    expect(seat.locator(".plis-seat__fill")).to_have_text("22 previstos: 19 designats")
    expect(seat.get_by_role("rowheader", name="Clara Puig i Soler")).to_be_visible()
    assert page.console_errors == []
