"""Every import's file read one way (`read_import`), and what an import answers when a file
is refused (`RefusedImport`)."""

import csv
import io
import logging
import unicodedata
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from terrassa_plis.exports import Numbers, TableError, TableRowsExceeded, read_table
from terrassa_plis.formatting import number


class RefusedImport(Exception):
    """The file has errors; nothing was saved. `errors` holds one sentence each, in
    Catalan, naming the row and what is wrong with it."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(
            ngettext(
                "S'ha trobat %(count)s error; no s'ha importat res.",
                "S'han trobat %(count)s errors; no s'ha importat res.",
                len(errors),
            )
            % {"count": len(errors)}
        )


# Every import reads its file through `read_import`, so that every bound is checked before
# anything is parsed and every library's complaint reaches a person as one Catalan sentence.
logger = logging.getLogger("terrassa_plis.imports")
_MEGABYTE = 1024 * 1024
# Characters a text cell never holds: a NUL makes PostgreSQL refuse the row, the others
# are not allowed in an XLSX. Tabs and line breaks are ordinary text.
_CONTROL = {chr(code) for code in range(32)} - {"\t", "\n", "\r"}


def upload_size(count: int) -> str:
    """«2 MB», «381,2 KB»: a size as the messages write it."""
    if count >= _MEGABYTE:
        return f"{number(_one_decimal(count / _MEGABYTE))} MB"
    return f"{number(_one_decimal(count / 1024))} KB"


def _one_decimal(value: float) -> Decimal:
    # «2 MB», not «2,0 MB»; «381,2 KB».
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def too_large(name: str) -> str:
    return _(
        "El fitxer «%(name)s» ocupa més de %(size)s, el màxim que s'accepta: un full de "
        "seguiment o un pla n'ocupen molt menys."
    ) % {"name": name, "size": upload_size(settings.IMPORT_MAX_FILE_BYTES)}


def _fold(text: str) -> str:
    """A column name as compared: case, accents and spacing aside."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def read_import(name: str, content: bytes, *, numbers: Numbers = "code") -> list[list[str]]:
    """The rows of an imported CSV or XLSX file as text cells (header first), or
    `RefusedImport` with one Catalan sentence per problem.

    Before parsing: the file's size, and for an XLSX the size its archive unpacks to
    and the rows and columns its sheet declares, against `IMPORT_MAX_*` in settings. While
    reading: no more rows than allowed, whatever was declared. After: no control
    character (a NUL) in any cell, and no column named twice in the header.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RefusedImport(
            [_("El fitxer ha de ser CSV o XLSX; «%(name)s» no ho és.") % {"name": name}]
        )
    if len(content) > settings.IMPORT_MAX_FILE_BYTES:
        raise RefusedImport([too_large(name)])
    if suffix == ".xlsx":
        _check_workbook(name, content)
    try:
        rows = read_table(name, content, numbers=numbers, max_rows=settings.IMPORT_MAX_ROWS)
    except TableRowsExceeded:
        raise RefusedImport([_too_many_rows(name)]) from None
    except (TableError, csv.Error, UnicodeError):
        raise RefusedImport([_unreadable(name, suffix)]) from None
    except Exception:  # noqa: BLE001 - openpyxl raises anything from a broken sheet
        # What the library says (in English, about its internals) helps nobody here.
        logger.info("Unreadable import %s", name, exc_info=True)
        raise RefusedImport([_unreadable(name, suffix)]) from None
    errors = _control_characters(rows) + _repeated_columns(rows)
    if errors:
        raise RefusedImport(errors)
    return rows


def _unreadable(name: str, suffix: str) -> str:
    if suffix == ".xlsx":
        return _(
            "No es pot llegir «%(name)s» com a full de càlcul XLSX: el fitxer està malmès o "
            "no és un XLSX (potser només se n'ha canviat l'extensió). Obriu-lo amb el "
            "programa de fulls de càlcul i deseu-lo com a «Llibre de l'Excel (.xlsx)» o com "
            "a CSV."
        ) % {"name": name}
    return _(
        "No es pot llegir «%(name)s» com a CSV: no s'hi troben columnes separades per "
        "comes, punts i comes o tabuladors. Deseu-lo de nou com a CSV (UTF-8) o com a XLSX."
    ) % {"name": name}


def _too_many_rows(name: str, declared: int | None = None) -> str:
    message = _(
        "El fitxer «%(name)s» té més de %(max)s files, el màxim que s'accepta en una "
        "importació; dividiu-lo en fitxers més petits."
    ) % {"name": name, "max": number(settings.IMPORT_MAX_ROWS)}
    if declared is not None:
        message += " " + _("(El full en declara %(rows)s.)") % {"rows": number(declared)}
    return message


def _check_workbook(name: str, content: bytes) -> None:
    """An XLSX's unpacked size and its sheet's declared dimensions, before any parsing.

    The sizes are those the archive's directory declares; Python's zipfile never unpacks
    more than an entry declares, so they bound what the parser will be given.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise RefusedImport([_unreadable(name, ".xlsx")]) from None
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise RefusedImport(
            [
                _(
                    "El fitxer «%(name)s» ocupa %(size)s, però descomprimit en faria "
                    "%(unpacked)s, més dels %(max)s que s'accepten: no és un full de "
                    "seguiment normal i no s'ha obert."
                )
                % {
                    "name": name,
                    "size": upload_size(len(content)),
                    "unpacked": upload_size(unpacked),
                    "max": upload_size(settings.IMPORT_MAX_UNPACKED_BYTES),
                }
            ]
        )
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises anything from a broken file
        raise RefusedImport([_unreadable(name, ".xlsx")]) from None
    try:
        sheet = workbook.worksheets[0]
        # The <dimension> a spreadsheet program writes; absent, iterating is bounded anyway.
        rows, columns = sheet.max_row, sheet.max_column
    except Exception:  # noqa: BLE001
        raise RefusedImport([_unreadable(name, ".xlsx")]) from None
    finally:
        workbook.close()
    if rows is not None and rows > settings.IMPORT_MAX_ROWS:
        raise RefusedImport([_too_many_rows(name, rows)])
    if columns is not None and columns > settings.IMPORT_MAX_COLUMNS:
        raise RefusedImport(
            [
                _(
                    "El full de «%(name)s» declara %(columns)s columnes, més de les %(max)s "
                    "que s'accepten: esborreu les columnes sobrants i torneu-lo a desar."
                )
                % {
                    "name": name,
                    "columns": number(columns),
                    "max": number(settings.IMPORT_MAX_COLUMNS),
                }
            ]
        )


def _header(rows: list[list[str]]) -> tuple[int, list[str]] | None:
    """The first row with any text, as the imports take it: its number and cells."""
    for number_, row in enumerate(rows, start=1):
        if any(cell.strip() for cell in row):
            return number_, row
    return None


def _column_name(header: list[str] | None, index: int) -> str:
    """«D («Text»)»: the column's letter, with its title when the header gives one."""
    letter = get_column_letter(index + 1)
    title = header[index].strip() if header and index < len(header) else ""
    if title and not any(char in _CONTROL for char in title):
        return f"{letter} («{title}»)"
    return letter


def _control_characters(rows: list[list[str]]) -> list[str]:
    found = _header(rows)
    header = found[1] if found else None
    errors = []
    for row_number, row in enumerate(rows, start=1):
        for index, cell in enumerate(row):
            if any(char in _CONTROL for char in cell):
                errors.append(
                    _(
                        "Fila %(row)s, columna %(column)s: hi ha un caràcter de control "
                        "invisible (com un NUL), que no pot ser text; sol venir d'un fitxer "
                        "malmès o d'un text copiat d'un altre programa. Esborreu-lo i torneu "
                        "a pujar el fitxer."
                    )
                    % {"row": row_number, "column": _column_name(header, index)}
                )
    return errors


def _repeated_columns(rows: list[list[str]]) -> list[str]:
    found = _header(rows)
    if found is None:
        return []
    row_number, header = found
    positions: dict[str, list[int]] = {}
    for index, title in enumerate(header):
        if title.strip():
            positions.setdefault(_fold(title), []).append(index)
    return [
        _(
            "La columna «%(title)s» surt %(count)s vegades a la capçalera (fila %(row)s, "
            "columnes %(letters)s): no se sap quina llegir; deixeu-ne només una."
        )
        % {
            "title": header[indexes[0]].strip(),
            "count": len(indexes),
            "row": row_number,
            "letters": ", ".join(get_column_letter(index + 1) for index in indexes),
        }
        for indexes in positions.values()
        if len(indexes) > 1
    ]
