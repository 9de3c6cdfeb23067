"""Answering a survey: public, no sign-in, nothing stored that could tell who answered.

The page works without JavaScript; its language is the respondent's (a link switches it, and
the browser's Accept-Language is respected). Nothing here writes to a session.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from surveys import limits, services
from surveys.access import survey_by_token
from surveys.forms import ResponseForm
from surveys.models import Survey


def _language(request: HttpRequest) -> str | None:
    """The language asked for with ?lang=, if the app has it."""
    asked = request.GET.get("lang", "")
    return asked if asked in {code for code, _name in settings.LANGUAGES} else None


def _use_asked_language(request: HttpRequest) -> str | None:
    """Switch to the language asked for, before anything is said: messages of a refused
    answer are written while the view runs, not when the page is rendered."""
    asked = _language(request)
    if asked:
        translation.activate(asked)
        request.LANGUAGE_CODE = asked
    return asked


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    asked = _use_asked_language(request)
    path = request.path
    context["languages"] = [(code, name, f"{path}?lang={code}") for code, name in _language_names()]
    response = render(request, template, context, status=status)
    if asked:
        # The browser keeps the choice (a cookie the app never stores on its side).
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, asked, samesite="Lax")
    return response


def _language_names() -> list[tuple[str, str]]:
    # Each language named in itself, so a reader finds theirs whatever the page's language.
    names = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.append((code, translation.gettext(str(dict(settings.LANGUAGES)[code]))))
    return names


def _closed_or_missing(request, survey: Survey | None, today) -> HttpResponse | None:
    if survey is None:
        return _page(request, "surveys/public/missing.html", {}, status=404)
    if today > survey.closes_on or survey.program.is_archived:
        return _page(request, "surveys/public/closed.html", {"survey": survey}, status=410)
    if today < survey.opens_on:
        status = 400 if request.method == "POST" else 200
        return _page(request, "surveys/public/not_yet.html", {"survey": survey}, status=status)
    return None


# No CSRF token: an answer acts for no one (it is not tied to the sender's account or session),
# so a forged one is no more than anyone can send, and the page needs no cookie to work.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    _use_asked_language(request)
    survey, today = survey_by_token(token), timezone.localdate()
    refused = _closed_or_missing(request, survey, today)
    if refused is not None:
        return refused
    assert survey is not None  # refused when missing
    form = ResponseForm(
        request.POST or None,
        survey=survey,
        program_questions=survey.program_questions.all(),
        ask_code=survey.codes_required,
    )
    context = {"survey": survey, "form": form}
    if request.method != "POST":
        return _page(request, "surveys/public/answer.html", context)
    if not limits.allow(survey.token, limits.client_address(request)):
        return _page(request, "surveys/public/busy.html", context, status=429)
    if form.is_robot:
        # Told nothing: a robot that filled the hidden field sees the usual thanks.
        return redirect("surveys:thanks", survey.token)
    if not form.is_valid():
        return _page(request, "surveys/public/answer.html", context, status=400)
    values = services.ResponseValues(
        answers=form.answers(), language=translation.get_language(), **form.about()
    )
    try:
        services.response_submit(
            survey=survey, values=values, today=today, code=form.cleaned_data.get("code")
        )
    except services.SurveyRefused as refused_write:
        form.add_error("code" if survey.codes_required else None, str(refused_write))
        return _page(request, "surveys/public/answer.html", context, status=400)
    return redirect(reverse("surveys:thanks", args=[survey.token]))


@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_by_token(token)
    if survey is None:
        return _page(request, "surveys/public/missing.html", {}, status=404)
    return _page(request, "surveys/public/thanks.html", {"survey": survey})
