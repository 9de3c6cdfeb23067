"""A leader's survey pages: making a survey, its questions, link, QR code, flyer, paper answers
and one-time codes."""

import io
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from surveys import questions, services
from surveys.models import OneTimeCode, ProgramQuestion, Response, Survey
from tests.surveys.conftest import make_survey
from tests.surveys.test_answering import GOOD

SURVEY_DATA = {"title": "Spring check-in", "opens_on": "2026-04-01", "closes_on": "2026-04-30"}


def test_a_leader_makes_a_survey_for_a_program(client, leader, program):
    client.force_login(leader)
    response = client.post(reverse("surveys:survey_create", args=[program.pk]), SURVEY_DATA)
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("surveys:survey", args=[survey.pk])
    assert (survey.program, survey.created_by, survey.title) == (program, leader, "Spring check-in")
    assert (survey.opens_on, survey.closes_on) == (date(2026, 4, 1), date(2026, 4, 30))
    assert len(survey.token) >= 20 and not survey.codes_required
    page = client.get(reverse("assessments:program", args=[program.pk])).content.decode()
    assert "Spring check-in" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_on": "2026-03-01"}, "cannot be before the opening date"),
        ({"title": ""}, "This field is required"),
        ({"title": "x" * 121}, "at most 120 characters"),
        ({"title": "<b>Big</b>"}, "without &lt; and &gt;"),
        ({"opens_on": "April"}, "Enter a valid date"),
    ],
)
def test_a_bad_survey_is_refused_with_a_message(client, leader, program, changes, message):
    client.force_login(leader)
    response = client.post(
        reverse("surveys:survey_create", args=[program.pk]), SURVEY_DATA | changes
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Survey.objects.exists()


def test_the_database_refuses_a_survey_that_closes_before_it_opens(program):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Survey.objects.create(
            program=program, title="x", opens_on=date(2026, 5, 2), closes_on=date(2026, 5, 1)
        )


def _add(client, survey, **data):
    return client.post(reverse("surveys:question_add", args=[survey.pk]), data)


def test_a_leader_adds_each_kind_of_question(client, leader, program):
    survey = make_survey(program)
    client.force_login(leader)
    assert _add(client, survey, kind="scale5", text="Staff spoke my language").status_code == 302
    assert _add(client, survey, kind="yes_no", text="Did you wait long?").status_code == 302
    assert (
        _add(client, survey, kind="choice", text="Office", options="North\n South \n\n").status_code
        == 302
    )
    assert _add(client, survey, kind="text", text="Anything else?").status_code == 302
    rows = list(survey.program_questions.values_list("position", "kind", "choices"))
    assert rows == [
        (1, "scale5", []),
        (2, "yes_no", []),
        (3, "choice", ["North", "South"]),
        (4, "text", []),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "choice", "text": "Office", "options": "Only one"}, "two to 8 options"),
        ({"kind": "choice", "text": "Office", "options": "\n".join("abcdefghi")}, "two to 8"),
        ({"kind": "choice", "text": "Office", "options": "A\nA"}, "must be different"),
        ({"kind": "choice", "text": "Office", "options": "A\n" + "b" * 81}, "under 80"),
        ({"kind": "yes_no", "text": "Wait?", "options": "Yes\nNo"}, "has options"),
        ({"kind": "slider", "text": "Wait?"}, "Select a valid choice"),
        ({"kind": "text", "text": ""}, "This field is required"),
        ({"kind": "text", "text": "<i>x</i>"}, "without &lt; and &gt;"),
    ],
)
def test_a_bad_question_is_refused(client, leader, program, data, message):
    survey = make_survey(program)
    client.force_login(leader)
    response = _add(client, survey, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProgramQuestion.objects.exists()


def test_a_survey_has_at_most_five_questions_of_its_own(client, leader, program):
    survey = make_survey(program)
    client.force_login(leader)
    for n in range(questions.MAX_PROGRAM_QUESTIONS):
        assert _add(client, survey, kind="text", text=f"Question {n}").status_code == 302
    response = _add(client, survey, kind="text", text="One too many")
    assert response.status_code == 400
    assert "at most 5 questions" in response.content.decode()
    assert survey.program_questions.count() == questions.MAX_PROGRAM_QUESTIONS


def test_questions_are_fixed_once_anyone_answered(client, leader, survey):
    client.post(reverse("surveys:answer", args=[survey.token]), GOOD)
    client.force_login(leader)
    assert _add(client, survey, kind="text", text="Late").status_code == 400
    remove = reverse("surveys:question_remove", args=[survey.pk, 1])
    assert client.post(remove).status_code == 302
    assert survey.program_questions.count() == 2
    edit = client.post(
        reverse("surveys:survey_edit", args=[survey.pk]),
        {**SURVEY_DATA, "codes_required": "on"},
    )
    assert edit.status_code == 302
    survey.refresh_from_db()
    assert survey.title == "Spring check-in" and not survey.codes_required


def test_a_leader_removes_a_question_before_any_answer(client, leader, survey):
    client.force_login(leader)
    client.post(reverse("surveys:question_remove", args=[survey.pk, 1]))
    assert list(survey.program_questions.values_list("position", flat=True)) == [2]


def test_the_qr_code_is_an_svg_of_the_public_link(client, viewer, survey):
    client.force_login(viewer)
    response = client.get(reverse("surveys:qr", args=[survey.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml") or b"<svg" in response.content[:200]
    page = client.get(reverse("surveys:survey", args=[survey.pk])).content.decode()
    assert f"http://testserver/s/{survey.token}/" in page


# --- The flyer --------------------------------------------------------------------------------

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils is not installed (make test installs it)"
)


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "flyer.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    return " ".join(out.stdout.decode().split())


@needs_poppler
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_flyer_is_one_page_in_the_language_asked_for(
    client, leader, survey, tmp_path, language
):
    client.force_login(leader)
    response = client.get(reverse("surveys:flyer", args=[survey.pk]) + f"?lang={language}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    text = _pdf_text(response.content, tmp_path)
    with translation.override(language):
        scan = translation.gettext("Scan the code with your phone's camera to answer.")
        month = survey.opens_on.strftime("%Y")
    assert "How did we do?" in text
    assert scan in text
    assert month in text
    assert f"/s/{survey.token}/" in text.replace(" ", "")
    assert f"-{language}.pdf" in response["Content-Disposition"]


# --- Paper answers and codes ------------------------------------------------------------------


def test_staff_enter_a_paper_form_marked_as_paper(client, contributor, survey):
    client.force_login(contributor)
    assert client.get(reverse("surveys:paper", args=[survey.pk])).status_code == 200
    response = client.post(reverse("surveys:paper", args=[survey.pk]), GOOD)
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.source == "paper"
    assert stored.answers.get(question="respect").number == 5


def test_a_bad_paper_form_is_refused_whole(client, contributor, survey):
    client.force_login(contributor)
    response = client.post(reverse("surveys:paper", args=[survey.pk]), GOOD | {"respect": "8"})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_a_leader_makes_codes_shown_once(client, leader, program):
    survey = make_survey(program, codes_required=True)
    client.force_login(leader)
    response = client.post(reverse("surveys:codes", args=[survey.pk]), {"count": 12})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert html.count("<li><code>") == 12
    assert OneTimeCode.objects.filter(survey=survey, used=False).count() == 12


@pytest.mark.parametrize("count", ["0", "501", "many"])
def test_a_bad_number_of_codes_makes_none(client, leader, program, count):
    survey = make_survey(program, codes_required=True)
    client.force_login(leader)
    response = client.post(reverse("surveys:codes", args=[survey.pk]), {"count": count})
    assert response.status_code == 302
    assert not OneTimeCode.objects.exists()


def test_codes_need_the_code_mode(client, leader, survey):
    client.force_login(leader)
    client.post(reverse("surveys:codes", args=[survey.pk]), {"count": 5})
    assert not OneTimeCode.objects.exists()


def test_a_code_is_checked_whatever_its_case_and_dashes(program):
    survey = make_survey(program, codes_required=True)
    (code,) = services.codes_generate(survey=survey, count=1)
    values = services.ResponseValues({"respect": 4}, [], "", "", "en")
    from django.utils import timezone

    services.response_submit(
        survey=survey,
        values=values,
        today=timezone.localdate(),
        code=code.lower().replace("-", " "),
    )
    assert OneTimeCode.objects.get().used
