"""Hostile text in every stored text of a survey (title, a program question and its options,
open answers), entered where the forms would refuse it (the admin, an import), is shown
escaped on every page that shows it: the survey's page, the public form, the paper form and the
results with the open answers. The hardening harness (tests/test_hardening.py) posts the bad
input; this is its first part for the survey pages."""

import pytest
from django.urls import reverse

from surveys.models import TITLE_MAX, Answer, ProgramQuestion, Response, Survey
from surveys.questions import CHOICE_MAX, PROGRAM_TEXT_MAX, TEXT_MAX
from tests.payloads import PAYLOADS, fit, live_markup
from tests.surveys.conftest import make_survey


def hostile_survey(program, payload: str) -> Survey:
    survey = make_survey(program, title=fit("title", payload, TITLE_MAX))
    ProgramQuestion.objects.create(
        survey=survey,
        position=1,
        kind="choice",
        text=fit("question", payload, PROGRAM_TEXT_MAX),
        choices=[fit("option", payload, CHOICE_MAX), "Plain"],
    )
    for n in range(40):
        response = Response.objects.create(
            survey=survey, submitted_on=survey.opens_on, language="en", race=["white"]
        )
        Answer.objects.create(response=response, question="respect", number=5 if n % 2 else 2)
        Answer.objects.create(response=response, question="p1", number=n % 2)
        if n == 0:
            Answer.objects.create(
                response=response, question="works_well", text=fit("open", payload, TEXT_MAX)
            )
    return survey


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_hostile_survey_text_is_shown_escaped_on_every_page(client, leader, program, payload):
    survey = hostile_survey(program, payload)
    client.force_login(leader)
    pages = {
        "survey": reverse("surveys:survey", args=[survey.pk]),
        "paper": reverse("surveys:paper", args=[survey.pk]),
        "results": reverse("survey_results:results", args=[survey.pk]),
        "program": reverse("assessments:program", args=[program.pk]),
    }
    problems = []
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "title:" in html, name  # the payload is there, escaped
        own_qr = f"<img src={reverse('surveys:qr', args=[survey.pk])!r}>"  # the app's own
        problems += [f"{name}: {p}" for p in live_markup(html) if p != own_qr]
        if name == "results":
            assert "open:" in html and "question:" in html
    client.logout()
    public = client.get(reverse("surveys:answer", args=[survey.token]))
    assert "question:" in public.content.decode() and "option:" in public.content.decode()
    problems += [f"public: {p}" for p in live_markup(public.content.decode())]
    results = client.get(pages["results"])
    assert results.status_code == 302  # and signed out, nothing
    assert problems == []
