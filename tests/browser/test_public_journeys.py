"""Two journeys of issue 11 in Chromium: publication staff go from the round to the
document it will publish, publish it and reach the public page with its spreadsheet;
a citizen goes from the home page to a PLIS body and to a published balance's open
data."""

import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from publication.models import PublishedVersion, RoundKind
from publication.operations import open_round, publish_round
from tests.browser.conftest import sign_in
from tests.commitments import conftest as commitment_fixtures
from tests.governance import conftest as governance_fixtures
from tests.governance.conftest import build_memberships

# The seed fixtures live with the commitments' and governance's tests; offer them here.
seed_plan = commitment_fixtures.seed_plan
plis = governance_fixtures.plis


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def balance_round(seed_plan, staff, media):
    return open_round(
        RoundKind.BALANCE,
        period=seed_plan.open_period,
        deadline=timezone.localdate() + timedelta(days=30),
        acting_user=staff,
    )


def test_staff_review_the_document_publish_it_and_download_its_spreadsheet(page, balance_round):
    sign_in(page, "publicacio")
    page.get_by_role("link", name="Rondes", exact=True).click()
    page.get_by_role("link", name="Pla de Mandat 2015-2019 · Primer semestre de 2019").click()

    # The document that will be published, as it stands now.
    page.get_by_role("link", name="Revisa el document").click()
    assert page.get_by_text("COMPROMÍS núm. 21").first.is_visible()
    page.go_back()

    page.get_by_role("button", name="Publica").click()
    assert page.get_by_text("S'ha publicat la versió 1").is_visible()

    page.get_by_role("link", name="Pàgina pública de la versió 1").click()
    page.wait_for_url(f"**/publicat/{balance_round.pk}/v1/")
    assert page.get_by_text("COMPROMÍS núm. 21").first.is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Dades obertes (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-v1.xlsx")
    # The file is saved without its extension, which openpyxl needs: read its bytes.
    sheet = load_workbook(io.BytesIO(download.path().read_bytes())).active
    header, row = [list(values) for values in sheet.iter_rows(values_only=True)]
    cells = dict(zip(header, row, strict=True))
    assert cells["Període"] == "Primer semestre de 2019"
    assert (cells["Codi"], cells["Estat"]) == ("21", "Completat o en execució dins les previsions")
    assert "344 tràmits" in cells["Xifres"]
    assert PublishedVersion.objects.get().number == 1
    assert page.console_errors == []


def test_a_citizen_goes_from_the_home_page_to_a_body_and_to_the_open_data(
    page, plis, balance_round, staff
):
    technicians = build_memberships(plis.technicians_seat, 2)
    version = publish_round(balance_round, acting_user=staff)

    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Seguiment dels compromisos de l'Ajuntament de Terrassa"
    )
    assert page.get_by_role("link", name="Entrada del personal municipal").is_visible()
    assert page.get_by_role("navigation", name="Navegació principal").count() == 0

    page.get_by_role("link", name="Comissió tècnica transversal").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Comissió tècnica transversal"
    assert page.get_by_text("Coordinació i seguiment del grau d'implementació").is_visible()
    assert page.get_by_text("22 previstos: 2 designats").is_visible()
    content = page.locator("main").inner_text()
    assert not any(member.person.name in content for member in technicians)

    page.get_by_role("navigation", name="Ruta de navegació").get_by_role(
        "link", name="Inici"
    ).click()
    page.get_by_role("link", name=version.title, exact=True).click()
    page.wait_for_url(f"**/publicat/{balance_round.pk}/")
    link = page.get_by_role("link", name="Dades obertes (JSON)")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok
    records = json.loads(response.body())
    assert records[0]["Codi"] == "21"
    assert records[0]["Període"] == "Primer semestre de 2019"
    spreadsheet = page.request.get(
        page.get_by_role("link", name="Dades obertes (XLSX)").get_attribute("href")
    )
    assert load_workbook(io.BytesIO(spreadsheet.body())).active["A1"].value == "Període"
    assert page.console_errors == []
