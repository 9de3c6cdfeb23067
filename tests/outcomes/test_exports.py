"""A measure's downloads: codes with their labels, a workbook with its data dictionary, the
CSV's dictionary, the import template; hidden counts hidden in every format."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outcomes.groups import GROUPS
from outcomes.models import OutcomeCount, Standard
from tests.outcomes.test_views import page, read_csv

HIDDEN = ("nhpi", "mena")  # small counts in both periods of the measure's fixture


def workbook(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def records(sheet) -> list[dict]:
    headers = [cell.value for cell in sheet[1]]
    return [
        dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    ]


def test_the_counts_csv_names_each_code_beside_it(client, viewer, measure):
    rows = read_csv(page(client, viewer, "outcomes:counts_export", measure.pk))
    assert list(rows[0]) == [
        "measure",
        "period",
        "group",
        "group_name",
        "standard",
        "standard_name",
        "population",
        "events",
        "rate",
        "rate_ci_low",
        "rate_ci_high",
        "ratio",
        "ratio_ci_low",
        "ratio_ci_high",
        "reference",
        "reference_name",
        "note",
        "note_name",
    ]
    labels = {key: str(label) for key, label in GROUPS}
    by_key = {(r["period"], r["group"]): r for r in rows}
    assert by_key["2026", "black"]["group_name"] == labels["black"]
    assert by_key["2026", "total"]["group_name"] == "All families served"
    assert by_key["2026", "black"]["standard_name"] == str(Standard.SPD_2024.label)
    # The measure compares each group with the groups compared, together.
    black = by_key["2026", "black"]
    assert (black["reference"], black["reference_name"]) == (
        "compared",
        "Groups compared, together",
    )
    assert [r["period"] for r in rows] == sorted(r["period"] for r in rows)


def test_the_counts_workbook_hides_exactly_what_the_csv_hides(client, viewer, measure):
    rows = read_csv(page(client, viewer, "outcomes:counts_export", measure.pk))
    book = workbook(page(client, viewer, "outcomes:counts_export_xlsx", measure.pk))
    assert book.sheetnames == ["Counts", "Data dictionary"]
    sheet = book["Counts"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[2:4] == ["Group", "Group code"] and sheet.freeze_panes == "A2"
    shown = records(sheet)
    assert len(shown) == len(rows)
    for csv_row, xlsx_row in zip(rows, shown, strict=True):
        assert xlsx_row["Group code"] == csv_row["group"]
        for column, header in (("population", "Population"), ("events", "Events")):
            assert (csv_row[column] == "") is (xlsx_row[header] is None)
        assert (csv_row["rate"] == "") is (xlsx_row["Rate"] is None)
    for period in ("2025", "2026"):
        for group in HIDDEN:
            row = next(r for r in shown if (r["Period"], r["Group code"]) == (period, group))
            assert row["Events"] is None and row["Rate"] is None and row["Rate ratio"] is None
            assert row["Note code"] == "suppressed"
    stored = set(OutcomeCount.objects.filter(group="nhpi").values_list("events", flat=True))
    assert all(row["Events"] not in stored for row in shown if row["Group code"] == "nhpi")


def test_the_counts_workbooks_dictionary_describes_every_column(client, viewer, measure):
    book = workbook(page(client, viewer, "outcomes:counts_export_xlsx", measure.pk))
    headers = [cell.value for cell in book["Counts"][1]]
    described = records(book["Data dictionary"])
    assert [row["Header"] for row in described] == headers
    assert all(row["Description"] and row["Sheet"] == "Counts" for row in described)
    group = next(row for row in described if row["Column"] == "group")
    assert f"black = {dict(GROUPS)['black']}" in group["Codes"]


def test_the_csv_dictionary_lists_every_csv_column(client, viewer, measure):
    header = list(read_csv(page(client, viewer, "outcomes:counts_export", measure.pk))[0])
    response = page(client, viewer, "outcomes:counts_export_dictionary", measure.pk)
    assert "counts-dictionary.csv" in response["Content-Disposition"]
    described = read_csv(response)
    assert [row["column"] for row in described] == header
    assert all(row["description"] for row in described)


def test_the_measure_page_links_the_workbook_and_the_dictionary(client, viewer, measure):
    html = page(client, viewer, "outcomes:measure", measure.pk).content.decode()
    assert reverse("outcomes:counts_export_xlsx", args=[measure.pk]) in html
    assert reverse("outcomes:counts_export_dictionary", args=[measure.pk]) in html


def test_a_stranger_gets_neither_the_workbook_nor_the_dictionary(client, stranger, measure):
    for name in ("counts_export_xlsx", "counts_export_dictionary"):
        assert page(client, stranger, f"outcomes:{name}", measure.pk).status_code == 404


def test_the_import_template_names_its_groups_and_imports_as_it_is(client, contributor, measure):
    response = page(client, contributor, "outcomes:import_template", measure.pk)
    rows = read_csv(response)
    assert list(rows[0]) == ["period", "group", "group_name", "population", "events"]
    assert [(r["group"], r["group_name"]) for r in rows] == [(k, str(v)) for k, v in GROUPS]
    upload = SimpleUploadedFile("template.csv", response.content, content_type="text/csv")
    url = reverse("outcomes:counts_import", args=[measure.pk])
    answer = client.post(url, {"file": upload, "standard": Standard.SPD_2024})
    assert answer.status_code == 302
    assert OutcomeCount.objects.filter(measure=measure, period=rows[0]["period"]).count() == 10
