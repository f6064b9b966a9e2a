"""The balance as a PDF, made by WeasyPrint and read back as a reader's program would."""

import pytest
from django.urls import reverse

from tests.pages import embedded_font_descriptors, pdf_reader, pdf_text


def pdf_url(period, query=""):
    return reverse("commitments:balance_pdf", args=[period.pk]) + query


@pytest.fixture
def seed_pdf(client, director, seed_plan):
    client.force_login(director)
    response = client.get(pdf_url(seed_plan.open_period))
    assert response.status_code == 200
    return response


def test_the_pdf_is_a_download_with_the_balance_s_name(seed_pdf):
    assert seed_pdf["Content-Type"] == "application/pdf"
    assert seed_pdf["Content-Disposition"] == (
        'attachment; filename="balanc-pla-de-mandat-2015-2019-primer-semestre-de-2019.pdf"'
    )
    assert seed_pdf.getvalue().startswith(b"%PDF-")


def test_the_pdf_text_holds_commitment_21_as_printed(seed_pdf):
    text = pdf_text(seed_pdf.getvalue())

    assert "Balanç del Pla de Mandat 2015-2019" in text
    assert "30/06/2019" in text
    assert "PRIORITAT núm. 2" in text
    assert "COMPROMÍS núm. 21" in text
    assert "Drets Socials i Serveis a les Persones" in text
    assert "344 tràmits" in text
    assert "144 participants (121 dones i 23 homes)" in text
    assert "Memòria 2018" in text
    # The current status is plain in the text, not only in colour.
    assert "Completat o en execució dins les previsions (estat actual)" in text
    assert "Pla de Mandat 2015-2019 · Primer semestre de 2019" in text  # running header
    assert "Pàgina 1 de" in text


def test_the_pdf_embeds_its_fonts_and_is_tagged(seed_pdf):
    reader = pdf_reader(seed_pdf.getvalue())

    descriptors = embedded_font_descriptors(reader)
    assert descriptors
    assert all("/FontFile2" in d or "/FontFile3" in d for d in descriptors)
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog or "/MarkInfo" in catalog


def test_the_pdf_takes_the_page_s_filters(client, director, seed_plan):
    client.force_login(director)

    response = client.get(pdf_url(seed_plan.open_period, "?priority=1"))

    assert response.status_code == 200
    assert "prioritat-1" in response["Content-Disposition"]
    text = pdf_text(response.getvalue())
    assert "COMPROMÍS núm. 21" not in text


def test_each_commitment_names_only_its_current_status_and_the_summary_lists_them_all(
    seed_pdf, seed_plan
):
    text = pdf_text(seed_pdf.getvalue())
    tree = text[text.index("COMPROMÍS núm. 21") :]

    assert "ESTAT DE COMPLIMENT: ● Completat o en execució dins les previsions (estat actual)" in (
        tree
    )
    # The other statuses are named once, in the summary's tables, not under the commitment.
    for label in ["No iniciat per canvi de prioritat", "Pendent", "En execució però amb retard"]:
        assert label in text[: text.index("COMPROMÍS núm. 21")]
        assert label not in tree
