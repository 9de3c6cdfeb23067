"""The JSON API, version 1. Every object is loaded through the same access selectors as the
pages (assessments.access, outcomes.access, the `visible_to` querysets) and then kept to the
token's organization: a token sees at most what its user sees, in one organization."""

import uuid
from dataclasses import asdict
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.errors import ErrorSerializer, error_response
from api.models import AccessToken
from assessments import plans
from assessments import services as assessment_services
from assessments.access import (
    Need,
    assessment_for_user,
    organization_for_user,
    plan_step_for_user,
    program_for_user,
)
from assessments.models import Assessment, Cycle, Organization, PlanStep, Program
from outcomes import imports, summary
from outcomes import services as outcome_services
from outcomes.access import outcome_measure_for_user
from outcomes.models import OutcomeMeasure
from surveys import results, results_tables
from surveys.access import survey_for_user
from surveys.models import Survey

ERRORS = dict.fromkeys((400, 401, 403, 404, 429), ErrorSerializer)


def _responses(ok) -> dict:
    return {200: ok, **ERRORS}


def _in_scope(request, organization_id) -> None:
    """A 404 for what lies outside the token's organization, as for a stranger."""
    if request.auth.organization_id != organization_id:
        raise Http404


def _uuid_filter(request, name: str) -> uuid.UUID | None:
    text = request.query_params.get(name)
    if text is None:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ValidationError({name: [_("This is not an identifier (a UUID).")]}) from None


# KnownQuery is mixed into views; the type checker reads it as the view it is mixed into.
if TYPE_CHECKING:
    _View = APIView
else:
    _View = object


class KnownQuery(_View):
    """Refuses a query parameter the endpoint does not take (a mistyped filter would otherwise
    return everything): its filters, and the page parameters of a list."""

    filters: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        allowed = set(self.filters)
        if isinstance(self, generics.ListAPIView):
            allowed |= {"page", "page_size"}
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            message = _("This endpoint does not take this parameter.")
            raise ValidationError({name[:40]: [message] for name in unknown})


def _token(request) -> AccessToken:
    """The access token the request came with (BearerTokenAuthentication sets `request.auth`;
    every endpoint requires one)."""
    return request.auth


def _filter(name: str, what: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.UUID, description=what)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def not_found(request, *args, **kwargs):
    raise Http404


# --- Organizations, programs, cycles ----------------------------------------------------------


@extend_schema(responses=_responses(s.OrganizationSerializer(many=True)))
class OrganizationList(KnownQuery, generics.ListAPIView):
    serializer_class = s.OrganizationSerializer

    def get_queryset(self):
        token = _token(self.request)
        if token.organization_id is None:  # a cohort's token
            return Organization.objects.none()
        return Organization.objects.filter(
            memberships__user=token.user, pk=token.organization_id
        ).order_by("name")


@extend_schema(responses=_responses(s.OrganizationSerializer))
class OrganizationDetail(KnownQuery, generics.RetrieveAPIView):
    serializer_class = s.OrganizationSerializer

    def get_object(self):
        organization, _membership = organization_for_user(self.request.user, self.kwargs["pk"])
        _in_scope(self.request, organization.pk)
        return organization


@extend_schema(responses=_responses(s.ProgramSerializer(many=True)))
class ProgramList(KnownQuery, generics.ListAPIView):
    serializer_class = s.ProgramSerializer

    def get_queryset(self):
        return (
            Program.objects.visible_to(self.request.user)
            .filter(organization_id=_token(self.request).organization_id)
            .order_by("name", "pk")
        )


@extend_schema(responses=_responses(s.ProgramSerializer))
class ProgramDetail(KnownQuery, generics.RetrieveAPIView):
    serializer_class = s.ProgramSerializer

    def get_object(self):
        program, _membership = program_for_user(self.request.user, self.kwargs["pk"])
        _in_scope(self.request, program.organization_id)
        return program


@extend_schema(responses=_responses(s.CycleSerializer(many=True)))
class CycleList(KnownQuery, generics.ListAPIView):
    serializer_class = s.CycleSerializer

    def get_queryset(self):
        organization, _membership = _token_organization(self.request)
        return organization.cycles.in_order() if organization else Cycle.objects.none()


def _token_organization(request):
    """The token's organization, if its user is still a member; (None, None) otherwise."""
    if request.auth.organization_id is None:
        return None, None
    try:
        return organization_for_user(request.user, request.auth.organization_id)
    except Http404:
        return None, None


# --- Assessments ------------------------------------------------------------------------------


@extend_schema(
    parameters=[_filter("cycle", "Only this cycle's."), _filter("program", "Only this program's.")],
    responses=_responses(s.AssessmentSerializer(many=True)),
)
class AssessmentList(KnownQuery, generics.ListAPIView):
    filters = ("cycle", "program")
    serializer_class = s.AssessmentSerializer

    def get_queryset(self):
        assessments = (
            Assessment.objects.visible_to(self.request.user)
            .filter(program__organization_id=_token(self.request).organization_id)
            .prefetch_related("scores__dimension")
            .newest_cycle_first()
            .order_by("-cycle__starts_on", "program__name", "pk")
        )
        if cycle := _uuid_filter(self.request, "cycle"):
            assessments = assessments.filter(cycle_id=cycle)
        if program := _uuid_filter(self.request, "program"):
            assessments = assessments.filter(program_id=program)
        return assessments


@extend_schema(responses=_responses(s.AssessmentDetailSerializer))
class AssessmentDetail(KnownQuery, APIView):
    def get(self, request, pk):
        assessment, membership = assessment_for_user(request.user, pk)
        _in_scope(request, assessment.program.organization_id)
        # The answers the answer pages show this member (their own during an open round).
        scope = assessment_services.answer_scope(assessment, request.user, membership.can_answer)
        dimensions = assessment_services.framework_dimensions(assessment.framework)
        answers = [
            {
                "indicator": indicator.key,
                "dimension": dimension.key,
                "level": answer.level,
                "evidence": answer.evidence,
                "confidence": answer.confidence,
            }
            for dimension in dimensions
            for indicator in dimension.indicators.all()
            if (answer := scope.answers.get(indicator.pk)) is not None
        ]
        assessment.answers_shown = answers  # type: ignore[attr-defined]  # the serializer's source
        return Response(s.AssessmentDetailSerializer(assessment).data)


# --- Plans ------------------------------------------------------------------------------------


@extend_schema(
    parameters=[
        _filter("assessment", "Only this assessment's plan."),
        _filter("cycle", "Only this cycle's plans."),
        _filter("program", "Only this program's plans."),
    ],
    responses=_responses(s.PlanStepSerializer(many=True)),
)
class PlanStepList(KnownQuery, generics.ListAPIView):
    filters = ("assessment", "cycle", "program")
    serializer_class = s.PlanStepSerializer

    def get_queryset(self):
        assessments = Assessment.objects.visible_to(self.request.user).filter(
            program__organization_id=_token(self.request).organization_id
        )
        steps = PlanStep.objects.filter(assessment__in=assessments).select_related("dimension")
        if assessment := _uuid_filter(self.request, "assessment"):
            steps = steps.filter(assessment_id=assessment)
        if cycle := _uuid_filter(self.request, "cycle"):
            steps = steps.filter(assessment__cycle_id=cycle)
        if program := _uuid_filter(self.request, "program"):
            steps = steps.filter(assessment__program_id=program)
        return steps.order_by("assessment_id", "dimension__order", "order", "created_at", "pk")


class PlanStepDetail(KnownQuery, APIView):
    @extend_schema(responses=_responses(s.PlanStepSerializer))
    def get(self, request, pk):
        return Response(s.PlanStepSerializer(self._step(request, pk, Need.READ)).data)

    @extend_schema(request=s.PlanStepStatusSerializer, responses=_responses(s.PlanStepSerializer))
    def patch(self, request, pk):
        """Change the step's status (leaders, as on the plan page)."""
        step = self._step(request, pk, Need.LEAD)
        serializer = s.PlanStepStatusSerializer(step, data=request.data)
        serializer.is_valid(raise_exception=True)
        plans.plan_step_set_status(
            step=step, status=serializer.validated_data["status"], by=request.user
        )
        return Response(s.PlanStepSerializer(step).data)

    def _step(self, request, pk, need: Need) -> PlanStep:
        # Scope first: a step outside the token's organization is a 404, whatever the role.
        step = PlanStep.objects.select_related("assessment__program").filter(pk=pk).first()
        if step is None:
            raise Http404
        _in_scope(request, step.assessment.program.organization_id)
        return plan_step_for_user(request.user, pk, need)


# --- Outcomes ---------------------------------------------------------------------------------


@extend_schema(
    parameters=[_filter("program", "Only this program's measures.")],
    responses=_responses(s.OutcomeMeasureSerializer(many=True)),
)
class OutcomeMeasureList(KnownQuery, generics.ListAPIView):
    filters = ("program",)
    serializer_class = s.OutcomeMeasureSerializer

    def get_queryset(self):
        measures = _of_token_programs(self.request, OutcomeMeasure.objects.all())
        return measures.order_by("program_id", "name", "pk")


def _of_token_programs(request, queryset):
    """What belongs to the programs the token's user sees in its organization, only the
    `program` filter's when it is given."""
    programs = Program.objects.visible_to(request.user).filter(
        organization_id=_token(request).organization_id
    )
    queryset = queryset.filter(program__in=programs)
    if program := _uuid_filter(request, "program"):
        queryset = queryset.filter(program_id=program)
    return queryset


def _measure(request, pk, need: Need = Need.READ) -> OutcomeMeasure:
    measure, _membership = outcome_measure_for_user(request.user, pk, need)
    _in_scope(request, measure.program.organization_id)
    return measure


@extend_schema(responses=_responses(s.FigureSerializer(many=True)))
class OutcomeFigures(KnownQuery, APIView):
    """Every period's published figures: counts hidden by small-number suppression are null,
    exactly as on the measure's page (outcomes.summary, outcomes.privacy)."""

    def get(self, request, pk):
        measure = _measure(request, pk)
        analysis = summary.analyse(
            measure, measure.counts.all(), siblings=summary.sibling_counts(measure)
        )
        rows = summary.every_period_rows(analysis) if analysis is not None else {}
        figures = [
            {"period": period, **asdict(row)}
            for period, group_rows in rows.items()
            for row in group_rows
        ]
        return Response(s.FigureSerializer(figures, many=True).data)


class CSVParser(BaseParser):
    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(imports.MAX_BYTES + 1)


class CountsImportResult(serializers.Serializer):
    problems = s.ProblemSerializer(many=True)


@extend_schema(
    request={"text/csv": OpenApiTypes.BINARY},
    responses={200: s.CountsSavedSerializer, **ERRORS},
)
class OutcomeCountsImport(KnownQuery, APIView):
    """Add or correct counts from a CSV file, checked exactly as the import page checks it:
    nothing is stored unless every line is right; each problem is given with its line."""

    parser_classes = [CSVParser]

    def post(self, request, pk):
        measure = _measure(request, pk, Need.ANSWER)
        data = imports.read_upload(ContentFile(request.data or b""))
        if isinstance(data, imports.Problem):
            parsed = imports.ParsedCounts(problems=[data])
        else:
            parsed = imports.parse_counts(data, measure.granularity)
        if parsed.problems:
            problems = s.ProblemSerializer(parsed.problems, many=True).data
            message = _("The file has problems, listed below; nothing was imported.")
            return error_response(400, "invalid", message, {"problems": problems})
        saved = outcome_services.counts_import(measure=measure, rows=parsed.rows, by=request.user)
        return Response(s.CountsSavedSerializer(saved).data)


# --- Surveys ----------------------------------------------------------------------------------


@extend_schema(
    parameters=[_filter("program", "Only this program's surveys.")],
    responses=_responses(s.SurveySerializer(many=True)),
)
class SurveyList(KnownQuery, generics.ListAPIView):
    filters = ("program",)
    serializer_class = s.SurveySerializer

    def get_queryset(self):
        surveys = _of_token_programs(self.request, Survey.objects.all())
        return surveys.order_by("-opens_on", "title", "pk")


@extend_schema(responses=_responses(s.SurveyResultsSerializer))
class SurveyResults(KnownQuery, APIView):
    """A survey's results, protected exactly as on its results page (surveys.results): per
    question and race and ethnicity group, counts of 1 to 10 and the groups that would reveal
    them hidden (null). The rows are those of the results download. Open-text answers are never
    given through the API: they are for the organization's leaders, on the results page."""

    def get(self, request, pk):
        survey, _membership = survey_for_user(request.user, pk)
        _in_scope(request, survey.program.organization_id)
        outcome = results.survey_results(survey)
        names = [column.name for column in results_tables.RESULT_COLUMNS]
        body = {
            "survey": survey.pk,
            "dark": outcome.dark,
            # The page's lead: no headline without a figure to show.
            "headline": outcome.headline if outcome.total_respondents else "",
            "hidden_groups": outcome.hidden_groups,
            "respondents": outcome.respondents,
            "results": [
                dict(zip(names, row, strict=True)) for row in results_tables.result_rows(outcome)
            ],
        }
        return Response(s.SurveyResultsSerializer(body).data)
