from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commitments.models import ReportingPeriod
from governance.roles import Role
from publication.models import PublicationJob, PublishedVersion, RoundKind
from publication.operations import open_round
from publication.tasks import publish_version
from tests.browser.conftest import sign_in
from tests.conftest import make_user


def test_staff_open_review_and_publish_a_round_and_see_version_1(page, organisation):
    call_command("loaddata", "mandate_plan", verbosity=0)
    make_user("publicacio", Role.PUBLICATION_STAFF)
    deadline = timezone.localdate() + timedelta(days=21)

    sign_in(page, "publicacio")
    page.get_by_role("link", name="Rondes", exact=True).click()
    page.get_by_label("Balanç semestral del Pla de Mandat").check()
    page.get_by_label("Període del balanç").select_option(
        label="Pla de Mandat 2015-2019 · Primer semestre de 2019"
    )
    page.get_by_role("textbox", name="Termini").fill(deadline.isoformat())
    page.get_by_label("Dies d'avís abans del termini").fill("5")
    page.get_by_role("button", name="Obre la ronda").click()

    assert page.get_by_text("S'ha obert la ronda").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Pla de Mandat 2015-2019 · Primer semestre de 2019"
    )
    assert page.get_by_text(deadline.strftime("%d/%m/%Y")).first.is_visible()

    page.get_by_role("button", name="Passa a revisió").click()
    assert page.get_by_text("ha passat a revisió").is_visible()
    assert page.get_by_role("button", name="Passa a revisió").count() == 0

    page.get_by_label("Nota de la versió").fill("Primera publicació del balanç.")
    page.get_by_role("button", name="Publica").click()

    assert page.get_by_text("S'ha publicat la versió 1").is_visible()
    versions = page.locator("table.versions-table tbody tr")
    assert versions.count() == 1
    row = versions.first.inner_text()
    assert "Primera publicació del balanç." in row
    assert "Publicacio" in row
    assert versions.first.get_by_role("link", name="PDF de la versió 1").is_visible()
    assert PublishedVersion.objects.get().number == 1
    assert page.console_errors == []


def test_while_a_worker_publishes_the_round_page_says_so_and_then_shows_the_version(
    page, organisation, no_worker
):
    call_command("loaddata", "mandate_plan", verbosity=0)
    staff = make_user("publicacio", Role.PUBLICATION_STAFF)
    period = ReportingPeriod.objects.get(label="Primer semestre de 2019", is_open=True)
    round_ = open_round(
        RoundKind.BALANCE,
        period=period,
        deadline=timezone.localdate() + timedelta(days=21),
        acting_user=staff,
    )

    sign_in(page, "publicacio")
    page.goto(reverse("publication:round", args=[round_.pk]))
    page.get_by_label("Nota de la versió").fill("Primera publicació del balanç.")
    page.get_by_role("button", name="Publica").click()

    assert page.get_by_role("heading", name="S'està publicant…").is_visible()
    assert page.get_by_role("button", name="Publica").count() == 0

    # A worker takes the job; the page notices by itself and shows the new version.
    publish_version.call(PublicationJob.objects.get().pk)
    page.get_by_role("link", name="PDF de la versió 1").wait_for(timeout=20_000)
    assert page.get_by_role("heading", name="S'està publicant…").count() == 0
    assert page.console_errors == []
