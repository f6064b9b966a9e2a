"""One exporter shape for every download: a filename, a content type and the bytes.

CSV, XLSX and JSON exports of a table share the same header and rows, so a sheet
downloaded, edited and imported again goes through the same columns. `read_table`
is the other direction, for imports.
"""

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def csv_export(stem: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Export:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_cell(value) for value in row] for row in rows])
    # The byte order mark makes spreadsheet programs read the accents right.
    return Export(f"{stem}.csv", CSV, buffer.getvalue().encode("utf-8-sig"))


def xlsx_export(
    stem: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Dades"
) -> Export:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Export(f"{stem}.xlsx", XLSX, buffer.getvalue())


def json_export(stem: str, data: Any) -> Export:
    content = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    return Export(f"{stem}.json", JSON, content)


class TableError(ValueError):
    pass


def read_table(name: str, content: bytes) -> list[list[str]]:
    """Rows of a CSV or XLSX file as text cells (header first), by the file's extension."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:
            raise TableError(f"No es pot llegir el full de càlcul: {error}") from None
        sheet = workbook.worksheets[0]
        return [
            ["" if value is None else _text(value) for value in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    if suffix == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252")
        return [row for row in csv.reader(io.StringIO(text), _csv_dialect(text))]
    raise TableError(f"El fitxer «{name}» ha de ser CSV o XLSX.")


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
