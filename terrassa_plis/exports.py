"""One exporter shape for every download: a filename, a content type and the bytes.

CSV, XLSX and JSON exports of a table share the same header and rows, so a sheet
downloaded, edited and imported again goes through the same columns. `read_table`
is the other direction, for imports.
"""

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from django.http import HttpResponse

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    content: bytes

    def as_response(self) -> HttpResponse:
        response = HttpResponse(self.content, content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


def _cell(value: Any) -> Any:
    return "" if value is None else value


# A spreadsheet program runs a CSV cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@")
# A signed figure such as «-1», «-2,5» or «-5 %» is read as a number, never run.
_SIGNED_FIGURE = re.compile(r"[-+]?[0-9][0-9.,]*(?:\s*%)?")


def _looks_like_formula(text: str) -> bool:
    return text.startswith(_FORMULA_STARTS) and not _SIGNED_FIGURE.fullmatch(text)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and _looks_like_formula(value):
        # The apostrophe makes the program show the text instead of running it.
        return "'" + value
    return _cell(value)


def _csv_text(text: str) -> str:
    """The cell as it was before `_csv_cell` protected it, so a download imports back."""
    if text.startswith("'") and _looks_like_formula(text[1:]):
        return text[1:]
    return text


def csv_export(stem: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Export:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(value) for value in header])
    writer.writerows([[_csv_cell(value) for value in row] for row in rows])
    # The byte order mark makes spreadsheet programs read the accents right.
    return Export(f"{stem}.csv", CSV, buffer.getvalue().encode("utf-8-sig"))


def xlsx_export(
    stem: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Dades"
) -> Export:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return _cell(value)
        # openpyxl takes a text starting with «=» for a formula: the person's text would
        # run when the file is opened.
        text_cell = Cell(sheet, value=value)
        text_cell.data_type = "s"
        return text_cell

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append([cell(value) for value in header])
    for header_cell in sheet[1]:
        header_cell.font = Font(bold=True)
    for row in rows:
        sheet.append([cell(value) for value in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Export(f"{stem}.xlsx", XLSX, buffer.getvalue())


def json_number(value):
    """A Decimal as JSON writes a number: 144 and 12.5, not "144.00"; anything else as
    it is."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def json_export(stem: str, data: Any) -> Export:
    content = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    return Export(f"{stem}.json", JSON, content)


class TableError(ValueError):
    pass


Numbers = Literal["code", "catalan"]


def read_table(
    name: str, content: bytes, *, numbers: Numbers = "code", max_rows: int | None = None
) -> list[list[str]]:
    """Rows of a CSV or XLSX file as text cells (header first), by the file's extension.

    `numbers` says how an XLSX number cell becomes text. "code": as a code is typed, with
    a dot (61.1; 21.0 becomes 21). "catalan": as a figure is typed in Catalan, with a
    decimal comma and no grouping (2,125; 97,5), and a cell formatted as a percentage
    as its percentage (0.975 becomes «97,5 %»), for readers that take a dot for a
    thousands separator. More than `max_rows` rows is a `TableRowsExceeded`, raised as
    soon as the row after the last allowed one is read, whatever the file declares.
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:
            raise TableError(f"No es pot llegir el full de càlcul: {error}") from None
        sheet = workbook.worksheets[0]
        if numbers == "catalan":
            # Whole cells, not values: a percentage is told apart only by its format.
            rows = ([_catalan_text(cell) for cell in row] for row in sheet.iter_rows())
        else:
            rows = (
                ["" if value is None else _text(value) for value in row]
                for row in sheet.iter_rows(values_only=True)
            )
        return _bounded(rows, max_rows)
    if suffix == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252")
        return _bounded(
            (
                [_csv_text(cell) for cell in row]
                for row in csv.reader(io.StringIO(text), _csv_dialect(text))
            ),
            max_rows,
        )
    raise TableError(f"El fitxer «{name}» ha de ser CSV o XLSX.")


class TableRowsExceeded(TableError):
    """The file has more rows than the reader was allowed to read."""


def _bounded(rows: Iterable[list[str]], max_rows: int | None) -> list[list[str]]:
    table = []
    for row in rows:
        if max_rows is not None and len(table) >= max_rows:
            raise TableRowsExceeded(max_rows)
        table.append(row)
    return table


CSV_DELIMITERS = ",;\t"


def _csv_dialect(text: str) -> type[csv.Dialect]:
    """The dialect of a CSV text separated by commas, semicolons or tabs."""
    if not text.strip():
        return csv.excel
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS)
    except csv.Error:
        # The sniffer gives up on some valid files, e.g. CRLF line endings with a
        # quoted last column ("10, 16"): take the delimiter the header uses most.
        header = next((line for line in sample.splitlines() if line.strip()), "")
        delimiter = max(CSV_DELIMITERS, key=header.count)
        return type("HeaderDialect", (csv.excel,), {"delimiter": delimiter})


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _catalan_text(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _text(value)
    # Through str(): the float's shortest form (2.125), not its binary expansion.
    number = Decimal(str(value))
    if "%" in (cell.number_format or ""):
        return f"{_decimal_comma(number * 100)} %"
    return _decimal_comma(number)


def _decimal_comma(number: Decimal) -> str:
    # normalize() drops the trailing zeros (97.500 → 97.5) and "f" its exponent (1E+2 → 100).
    return format(number.normalize(), "f").replace(".", ",")
