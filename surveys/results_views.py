"""A survey's results for the organization's members: the page, the tables as CSV and Excel,
and, for its leaders, the open answers and the raw responses.

Viewers, contributors and leaders read the protected tables (surveys.results); only leaders
read open text, on the page behind a reminder and in the raw download when they ask for it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.access import Need
from surveys import findings, results, results_tables
from surveys.access import survey_for_user
from surveys.models import Survey
from surveys.services import SurveyRefused, refuse_if_archived
from valuecurve import exports


@login_required
@require_GET
def survey_results(request: HttpRequest, survey_id) -> HttpResponse:
    survey, membership = survey_for_user(request.user, survey_id)
    form = findings.FindingForm(survey=survey) if membership.can_lead else None
    return _render_results(request, survey, membership, form)


def _render_results(request, survey, membership, form, status=200) -> HttpResponse:
    outcome = results.survey_results(survey)
    served = results.served_population(survey.program)
    context = {
        "survey": survey,
        "program": survey.program,
        "membership": membership,
        "results": outcome,
        "served": served,
        "response_rows": results_tables.response_rows(outcome, served),
        "open_answers": results.open_answers(survey) if membership.can_lead else None,
        "ties": findings.survey_ties(survey),
        "finding_form": form,
    }
    return render(request, "surveys/results.html", context, status=status)


@login_required
@require_POST
def finding_add(request: HttpRequest, survey_id) -> HttpResponse:
    survey, membership = survey_for_user(request.user, survey_id, Need.LEAD)
    form = findings.FindingForm(request.POST, survey=survey)
    if not form.is_valid():
        return _render_results(request, survey, membership, form, status=400)
    try:
        findings.finding_add(
            survey=survey,
            question=form.cleaned_data["question"],
            step=form.cleaned_data["step"],
            by=request.user,
        )
    except SurveyRefused as refused:
        form.add_error(None, str(refused))
        return _render_results(request, survey, membership, form, status=400)
    messages.success(request, _("The step is tied to what the survey found."))
    return redirect("survey_results:results", survey.pk)


@login_required
@require_POST
def finding_remove(request: HttpRequest, survey_id, finding_id) -> HttpResponse:
    survey, _membership = survey_for_user(request.user, survey_id, Need.LEAD)
    try:
        refuse_if_archived(survey.program)
    except SurveyRefused as refused:
        messages.error(request, str(refused))
        return redirect("survey_results:results", survey.pk)
    deleted, _rows = survey.findings.filter(pk=finding_id).delete()
    if deleted:
        messages.success(request, _("The tie is removed; the step stays in the plan."))
    return redirect("survey_results:results", survey.pk)


def _filename(survey: Survey, what: str, extension: str) -> str:
    return f"{slugify(survey.title)[:60] or 'survey'}-{what}.{extension}"


@login_required
@require_GET
def results_csv(request: HttpRequest, survey_id) -> HttpResponse:
    survey, _membership = survey_for_user(request.user, survey_id)
    sheet = results_tables.results_sheet(results.survey_results(survey))
    body = exports.csv_bytes(sheet)
    return exports.attachment(body, exports.CSV_CONTENT_TYPE, _filename(survey, "results", "csv"))


@login_required
@require_GET
def results_xlsx(request: HttpRequest, survey_id) -> HttpResponse:
    survey, _membership = survey_for_user(request.user, survey_id)
    outcome = results.survey_results(survey)
    served = results.served_population(survey.program)
    sheets = [
        results_tables.results_sheet(outcome),
        results_tables.responses_sheet(outcome, served),
    ]
    body = exports.xlsx_bytes(sheets)
    filename = _filename(survey, "results", "xlsx")
    return exports.attachment(body, exports.XLSX_CONTENT_TYPE, filename)


@login_required
@require_GET
def responses_csv(request: HttpRequest, survey_id) -> HttpResponse:
    """Every response, one row each, for the organization's leaders; open text only when
    asked for (`?text=1`), after the page's warning."""
    survey, _membership = survey_for_user(request.user, survey_id, Need.LEAD)
    with_text = request.GET.get("text") == "1"
    sheet = results_tables.raw_sheet(survey, with_text=with_text)
    body = exports.csv_bytes(sheet)
    what = "responses-with-text" if with_text else "responses"
    return exports.attachment(body, exports.CSV_CONTENT_TYPE, _filename(survey, what, "csv"))
