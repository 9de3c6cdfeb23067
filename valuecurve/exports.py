"""CSV and Excel downloads: described columns and plain rows in, bytes out (no ORM here).
Cohort tables, the scorecard and outcome counts are exported through this one module.

Each column is described once (`Column`: a stable snake_case name, a header, a description,
and for a coded column its codes' labels). The CSV is for scripts: the names in the first row,
each code kept with its label in a `<name>_name` column beside it, and nothing before the
header (a preamble breaks `read_csv`, `COPY` and spreadsheets' imports), so its data
dictionary is a CSV of its own, downloaded beside it. The workbook is for people: human
headers, labels before codes, real dates, and a last sheet, "Data dictionary", describing
every column of every sheet.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and some also a tab or a
carriage return) as a formula, so text written by members could run in a facilitator's
Excel. Such text gets a leading apostrophe (OWASP, "CSV Injection"). Numbers stay numbers,
negative ones too; only text is ever changed.
"""

import csv
import io
import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel's own limits: a sheet's title, and the width of a column in characters.
SHEET_TITLE_CHARS = 31
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
MIN_WIDTH, MAX_WIDTH = 8, 50
# A header longer than this wraps onto more lines of this height (points).
HEADER_WIDTH, HEADER_LINE_HEIGHT = 24, 15


def neutralise(value):
    """Text that a spreadsheet would read as a formula, with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# --- Columns -----------------------------------------------------------------------------------

MACHINE_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Column:
    """One column of an export, described once for every format and the data dictionary.

    `name` is the stable snake_case name CSV users script against; `header` and
    `description` are what people read (marked for translation by the caller). A coded
    column (`codes`: code -> label) keeps its code and gets a label column beside it, named
    `<name>_name`: in the spreadsheet the label comes first under `header` and the code
    follows under `code_header`; in the CSV the code comes first.
    """

    name: str
    header: str | Promise
    description: str | Promise
    codes: Mapping | None = None
    code_header: str | Promise = ""

    def __post_init__(self):
        if not MACHINE_NAME.fullmatch(self.name):
            raise ValueError(f"An export column needs a snake_case name, not {self.name!r}.")
        if not str(self.header).strip() or not str(self.description).strip():
            raise ValueError(f"The export column {self.name!r} needs a header and a description.")
        if self.codes is not None and not str(self.code_header).strip():
            raise ValueError(f"The coded column {self.name!r} needs a header for its codes.")

    @property
    def label_name(self) -> str:
        return f"{self.name}_name"

    def codes_text(self) -> str | None:
        """The codes and their labels in one cell: `0 = Not yet in place; 1 = Regulative`."""
        if not self.codes:
            return None
        return "; ".join(f"{_code_text(code)} = {label}" for code, label in self.codes.items())


@dataclass(frozen=True)
class Sheet:
    """A table: its title, its columns, and rows holding one value per column (a coded
    column's value is its code)."""

    title: str | Promise
    columns: list[Column]
    rows: Iterable[Sequence]


@dataclass(frozen=True)
class Field:
    """One column as written in a format: a column's value, or its code's label."""

    column: Column
    position: int  # of the column's value in a row
    is_label: bool = False

    @property
    def name(self) -> str:
        return self.column.label_name if self.is_label else self.column.name

    @property
    def header(self) -> str:
        coded = self.column.codes is not None and not self.is_label
        return str(self.column.code_header if coded else self.column.header)


def _row_values(written: list[Field]):
    """A function giving a row's values in the order of `written` (called once per row: the
    fields' lookups are done here, once per sheet)."""
    plain = [(field.position, None) for field in written]
    for n, field in enumerate(written):
        if field.is_label:
            plain[n] = (field.position, _labeller(field.column))
    return lambda row: [row[i] if label is None else label(row[i]) for i, label in plain]


def _labeller(column: Column):
    """A coded column's label of a code: an unknown code stands for itself, a missing one
    stays empty. Each label is translated once per sheet, not once per row."""
    labels = {code: str(label) for code, label in (column.codes or {}).items()}

    def label(code) -> str | None:
        if _is_empty(code):
            return None
        found = labels.get(code)
        return str(code) if found is None else found

    return label


def fields(columns: list[Column], *, labels_first: bool) -> list[Field]:
    """The columns as a format writes them: each coded column's label beside its code."""
    result = []
    for position, column in enumerate(columns):
        pair = [Field(column, position)]
        if column.codes is not None:
            label = Field(column, position, is_label=True)
            pair = [label, *pair] if labels_first else [*pair, label]
        result += pair
    return result


def _code_text(code) -> str:
    if isinstance(code, bool):
        return "true" if code else "false"
    return str(code)


# --- CSV ---------------------------------------------------------------------------------------


def csv_response_bytes(columns: list[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte order mark, so Excel opens accented names right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(c) for c in columns])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def csv_bytes(sheet: Sheet) -> bytes:
    """One sheet for scripts: the machine names in the first row, codes first, then labels."""
    written = fields(sheet.columns, labels_first=False)
    values = _row_values(written)
    return csv_response_bytes([field.name for field in written], map(values, sheet.rows))


def _is_empty(value) -> bool:
    """None, the NaN that pandas uses for a missing number, and infinities (a ratio to zero)."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _csv_cell(value):
    if _is_empty(value):
        return ""
    if isinstance(value, bool):
        return _code_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise(value)


# --- The data dictionary -----------------------------------------------------------------------


def dictionary(sheets: list[Sheet], *, labels_first: bool) -> Sheet:
    """Every column of every sheet, in the order a format writes them: what it holds and, for
    a coded column and its label, the codes with their labels."""
    columns = [
        Column("sheet", _("Sheet"), _("The sheet the column is on.")),
        Column("column", _("Column"), _("The column's name in the CSV file.")),
        Column("header", _("Header"), _("The column's header in the Excel workbook.")),
        Column("description", _("Description"), _("What the column holds.")),
        Column("codes", _("Codes"), _("For a coded column and its label: each code = label.")),
    ]
    rows = [
        [str(sheet.title), f.name, f.header, str(f.column.description), f.column.codes_text()]
        for sheet in sheets
        for f in fields(sheet.columns, labels_first=labels_first)
    ]
    return Sheet(_("Data dictionary"), columns, rows)


def dictionary_csv_bytes(sheets: list[Sheet]) -> bytes:
    """The dictionary of CSV downloads, as CSV: the columns in the CSV's order."""
    return csv_bytes(dictionary(sheets, labels_first=False))


# --- Excel -------------------------------------------------------------------------------------


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """A workbook with one sheet each, then the data dictionary: a bold, frozen header row of
    human headers, labels before codes, filters, readable widths.

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
    for sheet in [*sheets, dictionary(sheets, labels_first=True)]:
        worksheet = workbook.add_worksheet(_sheet_title(sheet.title, titles))
        _write_sheet(worksheet, sheet, formats)
    workbook.close()
    return buffer.getvalue()


def _write_sheet(worksheet, sheet: Sheet, formats: dict) -> None:
    written = fields(sheet.columns, labels_first=True)
    widths = [min(len(field.header), HEADER_WIDTH) for field in written]
    # A long header wraps: the row is made tall enough before any cell is streamed.
    lines = max((math.ceil(len(field.header) / HEADER_WIDTH) for field in written), default=1)
    worksheet.set_row(0, HEADER_LINE_HEIGHT * max(lines, 1))
    for col, field in enumerate(written):
        worksheet.write_string(0, col, str(neutralise(field.header)), formats["header"])
    values = _row_values(written)
    row_number = 0
    for row_number, row in enumerate(sheet.rows, start=1):
        for col, value in enumerate(values(row)):
            width = _write_cell(worksheet, row_number, col, value, formats)
            if width > widths[col]:
                widths[col] = width
    for col, width in enumerate(widths):
        worksheet.set_column(col, col, min(max(width + 2, MIN_WIDTH), MAX_WIDTH))
    worksheet.freeze_panes(1, 0)
    if written:
        worksheet.autofilter(0, 0, row_number, len(written) - 1)


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


def _sheet_title(title: str | Promise, taken: set[str]) -> str:
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


FORMATS = ("csv", "xlsx")


def sheets_download(sheets: list[Sheet], fmt: str, stem: str) -> HttpResponse:
    """`<stem>.csv`: the first sheet, for scripts; `<stem>.xlsx`: every sheet and the data
    dictionary, for people."""
    if fmt == "csv":
        return attachment(csv_bytes(sheets[0]), CSV_CONTENT_TYPE, f"{stem}.csv")
    if fmt == "xlsx":
        return attachment(xlsx_bytes(sheets), XLSX_CONTENT_TYPE, f"{stem}.xlsx")
    raise ValueError(f"No export format {fmt!r}.")


def dictionary_download(sheets: list[Sheet], stem: str) -> HttpResponse:
    """`<stem>-dictionary.csv`: what each column of the CSV download (the first sheet) holds."""
    body = dictionary_csv_bytes(sheets[:1])
    return attachment(body, CSV_CONTENT_TYPE, f"{stem}-dictionary.csv")


def attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download, its file name quoted safely whatever characters it holds."""
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    return HttpResponse(
        body, content_type=content_type, headers={"Content-Disposition": disposition}
    )
