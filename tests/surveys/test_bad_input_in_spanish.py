"""Every bad answer on the public form, from a respondent reading Spanish: refused whole with a
message in Spanish, nothing stored, never a 500."""

import html

import pytest
from django.urls import reverse

from surveys.models import Answer, OneTimeCode, Response
from surveys.questions import TEXT_MAX
from tests.surveys.test_answering import GOOD


def answer_url(survey) -> str:
    return reverse("surveys:answer", args=[survey.token]) + "?lang=es"


CASES = [
    ({"works_well": "x" * (TEXT_MAX + 1)}, "Su respuesta debe tener menos de 1000 caracteres"),
    ({"change_one": "<b>hola</b>"}, "Escriba texto simple, sin < ni >"),
    ({"respect": "9"}, "Elija una de las respuestas que se muestran."),
    ({"recommend": "once"}, "Elija una de las respuestas que se muestran."),
    ({"p1": "7"}, "Elija una de las respuestas que se muestran."),
    ({"race": ["martian"]}, "Elija una de las respuestas que se muestran."),
    ({"race": ["prefer_not", "black"]}, "Elija solo “Prefiero no decirlo”"),
    ({"age_band": "200"}, "Elija una de las respuestas que se muestran."),
]


@pytest.mark.parametrize(("changes", "message"), CASES)
def test_a_bad_answer_is_refused_in_spanish_and_nothing_is_stored(client, survey, changes, message):
    response = client.post(answer_url(survey), {**GOOD, **changes})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert '<html lang="es">' in page and message in page
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_an_empty_form_is_refused_in_spanish(client, survey):
    response = client.post(answer_url(survey), {"website": ""})
    assert response.status_code == 400
    assert "Responda al menos una pregunta antes de enviar." in response.content.decode()
    assert not Response.objects.exists()


def test_a_used_code_is_refused_in_spanish_and_the_answers_are_kept(client, survey):
    survey.codes_required = True
    survey.save(update_fields=["codes_required"])
    response = client.post(answer_url(survey), {**GOOD, "code": "ABCD-EFGH"})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Este código no es válido o ya se usó." in page
    assert "Kind staff" in page  # what was typed is still in the form
    assert not Response.objects.exists() and not OneTimeCode.objects.filter(used=True).exists()


def test_a_closed_survey_says_so_in_spanish(client, survey):
    survey.opens_on = survey.closes_on = survey.opens_on.replace(year=2020)
    survey.save(update_fields=["opens_on", "closes_on"])
    response = client.post(answer_url(survey), GOOD)
    assert response.status_code == 410
    assert '<html lang="es">' in response.content.decode()
    assert not Response.objects.exists()
