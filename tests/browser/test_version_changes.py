"""«Què ha canviat» as its people use it: a technician corrects an observation of the
published balance, staff review the round and see that correction before publishing
again, and a visitor reads exactly that change on the new version's public page."""

from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commitments.models import PlanNode, ReportingPeriod
from governance.roles import Role
from publication.demo import DEMO_NOTE
from publication.models import RoundKind
from publication.operations import open_round, publish_round
from tests.browser.conftest import sign_in
from tests.conftest import make_user


def test_an_edit_republished_shows_exactly_that_edit(page, browser, live_server, organisation):
    call_command("loaddata", "mandate_plan", verbosity=0)
    make_user("tecnic", Role.TECHNICIAN, areas=[organisation[3]])
    staff = make_user("publicacio", Role.PUBLICATION_STAFF)
    period = ReportingPeriod.objects.get(label="Primer semestre de 2019", is_open=True)
    commitment = PlanNode.objects.get(mandate__term="2015-2019", level__depth=1, code="21")
    # The demo's balance, published once (publication.demo).
    round_ = open_round(
        RoundKind.BALANCE,
        period=period,
        deadline=timezone.localdate() + timedelta(days=21),
        acting_user=staff,
    )
    publish_round(round_, note=DEMO_NOTE, acting_user=staff)

    # The technician corrects one figure of commitment 21's observations.
    sign_in(page, "tecnic")
    page.goto(reverse("commitments:entry_edit", args=[commitment.pk, period.pk]))
    observations = page.get_by_label("Observacions")
    typed = observations.input_value()
    assert "344" in typed
    observations.fill(typed.replace("344", "345", 1))
    page.get_by_role("button", name="Desa", exact=True).click()
    assert page.get_by_text("S'ha desat el seguiment: Compromís 21.").is_visible()

    # Staff review the round: that correction, and nothing else, under «Què ha canviat».
    staff_context = browser.new_context(base_url=live_server.url, locale="ca-ES")
    staff_page = staff_context.new_page()
    sign_in(staff_page, "publicacio")
    staff_page.goto(reverse("publication:round", args=[round_.pk]))
    staff_page.get_by_role("link", name="Què ha canviat").click()
    assert staff_page.get_by_role("heading", level=1).inner_text().startswith("Què ha canviat")
    assert staff_page.locator(".changes-counts").inner_text().split() == [
        "1",
        "observació",
        "modificada",
    ]
    [item] = staff_page.locator(".changes-item").all()
    assert "Compromís 21" in item.get_by_role("heading", level=3).inner_text()
    assert item.locator("del").text_content() == "[text suprimit:] 344"
    assert item.locator("ins").text_content() == "[text afegit:] 345"

    staff_page.goto(reverse("publication:round", args=[round_.pk]))
    staff_page.get_by_label("Nota de la versió").fill("Corregit un nombre del compromís 21.")
    staff_page.get_by_role("button", name="Publica").click()
    assert staff_page.get_by_text("S'ha publicat la versió 2").is_visible()
    staff_context.close()

    # A visitor reads the new version and what it changed.
    visitor_context = browser.new_context(base_url=live_server.url, locale="ca-ES")
    visitor = visitor_context.new_page()
    visitor.goto(reverse("publication:public_page", args=[round_.pk]))
    visitor.get_by_role("link", name="Què ha canviat").click()
    visitor.wait_for_url(f"**/publicat/{round_.pk}/v2/canvis/")
    assert visitor.locator(".changes-counts").inner_text().split() == [
        "1",
        "observació",
        "modificada",
    ]
    [item] = visitor.locator(".changes-item").all()
    assert "Compromís 21" in item.inner_text()
    assert item.locator("del").text_content() == "[text suprimit:] 344"
    assert item.locator("ins").text_content() == "[text afegit:] 345"
    visitor_context.close()
    assert page.console_errors == []
