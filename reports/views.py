from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation

from assessments import levels, progress, services
from assessments.access import assessment_for_user
from assessments.forms import ReopenForm
from assessments.models import Organization
from assessments.progress import respondent_answers_by_indicator
from assessments.translated import translated
from outcomes import summary as outcome_summary
from reports import documents
from reports.charts import DimensionBar, figure_json, profile_figure
from surveys import evidence as survey_evidence
from valuecurve import exports, languages


@login_required
def assessment_results(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, membership = assessment_for_user(request.user, assessment_id)
    dimensions = services.framework_dimensions(assessment.framework)
    answers = services.answers_by_indicator(assessment)
    profile = services.assessment_profile(assessment, dimensions, answers)
    spread = _visible_spread(assessment, membership, request.user)
    sections = [
        {
            "dimension": d,
            "result": profile.dimensions[d.key],
            "indicators": [
                (i, answers.get(i.pk), profile.dimensions[d.key].counted[i.key], spread.get(i.pk))
                for i in d.indicators.all()
            ],
        }
        for d in dimensions
    ]
    bars = [
        DimensionBar(
            translated(d, "name"), profile.dimensions[d.key].level, profile.dimensions[d.key].index
        )
        for d in dimensions
    ]
    context = {
        "assessment": assessment,
        "membership": membership,
        "profile": profile,
        "sections": sections,
        "chart": figure_json(profile_figure(bars)),
        "events": assessment.events.select_related("by"),
        "reopen_form": ReopenForm() if membership.can_lead and not assessment.is_draft else None,
        "level_names": levels.LEVEL_NAMES,
        "show_spread": bool(spread),
        "carried_unchanged": services.carried_count(answers),
        **_since_last_cycle(assessment),
        "disparity": outcome_summary.program_disparity(assessment.program),
        "surveys": survey_evidence.program_surveys(assessment.program),
        "voice_indicators": survey_evidence.VOICE_INDICATORS,
        "poster_statement_cut": documents.poster_statement(
            assessment.program.organization.commitment_statement
        )[1],
        "poster_statement_limit": Organization.POSTER_COMMITMENT_LENGTH,
        "document_language": _language(request, assessment),
    }
    return render(request, "reports/results.html", context)


def _since_last_cycle(assessment) -> dict:
    """The change of each dimension since the previous submitted cycle, and the trend."""
    cycles = progress.submitted_cycles(assessment.program)
    return {
        "change": documents.since_last_cycle(assessment, cycles),
        "trend": progress.trend_chart(cycles),
    }


def _visible_spread(assessment, membership, user) -> dict:
    """Respondents' answers per indicator, for those who may see them: no one sees the
    others' answers before submitting their own."""
    respondents = list(assessment.respondents.select_related("user").prefetch_related("answers"))
    mine = next((r for r in respondents if r.user_id == user.pk), None)
    pending = mine is not None and not mine.has_submitted and assessment.round_is_open
    if not respondents or (
        assessment.is_draft and (pending or not membership.can_lead and mine is None)
    ):
        return {}
    return respondent_answers_by_indicator(respondents)


# --- Documents: the printable report and the poster (HTML and PDF) ---------------------------


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    return exports.attachment(content, "application/pdf", filename)


def _language(request: HttpRequest, assessment) -> str:
    """A document is in its organization's language unless the download asks for another."""
    return languages.document_language(request, assessment.program.organization.language)


@login_required
def assessment_report(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, membership = assessment_for_user(request.user, assessment_id)
    spread = _visible_spread(assessment, membership, request.user)
    with translation.override(_language(request, assessment)):
        context = documents.report_context(assessment, spread=spread, today=timezone.localdate())
        return languages.in_language(render(request, "reports/print/report.html", context))


@login_required
def assessment_report_pdf(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, membership = assessment_for_user(request.user, assessment_id)
    spread = _visible_spread(assessment, membership, request.user)
    with translation.override(_language(request, assessment)):
        content = documents.report_pdf(assessment, spread=spread, today=timezone.localdate())
    return _pdf_response(content, documents.document_filename(assessment, "report"))


def _poster_size(request: HttpRequest) -> documents.PosterSize:
    size = documents.poster_sizes().get(request.GET.get("size", "tabloid"))
    if size is None:
        raise Http404
    return size


@login_required
def assessment_poster(request: HttpRequest, assessment_id) -> HttpResponse:
    """The poster as a web page, for sharing on screen: what the PDF prints, to the same
    readers (the organization's own, disparity panel included)."""
    size = _poster_size(request)
    assessment, _membership = assessment_for_user(request.user, assessment_id)
    with translation.override(_language(request, assessment)):
        context = documents.poster_context(
            assessment, size=size, today=timezone.localdate(), disparity=True
        )
        return languages.in_language(render(request, "reports/print/poster.html", context))


@login_required
def assessment_poster_pdf(request: HttpRequest, assessment_id) -> HttpResponse:
    size = _poster_size(request)
    assessment, _membership = assessment_for_user(request.user, assessment_id)
    # The organization's own people: the poster carries its disparity panel.
    with translation.override(_language(request, assessment)):
        content = documents.poster_pdf(
            assessment, size=size, today=timezone.localdate(), disparity=True
        )
    return _pdf_response(content, documents.document_filename(assessment, f"poster-{size.key}"))
