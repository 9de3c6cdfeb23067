"""CSV and Excel downloads: plain rows in, bytes out (no ORM here). Cohort tables and outcome
counts are exported through this one module.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and some also a tab or a
carriage return) as a formula, so text written by members could run in a facilitator's
Excel. Such text gets a leading apostrophe (OWASP, "CSV Injection"). Numbers stay numbers,
negative ones too; only text is ever changed.
"""

import csv
import io
import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse
from django.utils.http import content_disposition_header

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel's own limits: a sheet's title, and the width of a column in characters.
SHEET_TITLE_CHARS = 31
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
MIN_WIDTH, MAX_WIDTH = 8, 50


def neutralise(value):
    """Text that a spreadsheet would read as a formula, with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# --- CSV ---------------------------------------------------------------------------------------


def csv_response_bytes(columns: list[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte order mark, so Excel opens accented names right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(c) for c in columns])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _is_empty(value) -> bool:
    """None, the NaN that pandas uses for a missing number, and infinities (a ratio to zero)."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _csv_cell(value):
    if _is_empty(value):
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise(value)


# --- Excel -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: list[str]
    rows: Iterable[Sequence]


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """A workbook with one sheet each: a bold, frozen header row, filters, readable widths.

    Each cell is written by its type, so no text is ever a formula, a link or a number.
    Rows are streamed to disk as they come (constant memory): 30,000 rows take about a second.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    formats = {
        "header": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    }
    titles: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.add_worksheet(_sheet_title(sheet.title, titles))
        _write_sheet(worksheet, sheet, formats)
    workbook.close()
    return buffer.getvalue()


def _write_sheet(worksheet, sheet: Sheet, formats: dict) -> None:
    widths = [len(str(c)) for c in sheet.columns]
    for col, title in enumerate(sheet.columns):
        worksheet.write_string(0, col, str(neutralise(title)), formats["header"])
    row_number = 0
    for row_number, row in enumerate(sheet.rows, start=1):
        for col, value in enumerate(row):
            width = _write_cell(worksheet, row_number, col, value, formats)
            if width > widths[col]:
                widths[col] = width
    for col, width in enumerate(widths):
        worksheet.set_column(col, col, min(max(width + 2, MIN_WIDTH), MAX_WIDTH))
    worksheet.freeze_panes(1, 0)
    if sheet.columns:
        worksheet.autofilter(0, 0, row_number, len(sheet.columns) - 1)


def _write_cell(worksheet, row: int, col: int, value, formats: dict) -> int:
    """Write one cell by its type; return how wide it reads, in characters."""
    if _is_empty(value):
        return 0  # left empty
    if isinstance(value, bool):
        worksheet.write_boolean(row, col, value)
        return 5
    if isinstance(value, numbers.Real | Decimal):  # numbers.Real: numpy's numbers too
        worksheet.write_number(row, col, value)
        return len(str(value))
    if isinstance(value, datetime):
        worksheet.write_datetime(row, col, value.replace(tzinfo=None), formats["datetime"])
        return 16
    if isinstance(value, date):
        worksheet.write_datetime(row, col, value, formats["date"])
        return 10
    text = str(neutralise(str(value)))
    worksheet.write_string(row, col, text)
    return len(text)


def _sheet_title(title: str, taken: set[str]) -> str:
    """A title Excel accepts (31 characters, none of []:*?/\\), unique in the workbook."""
    base = " ".join(str(title).translate(SHEET_TITLE_FORBIDDEN).split()).strip("'")
    base = base[:SHEET_TITLE_CHARS] or "Sheet"
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = base[: SHEET_TITLE_CHARS - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download, its file name quoted safely whatever characters it holds."""
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    return HttpResponse(
        body, content_type=content_type, headers={"Content-Disposition": disposition}
    )
