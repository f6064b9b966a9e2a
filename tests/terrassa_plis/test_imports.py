"""The one reader of imported files (`terrassa_plis.imports.read_import`): bounded before it
parses, and every refusal one Catalan sentence naming the row or the column.

The files are built here as an attacker or a careless program would make them: a zip
bomb that is small on disk, a NUL byte, a header with a column twice, a «.xlsx» that is
no archive at all. What the browser and the commands do with them is in each import's
own tests.
"""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook

from terrassa_plis.imports import RefusedImport, read_import

HEADER = ["Nivell", "Codi", "Codi superior", "Text"]
MEGABYTE = 1024 * 1024


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def zip_bomb(padding: int) -> bytes:
    """A real workbook whose sheet is followed by `padding` spaces (allowed after XML's
    root element): a few hundred KB on disk, `padding` bytes once unpacked."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([HEADER, ["Prioritat", "1", "", "Text"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for entry in source.infolist():
            if entry.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(entry, source.read(entry))
                continue
            with bomb.open(entry.filename, "w", force_zip64=True) as sheet:
                sheet.write(source.read(entry))
                chunk = b" " * MEGABYTE
                for _ in range(padding // MEGABYTE):
                    sheet.write(chunk)
    return buffer.getvalue()


def refusal(name, content) -> list[str]:
    with pytest.raises(RefusedImport) as refused:
        read_import(name, content)
    return refused.value.errors


def test_a_zip_bomb_is_refused_before_the_spreadsheet_library_opens_it(monkeypatch):
    bomb = zip_bomb(200 * MEGABYTE)
    assert len(bomb) < 1 * MEGABYTE

    def never(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr("openpyxl.load_workbook", never)

    [message] = refusal("pla.xlsx", bomb)

    assert message.startswith("El fitxer «pla.xlsx» ocupa ")
    assert "però descomprimit en faria 200 MB, més dels 50 MB que s'accepten" in message


def test_the_unpacked_bound_is_the_settings(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 2 * MEGABYTE

    [message] = refusal("pla.xlsx", zip_bomb(3 * MEGABYTE))

    assert "descomprimit en faria 3 MB, més dels 2 MB que s'accepten" in message
    # An ordinary workbook is far under it.
    assert read_import("pla.xlsx", xlsx([HEADER])) == [HEADER]


def test_a_sheet_that_declares_too_many_rows_is_refused_by_its_dimensions(settings):
    settings.IMPORT_MAX_ROWS = 5
    content = xlsx([HEADER] + [["Prioritat", str(n), "", "Text"] for n in range(9)])

    assert refusal("pla.xlsx", content) == [
        "El fitxer «pla.xlsx» té més de 5 files, el màxim que s'accepta en una importació; "
        "dividiu-lo en fitxers més petits. (El full en declara 10.)"
    ]


def test_rows_are_bounded_while_reading_whatever_the_file_declares(settings):
    settings.IMPORT_MAX_ROWS = 5

    assert refusal("pla.csv", csv_bytes([HEADER] * 6)) == [
        "El fitxer «pla.csv» té més de 5 files, el màxim que s'accepta en una importació; "
        "dividiu-lo en fitxers més petits."
    ]
    assert len(read_import("pla.csv", csv_bytes([HEADER] * 5))) == 5


def test_a_file_over_the_upload_limit_is_refused_unread(settings):
    settings.IMPORT_MAX_FILE_BYTES = 1024

    [message] = refusal("pla.csv", b"x" * 1025)

    assert message.startswith("El fitxer «pla.csv» ocupa més de 1 KB, el màxim que s'accepta")


def test_upload_limits_are_explicit_settings(settings):
    from django.conf import global_settings

    for name in ("DATA_UPLOAD_MAX_MEMORY_SIZE", "FILE_UPLOAD_MAX_MEMORY_SIZE"):
        assert hasattr(global_settings, name)
    from terrassa_plis import settings as project_settings

    for name in (
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "FILE_UPLOAD_MAX_MEMORY_SIZE",
        "IMPORT_MAX_FILE_BYTES",
        "IMPORT_MAX_UNPACKED_BYTES",
        "IMPORT_MAX_ROWS",
        "IMPORT_MAX_COLUMNS",
    ):
        assert isinstance(vars(project_settings)[name], int), name


@pytest.mark.parametrize("content", [b"hello, this is text", b"PK\x03\x04 broken", b""])
def test_an_xlsx_that_is_not_a_workbook_is_told_in_catalan(content):
    [message] = refusal("pla.xlsx", content)

    assert message.startswith(
        "No es pot llegir «pla.xlsx» com a full de càlcul XLSX: el fitxer està malmès o no és "
        "un XLSX (potser només se n'ha canviat l'extensió)."
    )
    assert "zip" not in message.casefold()


def test_a_nul_byte_in_a_csv_names_its_row_and_column():
    content = csv_bytes([HEADER, ["Prioritat", "1", "", "Text"], ["Prioritat", "2", "", "Te\0xt"]])

    assert refusal("pla.csv", content) == [
        "Fila 3, columna D («Text»): hi ha un caràcter de control invisible (com un NUL), que "
        "no pot ser text; sol venir d'un fitxer malmès o d'un text copiat d'un altre programa. "
        "Esborreu-lo i torneu a pujar el fitxer."
    ]


def test_a_nul_byte_inside_an_xlsx_is_a_catalan_refusal_not_a_traceback():
    # XML cannot hold a NUL: the workbook is broken, and the person is told so.
    source = zipfile.ZipFile(io.BytesIO(xlsx([HEADER, ["Prioritat", "1", "", "Un text"]])))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b">Un text<", b">Un\0text<")
            target.writestr(entry, data)

    [message] = refusal("pla.xlsx", patched.getvalue())

    assert message.startswith("No es pot llegir «pla.xlsx» com a full de càlcul XLSX")


def test_a_column_twice_in_the_header_is_refused_with_its_letters():
    header = ["Nivell", "Codi", "Text", "Codi superior", " text "]

    assert refusal("pla.csv", csv_bytes([header, ["Prioritat", "1", "A", "", "B"]])) == [
        "La columna «Text» surt 2 vegades a la capçalera (fila 1, columnes C, E): no se sap "
        "quina llegir; deixeu-ne només una."
    ]


def test_the_header_is_the_first_row_with_text():
    rows = [["", ""], ["Observacions", "Observacions"]]

    [message] = refusal("full.xlsx", xlsx(rows))

    assert "(fila 2, columnes A, B)" in message


def test_an_ordinary_file_reads_as_before():
    rows = [HEADER, ["Prioritat", "1", "", "Línia 1\nLínia 2\tamb tabulador"]]

    assert read_import("pla.csv", csv_bytes(rows)) == rows
    assert read_import("pla.xlsx", xlsx(rows)) == rows
