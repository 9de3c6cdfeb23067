"""The API's cohort endpoints, for a facilitator's token scoped to one cohort.

Every table is the page's own: the cohort is read through `cohorts.access.scope_for_facilitator`
(consent through `cohorts.sharing.Scope`, two-factor as the token was made), the tables are
built by `cohorts.dashboard` and `cohorts.data` (small-group suppression) and laid out by
`cohorts.sheets`, with the columns of the downloads. Nothing here decides which member is
shown or which figure is hidden.
"""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.pagination import CohortPages, RoundPages
from api.views import ERRORS, KnownQuery, _filter, _responses, _token, _uuid_filter
from cohorts import dashboard, data, sheets, tables
from cohorts.access import scope_for_facilitator
from cohorts.models import Cohort
from cohorts.rounds import RoundProgress
from cohorts.sharing import Scope

NO_SPREAD = tables.Spread(0, None, None, None)
ROUND_FILTER = _filter("cycle", "Only this round's (an id from the cohort's `rounds`).")


def _scope(request, pk) -> Scope:
    """The token's cohort as its facilitator sees it through a session of the token's
    two-factor state; any other cohort is a 404, as for a stranger."""
    token = request.auth
    if token.cohort_id != pk:
        raise Http404
    return scope_for_facilitator(request.user, pk, verified=token.verified)


def left_out(scope: Scope) -> dict:
    """How many sharing members the token does not see and why, as the pages say it."""
    count = scope.left_out()
    if not count:
        return {"left_out": 0, "left_out_reason": None}
    reason = ngettext(
        "%(n)s member organization requires two-factor sign-in to share its data, and is "
        "left out of what you see here.",
        "%(n)s member organizations require two-factor sign-in to share their data, and are "
        "left out of what you see here.",
        count,
    ) % {"n": count}
    fix = _("This token was made without two-factor sign-in: make one after signing in with it.")
    return {"left_out": count, "left_out_reason": f"{reason} {fix}"}


def _board(request, scope: Scope) -> dashboard.Dashboard | None:
    """The dashboard of the round asked for (`cycle`, a round's id) or of the one the
    dashboard shows by default; None for an id that is not one of the cohort's rounds."""
    wanted = _uuid_filter(request, "cycle")
    query = {}
    if wanted is not None:
        found = next((r for r in data.rounds(scope) if r.pk == wanted), None)
        if found is None:
            return None
        query["cycle"] = found.name
    return dashboard.dashboard(scope, query, timezone.localdate())


def _round(board: dashboard.Dashboard | None) -> RoundProgress | None:
    if board is None:
        return None
    return next((r for r in board.rounds if r.name == board.filters.cycle), None)


def _records(columns, rows, dimensions: dict[str, str]) -> list[dict]:
    """A sheet's rows by column name, each dimension's level and index as one item."""
    names = [column.name for column in columns]
    records = []
    for row in rows:
        record = dict(zip(names, row, strict=True))
        record["dimensions"] = [
            {
                "dimension": key,
                "name": name,
                "level": record.pop(f"{key}_level"),
                "index": record.pop(f"{key}_index"),
            }
            for key, name in dimensions.items()
        ]
        records.append(record)
    return records


@extend_schema(responses=_responses(s.CohortSerializer(many=True)))
class CohortList(KnownQuery, generics.ListAPIView):
    """The token's cohort, while its user facilitates it, with its rounds."""

    serializer_class = s.CohortSerializer

    def get_queryset(self):
        token = _token(self.request)
        if token.cohort_id is None:
            return []
        cohort = Cohort.objects.facilitated_by(self.request.user).filter(pk=token.cohort_id)
        if not cohort.exists():
            return []
        scope = _scope(self.request, token.cohort_id)
        return [{"pk": scope.cohort.pk, "name": scope.cohort.name, "rounds": data.rounds(scope)}]


class RoundTable(KnownQuery, generics.ListAPIView):
    """A table of one round of the dashboard, headed by the round and what is left out."""

    pagination_class = RoundPages
    filters: tuple[str, ...] = ("cycle",)

    def get_queryset(self):
        scope = _scope(self.request, self.kwargs["pk"])
        board = _board(self.request, scope)
        shown = _round(board)
        self.about = {"round": s.RoundSerializer(shown).data if shown else None, **left_out(scope)}
        return self.rows(board) if board is not None else []

    def rows(self, board: dashboard.Dashboard) -> list[dict]:
        raise NotImplementedError


@extend_schema(
    parameters=[ROUND_FILTER], responses=_responses(s.CohortOrganizationRowSerializer(many=True))
)
class CohortOrganizations(RoundTable):
    """The dashboard's table: each member organization the token sees, its level and index
    per dimension and overall, in a round; the columns of the levels download."""

    serializer_class = s.CohortOrganizationRowSerializer

    def rows(self, board):
        columns, rows = sheets.organization_rows(
            board.table, board.dimensions, board.rounds, board.filters.cycle
        )
        return _records(columns, rows, board.dimensions)


@extend_schema(
    parameters=[ROUND_FILTER, _filter("program", "Only this program's.")],
    responses=_responses(s.CohortProgramRowSerializer(many=True)),
)
class CohortPrograms(RoundTable):
    """Each program of the members the token sees, its level and index per dimension, in a
    round; the columns of the levels CSV."""

    serializer_class = s.CohortProgramRowSerializer
    filters = ("cycle", "program")

    def rows(self, board):
        frame = board.rows
        if program := _uuid_filter(self.request, "program"):
            frame = frame[frame["program"] == str(program)]
        columns, rows = sheets.program_rows(frame, board.dimensions, board.rounds)
        return _records(columns, rows, board.dimensions)


@extend_schema(responses=_responses(s.ScorecardRowSerializer(many=True)))
class CohortScorecard(KnownQuery, generics.ListAPIView):
    """The scorecard's steps: each step of the members sharing their plans that is tied to a
    shared goal or overdue (each program's latest plan); the columns of its download."""

    pagination_class = CohortPages
    serializer_class = s.ScorecardRowSerializer

    def get_queryset(self):
        scope = _scope(self.request, self.kwargs["pk"])
        self.about = left_out(scope)
        columns, rows = sheets.scorecard_rows(data.scorecard(scope, timezone.localdate()))
        names = [column.name for column in columns]
        return [dict(zip(names, row, strict=True)) for row in rows]


@extend_schema(parameters=[ROUND_FILTER], responses=_responses(s.CohortBenchmarkSerializer))
class CohortBenchmark(KnownQuery, APIView):
    """The middle of the cohort in a round, per dimension: across organizations (the
    dashboard's quartiles and how many stand at each level) and across programs (what each
    member's programs are benchmarked on). Null under five organizations."""

    filters = ("cycle",)

    def get(self, request, pk):
        scope = _scope(request, pk)
        board = _board(request, scope)
        body = {"round": _round(board), **left_out(scope), "dimensions": [], "overall": None}
        if board is not None and board.dimensions:
            query = {"cycle": board.filters.cycle}
            programs = dashboard.benchmark(scope, None, query, timezone.localdate())
            if programs is not None and programs.cycle == board.filters.cycle:
                program_spreads = programs.spreads
            else:
                program_spreads = {}
            body["dimensions"] = [
                {
                    "dimension": key,
                    "name": name,
                    "organizations": board.spreads[key],
                    "programs": program_spreads.get(key, NO_SPREAD),
                    "levels": board.distribution.get(key) if board.distribution else None,
                }
                for key, name in board.dimensions.items()
            ]
            body["overall"] = board.spreads["overall"]
        return Response(s.CohortBenchmarkSerializer(body).data)


@extend_schema(responses={200: s.CohortSurveysSerializer, **ERRORS})
class CohortSurveys(KnownQuery, APIView):
    """The members' survey results across the organizations sharing them (their consent):
    all respondents' figures only, never a group's, never open text; each figure null under
    five organizations."""

    def get(self, request, pk):
        scope = _scope(request, pk)
        members = scope.survey_member_count()
        aggregates = data.survey_aggregates(scope) if members else []
        body = {
            **left_out(scope),
            "members": members,
            "aggregates": [
                {"label": a.label, "unit": "percent" if a.percent else "points", "spread": a.spread}
                for a in aggregates
            ],
        }
        return Response(s.CohortSurveysSerializer(body).data)
