"""The action plan's PDF, made by WeasyPrint and read back as a reader's program would."""

from datetime import date

import pytest
from django.urls import reverse

from governance.models import ActionDecision, Milestone
from tests.governance.test_actions import make_action
from tests.pages import embedded_font_descriptors, pdf_reader, pdf_text


@pytest.fixture
def plan_pdf(client, director, plis, organisation):
    make_action(
        plis.plan,
        "1.1.1",
        title="Itineraris personalitzats d'inserció per a persones en atur",
        decision=ActionDecision.VALIDATED,
        decided_on=date(2024, 3, 12),
        areas=[organisation[4]],
        implementation=[("2024-S1", 60)],
    )
    make_action(
        plis.plan,
        "2.1.1",
        title="Borsa d'habitatge de lloguer social",
        axis="Eix 2. Habitatge",
        line="2.1 Accés a l'habitatge",
        areas=[organisation[1]],
    )
    Milestone.objects.create(
        plan=plis.plan, title="Diagnosi social actualitzada", planned_on=date(2024, 3, 31)
    )
    client.force_login(director)
    response = client.get(reverse("governance:actions_pdf"))
    assert response.status_code == 200
    return response


def test_the_pdf_is_a_download_named_after_the_plan_and_the_day(plan_pdf):
    assert plan_pdf["Content-Type"] == "application/pdf"
    assert plan_pdf["Content-Disposition"].startswith('attachment; filename="pla-accio-plis-20')
    assert plan_pdf.getvalue().startswith(b"%PDF-")


def test_the_pdf_holds_the_grouped_actions_and_the_calendar(plan_pdf):
    text = pdf_text(plan_pdf.getvalue())

    assert "Pla d'acció" in text
    assert "1.1.1" in text
    assert "Itineraris personalitzats d'inserció per a persones en atur" in text
    assert "Borsa d'habitatge de lloguer social" in text
    assert text.index("Eix 1. Inclusió laboral") < text.index("Eix 2. Habitatge")
    assert "Validada el 12/03/2024" in text
    assert "60 %" in text
    # The period in words, as the page writes it, never its code.
    assert "1r semestre 2024" in text
    assert "2024-S1" not in text
    assert "Calendari de redacció" in text
    assert "Diagnosi social actualitzada 31/03/2024 — Endarrerida" in text
    assert "Pàgina 1 de" in text
    assert "Descarrega en PDF" not in text


def test_the_pdf_embeds_its_fonts_and_is_tagged(plan_pdf):
    reader = pdf_reader(plan_pdf.getvalue())

    descriptors = embedded_font_descriptors(reader)
    assert descriptors
    assert all("/FontFile2" in descriptor for descriptor in descriptors)
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_the_pdf_follows_the_page_s_filters(client, director, plis, organisation):
    make_action(plis.plan, "1", title="Acció validada", decision=ActionDecision.VALIDATED)
    make_action(plis.plan, "2", title="Acció proposada")
    client.force_login(director)

    text = pdf_text(client.get(reverse("governance:actions_pdf") + "?decisio=validated").getvalue())

    assert "Acció validada" in text
    assert "Acció proposada" not in text
    assert "Accions filtrades: Decisió: Validada." in text


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("user_without_role", 403), ("technician_area3", 200)],
)
def test_the_pdf_is_for_readers(persona_client, plis, persona, expected):
    assert persona_client(persona).get(reverse("governance:actions_pdf")).status_code == expected


def test_an_unknown_filter_value_gets_no_pdf_but_the_page_saying_so(client, director, plis):
    make_action(plis.plan, "1", title="Acció proposada")
    client.force_login(director)

    response = client.get(reverse("governance:actions_pdf") + "?area=9")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Trieu una de les àrees de la llista." in response.getvalue().decode()


def test_the_pdf_holds_every_axis_whichever_the_page_shows(client, director, plis):
    """The page shows one axis at a time; its PDF is the whole plan."""
    for number in (1, 2, 3):
        make_action(
            plis.plan,
            f"{number}.1",
            title=f"Acció de l'eix {number}",
            axis=f"Eix {number}. Àmbit {number}",
            line=f"{number}.1 Línia",
        )
    client.force_login(director)

    text = pdf_text(client.get(reverse("governance:actions_pdf") + "?eix=2").getvalue())

    positions = [text.index(f"Eix {number}. Àmbit {number}") for number in (1, 2, 3)]
    assert positions == sorted(positions)
    for number in (1, 2, 3):
        assert f"Acció de l'eix {number}" in text
    # No chooser of axes on paper.
    assert "Eixos del pla" not in text
    assert "Accions 3" in text
