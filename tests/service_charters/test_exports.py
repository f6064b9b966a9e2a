"""Open data: the follow-up as CSV, XLSX and JSON, and the round trip back through the import.

Downloads are read as a person's spreadsheet program would read them (the CSV with its
byte order mark, the XLSX with openpyxl); the round trip edits one result in the
downloaded file and gives it to `manage.py import_charter`.
"""

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from governance.models import Service
from service_charters.followup import COLUMNS, VERSION_COLUMN
from service_charters.models import Measurement
from terrassa_plis.models import GeneratedDocument
from tests.pages import markup, visible_text

from .conftest import build_charters

SERVICE = "Servei de Solidaritat i Cooperació Internacional"
NBSP = "\u00a0"
CYCLES_ROW = [
    "Solidaritat i Cooperació Internacional",
    "Oferir activitats de difusió i informació en matèria de cooperació internacional per a "
    "la ciutadania.",
    "Organitzarem un mínim de 4 cicles d'activitats sobre diferents temàtiques relacionades "
    "amb la cooperació internacional.",
    "Nombre de cicles realitzats",
    "4",
    "3",
    "-1",
    f"75{NBSP}%",
    "Degut a la situació derivada dels confinaments per la COVID-19 s'ha reduït l'activitat "
    "presencial.",
]


def charter_url(seed, file_format, year=2021):
    return reverse(
        "service_charters:charter_export",
        kwargs={"pk": seed.charter.pk, "year": year, "file_format": file_format},
    )


def year_url(file_format, year=2021):
    return reverse(
        "service_charters:year_export", kwargs={"year": year, "file_format": file_format}
    )


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def xlsx_rows(content: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [
        ["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)
    ]


def editable_sheet(rows: list[list[str]]) -> list[list[str]]:
    """The rows without their last column, checked to be the export's «Versió»: the
    measurement, its version and a digest of each editable cell."""
    assert rows[0][-1] == VERSION_COLUMN
    assert all(re.fullmatch(r"m\d+v\d+(-[0-9a-f]{6}){3}", row[-1]) for row in rows[1:])
    return [row[:-1] for row in rows]


def filename(response) -> str:
    return response["Content-Disposition"].split('filename="')[1].rstrip('"')


@pytest.fixture
def other_area_reader(client, technician_other_area):
    """Anyone with a role reads the follow-up: here a technician of another area."""
    client.force_login(technician_other_area)
    return client


# Content ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_charter_csv_holds_the_published_table_with_every_cell_filled(
    seed_charter, other_area_reader
):
    response = other_area_reader.get(charter_url(seed_charter, "csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert filename(response) == "seguiment-solidaritat-i-cooperacio-internacional-2021.csv"
    rows = editable_sheet(csv_rows(response))
    assert rows[0] == COLUMNS
    assert len(rows) == 8
    # Open data: no blank «repeat the cell above», every row stands on its own.
    assert all(row[0] and row[1] and row[2] for row in rows[1:])
    assert rows[3] == CYCLES_ROW
    assert rows[1][4:8] == ["100 %", f"100{NBSP}%", f"0{NBSP}%", f"100{NBSP}%"]
    assert rows[7][2] == rows[6][2]  # the refugees' last indicator keeps its commitment
    assert rows[7][5:8] == ["50", "0", f"100{NBSP}%"]


@pytest.mark.django_db
def test_the_charter_xlsx_holds_the_same_cells(seed_charter, other_area_reader):
    response = other_area_reader.get(charter_url(seed_charter, "xlsx"))

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert filename(response) == "seguiment-solidaritat-i-cooperacio-internacional-2021.xlsx"
    rows = editable_sheet(xlsx_rows(response.getvalue()))
    assert rows[0] == COLUMNS
    assert rows[3] == CYCLES_ROW
    assert len(rows) == 8


@pytest.mark.django_db
def test_the_charter_json_adds_machine_readable_numbers(seed_charter, other_area_reader):
    Measurement.objects.filter(indicator=seed_charter.indicators[4], year=2021).update(
        result=None, not_applicable=True, not_applicable_reason="No ha calgut convocar-la."
    )
    Measurement.objects.filter(indicator=seed_charter.indicators[1], year=2021).delete()

    response = other_area_reader.get(charter_url(seed_charter, "json"))

    assert response["Content-Type"] == "application/json"
    assert filename(response) == "seguiment-solidaritat-i-cooperacio-internacional-2021.json"
    records = json.loads(response.getvalue())
    assert len(records) == 7
    cycles = records[2]
    assert {key: cycles[key] for key in COLUMNS} == dict(zip(COLUMNS, CYCLES_ROW, strict=True))
    assert {key: value for key, value in cycles.items() if key not in COLUMNS} == {
        "year": 2021,
        "target_kind": "floor",
        "target_value": 4,
        "unit": "",
        "result": 3,
        "not_applicable": False,
        "difference": -1,
        "compliance": 75,
        "band": "partly_met",
    }
    not_measured, not_applicable = records[1], records[4]
    assert (not_measured["result"], not_measured["compliance"], not_measured["band"]) == (
        None,
        None,
        "not_assessed",
    )
    assert not_measured["Resultat"] == "-" and not_measured["Grau de compliment"] == "No avaluat"
    assert (not_applicable["result"], not_applicable["not_applicable"]) == (None, True)
    assert not_applicable["Resultat"] == "No aplicable"
    assert not_applicable["Observacions"] == "No ha calgut convocar-la."
    assert records[0]["unit"] == "%" and records[0]["target_value"] == 100


@pytest.mark.django_db
def test_the_year_export_tells_the_charters_apart_by_service(seed_charter, other_area_reader):
    other = Service.objects.exclude(pk=seed_charter.service.pk).first()
    build_charters(other, 1, indicators_each=2)

    response = other_area_reader.get(year_url("csv"))

    assert filename(response) == "seguiment-cartes-2021.csv"
    rows = editable_sheet(csv_rows(response))
    assert rows[0] == ["Servei", *COLUMNS]
    assert len(rows) == 1 + 7 + 2
    assert {row[0] for row in rows[1:]} == {SERVICE, other.name}
    assert [SERVICE, *CYCLES_ROW] in rows

    records = json.loads(other_area_reader.get(year_url("json")).getvalue())
    assert len(records) == 9
    assert {record["Servei"] for record in records} == {SERVICE, other.name}

    sheet = editable_sheet(xlsx_rows(other_area_reader.get(year_url("xlsx")).getvalue()))
    assert sheet[0] == ["Servei", *COLUMNS] and len(sheet) == 10


@pytest.mark.django_db
def test_a_charter_not_in_force_that_year_is_left_out(seed_charter, other_area_reader):
    rows = csv_rows(other_area_reader.get(year_url("csv", year=2017)))
    assert rows == [["Servei", *COLUMNS, VERSION_COLUMN]]


@pytest.mark.django_db
def test_figures_are_written_the_catalan_way_whatever_the_readers_language(
    seed_charter, other_area_reader
):
    Measurement.objects.filter(indicator=seed_charter.indicators[2], year=2021).update(
        result=Decimal("2.5")
    )

    response = other_area_reader.get(charter_url(seed_charter, "csv"), HTTP_ACCEPT_LANGUAGE="en")

    assert csv_rows(response)[3][5:8] == ["2,5", "-1,5", f"62,5{NBSP}%"]


# Access ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("user_without_role", 403),
        ("technician_other_area", 200),
        ("director", 200),
        ("staff", 200),
    ],
)
def test_readers_only(seed_charter, persona_client, persona, status):
    client = persona_client(persona)
    for url in (charter_url(seed_charter, "csv"), year_url("xlsx")):
        assert client.get(url).status_code == status


@pytest.mark.django_db
def test_another_format_or_an_unknown_charter_is_not_found(seed_charter, other_area_reader):
    assert other_area_reader.get(charter_url(seed_charter, "pdf")).status_code == 404
    assert other_area_reader.get(year_url("ods")).status_code == 404
    missing = reverse(
        "service_charters:charter_export", kwargs={"pk": 999, "year": 2021, "file_format": "csv"}
    )
    assert other_area_reader.get(missing).status_code == 404


# Round trip ------------------------------------------------------------------------------


def import_file(path, service=SERVICE):
    stdout = io.StringIO()
    call_command(
        "import_charter", str(path), service=service, year=2021, stdout=stdout, stderr=io.StringIO()
    )
    return stdout.getvalue()


def measurements_state():
    return {
        m.indicator_id: (m.result, m.observations, m.not_applicable, m.version)
        for m in Measurement.objects.all()
    }


@pytest.mark.django_db
def test_a_downloaded_csv_edited_and_imported_updates_exactly_that_result(
    seed_charter, other_area_reader, tmp_path
):
    rows = csv_rows(other_area_reader.get(charter_url(seed_charter, "csv")))
    assert rows[3][3] == "Nombre de cicles realitzats"
    rows[3][5] = "4"  # the fourth cycle did take place after all
    path = tmp_path / "seguiment.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)
    before = measurements_state()

    output = import_file(path)

    assert "Importats: 0 indicadors nous, 1 actualitzats i 6 sense canvis" in output
    # The file still says -1 and 75 %: the rules' figures for the new result differ.
    assert "Fila 4: el fitxer diu que la diferència és -1, però segons les regles és 0." in output
    after = measurements_state()
    cycles = seed_charter.indicators[2].pk
    assert after[cycles] == (Decimal(4), before[cycles][1], False, 2)
    assert {k: v for k, v in after.items() if k != cycles} == {
        k: v for k, v in before.items() if k != cycles
    }


@pytest.mark.django_db
def test_a_downloaded_xlsx_edited_and_imported_updates_exactly_that_result(
    seed_charter, other_area_reader, tmp_path
):
    path = tmp_path / "seguiment.xlsx"
    path.write_bytes(other_area_reader.get(charter_url(seed_charter, "xlsx")).getvalue())
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet["D7"].value == "Cicle d'activitats anual (Sí/ No)"
    sheet["F7"] = "0"  # the yearly cycle did not happen
    workbook.save(path)
    before = measurements_state()

    output = import_file(path)

    assert "Importats: 0 indicadors nous, 1 actualitzats i 6 sense canvis" in output
    after = measurements_state()
    cycle = seed_charter.indicators[5].pk
    assert after[cycle][0] == 0 and after[cycle][3] == 2
    assert {k: v for k, v in after.items() if k != cycle} == {
        k: v for k, v in before.items() if k != cycle
    }


@pytest.mark.django_db
def test_the_all_charters_export_imports_back_service_by_service(
    seed_charter, other_area_reader, tmp_path
):
    other = Service.objects.exclude(pk=seed_charter.service.pk).first()
    build_charters(other, 1, indicators_each=3)
    path = tmp_path / "seguiment-cartes-2021.csv"
    path.write_bytes(other_area_reader.get(year_url("csv")).getvalue())
    before = measurements_state()

    output = import_file(path)

    assert "Importats: 0 indicadors nous, 0 actualitzats i 7 sense canvis" in output
    assert "S'han deixat de banda 3 files d'altres serveis." in output
    assert "Importats: 0 indicadors nous, 0 actualitzats i 3 sense canvis" in import_file(
        path, service=other.name
    )
    assert measurements_state() == before


# Queries ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_export_queries_do_not_grow_with_the_charters(
    seed_charter, other_area_reader, django_assert_num_queries, file_format
):
    other = Service.objects.exclude(pk=seed_charter.service.pk).first()
    for count in (1, 4):
        charters = build_charters(other, count, indicators_each=6)
        # Made afresh at each size (the test's data is never committed, so the data
        # version that would tell the stored one is stale never moves).
        GeneratedDocument.objects.all().delete()
        # The year's export is a document made in the background, here at once. Queries:
        # the session, the user, the user's groups (roles); the data version, the stored
        # document (none), SAVEPOINT, INSERT it, RELEASE. The task: claim it, read it, its
        # first step; the charters in force; load_rows: indicators with their tree, the
        # year's measurements; the saving step, mark it ready. Then the request reads it
        # again to serve the file.
        with django_assert_num_queries(17):
            other_area_reader.get(year_url(file_format))
        # Queries: the session, the user, the user's groups; the charter with its
        # service; load_rows: indicators with their tree, the year's measurements.
        with django_assert_num_queries(6):
            response = other_area_reader.get(
                reverse(
                    "service_charters:charter_export",
                    kwargs={"pk": charters[-1].pk, "year": 2021, "file_format": file_format},
                )
            )
        assert response.status_code == 200


# Found in review -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("year", [0, 1989, 2101, 99999])
def test_a_year_out_of_range_is_not_found_rather_than_a_crash(
    seed_charter, other_area_reader, year
):
    """`date(0, 1, 1)` used to raise inside `Charter.objects.in_force`: a server error."""
    for file_format in ("csv", "xlsx", "json"):
        assert other_area_reader.get(year_url(file_format, year=year)).status_code == 404
        assert (
            other_area_reader.get(charter_url(seed_charter, file_format, year=year)).status_code
            == 404
        )


FORMULA = '=HYPERLINK("https://exemple.cat","Cliqueu")'


@pytest.fixture
def formula_texts(seed_charter):
    """Observations a person typed that a spreadsheet program would run as formulas."""
    texts = {2: FORMULA, 3: "+34 dies de retard", 6: "@SUMA(A1)", 0: "- cap incidència"}
    for index, text in texts.items():
        Measurement.objects.filter(indicator=seed_charter.indicators[index], year=2021).update(
            observations=text
        )
    return texts


@pytest.mark.django_db
def test_text_that_looks_like_a_formula_is_a_text_cell_in_the_xlsx(
    formula_texts, seed_charter, other_area_reader
):
    response = other_area_reader.get(charter_url(seed_charter, "xlsx"))

    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet["I4"].value == FORMULA
    assert sheet["I4"].data_type == "s"
    typed = [sheet[f"I{row}"] for row in range(1, 9) if sheet[f"I{row}"].value]
    assert len(typed) == 6 and {cell.data_type for cell in typed} == {"s"}


@pytest.mark.django_db
def test_text_that_looks_like_a_formula_is_quoted_in_the_csv(
    formula_texts, seed_charter, other_area_reader
):
    rows = csv_rows(other_area_reader.get(charter_url(seed_charter, "csv")))

    assert [rows[index + 1][8] for index in (2, 3, 6, 0)] == [
        "'" + FORMULA,
        "'+34 dies de retard",
        "'@SUMA(A1)",
        "'- cap incidència",
    ]
    # A signed figure is a number to the spreadsheet, not a formula: left as it is.
    assert rows[3][6] == "-1"


@pytest.mark.django_db
def test_a_quoted_csv_imports_back_without_the_quote(
    formula_texts, seed_charter, other_area_reader, tmp_path
):
    path = tmp_path / "seguiment.csv"
    path.write_bytes(other_area_reader.get(charter_url(seed_charter, "csv")).getvalue())
    before = measurements_state()

    output = import_file(path)

    assert "Importats: 0 indicadors nous, 0 actualitzats i 7 sense canvis" in output
    assert measurements_state() == before


# The links to the downloads


def hrefs(response) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', markup(response)))


def test_the_year_report_links_its_pdf_and_every_open_data_format(seed_charter, reader):
    page = reader.get(reverse("service_charters:year_report", args=[2021]))

    links = hrefs(page)
    assert reverse("service_charters:year_report_pdf", args=[2021]) in links
    for file_format in ("csv", "xlsx", "json"):
        assert year_url(file_format) in links
        assert f"Dades obertes en {file_format.upper()}" in visible_text(page)
    # Each link downloads the file it names.
    assert filename(reader.get(year_url("xlsx"))) == "seguiment-cartes-2021.xlsx"


def test_a_charter_report_links_the_charter_s_own_open_data(seed_charter, reader):
    page = reader.get(
        reverse("service_charters:charter_report", args=[seed_charter.charter.pk, 2021])
    )

    links = hrefs(page)
    for file_format in ("csv", "xlsx", "json"):
        assert charter_url(seed_charter, file_format) in links
    assert year_url("csv") not in links
    assert csv_rows(reader.get(charter_url(seed_charter, "csv")))[0] == [*COLUMNS, VERSION_COLUMN]


def test_the_charters_index_links_the_open_data_of_the_year_it_shows(seed_charter, reader):
    # The current year is offered beside the years with results.
    year = date.today().year
    page = reader.get(reverse("service_charters:list"), {"year": year})

    links = hrefs(page)
    for file_format in ("csv", "xlsx", "json"):
        assert year_url(file_format, year=year) in links
        assert year_url(file_format) not in links
    assert reverse("service_charters:shortfalls", args=[year]) in links
