"""Scorecards of a program and of an organization."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from assessments.access import organization_for_user, program_for_user
from assessments.models import Assessment, DimensionScore, PlanStep
from assessments.progress import cycle_rows
from assessments.translated import translated
from reports.scorecard import StepRow, build_scorecard


def _rows(steps, program_name: str = "") -> list[StepRow]:
    return [
        StepRow(translated(s.dimension, "name"), s.status, s.due_date, s.title, program_name or "")
        for s in steps
    ]


def _dimension_names(assessment) -> list[str]:
    return [translated(d, "name") for d in assessment.framework.dimensions.all()]


@login_required
def program_scorecard(request: HttpRequest, program_id) -> HttpResponse:
    program, membership = program_for_user(request.user, program_id)
    assessments = list(
        program.assessments.submitted()
        .select_related("framework")
        .prefetch_related(
            Prefetch("scores", queryset=DimensionScore.objects.select_related("dimension")),
            Prefetch("plan_steps", queryset=PlanStep.objects.select_related("dimension")),
            "framework__dimensions",
        )
        .in_cycle_order()
    )
    today = timezone.localdate()
    cards = [
        (a, build_scorecard(_rows(a.plan_steps.all()), _dimension_names(a), today))
        for a in assessments
    ]
    context = {
        "program": program,
        "membership": membership,
        "latest": cards[-1] if cards else None,
        "previous": cards[-2] if len(cards) > 1 else None,
        "levels": cycle_rows(assessments)[-1] if assessments else None,
    }
    return render(request, "reports/program_scorecard.html", context)


@login_required
def organization_scorecard(request: HttpRequest, organization_id) -> HttpResponse:
    organization, membership = organization_for_user(request.user, organization_id)
    latest = list(
        Assessment.objects.latest_per_program()
        .filter(program__organization=organization)
        .select_related("program", "framework")
        .prefetch_related(
            Prefetch("plan_steps", queryset=PlanStep.objects.select_related("dimension")),
            "framework__dimensions",
        )
        .order_by("program__name")
    )
    rows = [r for a in latest for r in _rows(a.plan_steps.all(), a.program.name)]
    names = _dimension_names(latest[0]) if latest else []
    context = {
        "organization": organization,
        "membership": membership,
        "card": build_scorecard(rows, names, timezone.localdate()),
        "programs": latest,
    }
    return render(request, "reports/organization_scorecard.html", context)
