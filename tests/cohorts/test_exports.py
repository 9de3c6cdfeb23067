"""The cohort's downloads as people and scripts read them: labels beside codes, cycles with
their dates in the order of cycles, a data dictionary of every column, hidden figures hidden."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from assessments.levels import LEVEL_NAMES
from assessments.models import Organization, PlanStep
from cohorts.models import CohortRound, GoalLink, SharedGoal, Sharing
from tests.cohorts.conftest import add_member_org, submitted_assessment


def download(client, cohort, table: str, fmt: str, query: str = ""):
    response = client.get(reverse("cohorts:export", args=[cohort.pk, table, fmt]) + query)
    assert response.status_code == 200
    return response


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def records(sheet) -> list[dict]:
    headers = [cell.value for cell in sheet[1]]
    return [
        dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    ]


@pytest.fixture
def planner(cohort, framework):
    """A member that shares its plans, with a step tied to a goal and overdue."""
    org = add_member_org(cohort, framework, "Planner", 2, sharing=Sharing.PLANS)
    step = PlanStep.objects.create(
        assessment=org.programs.get().assessments.get(),
        dimension=framework.dimensions.first(),
        title="Publish outcomes by race",
        status=PlanStep.Status.IN_PROGRESS,
        due_date=date(2020, 1, 1),
    )
    goal = SharedGoal.objects.create(cohort=cohort, title="Outcomes by race everywhere")
    GoalLink.objects.create(goal=goal, plan_step=step)
    return org


# --- Label columns beside the codes ----------------------------------------------------------


def test_the_levels_csv_keeps_codes_with_their_names_and_the_cycles_dates(
    client, cohort, facilitator, five_members
):
    client.force_login(facilitator)
    rows = csv_rows(download(client, cohort, "levels", "csv"))
    assert list(rows[0])[:12] == [
        "organization_name",
        "sector",
        "sector_name",
        "region",
        "program_name",
        "service_area",
        "cycle",
        "cycle_starts_on",
        "cycle_ends_on",
        "governance_level",
        "governance_level_name",
        "governance_index",
    ]
    the_round = cohort.rounds.get(name="2026")
    by_name = {row["organization_name"]: row for row in rows}
    for n, org in enumerate(five_members):
        row = by_name[org.name]
        level = n % 4 + 1
        assert row["sector"] == org.sector
        assert row["sector_name"] == str(Organization.Sector(org.sector).label)
        for key in ("governance", "insight", "services", "people"):
            assert row[f"{key}_level"] == str(level)
            assert row[f"{key}_level_name"] == str(LEVEL_NAMES[level])
        assert row["cycle"] == "2026"
        assert row["cycle_starts_on"] == the_round.starts_on.isoformat()
        assert row["cycle_ends_on"] == the_round.ends_on.isoformat()


def test_the_levels_workbook_puts_names_before_codes_under_human_headers(
    client, cohort, facilitator, five_members
):
    client.force_login(facilitator)
    book = workbook(download(client, cohort, "levels", "xlsx"))
    assert book.sheetnames == ["Programs", "Organizations", "Cohort", "Change", "Data dictionary"]
    programs = book["Programs"]
    headers = [cell.value for cell in programs[1]]
    assert headers[:3] == ["Organization", "Sector", "Sector code"]
    assert headers.index("Governance & Structures level") + 1 == headers.index(
        "Governance & Structures level (0–4)"
    )
    assert programs.freeze_panes == "A2"
    row = records(programs)[0]
    assert row["Sector"] == str(Organization.Sector.NONPROFIT.label)
    assert row["Sector code"] == "nonprofit"
    level = row["Governance & Structures level (0–4)"]
    assert row["Governance & Structures level"] == str(LEVEL_NAMES[level])
    starts = programs.cell(2, headers.index("Cycle starts on") + 1)
    assert starts.is_date and starts.value.date() == cohort.rounds.get().starts_on
    organizations = records(book["Organizations"])
    assert {r["Overall level"] for r in organizations} <= {str(n) for n in LEVEL_NAMES.values()}
    cohort_rows = records(book["Cohort"])
    assert [r["Dimension code"] for r in cohort_rows][-1] == "overall"
    assert cohort_rows[0]["Dimension"] == "Governance & Structures"


def test_the_scorecard_exports_label_the_status_and_the_overdue_flag(
    client, cohort, facilitator, planner
):
    client.force_login(facilitator)
    (row,) = csv_rows(download(client, cohort, "scorecard", "csv"))
    assert (row["status"], row["status_name"]) == ("in_progress", "In progress")
    assert (row["overdue"], row["overdue_name"], row["due_on"]) == ("true", "Yes", "2020-01-01")
    (record,) = records(workbook(download(client, cohort, "scorecard", "xlsx"))["Scorecard"])
    assert (record["Status"], record["Status code"]) == ("In progress", "in_progress")
    assert record["Due"].date() == date(2020, 1, 1)


# --- Cycles in the order of cycles, with their dates -------------------------------------------


def test_the_change_sheet_reads_cycles_by_their_dates_not_their_names(
    client, cohort, facilitator, framework
):
    # By name "Round A" comes first; by its dates it is the later round.
    later = CohortRound.objects.create(
        cohort=cohort, name="Round A", starts_on=date(2027, 2, 1), ends_on=date(2027, 4, 30)
    )
    earlier = CohortRound.objects.create(
        cohort=cohort, name="Round B", starts_on=date(2026, 2, 1), ends_on=date(2026, 4, 30)
    )
    for n in range(5):
        org = add_member_org(cohort, framework, f"Org {n}", 1, cycle="Round B")
        submitted_assessment(org.programs.get(), framework, 2, cycle="Round A")
    client.force_login(facilitator)
    book = workbook(download(client, cohort, "levels", "xlsx", "?cycle=Round+A&compare=Round+B"))
    change = records(book["Change"])
    assert len(change) == 5
    for row in change:
        assert (row["Earlier cycle"], row["Later cycle"]) == ("Round B", "Round A")
        assert row["Earlier cycle starts on"].date() == earlier.starts_on
        assert row["Earlier cycle ends on"].date() == earlier.ends_on
        assert row["Later cycle starts on"].date() == later.starts_on
        assert (row["Earlier index"], row["Later index"], row["Change"]) == (1, 2, 1)
    programs = records(book["Programs"])
    assert {(r["Cycle"], r["Cycle ends on"].date()) for r in programs} == {
        ("Round A", later.ends_on)
    }


# --- The data dictionary ---------------------------------------------------------------------


def dictionary_of(book) -> list[dict]:
    return records(book["Data dictionary"])


@pytest.mark.parametrize("table", ["levels", "scorecard"])
def test_the_workbooks_dictionary_describes_every_column_of_every_sheet(
    client, cohort, facilitator, five_members, planner, table
):
    client.force_login(facilitator)
    book = workbook(download(client, cohort, table, "xlsx"))
    written = [
        (title, cell.value)
        for title in book.sheetnames[:-1]
        for cell in book[title][1]
        if cell.value
    ]
    described = dictionary_of(book)
    assert [(row["Sheet"], row["Header"]) for row in described] == written
    assert all(row["Description"] and row["Column"] for row in described)
    coded = [row for row in described if row["Header"].endswith(("code", "(0–4)"))]
    assert coded and all(row["Codes"] for row in coded)
    levels = [row for row in described if row["Column"] == "governance_level"]
    for row in levels:
        assert row["Codes"].startswith(f"0 = {LEVEL_NAMES[0]}; 1 = {LEVEL_NAMES[1]}")


@pytest.mark.parametrize("table", ["levels", "scorecard"])
def test_the_csv_dictionary_describes_each_column_of_the_csv(
    client, cohort, facilitator, five_members, planner, table
):
    client.force_login(facilitator)
    header = list(csv_rows(download(client, cohort, table, "csv"))[0])
    url = reverse("cohorts:export_dictionary", args=[cohort.pk, table])
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert f"{table}-dictionary.csv" in response["Content-Disposition"]
    described = csv_rows(response)
    assert [row["column"] for row in described] == header
    assert all(row["description"] and row["header"] for row in described)


def test_the_downloads_link_their_csv_dictionary(client, cohort, facilitator, five_members):
    client.force_login(facilitator)
    dashboard = client.get(reverse("cohorts:dashboard", args=[cohort.pk])).content.decode()
    assert reverse("cohorts:export_dictionary", args=[cohort.pk, "levels"]) in dashboard
    scorecard = client.get(reverse("cohorts:scorecard", args=[cohort.pk])).content.decode()
    assert reverse("cohorts:export_dictionary", args=[cohort.pk, "scorecard"]) in scorecard


# --- Hidden figures stay hidden --------------------------------------------------------------


def test_spreads_over_four_organizations_stay_suppressed_with_the_new_columns(
    client, cohort, facilitator, framework
):
    for n in range(4):
        add_member_org(cohort, framework, f"Member {n}", n + 1)
    client.force_login(facilitator)
    rows = records(workbook(download(client, cohort, "levels", "xlsx"))["Cohort"])
    assert rows and all(
        [r["Lower quartile"], r["Median"], r["Upper quartile"]] == ["suppressed"] * 3 for r in rows
    )


def test_a_member_sharing_levels_only_is_in_no_scorecard_export(
    client, cohort, facilitator, framework, planner
):
    quiet = add_member_org(cohort, framework, "Quiet", 2, sharing=Sharing.LEVELS)
    step = PlanStep.objects.create(
        assessment=quiet.programs.get().assessments.get(),
        dimension=framework.dimensions.first(),
        title="Quiet step",
        due_date=date(2020, 1, 1),
    )
    GoalLink.objects.create(goal=SharedGoal.objects.get(), plan_step=step)
    client.force_login(facilitator)
    for fmt in ("csv", "xlsx"):
        content = download(client, cohort, "scorecard", fmt).content
        text = content.decode("utf-8-sig") if fmt == "csv" else str(records(workbook_of(content)))
        assert "Planner" in text and "Quiet" not in text


def workbook_of(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return book["Scorecard"]


def test_an_unknown_table_has_no_dictionary(client, cohort, facilitator, five_members):
    client.force_login(facilitator)
    url = reverse("cohorts:export_dictionary", args=[cohort.pk, "members"])
    assert client.get(url).status_code == 404
