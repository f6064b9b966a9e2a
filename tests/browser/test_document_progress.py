"""A director asks for the Balanç as a PDF while every worker is busy: the page says
what is being prepared and how far it got, and delivers the PDF once a worker made it."""

from django.urls import reverse

from terrassa_plis.documents import make_document
from terrassa_plis.models import GeneratedDocument
from tests.browser.conftest import sign_in
from tests.commitments import conftest as commitment_fixtures

seed_plan = commitment_fixtures.seed_plan


def test_the_pdf_link_shows_the_progress_and_then_delivers_the_pdf(
    page, seed_plan, director, no_worker
):
    sign_in(page, "directora")
    page.goto(reverse("commitments:balance", args=[seed_plan.open_period.pk]))

    page.get_by_role("link", name="Descarrega el balanç en PDF").click()

    page.wait_for_url("**/documents/**")
    # The page opens on the first priority with commitments: its PDF is that priority's.
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Balanç del Pla de Mandat 2015-2019 · Primer semestre de 2019")
    assert heading.endswith("PRIORITAT núm. 2")
    assert page.get_by_role("heading", name="S'està preparant el document").is_visible()
    assert page.get_by_text("Pas 1 de 3: En cua.").is_visible()
    assert page.get_by_role("progressbar").count() == 1

    # A worker picks the task up while the page waits.
    document = GeneratedDocument.objects.get()
    with page.expect_download() as download:
        make_document.call(str(document.pk))
    pdf = download.value
    assert (
        pdf.suggested_filename
        == "balanc-pla-de-mandat-2015-2019-primer-semestre-de-2019-prioritat-2.pdf"
    )
    with open(pdf.path(), "rb") as delivered:
        assert delivered.read().startswith(b"%PDF-")
    # The script loads from the app itself, within the content security policy.
    assert page.console_errors == []
