"""An archived program's surveys are read-only: no write reaches them, even posted directly,
and each refusal says why. Restoring the program allows them again."""

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Finding, OneTimeCode, ProgramQuestion, Response, Survey
from tests.surveys.test_answering import GOOD
from tests.surveys.test_findings import _step

ARCHIVED = "This program is archived"
SURVEY_DATA = {"title": "Spring check-in", "opens_on": "2026-04-01", "closes_on": "2026-04-30"}


@pytest.fixture
def archived(program):
    program.archived_at = timezone.now()
    program.save(update_fields=["archived_at"])
    return program


def state() -> tuple:
    return (
        sorted(Survey.objects.values_list("id", "title", "opens_on", "closes_on")),
        ProgramQuestion.objects.count(),
        Response.objects.count(),
        OneTimeCode.objects.count(),
        Finding.objects.count(),
    )


def test_a_survey_cannot_be_made_on_an_archived_program(client, leader, archived):
    client.force_login(leader)
    response = client.post(reverse("surveys:survey_create", args=[archived.pk]), SURVEY_DATA)
    assert response.status_code == 400
    assert ARCHIVED in response.content.decode()
    assert not Survey.objects.exists()


def test_no_other_write_reaches_an_archived_programs_survey(client, leader, survey, archived):
    client.force_login(leader)
    survey.codes_required = True
    survey.save(update_fields=["codes_required"])
    ProgramQuestion.objects.filter(survey=survey, position=2).delete()
    before = state()
    posts = [
        (reverse("surveys:survey_edit", args=[survey.pk]), {**SURVEY_DATA, "title": "Changed"}),
        (
            reverse("surveys:question_add", args=[survey.pk]),
            {"kind": "yes_no", "text": "Was it easy?"},
        ),
        (reverse("surveys:question_remove", args=[survey.pk, 1]), {}),
        (reverse("surveys:paper", args=[survey.pk]), GOOD),
        (reverse("surveys:codes", args=[survey.pk]), {"count": "5"}),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.status_code in (200, 400), url
        assert ARCHIVED in response.content.decode(), url
    assert state() == before


def test_the_public_link_of_an_archived_program_takes_no_answer(client, survey, archived):
    url = reverse("surveys:answer", args=[survey.token])
    assert client.get(url).status_code == 410
    response = client.post(url, GOOD)
    assert response.status_code == 410
    assert not Response.objects.exists()


def test_a_finding_cannot_be_tied_or_untied_on_an_archived_program(
    client, leader, survey, draft, archived
):
    step = _step(draft, leader)
    finding = Finding.objects.create(survey=survey, question="respect", step=step)
    client.force_login(leader)
    add = reverse("survey_results:finding_add", args=[survey.pk])
    response = client.post(add, {"question": "needs_met", "step": step.pk})
    assert response.status_code == 400 and ARCHIVED in response.content.decode()
    remove = reverse("survey_results:finding_remove", args=[survey.pk, finding.pk])
    response = client.post(remove, follow=True)
    assert ARCHIVED in response.content.decode()
    assert list(Finding.objects.all()) == [finding]


def test_restoring_the_program_allows_surveys_again(client, leader, archived):
    archived.archived_at = None
    archived.save(update_fields=["archived_at"])
    client.force_login(leader)
    response = client.post(reverse("surveys:survey_create", args=[archived.pk]), SURVEY_DATA)
    assert response.status_code == 302 and Survey.objects.count() == 1
