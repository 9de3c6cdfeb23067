"""Answering a survey: public, anonymous, every bad input refused whole, in the respondent's
language."""

import pytest
from django.urls import reverse

from surveys import services
from surveys.forms import MARKUP
from surveys.models import Answer, OneTimeCode, Response
from surveys.questions import TEXT_MAX
from tests.surveys.conftest import make_survey

GOOD = {
    "respect": "5",
    "heard": "4",
    "needs_met": "3",
    "ease": "2",
    "recommend": "9",
    "works_well": "Kind staff",
    "change_one": "Longer hours",
    "p1": "1",
    "p2": "0",
    "race": ["black", "hispanic"],
    "language": "es",
    "age_band": "25_34",
    "website": "",
}


def answer_url(survey) -> str:
    return reverse("surveys:answer", args=[survey.token])


def test_an_anonymous_person_answers_and_sees_thanks(client, survey):
    response = client.post(answer_url(survey), GOOD)
    assert response.status_code == 302
    assert response.url == reverse("surveys:thanks", args=[survey.token])
    stored = Response.objects.get()
    assert stored.race == ["black", "hispanic"]
    assert (stored.age_band, stored.preferred_language, stored.source) == ("25_34", "es", "web")
    answers = {a.question: (a.number, a.text) for a in stored.answers.all()}
    assert answers["respect"] == (5, "")
    assert answers["recommend"] == (9, "")
    assert answers["works_well"] == (None, "Kind staff")
    assert answers["p1"] == (1, "")  # the option's index: "South"
    assert answers["p2"] == (0, "")
    assert client.get(response.url).status_code == 200


def test_the_page_is_in_the_language_the_browser_asks_for(client, survey):
    page = client.get(answer_url(survey), HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="es">' in page.content.decode()


def test_the_language_link_switches_the_page_and_the_stored_language(client, survey):
    page = client.get(answer_url(survey) + "?lang=es")
    assert '<html lang="es">' in page.content.decode()
    assert page.cookies["django_language"].value == "es"
    client.post(answer_url(survey), GOOD)
    assert Response.objects.get().language == "es"


def test_an_unknown_language_is_ignored(client, survey):
    page = client.get(answer_url(survey) + "?lang=xx")
    assert page.status_code == 200
    assert '<html lang="en">' in page.content.decode()


def test_the_page_works_without_javascript_and_loads_no_framework(client, survey):
    html = client.get(answer_url(survey)).content.decode()
    assert "<script" not in html
    assert "bootstrap" not in html


def _refused(client, survey, data, status=400):
    response = client.post(answer_url(survey), data)
    assert response.status_code == status
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    return response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("respect", "6"),
        ("respect", "0"),
        ("recommend", "11"),
        ("recommend", "-1"),
        ("ease", "lots"),
        ("p1", "2"),  # a third option that does not exist
        ("p2", "maybe"),
        ("race", ["martian"]),
        ("language", "klingon"),
        ("age_band", "200"),
    ],
)
def test_a_choice_that_does_not_exist_is_refused_whole(client, survey, field, value):
    html = _refused(client, survey, GOOD | {field: value})
    assert "Please choose one of the answers shown." in html


def test_an_over_long_answer_is_refused_with_its_length(client, survey):
    html = _refused(client, survey, GOOD | {"works_well": "a" * (TEXT_MAX + 1)})
    assert f"under {TEXT_MAX} characters" in html


@pytest.mark.parametrize("text", ["<b>hi</b>", "x <script>alert(1)</script>", "<!-- c -->", "</p>"])
def test_markup_is_refused(client, survey, text):
    html = _refused(client, survey, GOOD | {"change_one": text})
    assert "without &lt; and &gt;" in html


def test_a_plain_less_than_sign_is_kept(client, survey):
    assert MARKUP.search("I waited < 5 minutes") is None
    client.post(answer_url(survey), GOOD | {"works_well": "I waited < 5 minutes"})
    assert Answer.objects.get(question="works_well").text == "I waited < 5 minutes"


def test_prefer_not_to_say_goes_alone(client, survey):
    html = _refused(client, survey, GOOD | {"race": ["prefer_not", "white"]})
    assert "Prefer not to say" in html


def test_an_empty_form_is_refused(client, survey):
    html = _refused(client, survey, {"race": ["white"], "website": ""})
    assert "Please answer at least one question" in html


def test_a_bad_answer_is_refused_in_spanish_for_a_spanish_reader(client, survey, settings):
    from django.utils import translation

    with translation.override("es"):
        expected = str(translation.gettext("Please choose one of the answers shown."))
    response = client.post(answer_url(survey), GOOD | {"respect": "9"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert expected in html


def test_the_honeypot_stores_nothing_and_says_thanks(client, survey):
    response = client.post(answer_url(survey), GOOD | {"website": "http://spam.example"})
    assert response.status_code == 302
    assert not Response.objects.exists()


def test_an_unknown_link_is_a_friendly_404(client, db):
    response = client.get(reverse("surveys:answer", args=["no-such-survey"]))
    assert response.status_code == 404
    assert "We cannot find this survey" in response.content.decode()
    assert client.post(reverse("surveys:answer", args=["nope"]), GOOD).status_code == 404
    assert client.get(reverse("surveys:thanks", args=["nope"])).status_code == 404


def test_a_closed_survey_is_gone_and_takes_nothing(client, program):
    closed = make_survey(program, days_open=(-30, -1))
    assert client.get(answer_url(closed)).status_code == 410
    html = _refused(client, closed, GOOD, status=410)
    assert "This survey is closed" in html


def test_a_survey_not_open_yet_says_when_and_takes_nothing(client, program):
    later = make_survey(program, days_open=(2, 10))
    assert "not open yet" in client.get(answer_url(later)).content.decode()
    _refused(client, later, GOOD)


def test_the_service_refuses_a_closed_survey_too(program):
    closed = make_survey(program, days_open=(-30, -1))
    values = services.ResponseValues({"respect": 5}, [], "", "", "en")
    from django.utils import timezone

    with pytest.raises(services.SurveyRefused):
        services.response_submit(survey=closed, values=values, today=timezone.localdate())
    assert not Response.objects.exists()


def test_a_burst_from_one_place_is_limited_in_memory(client, survey, settings):
    settings.SURVEY_BURST, settings.SURVEY_PER_MINUTE = 3, 1
    statuses = [client.post(answer_url(survey), GOOD).status_code for _i in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert Response.objects.count() == 3


# --- One-time codes ---------------------------------------------------------------------------


@pytest.fixture
def coded(program):
    survey = make_survey(program, codes_required=True)
    return survey, services.codes_generate(survey=survey, count=3)


def test_codes_are_stored_hashed_and_each_works_once(client, coded):
    survey, codes = coded
    assert len(set(codes)) == 3
    stored = set(OneTimeCode.objects.values_list("code_hash", flat=True))
    assert not any(code.replace("-", "") in h or code in h for code in codes for h in stored)
    assert client.post(answer_url(survey), GOOD | {"code": codes[0].lower()}).status_code == 302
    html = _refused_after(client, survey, GOOD | {"code": codes[0]})
    assert "was used already" in html
    assert OneTimeCode.objects.filter(used=True).count() == 1


def _refused_after(client, survey, data):
    before = (Response.objects.count(), Answer.objects.count())
    response = client.post(answer_url(survey), data)
    assert response.status_code == 400
    assert (Response.objects.count(), Answer.objects.count()) == before
    return response.content.decode()


def test_a_made_up_or_missing_code_is_refused(client, coded):
    survey, _codes = coded
    assert "was used already" in _refused(client, survey, GOOD | {"code": "ABCD-EFGH"})
    assert "This field is required" in _refused(client, survey, GOOD)


def test_a_refused_answer_does_not_use_up_the_code(client, coded):
    survey, codes = coded
    _refused(client, survey, GOOD | {"code": codes[1], "respect": "7"})
    assert not OneTimeCode.objects.filter(used=True).exists()


def test_the_form_needs_no_cookie(survey):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    page = strict.get(answer_url(survey))
    assert not page.cookies
    assert strict.post(answer_url(survey), GOOD).status_code == 302
    assert Response.objects.count() == 1
