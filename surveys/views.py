"""A program's surveys, for its organization: leaders make them, hand out the link, the QR code,
the flyer and one-time codes; staff enter paper answers. Results are on pages of their own."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.access import Need, program_for_user
from surveys import questions, results, services
from surveys.access import survey_for_user
from surveys.forms import CodesForm, ProgramQuestionForm, ResponseForm, SurveyForm
from surveys.models import Response, Survey
from valuecurve import pdf, qr


def public_link(request: HttpRequest, survey: Survey) -> str:
    return request.build_absolute_uri(reverse("surveys:answer", args=[survey.token]))


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest, program_id) -> HttpResponse:
    program, _membership = program_for_user(request.user, program_id, Need.LEAD)
    survey = Survey(program=program)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid() and _saved(form, request.user):
        messages.success(request, _("Survey made. Add up to five questions of your own."))
        return redirect("surveys:survey", survey.pk)
    context = {"program": program, "form": form, "heading": _("New survey")}
    return render(request, "surveys/survey_form.html", context, status=400 if form.errors else 200)


def _saved(form: SurveyForm, by) -> bool:
    """Save the survey, or put the refusal on the form (an archived program)."""
    try:
        services.survey_save(survey=form.save(commit=False), by=by)
    except services.SurveyRefused as refused:
        form.add_error(None, str(refused))
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, survey_id) -> HttpResponse:
    survey, _membership = survey_for_user(request.user, survey_id, Need.LEAD)
    locked = services.survey_is_locked(survey)
    form = SurveyForm(request.POST or None, instance=Survey.objects.get(pk=survey.pk))
    if locked:
        form.fields["codes_required"].disabled = True
    if request.method == "POST" and form.is_valid() and _saved(form, request.user):
        messages.success(request, _("Survey saved."))
        return redirect("surveys:survey", survey.pk)
    context = {"program": survey.program, "survey": survey, "form": form, "locked": locked}
    context["heading"] = _("Edit the survey")
    return render(request, "surveys/survey_form.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def survey_detail(request: HttpRequest, survey_id) -> HttpResponse:
    survey, membership = survey_for_user(request.user, survey_id)
    return _render_detail(request, survey, membership, ProgramQuestionForm())


def _render_detail(request, survey, membership, question_form, status=200) -> HttpResponse:
    locked = services.survey_is_locked(survey)
    context = {
        "survey": survey,
        "program": survey.program,
        "membership": membership,
        "link": public_link(request, survey),
        "locked": locked,
        "is_open": survey.is_open(timezone.localdate()),
        "program_questions": list(survey.program_questions.all()),
        "question_form": question_form if membership.can_lead and not locked else None,
        "codes_form": CodesForm() if membership.can_lead and survey.codes_required else None,
        "codes_left": survey.codes.filter(used=False).count(),
        "max_questions": questions.MAX_PROGRAM_QUESTIONS,
        **_answer_counts(survey, membership),
    }
    return render(request, "surveys/survey_detail.html", context, status=status)


def _answer_counts(survey: Survey, membership) -> dict:
    """How many answered: by source for leaders (who read the raw responses anyway); for
    others, the protected total that the results show (None while it is hidden), since a raw
    count beside a hidden total would give that total away."""
    if membership.can_lead:
        counts = {s: survey.responses.filter(source=s).count() for s in Response.Source.values}
        return {
            "web_count": counts[Response.Source.WEB],
            "paper_count": counts[Response.Source.PAPER],
        }
    return {"respondents": results.survey_results(survey).total_respondents}


@login_required
@require_POST
def question_add(request: HttpRequest, survey_id) -> HttpResponse:
    survey, membership = survey_for_user(request.user, survey_id, Need.LEAD)
    form = ProgramQuestionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, survey, membership, form, status=400)
    data = form.cleaned_data
    try:
        services.program_question_add(
            survey=survey, kind=data["kind"], text=data["text"], choices=data["choices"]
        )
    except services.SurveyRefused as refused:
        form.add_error(None, str(refused))
        return _render_detail(request, survey, membership, form, status=400)
    messages.success(request, _("Question added."))
    return redirect("surveys:survey", survey.pk)


@login_required
@require_POST
def question_remove(request: HttpRequest, survey_id, position: int) -> HttpResponse:
    survey, _membership = survey_for_user(request.user, survey_id, Need.LEAD)
    question = survey.program_questions.filter(position=position).first()
    if question is None:
        messages.error(request, _("That question is not in this survey any more."))
        return redirect("surveys:survey", survey.pk)
    try:
        services.program_question_remove(question=question)
    except services.SurveyRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Question removed."))
    return redirect("surveys:survey", survey.pk)


@login_required
@require_GET
def survey_qr(request: HttpRequest, survey_id) -> HttpResponse:
    survey, _membership = survey_for_user(request.user, survey_id)
    return HttpResponse(qr.qr_svg(public_link(request, survey)), content_type="image/svg+xml")


def _flyer_language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    languages = {code for code, _name in settings.LANGUAGES}
    return asked if asked in languages else translation.get_language()


@login_required
@require_GET
def survey_flyer(request: HttpRequest, survey_id) -> HttpResponse:
    survey, _membership = survey_for_user(request.user, survey_id)
    language = _flyer_language(request)
    link = public_link(request, survey)
    with translation.override(language):
        html = render_to_string(
            "surveys/flyer.html",
            {"survey": survey, "link": link, "qr": qr.qr_data_uri(link), "language": language},
        )
        content = pdf.html_to_pdf(html)
        name = slugify(f"{survey.title} {_('flyer')} {language}") or "flyer"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, survey_id) -> HttpResponse:
    survey, _membership = survey_for_user(request.user, survey_id, Need.ANSWER)
    form = ResponseForm(
        request.POST or None,
        survey=survey,
        program_questions=survey.program_questions.all(),
        ask_code=False,
    )
    if request.method == "POST" and form.is_valid():
        values = services.ResponseValues(
            answers=form.answers(), language=translation.get_language(), **form.about()
        )
        try:
            services.response_submit(
                survey=survey,
                values=values,
                today=timezone.localdate(),
                source=Response.Source.PAPER,
            )
        except services.SurveyRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Paper answers saved. Enter the next form below."))
            return redirect("surveys:paper", survey.pk)
    context = {"survey": survey, "program": survey.program, "form": form}
    return render(request, "surveys/paper.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def codes_create(request: HttpRequest, survey_id) -> HttpResponse:
    survey, _membership = survey_for_user(request.user, survey_id, Need.LEAD)
    form = CodesForm(request.POST)
    if not survey.codes_required:
        messages.error(request, _("Turn on one-time codes for this survey first."))
        return redirect("surveys:survey", survey.pk)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors.get("count", []))))
        return redirect("surveys:survey", survey.pk)
    try:
        codes = services.codes_generate(survey=survey, count=form.cleaned_data["count"])
    except services.SurveyRefused as refused:
        messages.error(request, str(refused))
        return redirect("surveys:survey", survey.pk)
    context = {"survey": survey, "program": survey.program, "codes": codes}
    context["link"] = public_link(request, survey)
    response = render(request, "surveys/codes.html", context)
    # Shown once: the codes are stored only hashed, and no cache keeps this page.
    response["Cache-Control"] = "no-store"
    return response
