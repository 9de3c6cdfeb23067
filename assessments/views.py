import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from assessments import cycles, services
from assessments.access import Need, assessment_for_user, program_for_user
from assessments.checklist import checklist_steps
from assessments.forms import (
    ReopenForm,
    StartAssessmentForm,
    VersionForm,
    indicator_forms,
    touched_answers,
    unknown_indicator_keys,
)
from assessments.models import Assessment, DimensionScore, Membership, Program
from assessments.organizations import organization_facts
from assessments.progress import cycle_rows, dimension_steps, trend_chart
from assessments.respondents import respondent_to_do
from assessments.team_views import team_context


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(
        Membership.objects.for_user(request.user)
        .select_related("organization")
        .order_by("organization__name")
    )
    programs = (
        Program.objects.active()
        .filter(organization__in=[m.organization_id for m in memberships])
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.newest_cycle_first().prefetch_related("scores"),
            )
        )
        .order_by("name")
    )
    by_org: dict = {m.organization_id: [] for m in memberships}
    for program in programs:
        by_org[program.organization_id].append(program)
    facts = organization_facts([m.organization_id for m in memberships if m.can_lead])
    rows = [
        (
            m,
            by_org[m.organization_id],
            checklist_for(m.organization_id, facts.get(m.organization_id)),
        )
        for m in memberships
    ]
    context = {
        "rows": rows,
        "todos": list(respondent_to_do(request.user)),
        "organization_ids": [m.organization_id for m in memberships],
    }
    return render(request, "assessments/home.html", context)


def checklist_for(organization_id, facts) -> list[dict]:
    """A leader's first steps for the organization, each linked to where it is done."""
    if facts is None:
        return []
    links = {
        "profile": reverse("assessments:organization_profile", args=[organization_id]),
        "program": reverse("assessments:program_create", args=[organization_id]),
        "team": reverse("assessments:members", args=[organization_id]),
        "assessment": reverse("assessments:programs", args=[organization_id]),
        "commitment": reverse("assessments:statements", args=[organization_id]),
    }
    return [
        {"label": step.label, "done": step.done, "url": links[step.key]}
        for step in checklist_steps(facts)
    ]


@login_required
def program_detail(request: HttpRequest, program_id) -> HttpResponse:
    program, membership = program_for_user(request.user, program_id)
    form = None
    if membership.can_lead:
        asked = _uuid_or_none(request.GET.get("cycle"))
        chosen = cycles.free_cycles(program).filter(pk=asked).first() if asked else None
        initial = {"cycle": chosen} if chosen else {}
        form = StartAssessmentForm(program=program, today=timezone.localdate(), initial=initial)
    return _render_program(request, program, membership, form)


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _render_program(request, program, membership, form, status=200) -> HttpResponse:
    assessments = list(
        program.assessments.select_related("framework")
        .prefetch_related(
            Prefetch("scores", queryset=DimensionScore.objects.select_related("dimension"))
        )
        .in_cycle_order()
    )
    context = {
        "program": program,
        "membership": membership,
        "form": form,
        "rows": cycle_rows(assessments),
        "trend": trend_chart([a for a in assessments if not a.is_draft]),
    }
    return render(request, "assessments/program_detail.html", context, status=status)


@login_required
@require_POST
def assessment_start(request: HttpRequest, program_id) -> HttpResponse:
    program, membership = program_for_user(request.user, program_id, Need.LEAD)
    form = StartAssessmentForm(request.POST, program=program, today=timezone.localdate())
    if program.is_archived:
        form.add_error(None, _("This program is archived. Restore it to start a new cycle."))
        return _render_program(request, program, membership, form, status=409)
    if not form.is_valid():
        return _render_program(request, program, membership, form, status=400)
    copy_from = (
        services.previous_assessment(program) if form.cleaned_data.get("copy_previous") else None
    )
    try:
        with transaction.atomic():
            cycle = form.chosen_cycle()
            if cycle._state.adding:
                cycles.cycle_save(cycle=cycle, by=request.user)
            assessment = services.assessment_start(
                program=program,
                cycle=cycle,
                framework=form.cleaned_data["framework"],
                by=request.user,
                copy_from=copy_from,
            )
    except (services.AssessmentError, cycles.CycleError) as exc:
        form.add_error(None, str(exc))
        return _render_program(request, program, membership, form, status=400)
    messages.success(request, _("Assessment started. Your answers save as you go."))
    return redirect("assessments:detail", assessment.pk)


@login_required
def assessment_detail(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, _membership = assessment_for_user(request.user, assessment_id)
    if not assessment.is_draft:
        return redirect("reports:results", assessment.pk)
    first = assessment.framework.dimensions.order_by("order")[0]
    return redirect("assessments:dimension", assessment.pk, first.key)


@login_required
def assessment_dimension(request: HttpRequest, assessment_id, dimension_key: str) -> HttpResponse:
    need = Need.ANSWER if request.method == "POST" else Need.READ
    assessment, membership = assessment_for_user(request.user, assessment_id, need)
    dimensions = services.framework_dimensions(assessment.framework)
    dimension = next((d for d in dimensions if d.key == dimension_key), None)
    if dimension is None:
        return redirect("assessments:detail", assessment.pk)
    if not assessment.is_draft and request.method != "POST":
        return redirect("reports:results", assessment.pk)
    scope = services.answer_scope(assessment, request.user, membership.can_answer)
    indicators = list(dimension.indicators.all())
    page = {
        "assessment": assessment,
        "membership": membership,
        "dimensions": dimensions,
        "dimension": dimension,
        "steps": dimension_steps(dimensions, scope.answers, current=dimension.key),
        "scope": scope,
        "read_only": not scope.writable,
        "carried": services.carried_indicators(scope),
    }
    if request.method != "POST":
        page["forms"] = indicator_forms(indicators, scope.answers, version=scope.version)
        page["version_form"] = VersionForm(initial={"version": scope.version})
        return render(request, "assessments/dimension.html", page)
    return _save_dimension(request, page, indicators, scope)


def _save_dimension(request, page, indicators, scope) -> HttpResponse:
    assessment = page["assessment"]
    autosave = request.headers.get("X-Autosave") == "1"
    forms_ = indicator_forms(indicators, scope.answers, data=request.POST)
    version_form = VersionForm(request.POST)
    page.update(forms=forms_, version_form=version_form)
    error = _dimension_post_error(request, assessment, indicators, forms_, version_form)
    if error is None and not scope.writable:
        error = _("Each respondent answers on their own here; the leader sets the consensus.")
    if error:
        return _refuse(request, page, error, autosave)
    values, seen = touched_answers(forms_)
    try:
        version = services.answers_save(
            assessment=assessment,
            values=values,
            expected_version=version_form.cleaned_data["version"],
            by=request.user,
            respondent=scope.respondent if scope.team else None,
            seen=seen,
        )
    except services.StaleVersion as stale:
        page["conflict"] = stale
        page["forms"] = _acknowledged(request.POST, indicators, scope, stale)
        page["version_form"] = VersionForm(initial={"version": stale.current_version})
        return _refuse(request, page, str(stale), autosave, status=409)
    except services.AssessmentError as exc:
        return _refuse(request, page, str(exc), autosave, status=409)
    if autosave:
        saved = {
            f"i-{indicator.key}": {"seen": version, "loaded": services.answer_digest(new)}
            for indicator, new in values.items()
        }
        return JsonResponse({"saved": True, "version": version, "answers": saved})
    return redirect(_after_save_url(request, page))


@login_required
@require_POST
def answers_confirm(request: HttpRequest, assessment_id, dimension_key: str) -> HttpResponse:
    """Confirm a page's carried-over answers (or the one named by `indicator`) unchanged."""
    assessment, _membership = assessment_for_user(request.user, assessment_id, Need.ANSWER)
    dimension = assessment.framework.dimensions.filter(key=dimension_key).first()
    if dimension is None:
        return redirect("assessments:detail", assessment.pk)
    indicators = list(dimension.indicators.all())
    if key := request.POST.get("indicator"):
        indicators = [i for i in indicators if i.key == key]
        if not indicators:
            messages.error(request, _("This answer is not on this page. Reload the page."))
            return redirect("assessments:dimension", assessment.pk, dimension.key)
    try:
        count = services.answers_confirm(
            assessment=assessment, indicators=indicators, by=request.user
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("assessments:detail", assessment.pk)
    text = ngettext(
        "%d carried answer confirmed unchanged.", "%d carried answers confirmed unchanged.", count
    )
    messages.success(request, text % count)
    return redirect("assessments:dimension", assessment.pk, dimension.key)


def _acknowledged(data, indicators, scope, stale: services.StaleVersion) -> list:
    """The person's input again, now knowing the other answers: saving again replaces
    theirs with it, knowingly."""
    data = data.copy()
    for answer in stale.changed:
        data[f"i-{answer.indicator.key}-seen"] = answer.changed_in_version
    forms_ = indicator_forms(indicators, scope.answers, data=data)
    for form in forms_:
        form.is_valid()
    return forms_


def _dimension_post_error(request, assessment, indicators, forms_, version_form) -> str | None:
    if not assessment.is_draft:
        return _("This assessment has been submitted and is read-only. A leader can reopen it.")
    if unknown_indicator_keys(request.POST, indicators):
        return _("This form holds questions that are not part of this page. Reload the page.")
    if not version_form.is_valid():
        return _("This form is missing its version. Reload the page and try again.")
    if not all(form.is_valid() for form in forms_):
        return _("Some answers need your attention; nothing was saved. See the messages below.")
    return None


def _refuse(request, page, message: str, autosave: bool, status: int = 400) -> HttpResponse:
    if autosave:
        return JsonResponse({"saved": False, "error": message}, status=status)
    page["error"] = message
    return render(request, "assessments/dimension.html", page, status=status)


def _after_save_url(request, page) -> str:
    assessment, dimensions = page["assessment"], page["dimensions"]
    keys = [d.key for d in dimensions]
    position = keys.index(page["dimension"].key)
    if "next" in request.POST:
        if position + 1 < len(keys):
            return reverse("assessments:dimension", args=[assessment.pk, keys[position + 1]])
        return reverse("assessments:review", args=[assessment.pk])
    if "previous" in request.POST and position > 0:
        return reverse("assessments:dimension", args=[assessment.pk, keys[position - 1]])
    messages.success(request, _("Draft saved."))
    return reverse("assessments:dimension", args=[assessment.pk, keys[position]])


@login_required
def assessment_review(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, membership = assessment_for_user(request.user, assessment_id)
    if not assessment.is_draft:
        return redirect("reports:results", assessment.pk)
    return _render_review(request, assessment, membership)


def _render_review(request, assessment, membership, error: str = "", status=200) -> HttpResponse:
    dimensions = services.framework_dimensions(assessment.framework)
    scope = services.answer_scope(assessment, request.user, membership.can_answer)
    profile = services.assessment_profile(assessment, dimensions, scope.answers)
    context = {
        "assessment": assessment,
        "membership": membership,
        "dimensions": dimensions,
        "scope": scope,
        "steps": dimension_steps(dimensions, scope.answers, current="review"),
        "review": [(d, profile.dimensions[d.key]) for d in dimensions],
        "carried": services.carried_indicators(scope),
        "complete": not any(r.unanswered for r in profile.dimensions.values()),
        "error": error,
        **team_context(assessment, membership, scope, dimensions),
    }
    return render(request, "assessments/review.html", context, status=status)


@login_required
@require_POST
def assessment_submit(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, membership = assessment_for_user(request.user, assessment_id, Need.LEAD)
    form = VersionForm(request.POST)
    if not form.is_valid():
        message = _("This form is missing its version. Reload the page and try again.")
        return _render_review(request, assessment, membership, message, status=400)
    try:
        services.assessment_submit(
            assessment=assessment, expected_version=form.cleaned_data["version"], by=request.user
        )
    except services.AssessmentError as exc:
        if not assessment.is_draft:
            messages.error(request, str(exc))
            return redirect("reports:results", assessment.pk)
        return _render_review(request, assessment, membership, str(exc), status=409)
    messages.success(request, _("Assessment submitted. Here are the program's levels."))
    return redirect("reports:results", assessment.pk)


@login_required
@require_POST
def assessment_reopen(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, _membership = assessment_for_user(request.user, assessment_id, Need.LEAD)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you reopen the assessment; it is recorded."))
        return redirect("reports:results", assessment.pk)
    try:
        services.assessment_reopen(
            assessment=assessment, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("assessments:detail", assessment.pk)
    messages.success(
        request,
        _("Assessment reopened as a draft. Its scores are cleared until it is submitted again."),
    )
    return redirect("assessments:detail", assessment.pk)
