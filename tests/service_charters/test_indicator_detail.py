"""One indicator's page: where it sits, its target, its results across years, a chart and
the history of changes to the indicator and to its results."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from service_charters.models import Indicator, Measurement
from tests.pages import text_of

COVID = "Degut a la situació derivada dels confinaments per la COVID-19"


def detail_url(indicator):
    return reverse("service_charters:indicator_detail", args=[indicator.pk])


def result_rows(text: str) -> list[str]:
    table = text.split('<table class="indicator-results">')[1].split("</table>")[0]
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)]


def history_section(text: str) -> str:
    """The history's events as text, after its heading."""
    section = text.split('id="indicator-history-title"')[1].split("</section>")[0]
    return text_of(section.split("</h2>", 1)[1])


def history_events(text: str) -> list[str]:
    """Each event of the history as text, newest first."""
    section = text.split('id="indicator-history-title"')[1].split("</section>")[0]
    return [text_of(event) for event in section.split('<li class="history-list__event">')[1:]]


@pytest.fixture
def cycles(seed_charter):
    """«Nombre de cicles realitzats» (target 4): 2 in 2020, 3 in 2021, not applicable in 2022."""
    indicator = seed_charter.indicators[2]
    Measurement.objects.create(indicator=indicator, year=2020, result=Decimal(2))
    Measurement.objects.create(
        indicator=indicator,
        year=2022,
        not_applicable=True,
        not_applicable_reason="Els cicles es van traslladar al 2023.",
    )
    return indicator


def test_the_page_shows_where_the_indicator_sits_and_its_target(reader, cycles, seed_charter):
    response = reader.get(detail_url(cycles))

    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    path = text_of(text.split('class="indicator-path"')[1].split("</nav>")[0])
    assert seed_charter.charter.title in path
    assert cycles.commitment.objective.text in path
    assert cycles.commitment.text in path
    assert "<h1>Nombre de cicles realitzats</h1>" in text
    facts = text_of(text.split('class="indicator-facts')[1].split("</dl>")[0])
    assert "Indicador de mesura 4" in facts
    assert "Periodicitat Anual" in facts


def test_the_results_of_every_year_with_difference_compliance_and_band(reader, cycles):
    text = html.unescape(reader.get(detail_url(cycles)).content.decode())

    rows = result_rows(text)
    assert rows[0] == "2020 2 -2 50 % Assolit parcialment"
    assert rows[1].startswith("2021 3 -1 75 % Assolit parcialment " + COVID)
    assert rows[2] == (
        "2022 No aplicable - No avaluat No avaluat Els cicles es van traslladar al 2023."
    )
    charter = cycles.commitment.objective.offered_service.charter
    report = reverse("service_charters:charter_report", args=[charter.pk, 2021])
    assert f'href="{report}"' in text


def test_the_chart_draws_compliance_per_year_and_names_the_years_not_assessed(reader, cycles):
    text = html.unescape(reader.get(detail_url(cycles)).content.decode())

    svg = text.split('<figure class="indicator-chart">')[1].split("</figure>")[0]
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title" in svg and "Grau de compliment per any: Nombre de cicles realitzats" in svg
    desc = text_of(svg.split("<desc")[1].split("</desc>")[0])
    assert "2020: 50 %; 2021: 75 %; 2022: no avaluat." in desc
    assert "Anys no avaluats: 2022." in desc
    bars = [text_of(label) for label in re.findall(r"<text[^>]*>(.*?)</text>", svg)]
    # Each year's line: the year, then its compliance.
    assert bars == ["2020 50 %", "2021 75 %", "2022 0 % (no avaluat)"]
    assert 'fill="#b07400"' in svg  # partly met


def test_the_history_lists_who_changed_which_field(reader, cycles, technician_area3):
    measurement = Measurement.objects.get(indicator=cycles, year=2020)
    measurement.result = Decimal(4)
    measurement.observations = "Recuperada l'activitat."
    measurement._history_user = technician_area3
    measurement.save()

    history = history_section(html.unescape(reader.get(detail_url(cycles)).content.decode()))

    newest = history.split("Creat")[0]
    assert newest.startswith("Marta · ")
    assert "Modificat el resultat de 2020" in newest
    assert "Resultat: 2 → 4" in newest
    assert "Observacions: — → Recuperada l'activitat." in newest
    # The first record of a result lists what it was created with.
    created = history.split("Creat el resultat de 2020")[1]
    assert created.startswith(" Resultat: — → 2")
    assert "Creat el resultat de 2022 No aplicable: — → Sí" in history


def test_the_history_names_the_result_s_editor_when_the_record_has_no_user(
    reader, cycles, technician_of_service
):
    measurement = Measurement.objects.get(indicator=cycles, year=2020)
    measurement.result = Decimal(1)
    measurement.updated_by = technician_of_service
    measurement.save()

    history = history_section(html.unescape(reader.get(detail_url(cycles)).content.decode()))

    assert history.startswith("Laia")
    assert "Resultat: 2 → 1" in history


def test_an_indicator_without_results_says_so(reader, seed_charter):
    indicator = seed_charter.indicators[0]
    Measurement.objects.filter(indicator=indicator).delete()

    text = html.unescape(reader.get(detail_url(indicator)).content.decode())

    assert "Aquest indicador encara no té cap resultat." in text
    assert "<svg" not in text
    assert "Esborrat el resultat de 2021" in history_section(text)


def change_target(indicator, user, *, value, text):
    indicator.target_value = Decimal(value)
    indicator.target_text = text
    indicator._history_user = user
    indicator.save()


def test_the_history_shows_the_indicator_s_own_changes_before_and_after(
    reader, cycles, technician_area3, staff
):
    # The seed's indicators come from a fixture, with no history: the first save of one
    # can't say what it had before.
    cycles._history_user = staff
    cycles.save()
    change_target(cycles, technician_area3, value=5, text="5")
    cycles.periodicity = "half_yearly"
    cycles._history_user = technician_area3
    cycles.save()

    events = history_events(html.unescape(reader.get(detail_url(cycles)).content.decode()))

    periodicity, target, first = events[:3]
    assert re.fullmatch(
        r"Marta · \d\d/\d\d/\d{4} \d\d:\d\d · Modificat l'indicador "
        r"Periodicitat: Anual → Semestral",
        periodicity,
    )
    assert target.endswith("Modificat l'indicador Valor objectiu: 4 → 5 Indicador de mesura: 4 → 5")
    assert first.startswith("Publicacio · ")
    assert "Indicador: no registrat → Nombre de cicles realitzats" in first
    assert "Valor objectiu: no registrat → 4" in first
    # The results' changes follow in the same list, by date.
    assert events[3].startswith("— · ") and "Creat el resultat de 2022" in events[3]


def test_a_result_created_on_an_indicator_created_in_the_app_lists_its_values(
    reader, seed_charter, technician_area3
):
    indicator = Indicator.objects.create(
        commitment=seed_charter.indicators[0].commitment,
        position=9,
        name="Percentatge de respostes en termini",
        target_kind="floor",
        target_value=Decimal(90),
        target_text="90 %",
        unit="%",
    )
    change_target(indicator, technician_area3, value="92.5", text="92,5 %")

    history = history_section(html.unescape(reader.get(detail_url(indicator)).content.decode()))

    assert "Valor objectiu: 90 → 92,5 Indicador de mesura: 90 % → 92,5 %" in history
    created = history.split("Creat l'indicador")[1]
    assert created.startswith(" Indicador: — → Percentatge de respostes en termini")
    assert "Tipus d'objectiu: — → Mínim o recompte" in created
    assert "Unitat: — → %" in created


def test_a_deleted_result_shows_the_values_it_had(reader, cycles, technician_area3):
    measurement = Measurement.objects.get(indicator=cycles, year=2020)
    measurement._history_user = technician_area3
    measurement.delete()

    history = history_section(html.unescape(reader.get(detail_url(cycles)).content.decode()))

    assert history.startswith("Marta · ")
    assert "Esborrat el resultat de 2020 Resultat: 2 → —" in history


@pytest.mark.parametrize("extra_years", [0, 6])
def test_the_page_runs_the_same_queries_whatever_its_years_and_changes(
    reader, seed_charter, staff, extra_years, django_assert_num_queries
):
    indicator = seed_charter.indicators[2]
    for year in range(2010, 2010 + extra_years):
        measurement = Measurement.objects.create(indicator=indicator, year=year, result=Decimal(1))
        measurement.result = Decimal(2)
        measurement.save()
        change_target(indicator, staff, value=year, text=str(year))
    if extra_years:
        Measurement.objects.get(indicator=indicator, year=2010).delete()

    # Session, user, the user's roles; the indicator with its commitment, objective,
    # offered service, charter, service and area; its results; their history records;
    # the indicator's own history records; its commitment's history records; the plan's
    # commitments it serves.
    with django_assert_num_queries(9):
        response = reader.get(detail_url(indicator))
    assert response.status_code == 200
    assert len(result_rows(response.content.decode())) == 1 + max(extra_years - 1, 0)
    history = history_section(html.unescape(response.content.decode()))
    assert history.count("Modificat l'indicador") == extra_years


def test_the_page_shows_a_change_of_the_commitment_s_text(reader, seed_charter, staff):
    indicator = seed_charter.indicators[2]
    commitment = indicator.commitment
    before = commitment.text
    commitment.save()  # the text as it was
    commitment.text = "Un compromís reescrit"
    commitment._history_user = staff
    commitment.save()

    history = history_section(html.unescape(reader.get(detail_url(indicator)).content.decode()))

    assert "Modificat el compromís" in history
    assert f"Compromís: {before} → Un compromís reescrit" in history
