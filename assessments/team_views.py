"""Several respondents: assigning them, their own submission, closing the round, the
leader's consensus pages, and the assessment's history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import consensus, services
from assessments import respondents as team
from assessments.access import Need, assessment_for_user
from assessments.forms import AssignRespondentsForm, VersionForm, consensus_forms
from assessments.history import assessment_history
from assessments.models import Membership, RespondentAnswer, Role
from assessments.progress import (
    dimension_steps,
    prior_answer_views,
    respondent_answers_by_indicator,
)
from valuecurve.http import AuthenticatedHttpRequest


def team_context(assessment, membership, scope, dimensions) -> dict:
    """What the review page shows about respondents and the consensus."""
    respondents = list(
        assessment.respondents.select_related("user").annotate(
            answered=Count("answers", filter=Q(answers__level__isnull=False))
        )
    )
    lead_may_see = membership.can_lead and not _is_pending_respondent(scope)
    can_assign = membership.can_lead and assessment.round_is_open
    context = {
        "respondents": respondents,
        "indicator_total": sum(len(d.indicators.all()) for d in dimensions),
        "submitted_count": sum(1 for r in respondents if r.has_submitted),
        "assign_form": AssignRespondentsForm(assessment=assessment) if can_assign else None,
        "consensus_open": lead_may_see and consensus_ready(assessment, respondents),
    }
    if membership.can_lead:
        context |= _leader_context(assessment, respondents, scope, can_assign, membership.user_id)
    return context


def _leader_context(assessment, respondents, scope, can_assign: bool, user_id: int) -> dict:
    """`scope.answers` are the scored answers here, except for a pending respondent (who
    sees neither the consensus nor the draft's count)."""
    answered = 0 if _is_pending_respondent(scope) else team.answered_count(scope.answers)
    return {
        "can_remind": assessment.round_is_open and bool(team.awaited(respondents, user_id)),
        "last_reminder": team.last_reminder(respondents),
        "consensus_count": answered if respondents else 0,
        "prior_answers": _prior_answers(assessment) if respondents else [],
        "draft_count": 0 if respondents else answered,
        "viewers": viewer_names(assessment) if can_assign else [],
    }


def _prior_answers(assessment) -> list:
    """The draft before assignment, in the framework's order, for the leader to read."""
    answers = assessment.prior_answers.select_related("indicator")
    return list(answers.order_by("indicator__dimension__order", "indicator__order"))


def viewer_names(assessment) -> list[str]:
    """The organization's viewers: not offered as respondents, and the page says why."""
    viewers = Membership.objects.filter(
        organization_id=assessment.program.organization_id, role=Role.VIEWER
    ).select_related("user")
    return sorted(team.person(m.user) for m in viewers)


def _is_pending_respondent(scope) -> bool:
    """Still answering on their own: they may not see the others' answers yet."""
    return scope.writable and scope.respondent is not None


def consensus_ready(assessment, respondents) -> bool:
    """Everyone has submitted, or the leader closed the round."""
    if not respondents:
        return False
    return assessment.round_closed_at is not None or all(r.has_submitted for r in respondents)


@login_required
@require_POST
def respondents_assign(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, _membership = assessment_for_user(request.user, assessment_id, Need.LEAD)
    form = AssignRespondentsForm(request.POST, assessment=assessment)
    if not form.is_valid():
        messages.error(
            request, _("Choose at least one leader or contributor of this organization.")
        )
        return redirect("assessments:review", assessment.pk)
    try:
        added = services.respondents_assign(
            assessment=assessment, users=list(form.cleaned_data["users"]), by=request.user
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("assessments:review", assessment.pk)
    unreachable = team.assignment_notify(respondents=added, request=request, by=request.user)
    messages.success(
        request, _("Respondents assigned and emailed the link. Each answers on their own.")
    )
    _warn_unreachable(request, unreachable)
    return redirect("assessments:review", assessment.pk)


def _warn_unreachable(request, unreachable) -> None:
    if unreachable:
        names = ", ".join(team.person(r.user) for r in unreachable)
        messages.warning(
            request, _("No email address for %(names)s: tell them yourself.") % {"names": names}
        )


@login_required
@require_POST
def respondents_remind(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, _membership = assessment_for_user(request.user, assessment_id, Need.LEAD)
    try:
        reminded = team.respondents_remind(assessment=assessment, request=request, by=request.user)
    except team.ReminderRefused as exc:
        messages.error(request, str(exc))
        return redirect("assessments:review", assessment.pk)
    names = ", ".join(team.person(r.user) for r in reminded.sent)
    messages.success(request, _("Reminder emailed to %(names)s.") % {"names": names})
    if reminded.too_soon:
        names = ", ".join(team.person(r.user) for r in reminded.too_soon)
        messages.info(
            request,
            _("Not reminded again, emailed less than a day ago: %(names)s.") % {"names": names},
        )
    _warn_unreachable(request, reminded.unreachable)
    return redirect("assessments:review", assessment.pk)


@login_required
@require_POST
def respondent_submit(request: AuthenticatedHttpRequest, assessment_id) -> HttpResponse:
    assessment, _membership = assessment_for_user(request.user, assessment_id, Need.ANSWER)
    respondent = assessment.respondents.filter(user=request.user).first()
    form = VersionForm(request.POST)
    if respondent is None or not form.is_valid():
        messages.error(request, _("You are not a respondent of this assessment."))
        return redirect("assessments:review", assessment.pk)
    try:
        services.respondent_submit(
            respondent=respondent, expected_version=form.cleaned_data["version"], by=request.user
        )
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your answers are submitted. You can now see everyone's."))
    return redirect("assessments:review", assessment.pk)


@login_required
@require_POST
def round_close(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, _membership = assessment_for_user(request.user, assessment_id, Need.LEAD)
    try:
        services.round_close(assessment=assessment, by=request.user)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Round closed. Set the consensus answers now."))
    return redirect("assessments:review", assessment.pk)


@login_required
def consensus_dimension(request: HttpRequest, assessment_id, dimension_key: str) -> HttpResponse:
    assessment, membership = assessment_for_user(request.user, assessment_id, Need.LEAD)
    dimensions = services.framework_dimensions(assessment.framework)
    dimension = next((d for d in dimensions if d.key == dimension_key), None)
    respondents = list(
        assessment.respondents.select_related("user").prefetch_related(
            Prefetch("answers", queryset=RespondentAnswer.objects.order_by("indicator_id"))
        )
    )
    scope = services.answer_scope(assessment, request.user, membership.can_answer)
    if dimension is None or _is_pending_respondent(scope):
        return redirect("assessments:review", assessment.pk)
    if not assessment.is_draft or not consensus_ready(assessment, respondents):
        messages.error(
            request, _("The consensus opens when everyone has submitted or the round is closed.")
        )
        return redirect("assessments:review", assessment.pk)
    answers = services.answers_by_indicator(assessment)
    spread_table = respondent_answers_by_indicator(respondents)
    prior = prior_answer_views(assessment)
    indicators = list(dimension.indicators.all())
    data = request.POST if request.method == "POST" else None
    forms_ = consensus_forms(indicators, answers, _suggestions(spread_table), data)
    page = {
        "assessment": assessment,
        "membership": membership,
        "dimension": dimension,
        "dimensions": dimensions,
        "steps": dimension_steps(dimensions, answers, current=dimension.key),
        "rows": [_row(f, spread_table, prior) for f in forms_],
        "respondent_count": len(respondents),
        "version_form": VersionForm(data, initial={"version": assessment.version}),
    }
    if data is None:
        return render(request, "assessments/consensus.html", page)
    return _save_consensus(request, page, forms_, dimensions)


def _row(form, table, prior) -> tuple:
    """One indicator: its form, every view (the draft before assignment last, not counted)
    and the spread of the respondents' answers."""
    views = table.get(form.indicator.pk, [])
    spread = consensus.spread([view.level for view in views])
    shown = views + [prior[form.indicator.pk]] if form.indicator.pk in prior else views
    return form, shown, spread


def _suggestions(table) -> dict[int, tuple[consensus.Suggestion, dict]]:
    """Per indicator, the respondents' suggestion and the form's starting values."""
    suggestions = {}
    for indicator_id, views in table.items():
        evidence = "\n".join(f"{v.name}: {v.evidence}" for v in views if v.evidence)
        suggestion = consensus.suggest([v.level for v in views])
        initial = {"level": suggestion.level, "evidence": evidence[:5000]}
        suggestions[indicator_id] = (suggestion, initial)
    return suggestions


def _save_consensus(request, page, forms_, dimensions) -> HttpResponse:
    assessment, version_form = page["assessment"], page["version_form"]
    if not version_form.is_valid() or not all(f.is_valid() for f in forms_):
        page["error"] = _("Some answers need your attention; nothing was saved.")
        return render(request, "assessments/consensus.html", page, status=400)
    try:
        services.answers_save(
            assessment=assessment,
            values={f.indicator: f.values() for f in forms_},
            expected_version=version_form.cleaned_data["version"],
            by=request.user,
        )
    except services.StaleVersion as stale:
        page["error"], page["conflict"] = str(stale), stale
        page["version_form"] = VersionForm(initial={"version": stale.current_version})
        return render(request, "assessments/consensus.html", page, status=409)
    except services.AssessmentError as exc:
        page["error"] = str(exc)
        return render(request, "assessments/consensus.html", page, status=409)
    keys = [d.key for d in dimensions]
    position = keys.index(page["dimension"].key)
    if position + 1 < len(keys):
        return redirect("assessments:consensus", assessment.pk, keys[position + 1])
    messages.success(request, _("Consensus saved. Review and submit the assessment."))
    return redirect(reverse("assessments:review", args=[assessment.pk]))


@login_required
def history(request: HttpRequest, assessment_id) -> HttpResponse:
    assessment, membership = assessment_for_user(request.user, assessment_id, Need.LEAD)
    context = {
        "assessment": assessment,
        "membership": membership,
        "entries": assessment_history(assessment),
    }
    return render(request, "assessments/history.html", context)
