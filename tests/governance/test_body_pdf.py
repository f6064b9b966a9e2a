"""A body's PDF, made by WeasyPrint and read back as a reader's program would."""

from datetime import date

import pytest
from django.urls import reverse

from governance.models import Membership, Person
from tests.governance.conftest import OTL, TRANSVERSAL, build_memberships
from tests.governance.test_bodies import OTL_FUNCTIONS
from tests.pages import collapsed, embedded_font_descriptors, pdf_reader, pdf_text, visible_text


@pytest.fixture
def otl_pdf(reader, plis):
    response = reader.get(reverse("governance:body_pdf", args=[OTL]))
    assert response.status_code == 200
    return response


def test_the_pdf_is_a_download_named_after_the_body_and_the_day(otl_pdf):
    assert otl_pdf["Content-Type"] == "application/pdf"
    assert otl_pdf["Content-Disposition"].startswith(f'attachment; filename="{OTL}-20')
    assert otl_pdf.getvalue().startswith(b"%PDF-")


def test_the_otl_pdf_holds_its_purpose_and_seven_functions(otl_pdf):
    text = pdf_text(otl_pdf.getvalue())

    assert "Oficina tècnica local (OTL)" in text
    assert "l'objectiu de dinamitzar, coordinar i supervisar el procés d'elaboració" in text
    assert "Funcions:" in text
    positions = []
    for function in OTL_FUNCTIONS:
        assert collapsed(function) in text
        positions.append(text.index(collapsed(function)))
    assert positions == sorted(positions)
    assert "Pàgina 1 de" in text


def test_the_pdf_embeds_its_fonts_and_is_tagged(otl_pdf):
    reader = pdf_reader(otl_pdf.getvalue())

    descriptors = embedded_font_descriptors(reader)
    assert descriptors
    assert all("/FontFile2" in descriptor for descriptor in descriptors)
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_the_pdf_lists_the_members_of_the_day_asked_for_without_management_links(
    client, staff, plis
):
    build_memberships(plis.technicians_seat, 3)
    Membership.objects.create(
        person=Person.objects.create(name="Marta Antiga"),
        seat=plis.technicians_seat,
        start=date(2016, 1, 1),
        end=date(2018, 12, 31),
    )
    client.force_login(staff)
    url = reverse("governance:body_pdf", args=[TRANSVERSAL])

    today = pdf_text(client.get(url).getvalue())
    then = client.get(url + "?data=15/06/2017")

    assert "22 previstos: 3 designats" in today
    assert "Persona de prova 002" in today
    assert "Marta Antiga" not in today
    assert "Afegeix un membre" not in today
    assert "Dona de baixa" not in today
    assert "Membres per àrea" in today
    assert then["Content-Disposition"] == (f'attachment; filename="{TRANSVERSAL}-2017-06-15.pdf"')
    then_text = pdf_text(then.getvalue())
    assert "Marta Antiga" in then_text
    assert "Membres a data de 15/06/2017." in then_text


def test_a_date_that_is_no_date_gets_no_pdf_but_the_page_saying_so(reader, plis):
    # The page answers 400 with the message next to the field; the PDF used to answer
    # 200 with today's composition instead of the day asked for.
    response = reader.get(reverse("governance:body_pdf", args=[TRANSVERSAL]) + "?data=31/02/2019")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Escriviu una data com 31/03/2011." in visible_text(response)
