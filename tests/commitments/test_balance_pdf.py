"""The balance as a PDF, made by WeasyPrint and read back as a reader's program would."""

import pytest
from django.urls import reverse

from commitments.balance import build_balance
from terrassa_plis.formatting import number, percent
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
    # The current status is plain in the text, not only in colour; the page's words for
    # screen readers, «(estat actual)», are not printed.
    assert "Completat o en execució dins les previsions" in text
    assert "(estat actual)" not in text
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

    assert "ESTAT DE COMPLIMENT: ● Completat o en execució dins les previsions OBSERVACIONS" in (
        " ".join(tree.split())
    )
    # The other statuses are named once, in the summary's tables, not under the commitment.
    for label in ["No iniciat per canvi de prioritat", "Pendent", "En execució però amb retard"]:
        assert label in text[: text.index("COMPROMÍS núm. 21")]
        assert label not in tree


def test_the_summary_prints_every_status_with_its_count_and_share(seed_pdf, seed_plan):
    """The PDF's summary is a line of text a status (its bar is drawn behind, as decoration)."""
    text = " ".join(pdf_text(seed_pdf.getvalue()).split())
    summary = text[: text.index("COMPROMÍS núm. 21")]

    overall = build_balance(seed_plan.open_period).summaries[0]
    for row in overall.counts:
        line = f"{row.label}: {number(row.count)} ({percent(row.share)})"
        assert " ".join(line.split()) in summary


def test_every_page_of_a_priority_s_commitments_repeats_the_priority(seed_pdf):
    """Commitment 21 runs over two pages: the second still says which priority it is in,
    as a running header; the cover and the summary belong to no priority."""
    pages = [page.extract_text() for page in pdf_reader(seed_pdf.getvalue()).pages]
    tree_pages = [page for page in pages if "COMPROMÍS núm. 21" in page]
    first_tree_page = pages.index(tree_pages[0])

    assert len(pages) - first_tree_page >= 2
    assert all("PRIORITAT núm. 2" in page for page in pages[first_tree_page:])
    assert "PRIORITAT núm. 2" not in pages[0]


def test_each_commitment_prints_its_figures_on_one_line(seed_pdf):
    text = " ".join(pdf_text(seed_pdf.getvalue()).split())

    assert (
        "XIFRES: Tràmits vinculats a la Llei d'estrangeria: 344 tràmits; "
        "Sessions d'assessorament grupal: 5 sessions;" in text
    )
    assert "Participants en les formacions: 144 persones (121 dones i 23 homes);" in text


def test_a_pdf_of_one_area_is_titled_by_the_area_not_the_whole_plan(client, director, seed_plan):
    client.force_login(director)

    response = client.get(pdf_url(seed_plan.open_period, "?area=3"))

    text = " ".join(pdf_text(response.getvalue()).split())
    assert "Tot el pla" not in text
    assert "Àrea 3. Drets Socials i Serveis a les Persones" in text
