"""The results page, its downloads and who may read what."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from outcomes.models import OutcomeCount, OutcomeMeasure
from tests.surveys.factories import stored_survey

GROUPS = {
    "asian": (4, 4),
    "black": (60, 30),
    "hispanic": (40, 25),
    "white": (80, 60),
    "other": (50, 30),
}
SECRET = "Maria at the front desk on Tuesday helped me"


@pytest.fixture
def survey(program):
    return stored_survey(program, GROUPS, texts=(SECRET, "=HYPERLINK(evil)"))


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_results_page_shows_the_tables_headline_and_hidden_groups(client, leader, survey):
    client.force_login(leader)
    response = client.get(reverse("survey_results:results", args=[survey.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="headline"' in page and "less likely" in page
    assert 'id="hidden-groups"' in page and "Asian" in page
    assert 'data-question="respect"' in page and "Net score" in page
    results = response.context["results"]
    asian = next(c for c in results.respondents if c.key == "asian")
    assert asian.population is None


def test_open_answers_are_for_leaders_only_behind_a_reminder(
    client, leader, viewer, contributor, survey
):
    client.force_login(leader)
    page = client.get(reverse("survey_results:results", args=[survey.pk])).content.decode()
    assert SECRET in page and "do not copy such details" in page
    for member in (viewer, contributor):
        client.force_login(member)
        response = client.get(reverse("survey_results:results", args=[survey.pk]))
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
        assert response.context["open_answers"] is None


def test_the_tables_download_is_protected_and_has_no_open_text(client, viewer, survey):
    client.force_login(viewer)
    csv_response = client.get(reverse("survey_results:results_csv", args=[survey.pk]))
    assert csv_response.status_code == 200 and SECRET.encode() not in csv_response.content
    xlsx = client.get(reverse("survey_results:results_xlsx", args=[survey.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    cells = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert workbook.sheetnames == ["Results", "Respondents", "Data dictionary"]
    assert "asian" in cells and not any(SECRET in value for value in cells)
    rows = _rows(client.get(reverse("survey_results:results_csv", args=[survey.pk])))
    header, body = rows[0], rows[1:]
    asian = [r for r in body if r[header.index("group")] == "asian"]
    assert asian and all(r[header.index("count")] == "" for r in asian)
    assert all("hidden" in r[header.index("note")] for r in asian)
    assert not any(r[header.index("question")] == "works_well" for r in body)


def test_the_raw_download_leaves_out_open_text_unless_asked(client, leader, survey):
    client.force_login(leader)
    url = reverse("survey_results:responses_csv", args=[survey.pk])
    plain = client.get(url)
    assert SECRET.encode() not in plain.content and "works_well" not in _rows(plain)[0]
    assert len(_rows(plain)) == 1 + sum(n for n, _a in GROUPS.values())
    with_text = client.get(url + "?text=1")
    assert SECRET.encode() in with_text.content
    assert "'=HYPERLINK(evil)" in with_text.content.decode("utf-8-sig")  # never a formula


def test_the_raw_download_is_for_leaders_only(client, viewer, contributor, survey):
    for member in (viewer, contributor):
        client.force_login(member)
        response = client.get(reverse("survey_results:responses_csv", args=[survey.pk]))
        assert response.status_code == 403


def test_a_stranger_gets_404_for_every_results_url(client, stranger, survey):
    client.force_login(stranger)
    for name in ("results", "results_csv", "results_xlsx", "responses_csv"):
        response = client.get(reverse(f"survey_results:{name}", args=[survey.pk]))
        assert response.status_code == 404


def test_respondents_stand_beside_the_people_served_from_outcome_data(client, leader, survey):
    measure = OutcomeMeasure.objects.create(
        program=survey.program, name="Housed", direction="favorable", denominator="families"
    )
    for group, people in (("black", 300), ("white", 200), ("hispanic", 100), ("asian", 5)):
        OutcomeCount.objects.create(
            measure=measure, period="2025", group=group, population=people, events=people // 2
        )
    client.force_login(leader)
    response = client.get(reverse("survey_results:results", args=[survey.pk]))
    rows = {row.cell.key: row for row in response.context["response_rows"]}
    assert rows["asian"].served is None  # hidden by the outcome data's own suppression
    served = {"black": 300, "white": 200, "hispanic": 100}
    shown = [key for key in served if rows[key].served is not None]
    assert len(shown) >= 2  # one complement at most among these
    for key in shown:
        assert rows[key].served == served[key]
        # The survey's own complement may hide a group's respondents: then no percent.
        if rows[key].cell.population is None:
            assert rows[key].percent_of_served is None
        else:
            assert rows[key].percent_of_served == 100 * GROUPS[key][0] / served[key]
    assert any(rows[key].percent_of_served for key in shown)
    assert "People served" in response.content.decode()


def test_a_survey_without_responses_shows_a_page_not_an_error(client, leader, program):
    survey = stored_survey(program, {})
    client.force_login(leader)
    response = client.get(reverse("survey_results:results", args=[survey.pk]))
    assert response.status_code == 200
    assert 'id="no-responses"' in response.content.decode()


def test_a_survey_with_few_respondents_shows_no_figure(client, leader, program):
    survey = stored_survey(program, {"black": (3, 1), "white": (6, 2)})
    client.force_login(leader)
    response = client.get(reverse("survey_results:results", args=[survey.pk]))
    page = response.content.decode()
    assert 'id="dark"' in page and 'id="headline"' not in page
    assert response.context["results"].total_respondents is None
