"""CSV and Excel exports: text that a spreadsheet would run as a formula never is."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from valuecurve.exports import (
    Column,
    Sheet,
    csv_bytes,
    csv_response_bytes,
    dictionary_csv_bytes,
    neutralise,
    xlsx_bytes,
)

DANGEROUS = ["=SUM(A1:A9)", "+1-555-0100", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("x")']
COLUMNS = ["name", "value", "when"]


def described(*names: str) -> list[Column]:
    return [Column(name, name, f"What {name} holds.") for name in names]


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_read_as_a_formula_gets_a_leading_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Niñez Segura", "", "a=b", " =padded", 0, -3, -2.5, None])
def test_other_values_are_left_as_they_are(value):
    assert neutralise(value) == value


def test_the_csv_neutralises_every_dangerous_prefix():
    rows = [[text, 1, None] for text in DANGEROUS]
    lines = read_csv(csv_response_bytes(COLUMNS, rows))
    assert lines[0] == COLUMNS
    assert [line[0] for line in lines[1:]] == ["'" + text for text in DANGEROUS]


def test_the_csv_keeps_numbers_and_dates_and_leaves_none_empty():
    rows = [["Negative", -4, date(2026, 3, 1)], ["Missing", None, None], ["Ratio", 1.25, None]]
    lines = read_csv(csv_response_bytes(COLUMNS, rows))
    assert lines[1:] == [
        ["Negative", "-4", "2026-03-01"],
        ["Missing", "", ""],
        ["Ratio", "1.25", ""],
    ]


def test_the_csv_starts_with_a_bom_and_keeps_unicode():
    content = csv_response_bytes(["organización"], [["Niñez Segura"], ["社区公平"], ["خطة"]])
    assert content.startswith(b"\xef\xbb\xbf")
    assert [line[0] for line in read_csv(content)] == [
        "organización",
        "Niñez Segura",
        "社区公平",
        "خطة",
    ]


def test_a_missing_number_from_pandas_is_an_empty_cell():
    lines = read_csv(csv_response_bytes(["x"], [[float("nan")], [float("inf")]]))
    assert lines[1:] == [[""], [""]]


def test_the_workbook_never_holds_a_formula():
    rows = [[text, 1, None] for text in DANGEROUS]
    columns = [Column("name", "=header", "A name."), *described("value", "when")]
    sheet = read_xlsx(xlsx_bytes([Sheet("Members", columns, rows)]))["Members"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert sheet["A1"].value == "'=header"
    # The file stores a carriage return as _x000D_, which Excel reads back as one.
    values = [unescape(sheet.cell(n + 2, 1).value) for n in range(len(DANGEROUS))]
    assert values == ["'" + text for text in DANGEROUS]


def test_the_workbook_keeps_numbers_numeric_dates_as_dates_and_none_empty():
    rows = [["a", -4, date(2026, 3, 1)], ["b", 2.75, None], ["c", Decimal("1.5"), None]]
    rows.append(["d", float("nan"), None])
    sheet = read_xlsx(xlsx_bytes([Sheet("Levels", described(*COLUMNS), rows)]))["Levels"]
    assert sheet["B2"].value == -4 and sheet["B2"].data_type == "n"
    assert sheet["B3"].value == 2.75 and sheet["B4"].value == 1.5
    assert sheet["C2"].value.date() == date(2026, 3, 1) and sheet["C2"].is_date
    assert sheet["C3"].value is None and sheet["B5"].value is None


def test_the_workbook_has_a_bold_frozen_header_and_readable_widths():
    rows = [["Riverside County Department of Social Services", 1, None]]
    workbook = read_xlsx(xlsx_bytes([Sheet("Levels", described(*COLUMNS), rows)]))
    sheet = workbook["Levels"]
    assert [cell.value for cell in sheet[1]] == COLUMNS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > 40
    assert 8 <= sheet.column_dimensions["B"].width < 15


def test_the_workbook_keeps_unicode_and_names_its_sheets_as_excel_allows():
    sheets = [
        Sheet(
            "Niveles: 2026/Q1 [final]", described("organizacion"), [["Niñez Segura"], ["社区公平"]]
        ),
        Sheet("Niveles: 2026/Q1 [final]", described("x"), []),
        Sheet("A very long title that Excel would refuse to open", described("x"), [[1]]),
    ]
    workbook = read_xlsx(xlsx_bytes(sheets))
    assert workbook.sheetnames == [
        "Niveles 2026 Q1 final",
        "Niveles 2026 Q1 final (2)",
        "A very long title that Excel wo",
        "Data dictionary",
    ]
    first = workbook.worksheets[0]
    assert [first["A2"].value, first["A3"].value] == ["Niñez Segura", "社区公平"]


# --- Columns: names, headers, descriptions, codes beside their labels ----------------------------

LEVELS = {0: "Not yet in place", 1: "Regulative", 2: "Collaborative"}
CODED = [
    Column("program_name", "Program", "The program's name."),
    Column("level", "Level", "The level.", codes=LEVELS, code_header="Level (0–4)"),
    Column("starts_on", "Starts on", "The first day."),
]
CODED_ROWS = [["Intake", 2, date(2026, 4, 1)], ["Outreach", None, None], ["Other", 9, None]]


def test_the_csv_keeps_each_code_and_adds_its_label_beside_it():
    lines = read_csv(csv_bytes(Sheet("Programs", CODED, CODED_ROWS)))
    assert lines[0] == ["program_name", "level", "level_name", "starts_on"]
    assert lines[1:] == [
        ["Intake", "2", "Collaborative", "2026-04-01"],
        ["Outreach", "", "", ""],
        ["Other", "9", "9", ""],  # an unknown code stands for itself
    ]


def test_the_workbook_shows_the_label_first_under_human_headers():
    sheet = read_xlsx(xlsx_bytes([Sheet("Programs", CODED, CODED_ROWS)]))["Programs"]
    assert [cell.value for cell in sheet[1]] == ["Program", "Level", "Level (0–4)", "Starts on"]
    assert [cell.value for cell in sheet[2]][:3] == ["Intake", "Collaborative", 2]
    assert sheet["D2"].is_date and sheet["D2"].value.date() == date(2026, 4, 1)


def test_the_csv_writes_true_and_false_for_a_yes_or_no_code():
    column = Column(
        "overdue", "Overdue", "Late.", codes={True: "Yes", False: "No"}, code_header="x"
    )
    lines = read_csv(csv_bytes(Sheet("Steps", [column], [[True], [False]])))
    assert lines == [["overdue", "overdue_name"], ["true", "Yes"], ["false", "No"]]


@pytest.mark.parametrize(
    "arguments",
    [
        ("level", "Level", ""),
        ("level", "", "The level."),
        ("Level name", "Level", "The level."),
        ("2nd", "Level", "The level."),
    ],
)
def test_a_column_needs_a_snake_case_name_a_header_and_a_description(arguments):
    with pytest.raises(ValueError):
        Column(*arguments)


def test_a_coded_column_needs_a_header_for_its_codes():
    with pytest.raises(ValueError):
        Column("level", "Level", "The level.", codes=LEVELS)


def dictionary_rows(workbook) -> list[list]:
    sheet = workbook["Data dictionary"]
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]


def test_the_workbook_ends_with_a_dictionary_of_every_column_of_every_sheet():
    sheets = [Sheet("Programs", CODED, CODED_ROWS), Sheet("Notes", described("note"), [])]
    workbook = read_xlsx(xlsx_bytes(sheets))
    assert workbook.sheetnames == ["Programs", "Notes", "Data dictionary"]
    assert [cell.value for cell in workbook["Data dictionary"][1]] == [
        "Sheet",
        "Column",
        "Header",
        "Description",
        "Codes",
    ]
    codes = "0 = Not yet in place; 1 = Regulative; 2 = Collaborative"
    assert dictionary_rows(workbook) == [
        ["Programs", "program_name", "Program", "The program's name.", None],
        ["Programs", "level_name", "Level", "The level.", codes],
        ["Programs", "level", "Level (0–4)", "The level.", codes],
        ["Programs", "starts_on", "Starts on", "The first day.", None],
        ["Notes", "note", "note", "What note holds.", None],
    ]


def test_the_csv_dictionary_lists_the_csv_columns_in_their_order():
    lines = read_csv(dictionary_csv_bytes([Sheet("Programs", CODED, CODED_ROWS)]))
    assert lines[0] == ["sheet", "column", "header", "description", "codes"]
    header = read_csv(csv_bytes(Sheet("Programs", CODED, CODED_ROWS)))[0]
    assert [line[1] for line in lines[1:]] == header
    assert lines[2][4] == lines[3][4] == "0 = Not yet in place; 1 = Regulative; 2 = Collaborative"


def test_a_long_header_wraps_on_a_taller_row_and_widths_stay_readable():
    columns = [Column("x", "A header far longer than any value under it", "x"), *described("y")]
    sheet = read_xlsx(xlsx_bytes([Sheet("Levels", columns, [[1, "y"]])]))["Levels"]
    assert sheet.row_dimensions[1].height >= 30
    assert sheet.column_dimensions["A"].width < 30
