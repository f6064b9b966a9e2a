"""Reading and importing a charter's follow-up sheet: `followup_sheet`, `charter_import`,
the command and the page.

The seed's own table is the fixture file `data/seguiment_2021_solidaritat.csv`, written
as the seed prints it: empty Servei ofert / Objectiu / Compromís cells repeat the cell
above, and its Diferència and Grau de compliment are its own (two of them disagree with
the rules). Other files are written into tmp_path as a spreadsheet program saves them.
"""

import csv
import html
import io
import logging
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from governance.models import Service
from service_charters.charter_import import CharterImportError, apply_sheet
from service_charters.followup import COLUMNS
from service_charters.followup_sheet import parse_sheet, read_sheet
from service_charters.models import Charter, Indicator, Measurement
from terrassa_plis.formatting import moment
from terrassa_plis.imports import RefusedImport
from tests.forms import long_text

SEED_FILE = Path(__file__).parent / "data" / "seguiment_2021_solidaritat.csv"
SERVICE = "Servei de Solidaritat i Cooperació Internacional"
IMPORT_URL = reverse("service_charters:import")
IMPORT_CONFIRM_URL = reverse("service_charters:import_confirm")

COVID = (
    "Degut a la situació derivada dels confinaments per la COVID-19 s'ha reduït l'activitat "
    "presencial."
)
NOT_CONVENED = (
    "L'acollida de persones demandants de protecció internacional no s'ha modificat. Per tant "
    "no ha estat necessària la convocatòria de la Taula."
)
# What the seed's seven rows must become: name, kind, value, target as written, unit,
# result and observations.
SEED_INDICATORS = [
    (
        "Nombre de comunicacions resoltes en aquest termini sobre el total",
        "floor",
        Decimal(100),
        "100 %",
        "%",
        Decimal(100),
        "",
    ),
    ("Nombre de convocatòries realitzades", "floor", Decimal(2), "2", "", Decimal(2), ""),
    ("Nombre de cicles realitzats", "floor", Decimal(4), "4", "", Decimal(3), COVID),
    ("Nombre de projectes duts a terme", "floor", Decimal(2), "2", "", Decimal(3), ""),
    (
        "Nombre de convocatòries de la Taula Local per a les Persones Refugiades",
        "floor",
        Decimal(2),
        "2",
        "",
        Decimal(0),
        NOT_CONVENED,
    ),
    (
        "Cicle d'activitats anual (Sí/ No)",
        "yes_no",
        Decimal(1),
        "1 cicle anual",
        "cicle anual",
        Decimal(1),
        "",
    ),
    (
        "Nombre de persones refugiades acollides a la ciutat",
        "floor",
        Decimal(50),
        "50",
        "",
        Decimal(50),
        "",
    ),
]
SEED_WARNINGS = [
    "Fila 4: el fitxer diu que la diferència és 1, però segons les regles és -1.",
    "Fila 8: el fitxer diu que la diferència és -, però segons les regles és 0.",
]


def seed_rows() -> list[list[str]]:
    return read_sheet(SEED_FILE.name, SEED_FILE.read_bytes())


def write_table(path: Path, rows) -> Path:
    """Save `rows` as a spreadsheet program would: CSV with a byte order mark, or XLSX."""
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as file:
            csv.writer(file).writerows(rows)
    else:
        workbook = Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
    return path


def import_file(path, service=SERVICE, year=2021):
    """Run the command as an administrator would; return what it printed."""
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(
        "import_charter", str(path), service=service, year=year, stdout=stdout, stderr=stderr
    )
    return stdout.getvalue()


def snapshot():
    """Everything an import may touch, to show that a failed one touched nothing."""
    return (
        list(Charter.objects.values_list("pk", "title")),
        list(
            Indicator.objects.order_by("pk").values_list(
                "pk", "name", "target_kind", "target_value", "target_text", "unit"
            )
        ),
        list(
            Measurement.objects.order_by("pk").values_list(
                "pk",
                "result",
                "not_applicable",
                "not_applicable_reason",
                "observations",
                "version",
            )
        ),
        Indicator.history.count(),
        Measurement.history.count(),
    )


def solidaritat():
    return Service.objects.get(name=SERVICE)


def imported_indicators(charter):
    indicators = Indicator.objects.filter(
        commitment__objective__offered_service__charter=charter
    ).order_by(
        "commitment__objective__offered_service__position",
        "commitment__objective__position",
        "commitment__position",
        "position",
    )
    measurements = {m.indicator_id: m for m in Measurement.objects.filter(year=2021)}
    return [
        (
            indicator.name,
            indicator.target_kind,
            indicator.target_value,
            indicator.target_text,
            indicator.unit,
            measurements[indicator.pk].result,
            measurements[indicator.pk].observations,
        )
        for indicator in indicators
    ]


# Reading -------------------------------------------------------------------------------


def test_the_seed_sheet_is_read_with_its_repeated_cells_filled_in():
    parsed = parse_sheet(seed_rows())

    assert parsed.errors == []
    assert [row.number for row in parsed.rows] == [2, 3, 4, 5, 6, 7, 8]
    assert {row.offered_service for row in parsed.rows} == {
        "Solidaritat i Cooperació Internacional"
    }
    assert [row.objective[:20] for row in parsed.rows] == [
        "Oferir atenció perso",
        "Donar suport mitjanç",
        "Oferir activitats de",
        "Oferir activitats de",
        "Treballar a favor de",
        "Treballar a favor de",
        "Treballar a favor de",
    ]
    # The last row's Compromís cell is empty: it belongs to the commitment above.
    assert parsed.rows[6].commitment == parsed.rows[5].commitment
    assert parsed.rows[6].commitment.startswith("Realitzarem un cicle anual")
    assert len({row.commitment for row in parsed.rows}) == 6


def test_the_rules_win_over_the_files_own_figures_and_say_so():
    parsed = parse_sheet(seed_rows())

    assert parsed.warnings == SEED_WARNINGS
    cycles = parsed.rows[2].cells()
    assert cycles[4:8] == ["4", "3", "-1", "75\u00a0%"]
    refugees = parsed.rows[6].cells()
    assert refugees[5:8] == ["50", "0", "100\u00a0%"]


def test_headers_match_whatever_their_case_accents_and_spacing():
    rows = seed_rows()
    rows[0] = [
        "  SERVEI OFERT",
        "objectiu",
        "COMPROMIS ",
        "Indicador",
        "indicador de  mesura",
        "resultat",
        "Diferencia respecte la previsio",
        "GRAU DE COMPLIMENT",
        "observacions",
    ]
    parsed = parse_sheet(rows)
    assert parsed.errors == []
    assert len(parsed.rows) == 7


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit"),
    [
        ("100 %", "floor", 100, "%"),
        ("2", "floor", 2, ""),
        ("1 cicle anual", "yes_no", 1, "cicle anual"),
        ("Sí", "yes_no", 1, ""),
        ("≥ 5 exposicions", "floor", 5, "exposicions"),
        ("≤ 10 dies", "ceiling", 10, "dies"),
        ("menys de 48 hores", "ceiling", 48, "hores"),
    ],
)
def test_every_target_form_of_the_charters_is_read(text, kind, value, unit):
    rows = [COLUMNS, ["Servei", "Objectiu", "Compromís", "Indicador", text, "", "", "", ""]]
    (row,) = parse_sheet(rows).rows
    assert (row.target.kind, row.target.value, row.target.unit) == (kind, value, unit)


def test_not_applicable_takes_its_reason_from_the_observations():
    rows = [
        COLUMNS,
        [
            "S",
            "O",
            "C",
            "Indicador",
            "2",
            "No aplicable",
            "-",
            "No avaluat",
            "La Taula no s'ha convocat.",
        ],
    ]
    parsed = parse_sheet(rows)
    assert parsed.errors == parsed.warnings == []
    (row,) = parsed.rows
    assert row.not_applicable and row.result is None
    assert row.cells()[5:] == ["No aplicable", "-", "No avaluat", "La Taula no s'ha convocat."]


def test_a_missing_column_is_one_error_that_names_it():
    rows = [[cell for cell in row if cell != "Resultat"] for row in seed_rows()[:1]]
    parsed = parse_sheet(rows)
    assert parsed.errors == ["Falta la columna «Resultat» a la capçalera (fila 1)."]


def test_bad_rows_are_reported_with_their_spreadsheet_row_number():
    rows = seed_rows()
    rows[2][3] = ""  # Fila 3: no indicator
    rows[3][5] = "tres"  # Fila 4: text where a number belongs
    rows[4][4] = "uns quants"  # Fila 5: a target nobody can compute with
    rows[5][5] = "No aplicable"  # Fila 6: not applicable, with its reason in Observacions

    parsed = parse_sheet(rows)

    assert parsed.errors == [
        "Fila 3: falta l'indicador.",
        "Fila 4: No s'entén el resultat «tres»: escriviu un nombre (3), un percentatge "
        "(100 %) o Sí/No, o deixeu-lo buit (o «-») si no s'ha avaluat.",
        "Fila 5: No s'entén l'objectiu «uns quants»: escriviu un nombre (4), un percentatge "
        "(100 %), un límit (≥ 5, ≤ 10 dies) o Sí/No.",
    ]


def test_an_empty_cell_does_not_repeat_across_a_new_parent():
    rows = [
        COLUMNS,
        ["Servei A", "Objectiu 1", "Compromís 1", "Indicador 1", "2", "2", "", "", ""],
        ["Servei B", "", "", "Indicador 2", "2", "2", "", "", ""],
        ["", "", "Compromís 1", "Indicador 1", "2", "2", "", "", ""],
    ]
    assert parse_sheet(rows).errors == [
        "Fila 3: aquesta fila comença un servei ofert nou; escriviu-hi també l'objectiu.",
        "Fila 3: aquesta fila comença un servei ofert nou; escriviu-hi també el compromís.",
        "Fila 4: falta l'objectiu.",
    ]


def test_the_same_indicator_twice_under_one_commitment_is_an_error():
    rows = [
        COLUMNS,
        ["S", "O", "C", "Indicador", "2", "2", "", "", ""],
        ["", "", "", "indicador", "3", "3", "", "", ""],
    ]
    assert parse_sheet(rows).errors == [
        "Fila 3: l'indicador «indicador» ja és a la fila 2, amb el mateix compromís."
    ]


def test_empty_and_headless_files_say_so():
    assert parse_sheet([]).errors == ["El fitxer és buit: no té ni la fila de capçalera."]
    assert parse_sheet([COLUMNS, ["", ""]]).errors == [
        "El fitxer no té cap fila de dades sota la capçalera."
    ]


def test_a_csv_without_columns_is_a_clear_table_error(monkeypatch):
    def give_up(name, content, **options):
        raise csv.Error("Could not determine delimiter")

    # The sniffer gives up on some texts; the person reads why in Catalan, not a traceback.
    monkeypatch.setattr("terrassa_plis.imports.read_table", give_up)
    with pytest.raises(RefusedImport) as refused:
        read_sheet("notes.csv", b"Una nota")
    assert refused.value.errors == [
        "No es pot llegir «notes.csv» com a CSV: no s'hi troben columnes separades per "
        "comes, punts i comes o tabuladors. Deseu-lo de nou com a CSV (UTF-8) o com a XLSX."
    ]


# Importing -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_seed_sheet_creates_the_charter_with_its_seven_indicators(organisation, staff):
    report = apply_sheet(
        parse_sheet(seed_rows()), service=solidaritat(), year=2021, acting_user=staff
    )

    charter = Charter.objects.get()
    assert charter.title == "Carta de serveis de Solidaritat i Cooperació Internacional"
    assert report.charter_created
    assert (report.created, report.updated, report.unchanged) == (7, 0, 0)
    assert report.warnings == SEED_WARNINGS
    assert imported_indicators(charter) == SEED_INDICATORS
    assert charter.offered_services.count() == 1
    assert Measurement.objects.filter(updated_by=staff).count() == 7
    assert Measurement.history.filter(history_user=staff).count() == 7
    assert report.summary() == (
        "Importats: 7 indicadors nous, 0 actualitzats i 0 sense canvis a «Carta de serveis "
        "de Solidaritat i Cooperació Internacional» (2021). La carta s'ha creat nova."
    )


@pytest.mark.django_db
def test_importing_the_same_sheet_again_changes_nothing(organisation, staff):
    parsed = parse_sheet(seed_rows())
    apply_sheet(parsed, service=solidaritat(), year=2021, acting_user=staff)
    before = snapshot()

    report = apply_sheet(parsed, service=solidaritat(), year=2021, acting_user=staff)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 7)
    assert not report.charter_created
    assert snapshot() == before


@pytest.mark.django_db
def test_the_seed_sheet_matches_the_seed_charter_item_by_item(seed_charter, staff):
    before = snapshot()
    report = apply_sheet(
        parse_sheet(seed_rows()), service=seed_charter.service, year=2021, acting_user=staff
    )
    assert report.charter == seed_charter.charter
    assert (report.created, report.updated, report.unchanged) == (0, 0, 7)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_changed_target_and_result_update_the_indicator_and_the_measurement(seed_charter, staff):
    rows = seed_rows()
    rows[3][4:6] = ["≥ 5 cicles", "5"]  # Nombre de cicles realitzats: 4 → 3 becomes ≥ 5 → 5

    report = apply_sheet(
        parse_sheet(rows), service=seed_charter.service, year=2021, acting_user=staff
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 6)
    cycles = Indicator.objects.get(name="Nombre de cicles realitzats")
    assert (cycles.target_kind, cycles.target_value, cycles.target_text, cycles.unit) == (
        "floor",
        5,
        "≥ 5 cicles",
        "cicles",
    )
    measurement = cycles.measurements.get(year=2021)
    assert (measurement.result, measurement.version, measurement.updated_by) == (5, 2, staff)
    assert cycles.history.count() == 1 and measurement.history.count() == 1


@pytest.mark.django_db
def test_a_new_year_adds_measurements_to_the_same_indicators(seed_charter, staff):
    report = apply_sheet(
        parse_sheet(seed_rows()), service=seed_charter.service, year=2022, acting_user=staff
    )
    assert (report.created, report.updated, report.unchanged) == (0, 7, 0)
    assert Indicator.objects.count() == 7
    assert Measurement.objects.filter(year=2022).count() == 7


@pytest.mark.django_db
def test_not_applicable_is_saved_with_its_reason(seed_charter, staff):
    rows = seed_rows()
    rows[5][5] = "No aplicable"  # the refugee table: its Observacions say why

    apply_sheet(parse_sheet(rows), service=seed_charter.service, year=2021, acting_user=staff)

    measurement = Measurement.objects.get(indicator__name__startswith="Nombre de convocatòries de")
    assert measurement.not_applicable and measurement.result is None
    assert measurement.not_applicable_reason.startswith("L'acollida de persones")


@pytest.mark.django_db
def test_one_bad_row_saves_nothing_at_all(seed_charter, staff):
    rows = seed_rows()
    rows[1][5] = "99 %"  # a good change, in a file that
    rows[4][4] = "uns quants"  # also has a bad row
    parsed = parse_sheet(rows)
    before = snapshot()

    with pytest.raises(CharterImportError) as raised:
        apply_sheet(parsed, service=seed_charter.service, year=2021, acting_user=staff)

    assert str(raised.value) == "S'ha trobat 1 error; no s'ha importat res."
    assert raised.value.errors[0].startswith("Fila 5: No s'entén l'objectiu «uns quants»")
    assert snapshot() == before


@pytest.mark.django_db
def test_the_import_costs_the_same_queries_whatever_the_row_count(
    organisation, staff, django_assert_num_queries
):
    service = solidaritat()

    def sheet(size, result):
        return parse_sheet(
            [COLUMNS]
            + [
                [
                    "Servei",
                    f"Objectiu {n % 3}",
                    f"Compromís {n}",
                    f"Indicador {n}",
                    "4",
                    str(result),
                    "",
                    "",
                    "",
                ]
                for n in range(size)
            ]
        )

    for size in (3, 30):
        Charter.objects.all().delete()
        # Queries: SAVEPOINT; the charter in force; INSERT charter, offered services,
        # objectives, commitments, indicators, measurements, and the history of each of
        # the six; RELEASE.
        with django_assert_num_queries(15):
            apply_sheet(sheet(size, 3), service=service, year=2021, acting_user=staff)
        # Queries: SAVEPOINT; the charter; its offered services, objectives, commitments
        # and indicators; the year's measurements; UPDATE measurements and INSERT their
        # history; RELEASE.
        with django_assert_num_queries(10):
            report = apply_sheet(sheet(size, 4), service=service, year=2021, acting_user=staff)
        assert report.updated == size


# The command -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_imports_the_seed_file_and_prints_the_warnings(organisation):
    output = import_file(SEED_FILE)

    assert (
        "Avís: Fila 4: el fitxer diu que la diferència és 1, però segons les regles és -1."
        in output
    )
    assert (
        "Avís: Fila 8: el fitxer diu que la diferència és -, però segons les regles és 0." in output
    )
    assert "Importats: 7 indicadors nous, 0 actualitzats i 0 sense canvis" in output
    assert Measurement.objects.count() == 7

    assert "Importats: 0 indicadors nous, 0 actualitzats i 7 sense canvis" in import_file(
        SEED_FILE, service="solidaritat i cooperació internacional"
    )


@pytest.mark.django_db
def test_the_command_reads_xlsx_too(organisation, tmp_path):
    path = write_table(tmp_path / "seguiment.xlsx", seed_rows())

    output = import_file(path, service="SOLIDARITAT I COOPERACIÓ INTERNACIONAL")

    assert "Importats: 7 indicadors nous" in output
    assert imported_indicators(Charter.objects.get()) == SEED_INDICATORS


@pytest.mark.django_db
def test_the_command_prints_every_error_and_imports_nothing(seed_charter, tmp_path):
    rows = seed_rows()
    rows[2][3] = ""
    rows[3][5] = "tres"
    path = write_table(tmp_path / "seguiment.csv", rows)
    before = snapshot()
    stderr = io.StringIO()

    with pytest.raises(CommandError, match="S'han trobat 2 errors; no s'ha importat res."):
        call_command("import_charter", str(path), service=SERVICE, year=2021, stderr=stderr)

    assert stderr.getvalue().splitlines()[0] == "Fila 3: falta l'indicador."
    assert stderr.getvalue().splitlines()[1].startswith("Fila 4: No s'entén el resultat «tres»")
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_too_long_observation_is_refused_with_its_row_and_nothing_is_saved(
    seed_charter, tmp_path, suffix
):
    rows = seed_rows()
    rows[1][5] = "99 %"  # a good change, in a file that also has
    rows[3][8] = long_text(2_001)  # Fila 4: observations some pages long
    path = write_table(tmp_path / f"seguiment{suffix}", rows)
    before = snapshot()
    stderr = io.StringIO()

    with pytest.raises(CommandError, match="S'ha trobat 1 error; no s'ha importat res."):
        call_command("import_charter", str(path), service=SERVICE, year=2021, stderr=stderr)

    assert stderr.getvalue().splitlines() == [
        "Fila 4: la columna «Observacions» té 2.001 caràcters; com a màxim 2.000."
    ]
    assert snapshot() == before

    rows[3][8] = long_text(2_000)
    import_file(write_table(tmp_path / f"seguiment{suffix}", rows))
    cycles = seed_charter.indicators[2]
    assert Measurement.objects.get(indicator=cycles, year=2021).observations == rows[3][8]


def test_the_charter_s_own_texts_are_bounded_as_the_models_say():
    rows = seed_rows()
    rows[2][1] = long_text(1_001)  # Fila 3: the objective
    rows[3][2] = long_text(1_001)  # Fila 4: the commitment
    rows[4][3] = long_text(1_001)  # Fila 5: the indicator
    rows[5][0] = long_text(301)  # Fila 6: a new offered service
    rows[5][5] = "No aplicable"  # with its reason in Observacions,
    rows[5][8] = long_text(2_001)  # which is bounded as the observations are

    assert parse_sheet(rows).errors == [
        "Fila 3: la columna «Objectiu» té 1.001 caràcters; com a màxim 1.000.",
        "Fila 4: la columna «Compromís» té 1.001 caràcters; com a màxim 1.000.",
        "Fila 5: la columna «Indicador» té 1.001 caràcters; com a màxim 1.000.",
        "Fila 6: la columna «Servei ofert» té 301 caràcters; com a màxim 300.",
        "Fila 6: la columna «Observacions» té 2.001 caràcters; com a màxim 2.000.",
    ]


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_service_or_file(organisation, tmp_path):
    with pytest.raises(CommandError, match="No hi ha cap servei que es digui «Servei de Màgia»."):
        import_file(SEED_FILE, service="Servei de Màgia")
    with pytest.raises(CommandError, match="No es pot llegir el fitxer"):
        import_file(tmp_path / "no-hi-es.csv")
    notes = tmp_path / "notes.csv"
    notes.write_text("Una nota\nsense columnes\n", encoding="utf-8")
    with pytest.raises(CommandError, match="S'ha trobat 1 error; no s'ha importat res."):
        import_file(notes)
    text = tmp_path / "seguiment.txt"
    text.write_bytes(SEED_FILE.read_bytes())
    with pytest.raises(CommandError, match="ha de ser CSV o XLSX"):
        import_file(text)
    assert Charter.objects.count() == 0


# In the browser ------------------------------------------------------------------------------


def page_of(response) -> str:
    """The page's text as a person reads it (entities such as &#x27; decoded)."""
    return html.unescape(response.content.decode())


def upload(client, name, content, *, year=2021):
    """Post the form's «Previsualitza» as a browser would, with the file `name`."""
    file = io.BytesIO(content)
    file.name = name
    return client.post(
        IMPORT_URL,
        {"action": "preview", "file": file, "service": solidaritat().pk, "year": year},
    )


@pytest.mark.django_db
def test_staff_preview_shows_the_recomputed_figures_and_saves_nothing(client, staff):
    client.force_login(staff)

    response = upload(client, SEED_FILE.name, SEED_FILE.read_bytes())

    assert response.status_code == 200
    page = page_of(response)
    assert "Previsualització" in page
    assert "per al servei Servei de Solidaritat i Cooperació Internacional, any 2021." in page
    assert "Encara no s'ha desat res." in page
    assert "Fila 4: el fitxer diu que la diferència és 1, però segons les regles és -1." in page
    assert "es crearà «Carta de serveis de Solidaritat i Cooperació Internacional»" in page
    assert "En confirmar: 7 indicadors nous, 0 actualitzats i 0 sense canvis." in page
    # Fila 4, «Nombre de cicles realitzats»: the rules' -1 and 75 %, not the file's 1.
    cycles_row = page[page.index('<th scope="row" class="number">4</th>') :].split("</tr>")[0]
    assert '<td class="number">-1</td>' in cycles_row
    assert '<td class="number">75\u00a0%</td>' in cycles_row
    assert page.count('<span class="badge">Nou</span>') == 7
    assert "Confirma la importació" in page
    assert Charter.objects.count() == 0 and Measurement.objects.count() == 0


@pytest.mark.django_db
def test_the_preview_says_which_rows_would_change(client, staff, seed_charter):
    client.force_login(staff)
    rows = seed_rows()
    rows[3][5] = "4"  # Fila 4: the fourth cycle did take place
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    before = snapshot()

    page = page_of(upload(client, "seguiment.csv", buffer.getvalue().encode()))

    assert "Es desarà a la carta «Carta de serveis de Solidaritat" in page
    assert "En confirmar: 0 indicadors nous, 1 actualitzats i 6 sense canvis." in page
    assert page.count('<span class="badge">Canvia</span>') == 1
    assert page.count('<span class="badge">Sense canvis</span>') == 6
    row_4 = page[page.index('<th scope="row" class="number">4</th>') :].split("</tr>")[0]
    assert "Canvia" in row_4 and '<td class="number">100\u00a0%</td>' in row_4
    assert snapshot() == before


@pytest.mark.django_db
def test_confirming_the_preview_saves_the_stored_file(client, staff):
    client.force_login(staff)
    upload(client, SEED_FILE.name, SEED_FILE.read_bytes())
    token = client.session["service_charters.import"]["token"]

    # The browser sends only the token: a service or year posted with it is not trusted.
    response = client.post(IMPORT_CONFIRM_URL, {"token": token, "service": 1, "year": 1999})

    charter = Charter.objects.get()
    assert charter.service == solidaritat()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "service_charters:charter_report", kwargs={"pk": charter.pk, "year": 2021}
    )
    assert imported_indicators(charter) == SEED_INDICATORS
    assert Measurement.objects.filter(updated_by=staff).count() == 7
    assert "service_charters.import" not in client.session

    # The same confirmation cannot be replayed.
    response = client.post(IMPORT_CONFIRM_URL, {"token": token}, follow=True)
    assert "Aquesta previsualització ja no és vàlida: torneu a pujar el fitxer." in page_of(
        response
    )


@pytest.mark.django_db
def test_a_file_with_errors_shows_them_and_offers_no_confirmation(client, administrator):
    client.force_login(administrator)
    rows = seed_rows()
    rows[4][4] = "uns quants"
    content = "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows).encode()

    response = upload(client, "seguiment.csv", content)

    page = page_of(response)
    assert "S'ha trobat 1 error" in page
    assert "Fila 5: No s'entén l'objectiu «uns quants»" in page
    assert "Confirma la importació" not in page
    assert "service_charters.import" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("seguiment.pdf", b"%PDF-1.7", "El fitxer ha de ser CSV o XLSX; «seguiment.pdf» no ho és."),
        ("seguiment.csv", b"", "El fitxer «seguiment.csv» és buit."),
        ("seguiment.csv", b"x" * (2 * 1024 * 1024 + 1), "ocupa més de 2 MB"),
        (
            "seguiment.csv",
            b"Servei ofert,Objectiu\nA,B\n",
            "Falten les columnes «Compromís», «Indicador»",
        ),
        (
            "seguiment.xlsx",
            b"PK not really a workbook",
            "No es pot llegir «seguiment.xlsx» com a full de càlcul XLSX: el fitxer està malmès "
            "o no és un XLSX",
        ),
    ],
)
def test_wrong_files_get_a_clear_message(client, staff, name, content, message):
    client.force_login(staff)

    response = upload(client, name, content)

    assert response.status_code == 200
    assert message in page_of(response)
    assert "Confirma la importació" not in page_of(response)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["technician_area3", "technician_of_service", "director"])
def test_only_publication_staff_and_administrators_may_import(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, SEED_FILE.name, SEED_FILE.read_bytes()).status_code == 403
    assert client.post(IMPORT_CONFIRM_URL, {"token": "x"}).status_code == 403
    assert Charter.objects.count() == 0


@pytest.mark.django_db
def test_confirming_is_a_post_of_its_own_for_publishers_only(client, staff, director):
    client.force_login(director)
    assert client.get(IMPORT_CONFIRM_URL).status_code == 403
    client.force_login(staff)
    assert client.get(IMPORT_CONFIRM_URL).status_code == 405
    page = page_of(upload(client, SEED_FILE.name, SEED_FILE.read_bytes()))
    assert f'action="{IMPORT_CONFIRM_URL}"' in page


@pytest.mark.django_db
def test_the_import_page_offers_the_form(client, administrator):
    client.force_login(administrator)
    page = page_of(client.get(IMPORT_URL))
    assert "Importa el seguiment d'una carta de serveis" in page
    assert 'enctype="multipart/form-data"' in page
    assert "Previsualitza" in page


# Found in review -----------------------------------------------------------------------------


def _sheet(*rows):
    return [COLUMNS, *[["S", "O", f"C{n}", *row] for n, row in enumerate(rows)]]


def test_number_cells_of_an_xlsx_are_read_as_typed_not_with_a_thousands_dot(tmp_path):
    """A spreadsheet keeps 2,125 typed as a number as the float 2.125: it used to reach the
    reader as «2.125», which Catalan writing reads as 2125."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    sheet.append(["S", "O", "C1", "Temps mitjà", "≤ 3 dies", 2.125, "", "", ""])
    sheet.append(["S", "O", "C2", "Respostes", "100 %", 97.5, "", "", ""])
    sheet.append(["S", "O", "C3", "Queixes", "100 %", 0.975, "", "", ""])
    sheet.append(["S", "O", "C4", "Cicles", 4.0, 3, "", "", ""])
    sheet["F4"].number_format = "0.0%"  # 97,5 % as the spreadsheet shows it
    path = tmp_path / "seguiment.xlsx"
    workbook.save(path)

    rows = read_sheet(path.name, path.read_bytes())
    parsed = parse_sheet(rows)

    assert [row[4:6] for row in rows[1:]] == [
        ["≤ 3 dies", "2,125"],
        ["100 %", "97,5"],
        ["100 %", "97,5 %"],
        ["4", "3"],
    ]
    # Refused for its third decimal, as typed, rather than stored as 2125.
    assert parsed.errors == ["Fila 2: El resultat «2,125» té més de dos decimals."]
    assert [row.result for row in parsed.rows] == [Decimal("97.5"), Decimal("97.5"), Decimal(3)]


def test_the_plan_import_still_reads_number_cells_as_codes(tmp_path):
    """`read_table`'s default is the mandate plan's: 61.1 typed as a number is a code."""
    from terrassa_plis.exports import read_table

    path = write_table(tmp_path / "pla.xlsx", [["Codi"], [61.1], [21.0]])

    assert read_table(path.name, path.read_bytes()) == [["Codi"], ["61.1"], ["21"]]


@pytest.mark.parametrize(
    ("target", "result", "message"),
    [
        ("Sí", "5", "Fila 2: el resultat «5» no és vàlid. Escriviu Sí o No (1 o 0)."),
        ("1 cicle anual", "2", "Fila 2: el resultat «2» no és vàlid. Escriviu Sí o No (1 o 0)."),
        (
            "100 %",
            "120",
            "Fila 2: el resultat «120» no és vàlid. Un percentatge no pot passar de 100.",
        ),
    ],
)
def test_the_import_refuses_the_results_the_form_refuses(target, result, message):
    """It used to save 5 for a yes/no indicator and 120 for a percentage."""
    parsed = parse_sheet(_sheet(["Indicador", target, result, "", "", ""]))

    assert parsed.errors == [message]


def test_si_or_no_is_refused_for_an_indicator_that_counts():
    parsed = parse_sheet(_sheet(["Indicador", "4", "Sí", "", "", ""]))

    assert parsed.errors == [
        "Fila 2: No s'entén el resultat «Sí»: aquest indicador no és de Sí o No: escriviu un "
        "nombre (3) o un percentatge (100 %), o deixeu-lo buit (o «-») si no s'ha avaluat."
    ]


def test_the_files_figures_are_named_with_their_article():
    parsed = parse_sheet(_sheet(["Indicador", "4", "3", "molt", "un 80", ""]))

    assert parsed.warnings == [
        "Fila 2: no s'entén la diferència «molt» del fitxer; segons les regles és -1.",
        "Fila 2: no s'entén el grau de compliment «un 80» del fitxer; segons les regles és "
        "75\u00a0%.",
    ]


def test_a_row_that_starts_a_new_objective_without_a_commitment_says_so():
    rows = [
        COLUMNS,
        ["S", "Objectiu 1", "Compromís 1", "Indicador 1", "2", "2", "", "", ""],
        ["", "Objectiu 2", "", "Indicador 2", "2", "2", "", "", ""],
    ]

    assert parse_sheet(rows).errors == [
        "Fila 3: aquesta fila comença un objectiu nou; escriviu-hi també el compromís."
    ]


@pytest.mark.django_db
def test_a_changed_target_is_refused_when_other_years_were_assessed_against_it(seed_charter, staff):
    """Every year is assessed against the indicator's one target: importing 2021 with
    «5» for «4» used to turn 2020's 4 cycles from met into 80 %."""
    cycles = seed_charter.indicators[2]
    Measurement.objects.create(indicator=cycles, year=2020, result=Decimal(4))
    rows = seed_rows()
    rows[3][4] = "5"
    parsed = parse_sheet(rows)
    before = snapshot()

    with pytest.raises(CharterImportError) as raised:
        apply_sheet(parsed, service=seed_charter.service, year=2021, acting_user=staff)

    assert raised.value.errors == [
        "Fila 4: l'objectiu de l'indicador ha canviat («4» → «5») i ja té resultats d'altres "
        "anys; per no alterar-ne el compliment, creeu un indicador nou o canvieu-lo a "
        "l'administració."
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_target_written_otherwise_but_worth_the_same_is_still_updated(seed_charter, staff):
    cycles = seed_charter.indicators[2]
    Measurement.objects.create(indicator=cycles, year=2020, result=Decimal(4))
    rows = seed_rows()
    rows[3][4] = "4 cicles"

    report = apply_sheet(
        parse_sheet(rows), service=seed_charter.service, year=2021, acting_user=staff
    )

    assert (report.updated, report.unchanged) == (1, 6)
    cycles.refresh_from_db()
    assert (cycles.target_text, cycles.target_value) == ("4 cicles", 4)


@pytest.mark.django_db
def test_an_empty_result_keeps_the_saved_one(seed_charter, staff):
    """An old sheet's empty Resultat used to erase a result saved since."""
    rows = seed_rows()
    rows[3][5] = ""  # Fila 4, «Nombre de cicles realitzats»: 3 is saved
    before = snapshot()

    report = apply_sheet(
        parse_sheet(rows), service=seed_charter.service, year=2021, acting_user=staff
    )

    assert (report.updated, report.unchanged) == (0, 7)
    assert report.kept_results == {4: "3"}
    assert snapshot() == before


@pytest.mark.django_db
def test_an_empty_result_keeps_a_saved_not_applicable_too(seed_charter, staff):
    refugees = seed_charter.indicators[4]
    Measurement.objects.filter(indicator=refugees, year=2021).update(
        result=None, not_applicable=True, not_applicable_reason="No s'ha convocat."
    )
    rows = seed_rows()
    rows[5][5] = ""

    report = apply_sheet(
        parse_sheet(rows), service=seed_charter.service, year=2021, acting_user=staff
    )

    measurement = Measurement.objects.get(indicator=refugees, year=2021)
    assert (measurement.not_applicable, measurement.not_applicable_reason) == (
        True,
        "No s'ha convocat.",
    )
    assert report.kept_results == {6: "No aplicable"}


@pytest.mark.django_db
def test_the_preview_shows_the_saved_result_beside_the_files(client, staff, seed_charter):
    client.force_login(staff)
    rows = seed_rows()
    rows[3][5] = "4"  # Fila 4: 3 is saved
    rows[4][5] = ""  # Fila 5: 3 is saved, and stays
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)

    page = page_of(upload(client, "seguiment.csv", buffer.getvalue().encode()))

    def row(number):
        return page[page.index(f'<th scope="row" class="number">{number}</th>') :].split("</tr>")[0]

    assert "Desat ara: 3" in row(4)
    assert "Buit al fitxer: es manté el desat, 3" in row(5)
    assert "Desat ara" not in row(2) and "es manté" not in row(2)


@pytest.mark.django_db
def test_the_import_form_takes_only_the_years_every_charters_page_takes(client, staff):
    client.force_login(staff)

    page = page_of(upload(client, SEED_FILE.name, SEED_FILE.read_bytes(), year=99999))

    assert "Previsualització" not in page
    assert "2100" in page  # the field's error names the last year
    assert Charter.objects.count() == 0


# Rows whose cells do not fit the columns


def shifted_seed_rows() -> list[list[str]]:
    """The seed as published: its last row moved one column to the left, so the
    indicator's name sits under «Compromís» and its target under «Indicador»."""
    rows = seed_rows()
    rows[-1] = [
        "",
        "",
        "Nombre de persones refugiades acollides a la ciutat",
        "50",
        "50",
        "-",
        "100 %",
        "",
        "",
    ]
    return rows


SHIFTED = (
    "Fila 8: a la columna «Indicador» hi ha «50», una xifra i no un text: potser les "
    "cel·les d'aquesta fila estan desplaçades de columna."
)


def test_the_seed_s_shifted_last_row_is_refused_with_its_row_number():
    parsed = parse_sheet(shifted_seed_rows())

    assert parsed.errors == [SHIFTED]
    assert len(parsed.rows) == 6


@pytest.mark.django_db
def test_the_shifted_seed_imports_nothing_not_even_its_good_rows(organisation, tmp_path):
    path = write_table(tmp_path / "seguiment.csv", shifted_seed_rows())
    stderr = io.StringIO()

    with pytest.raises(CommandError, match="S'ha trobat 1 error; no s'ha importat res."):
        call_command("import_charter", str(path), service=SERVICE, year=2021, stderr=stderr)

    assert stderr.getvalue().splitlines() == [SHIFTED]
    assert not Charter.objects.exists()
    assert not Indicator.objects.filter(name="50").exists()


@pytest.mark.parametrize(
    ("column", "text"),
    [
        (0, "2021"),
        (1, "100 %"),
        (2, "-"),
        (3, "Sí"),
    ],
)
def test_a_figure_is_refused_in_every_text_column(column, text):
    rows = seed_rows()[:2]
    rows[1][column] = text

    errors = parse_sheet(rows).errors

    assert errors[0] == (
        f"Fila 2: a la columna «{COLUMNS[column]}» hi ha «{text}», una xifra i no un text: "
        "potser les cel·les d'aquesta fila estan desplaçades de columna."
    )


@pytest.mark.parametrize("text", ["-", "No", "No aplicable", "n/a", "No avaluat"])
def test_a_target_that_reads_as_no_target_is_refused(text):
    rows = seed_rows()[:3]
    rows[2][4] = text

    parsed = parse_sheet(rows)

    assert parsed.errors == [
        f"Fila 3: la columna «Indicador de mesura» diu «{text}», que no és cap objectiu: "
        "escriviu-hi què s'ha d'assolir (4, 100 %, ≥ 5, ≤ 10 dies o Sí); potser les "
        "cel·les d'aquesta fila estan desplaçades de columna."
    ]


def test_names_with_figures_in_them_are_still_names():
    rows = seed_rows()[:2]
    rows[1][3] = "Nombre de peticions resoltes en 48 hores"
    rows[1][2] = "2 projectes d'ajuda humanitària"

    assert parse_sheet(rows).errors == []


@pytest.mark.django_db
def test_the_browser_import_shows_the_shifted_row_and_offers_no_confirmation(client, staff):
    client.force_login(staff)
    content = "\n".join(",".join(f'"{cell}"' for cell in row) for row in shifted_seed_rows())

    response = upload(client, "seguiment.csv", content.encode())

    page = page_of(response)
    assert "S'ha trobat 1 error; corregiu el fitxer i torneu-lo a pujar" in page
    assert SHIFTED in page
    assert "Confirma la importació" not in page
    assert not Charter.objects.exists()


@pytest.mark.django_db
def test_an_import_leaves_one_line_saying_who_imported_which_file(client, staff, caplog):
    client.force_login(staff)
    upload(client, SEED_FILE.name, SEED_FILE.read_bytes())
    token = client.session["service_charters.import"]["token"]

    with caplog.at_level(logging.INFO, logger="terrassa_plis.imports"):
        client.post(IMPORT_CONFIRM_URL, {"token": token})

    charter = Charter.objects.get()
    assert [r.getMessage() for r in caplog.records if r.name == "terrassa_plis.imports"] == [
        f"Imported the follow-up of charter {charter.pk} (2021) from {SEED_FILE.name!r} "
        f"by user {staff.get_username()!r} (id {staff.pk}): 7 new, 0 updated, 0 unchanged."
    ]


def test_the_import_command_leaves_one_line_too(organisation, caplog):
    with caplog.at_level(logging.INFO, logger="terrassa_plis.imports"):
        import_file(SEED_FILE)

    (line,) = [r.getMessage() for r in caplog.records if r.name == "terrassa_plis.imports"]
    assert line.startswith(f"Imported the follow-up of charter {Charter.objects.get().pk} (2021)")
    assert "by command run by system user" in line


# Files a person cannot be blamed for ------------------------------------------------------


def csv_content(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


@pytest.mark.django_db
def test_a_nul_byte_is_a_message_on_the_page_not_a_server_error(client, staff, seed_charter):
    client.force_login(staff)
    rows = seed_rows()
    rows[3][8] = "Una observació\0 amb un caràcter nul"
    before = snapshot()

    response = upload(client, "seguiment.csv", csv_content(rows))

    assert response.status_code == 200
    page = page_of(response)
    assert "Fila 4, columna I («Observacions»): hi ha un caràcter de control invisible" in page
    assert "Confirma la importació" not in page
    assert "service_charters.import" not in client.session
    assert snapshot() == before


@pytest.mark.django_db
def test_a_nul_byte_stops_the_command_with_one_sentence(seed_charter, tmp_path):
    rows = seed_rows()
    rows[3][8] = "Una observació\0"
    before = snapshot()

    with pytest.raises(CommandError, match=r"^Fila 4, columna I \(«Observacions»\)"):
        import_file(write_table(tmp_path / "seguiment.csv", rows))

    assert snapshot() == before


@pytest.mark.django_db
def test_a_column_given_twice_is_refused_on_the_page(client, staff, seed_charter):
    client.force_login(staff)
    rows = [[*row, row[5]] for row in seed_rows()]
    rows[0][-1] = "RESULTAT"
    before = snapshot()

    page = page_of(upload(client, "seguiment.csv", csv_content(rows)))

    assert (
        "La columna «Resultat» surt 2 vegades a la capçalera (fila 1, columnes F, J): no se sap "
        "quina llegir; deixeu-ne només una."
    ) in page
    assert "Confirma la importació" not in page
    assert snapshot() == before


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_on_the_page_before_it_is_opened(client, staff, settings):
    from tests.terrassa_plis.test_imports import zip_bomb

    settings.IMPORT_MAX_UNPACKED_BYTES = 2 * 1024 * 1024
    client.force_login(staff)

    page = page_of(upload(client, "seguiment.xlsx", zip_bomb(3 * 1024 * 1024)))

    assert "però descomprimit en faria 3 MB, més dels 2 MB que s'accepten" in page
    assert "Confirma la importació" not in page


# A sheet exported, edited, and imported after someone saved ---------------------------------

LATER_OBSERVATION = "Es va fer una exposició a la Biblioteca Central que no constava."


def exported_sheet(client, seed) -> list[list[str]]:
    """The charter's sheet as the «CSV» link downloads it, with its «Versió» column."""
    url = reverse("service_charters:charter_export", args=[seed.charter.pk, 2021, "csv"])
    return read_sheet("seguiment.csv", client.get(url).content)


def a_technician_saves_an_observation(seed, technician, position=0):
    """The results form's save, for the indicator at `position` (row `position + 2`)."""
    from service_charters.operations import ResultData, save_results

    indicator = seed.indicators[position]
    measurement = Measurement.objects.get(indicator=indicator, year=2021)
    save_results(
        seed.charter,
        2021,
        [
            ResultData(
                indicator=indicator,
                base_version=measurement.version,
                result=measurement.result,
                observations=LATER_OBSERVATION,
            )
        ],
        acting_user=technician,
    )
    return Measurement.objects.get(pk=measurement.pk)


@pytest.mark.django_db
def test_a_stale_sheet_cannot_erase_an_observation_saved_since_its_export(
    client, staff, technician_of_service, seed_charter
):
    client.force_login(staff)
    rows = exported_sheet(client, seed_charter)
    saved = a_technician_saves_an_observation(seed_charter, technician_of_service)
    rows[3][5] = "4"  # what the person meant to change: Fila 4's result
    before = snapshot()

    response = upload(client, "seguiment.csv", csv_content(rows))

    page = page_of(response)
    when = moment(saved.updated_at)
    assert (
        f"Fila 2: «Observacions» ha canviat a l'aplicació des que es va exportar aquest full "
        f"(ho va desar Laia el {when}): ara hi diu «{LATER_OBSERVATION}» i "
        "el fitxer hi posaria «(buit)». No s'ha importat res, per no esborrar-ho sense voler"
    ) in page
    assert "Confirma la importació" not in page
    assert snapshot() == before

    with pytest.raises(CommandError, match="S'ha trobat 1 error; no s'ha importat res."):
        import_file(write_table_at(rows))
    assert snapshot() == before


def write_table_at(rows) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    return write_table(folder / "seguiment.csv", rows)


@pytest.mark.django_db
def test_the_preview_lists_every_change_with_the_text_it_replaces(client, staff, seed_charter):
    client.force_login(staff)
    rows = exported_sheet(client, seed_charter)
    rows[3][5] = "4"
    rows[3][8] = "Es van fer els quatre cicles."
    rows[4][4] = "3"

    page = page_of(upload(client, "seguiment.csv", csv_content(rows)))

    row_4 = page[page.index('<th scope="row" class="number">4</th>') :].split("</tr>")[0]
    assert "«Resultat»: abans «3», ara «4»" in row_4
    assert f"«Observacions»: abans «{COVID}», ara «Es van fer els quatre cicles.»" in row_4
    row_5 = page[page.index('<th scope="row" class="number">5</th>') :].split("</tr>")[0]
    assert "«Indicador de mesura»: abans «2», ara «3»" in row_5
    assert "Confirma la importació" in page

    token = client.session["service_charters.import"]["token"]
    client.post(IMPORT_CONFIRM_URL, {"token": token})
    cycles = Measurement.objects.get(indicator=seed_charter.indicators[2], year=2021)
    assert (cycles.result, cycles.observations) == (Decimal(4), "Es van fer els quatre cicles.")


@pytest.mark.django_db
def test_a_row_nobody_touched_since_the_export_still_imports_beside_one_that_was(
    client, staff, technician_of_service, seed_charter
):
    client.force_login(staff)
    rows = exported_sheet(client, seed_charter)
    a_technician_saves_an_observation(seed_charter, technician_of_service, position=1)
    rows[3][5] = "4"
    # The person keeps the observation saved meanwhile: nothing of it is undone.
    rows[2][8] = LATER_OBSERVATION

    page = page_of(upload(client, "seguiment.csv", csv_content(rows)))

    assert "ha canviat a l'aplicació" not in page
    assert "En confirmar: 0 indicadors nous, 1 actualitzats i 6 sense canvis." in page


@pytest.mark.django_db
def test_emptying_the_version_cell_overwrites_on_purpose_and_the_preview_says_what(
    client, staff, technician_of_service, seed_charter
):
    client.force_login(staff)
    rows = exported_sheet(client, seed_charter)
    a_technician_saves_an_observation(seed_charter, technician_of_service)
    rows[1][-1] = ""

    page = page_of(upload(client, "seguiment.csv", csv_content(rows)))

    assert f"«Observacions»: abans «{LATER_OBSERVATION}», ara «(buit)»" in page
    assert "Confirma la importació" in page


@pytest.mark.django_db
def test_a_version_cell_from_another_year_is_no_licence_to_overwrite(client, staff, seed_charter):
    client.force_login(staff)
    rows = exported_sheet(client, seed_charter)
    other = Measurement.objects.get(indicator=seed_charter.indicators[1], year=2021)
    rows[1][-1] = re.sub(r"^m\d+", f"m{other.pk}", rows[1][-1])
    rows[1][8] = "Una observació nova"

    page = page_of(upload(client, "seguiment.csv", csv_content(rows)))

    assert "Fila 2: la cel·la «Versió» és d'una altra fila o d'un altre any" in page
    assert "Confirma la importació" not in page


@pytest.mark.django_db
def test_a_version_cell_typed_over_is_an_error_of_its_row(client, staff, seed_charter):
    client.force_login(staff)
    rows = exported_sheet(client, seed_charter)
    rows[2][-1] = "3"

    page = page_of(upload(client, "seguiment.csv", csv_content(rows)))

    assert "Fila 3: la columna «Versió» diu «3», que no és la versió que hi escriu" in page


@pytest.mark.django_db
def test_a_save_between_the_preview_and_the_confirmation_is_not_overwritten(
    client, staff, technician_of_service, seed_charter
):
    client.force_login(staff)
    rows = exported_sheet(client, seed_charter)
    rows[1][8] = "Observació de la persona que importa."
    upload(client, "seguiment.csv", csv_content(rows))
    token = client.session["service_charters.import"]["token"]
    a_technician_saves_an_observation(seed_charter, technician_of_service)
    before = snapshot()

    response = client.post(IMPORT_CONFIRM_URL, {"token": token})

    assert response.status_code == 400
    assert "Fila 2: «Observacions» ha canviat a l'aplicació" in page_of(response)
    assert snapshot() == before
