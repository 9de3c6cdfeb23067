""" "You said, we did": a leader ties a plan step to what a survey found; the results page
lists it and the poster shows it."""

from datetime import date

import pytest
from django.urls import reverse

from assessments import plans
from assessments.models import Program
from reports import documents
from surveys import evidence
from surveys.models import Finding
from tests.surveys.factories import stored_survey


def _step(draft, leader, title="Evening hours at the front desk"):
    return plans.plan_step_add(
        assessment=draft,
        dimension=draft.framework.dimensions.get(key="services"),
        values=plans.StepValues(title, "", "", "", None, "not_started", ""),
        by=leader,
    )


@pytest.fixture
def survey(draft):
    return stored_survey(draft.program, {"white": (60, 40), "black": (50, 20)})


def test_a_leader_ties_a_step_to_a_finding_and_the_page_lists_it(client, leader, draft, survey):
    step = _step(draft, leader)
    client.force_login(leader)
    url = reverse("survey_results:finding_add", args=[survey.pk])
    response = client.post(url, {"question": "respect", "step": step.pk})
    assert response.status_code == 302
    assert Finding.objects.filter(survey=survey, question="respect", step=step).exists()
    page = client.get(reverse("survey_results:results", args=[survey.pk])).content.decode()
    assert "You said, we did" in page and "Evening hours at the front desk" in page
    client.post(url, {"question": "respect", "step": step.pk})  # twice: still one tie
    assert Finding.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"question": "works_well", "step": "STEP"},  # an open question: never tied
        {"question": "nothing", "step": "STEP"},
        {"question": "respect", "step": "not-a-step"},
        {"question": "respect"},
    ],
)
def test_bad_input_stores_nothing_and_says_why(client, leader, draft, survey, data):
    step = _step(draft, leader)
    data = {key: step.pk if value == "STEP" else value for key, value in data.items()}
    client.force_login(leader)
    response = client.post(reverse("survey_results:finding_add", args=[survey.pk]), data)
    assert response.status_code == 400
    assert response.context["finding_form"].errors
    assert not Finding.objects.exists()


def test_a_step_of_another_program_cannot_be_tied(client, leader, draft, survey, framework):
    other = Program.objects.create(organization=draft.program.organization, name="Other")
    other_draft = draft.__class__.objects.create(
        program=other, framework=framework, cycle=draft.cycle
    )
    step = _step(other_draft, leader)
    client.force_login(leader)
    url = reverse("survey_results:finding_add", args=[survey.pk])
    response = client.post(url, {"question": "respect", "step": step.pk})
    assert response.status_code == 400 and not Finding.objects.exists()


def test_removing_a_tie_keeps_the_step(client, leader, draft, survey):
    step = _step(draft, leader)
    finding = Finding.objects.create(survey=survey, question="ease", step=step)
    client.force_login(leader)
    url = reverse("survey_results:finding_remove", args=[survey.pk, finding.pk])
    assert client.post(url).status_code == 302
    assert not Finding.objects.exists()
    step.refresh_from_db()


def test_the_poster_shows_the_survey_and_the_newest_ties(leader, draft, survey):
    step = _step(draft, leader)
    Finding.objects.create(survey=survey, question="respect", step=step)
    lines = evidence.poster_lines(draft.program)
    assert lines[0][0] == "Survey of the people served: Voice 2026"
    assert lines[0][1].startswith("110 responses.")
    assert (
        "You said, we did",
        "Staff treated me with respect → Evening hours at the front desk",
    ) in lines
    size, today = documents.poster_sizes()["tabloid"], date(2026, 5, 1)
    context = documents.poster_context(draft, size=size, today=today, disparity=True)
    assert context["survey_lines"] == lines
    # A poster made without the disparity panel's consent carries no survey line either.
    bare = documents.poster_context(draft, size=size, today=today, disparity=False)
    assert bare["survey_lines"] == []


def test_without_a_survey_the_poster_has_no_survey_line(draft):
    assert evidence.poster_lines(draft.program) == []
