"""The follow-up report as a PDF, made by WeasyPrint and read back as a reader's program would."""

from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from governance.models import Service
from service_charters.followup_document import build_report
from service_charters.models import (
    Charter,
    CharterCommitment,
    Indicator,
    Measurement,
    Objective,
    OfferedService,
)
from tests.pages import embedded_font_descriptors, pdf_reader, pdf_text
from tests.service_charters.conftest import build_charters

SEED_INDICATORS = [
    "Nombre de comunicacions resoltes en aquest termini sobre el total",
    "Nombre de convocatòries realitzades",
    "Nombre de cicles realitzats",
    "Nombre de projectes duts a terme",
    "Nombre de convocatòries de la Taula Local per a les Persones Refugiades",
    "Cicle d'activitats anual (Sí/ No)",
    "Nombre de persones refugiades acollides a la ciutat",
]
OBJECTIVE = "Atendre amb diligència totes les peticions de la ciutadania."
LONG_COMMITMENT = "Respondrem cada petició amb el mateix rigor."
ROWS = 40


def long_charter(service) -> Charter:
    """A charter whose one objective runs over several pages: 32 commitments of one
    indicator each, with long texts, then one commitment of 8 indicators."""
    charter = Charter.objects.create(
        service=service, title="Carta llarga", in_force_from=date(2018, 4, 1)
    )
    offered = OfferedService.objects.create(charter=charter, position=1, name="Atenció ciutadana")
    objective = Objective.objects.create(offered_service=offered, position=1, text=OBJECTIVE)
    long_one = CharterCommitment.objects.create(
        objective=objective, position=ROWS, text=LONG_COMMITMENT
    )
    for number in range(ROWS):
        if number < ROWS - 8:
            commitment = CharterCommitment.objects.create(
                objective=objective,
                position=number,
                text=f"Compromís {number}: " + "donarem resposta a totes les demandes " * 4,
            )
            name = f"Indicador {number} de la carta llarga."
        else:
            commitment = long_one
            name = f"Indicador llarg. Indicador {number} de la carta llarga."
        indicator = Indicator.objects.create(
            commitment=commitment,
            position=number,
            name=name,
            target_kind="floor",
            target_value=Decimal(4),
            target_text="4",
        )
        Measurement.objects.create(
            indicator=indicator,
            year=2021,
            result=Decimal(number % 5),
            observations="Observacions de l'any. " * 3,
        )
    return charter


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


def test_the_seed_charter_fits_on_one_page_as_the_published_one(charter_pdf):
    reader = pdf_reader(charter_pdf.getvalue())

    assert len(reader.pages) == 1
    page = pdf_text(reader)
    assert "Pàgina 1 de 1" in page
    # The whole table, its summary and every band in words, on that one page.
    for name in SEED_INDICATORS:
        assert name in page
    assert "Servei: SOLIDARITAT I COOPERACIÓ INTERNACIONAL Període: Gener - Desembre 2021" in page
    assert page.count("(Assolit)") == 5
    assert "Assolits 4 66,7 %" in page
    assert "L'acollida de persones demandants de protecció internacional" in page


def test_a_long_charter_repeats_its_merged_cells_on_every_page_it_continues(
    client, director, organisation
):
    charter = long_charter(Service.objects.get(name="Servei de Ciutadania"))
    client.force_login(director)

    response = client.get(reverse("service_charters:charter_report_pdf", args=[charter.pk, 2021]))

    reader = pdf_reader(response.getvalue())
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) >= 3
    # Too long for the rest of the summary's page, the table starts the next one with
    # its heading, not leaving it alone at the foot of the first.
    assert "SEGUIMENT DELS COMPROMISOS" not in pages[0]
    assert "Servei ofert" not in pages[0]
    assert pages[1].startswith("SEGUIMENT DELS COMPROMISOS DE LES CARTES DE SERVEIS 2021")
    # Every page of the table names the offered service and the objective again, and
    # the long commitment on every page that holds one of its indicators.
    table_pages = [page for page in pages if "de la carta llarga." in page]
    assert table_pages == pages[1:]
    for page in table_pages:
        assert OBJECTIVE in page
        assert "Atenció ciutadana" in page
        if "Indicador llarg" in page:
            assert LONG_COMMITMENT in page
    # Every indicator is printed once.
    text = " ".join(pages)
    for number in range(ROWS):
        assert text.count(f"Indicador {number} de la carta llarga.") == 1
    # The running header, on the pages after the first.
    assert "Seguiment de les cartes de serveis 2021 · Ciutadania" in pages[1]


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


def test_the_printed_table_keeps_each_objective_in_one_block_with_its_cells_shown_again(
    seed_charter,
):
    report = build_report(2021, charter=seed_charter.charter)
    [section] = report.sections

    blocks = section.blocks

    # One block per objective, as the seed's four objectives.
    assert [len(block) for block in blocks] == [1, 1, 2, 3]
    first, second = blocks[0][0].cells, blocks[1][0].cells
    assert not any(cell.repeated for cell in first)
    # The offered service goes on, shown again; the objective and commitment are new.
    assert [cell.repeated for cell in second[:3]] == [True, False, False]
    assert second[0].text == "Solidaritat i Cooperació Internacional"
    printed = render_to_string(
        "service_charters/report_pdf.html", {"report": report, "for_pdf": True}
    )
    assert printed.count('<tbody class="followup-table__block">') == 4
    assert printed.count('class="followup-table__repeated"') == 3


def test_an_objective_longer_than_a_block_is_cut_and_shows_its_objective_again(organisation):
    charter = long_charter(Service.objects.get(name="Servei de Ciutadania"))
    [section] = build_report(2021, charter=charter).sections

    blocks = section.blocks

    assert [len(block) for block in blocks] == [6] * 6 + [4]
    for block in blocks[1:]:
        offered, objective = block[0].cells[:2]
        assert offered.repeated and objective.repeated
        assert objective.text == OBJECTIVE
    # The long commitment starts in the sixth block and goes on in the seventh.
    assert blocks[6][0].cells[2].repeated
    assert blocks[6][0].cells[2].text == LONG_COMMITMENT
    assert not blocks[5][2].cells[0].repeated
