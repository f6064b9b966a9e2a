"""The follow-up report as a PDF, made by WeasyPrint and read back as a reader's program would."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from governance.models import Service
from service_charters.followup_document import build_report
from tests.pages import embedded_font_descriptors, pdf_reader, pdf_text
from tests.service_charters.conftest import build_charters


@pytest.fixture
def charter_pdf(client, director, seed_charter):
    client.force_login(director)
    url = reverse("service_charters:charter_report_pdf", args=[seed_charter.charter.pk, 2021])
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.fixture
def year_pdf(client, director, seed_charter):
    build_charters(Service.objects.get(name="Servei de Ciutadania"), 1, indicators_each=3)
    client.force_login(director)
    response = client.get(reverse("service_charters:year_report_pdf", args=[2021]))
    assert response.status_code == 200
    return response


def test_the_charter_pdf_is_a_download_named_after_the_service(charter_pdf):
    assert charter_pdf["Content-Type"] == "application/pdf"
    assert charter_pdf["Content-Disposition"] == (
        'attachment; filename="seguiment-solidaritat-i-cooperacio-internacional-2021.pdf"'
    )
    assert charter_pdf.getvalue().startswith(b"%PDF-")


def test_the_charter_pdf_holds_the_published_table(charter_pdf):
    reader = pdf_reader(charter_pdf.getvalue())
    text = pdf_text(reader)

    assert "SEGUIMENT DELS COMPROMISOS DE LES CARTES DE SERVEIS 2021" in text
    assert "Servei: SOLIDARITAT I COOPERACIÓ INTERNACIONAL" in text
    assert "Període: Gener - Desembre 2021" in text
    assert "Nombre de cicles realitzats" in text
    assert "75 %" in text
    # In print the band is written out too, not only coloured.
    assert "(Assolit parcialment)" in text
    assert "COVID-19" in text
    assert "66,7 % / 16,7 % / 16,7 % / 0 %" in text
    assert "Pàgina 1 de" in text
    # The running header, on the pages after the first.
    assert len(reader.pages) > 1
    second_page = " ".join(reader.pages[1].extract_text().split())
    assert "Seguiment de les cartes de serveis 2021 · Solidaritat i Cooperació Internacional" in (
        second_page
    )


def test_the_pdf_pages_are_landscape_with_fonts_embedded_and_tagged(charter_pdf):
    reader = pdf_reader(charter_pdf.getvalue())

    box = reader.pages[0].mediabox
    assert box.width > box.height
    descriptors = embedded_font_descriptors(reader)
    assert descriptors
    assert all("/FontFile2" in d or "/FontFile3" in d for d in descriptors)
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_the_year_pdf_holds_the_summary_and_every_charter(year_pdf):
    assert year_pdf["Content-Type"] == "application/pdf"
    assert year_pdf["Content-Disposition"] == (
        'attachment; filename="seguiment-cartes-de-serveis-2021.pdf"'
    )
    reader = pdf_reader(year_pdf.getvalue())
    text = pdf_text(reader)

    assert "Totes les cartes: 9 compromisos." in text
    assert "Servei de Ciutadania" in text
    assert "Servei: CIUTADANIA" in text
    assert "Servei: SOLIDARITAT I COOPERACIÓ INTERNACIONAL" in text
    assert "Nombre de cicles realitzats" in text
    assert "75 %" in text
    assert "Pàgina 1 de" in text
    # Each charter starts a page, whose running header names the report.
    second_page = " ".join(reader.pages[1].extract_text().split())
    assert "Seguiment de les cartes de serveis 2021" in second_page
    assert all(page.mediabox.width > page.mediabox.height for page in reader.pages)


def test_the_pdf_document_has_no_links_to_the_app_s_pages(seed_charter):
    report = build_report(2021, charter=seed_charter.charter)

    screen = render_to_string("service_charters/_report_document.html", {"report": report})
    printed = render_to_string(
        "service_charters/report_pdf.html", {"report": report, "for_pdf": True}
    )

    assert "/cartes-de-serveis/indicadors/" in screen
    assert "/cartes-de-serveis/" not in printed
    # The whole document sits in the landscape pages.
    assert '<div class="landscape">' in printed
