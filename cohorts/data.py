"""The queries behind the cohort's pages: a fixed handful, whatever the cohort's size.

Everything here is read through a `Scope` (cohorts.sharing): the members a session may see and
what each of them shares. Frames are cached per scope (cohort, data version, two-factor state)
and cycle. The version goes up when a member submits or reopens an assessment or changes its
consent, so a stale table is never read.
"""

import uuid
from dataclasses import dataclass

import pandas as pd
from django.core.cache import cache
from django.db.models import CharField, F, FloatField, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from assessments.models import DimensionScore, Indicator, Program
from assessments.translated import translated_value
from cohorts import tables
from cohorts.models import GoalLink
from cohorts.rounds import RoundProgress, default_round, scope_rounds
from cohorts.scorecard import CohortScorecard, build_scorecard
from cohorts.sharing import Scope
from outcomes import metrics as outcome_metrics
from outcomes.summary import programs_disparity_trend
from surveys import evidence as survey_evidence
from surveys import questions as survey_questions

CACHE_SECONDS = 60 * 60


def _cached(key: str, build):
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


def cycle_options(scope: Scope, cycle: str) -> dict[str, list[str]]:
    """The regions and service areas of a cycle's rows, for the filters."""

    def build() -> dict[str, list[str]]:
        frame = cycle_frame(scope, cycle)
        return {column: tables.choices(frame, column) for column in ("region", "service_area")}

    return _cached(scope.cache_key("options", cycle), build)


def rounds(scope: Scope) -> list[RoundProgress]:
    """The cohort's rounds, newest first, with how many members the scope sees submitted."""
    return _cached(scope.cache_key("rounds"), lambda: scope_rounds(scope))


def cycles(scope: Scope) -> list[str]:
    """The names of the rounds in which members the scope sees submitted, newest first."""
    return [r.name for r in rounds(scope) if r.submitted]


def default_cycle(scope: Scope, today) -> str:
    """The name of the round pages and documents show unless asked for another."""
    chosen = default_round(rounds(scope), today)
    return chosen.name if chosen else ""


# Ids come as text and the index as a float: converting 100,000 UUIDs and Decimals row by row
# took most of a cold dashboard's time. The few distinct organization and program ids are
# normalised to the UUID's usual form afterwards (SQLite stores them without dashes).
SCORE_FIELDS = {
    "organization": Cast("assessment__program__organization_id", CharField()),
    "organization_name": F("assessment__program__organization__name"),
    "sector": F("assessment__program__organization__sector"),
    "region": F("assessment__program__organization__region"),
    "program": Cast("assessment__program_id", CharField()),
    "program_name": F("assessment__program__name"),
    "service_area": F("assessment__program__service_area"),
    "assessment": Cast("assessment_id", CharField()),
    "cycle": Value(""),  # the round's name, set per frame
    "framework": F("assessment__framework_id"),
    "dimension": F("dimension__key"),
    "level": F("level"),
    "index": Cast("index", FloatField()),
}


def cycle_frame(scope: Scope, cycle: str) -> pd.DataFrame:
    """One row per (submitted assessment, dimension) of the members seen, in a round (by its
    name): each member's assessments of its cycle linked to the round."""

    def build() -> pd.DataFrame:
        assessments = scope.round_assessments(cycle)
        fields = {**SCORE_FIELDS, "cycle": Value(cycle, output_field=CharField())}
        rows = (
            DimensionScore.objects.filter(assessment__in=assessments)
            .annotate(**{f"_{name}": value for name, value in fields.items()})
            .values_list(*(f"_{name}" for name in SCORE_FIELDS))
        )
        frame = pd.DataFrame.from_records(list(rows), columns=list(SCORE_FIELDS))
        if frame.empty:
            return tables.empty_frame()
        for column in ("organization", "program"):
            frame[column] = _uuid_text(frame[column])
        return frame

    return _cached(scope.cache_key("frame", cycle), build)


def _uuid_text(column: pd.Series) -> pd.Series:
    canonical = {value: str(uuid.UUID(value)) for value in column.unique()}
    return column.map(canonical)


def framework_shapes(framework_ids) -> dict[object, tables.FrameworkShape]:
    rows = (
        Indicator.objects.filter(dimension__framework_id__in=list(framework_ids))
        .values_list(
            "dimension__framework_id",
            "dimension__framework__title",
            "dimension__framework__slug",
            "dimension__framework__version",
            "dimension__framework__translations",
            "dimension__key",
            "dimension__name",
            "dimension__translations",
            "key",
        )
        .order_by("dimension__order", "order")
    )
    found: dict[object, dict] = {}
    for framework, title, slug, version, f_texts, dimension, name, d_texts, indicator in rows:
        label = f"{translated_value(title, f_texts, 'title')} v{version}"
        shape = found.setdefault(framework, {"label": label, "slug": slug, "version": version})
        shape.setdefault("names", {})[dimension] = translated_value(name, d_texts, "name")
        shape.setdefault("dimensions", {}).setdefault(dimension, set()).add(indicator)
    return {
        framework: tables.FrameworkShape(
            shape["label"],
            shape["slug"],
            shape["version"],
            {key: frozenset(keys) for key, keys in shape["dimensions"].items()},
            shape["names"],
        )
        for framework, shape in found.items()
    }


def scorecard(scope: Scope, today) -> CohortScorecard:
    """Goals, workgroups and the plan steps of members that share their plans: each program's
    latest submitted assessment. Five queries, whatever the cohort's size."""
    cohort = scope.cohort
    goals = list(
        cohort.goals.values("id", "title", "target_year", "measure", "target", "target_date")
    )
    workgroups = [
        {
            "id": w.pk,
            "name": w.name,
            "goal_id": w.goal_id,
            "organizations": frozenset(o.pk for o in w.organizations.all()),
        }
        for w in cohort.workgroups.prefetch_related("organizations")
    ]
    return build_scorecard(
        goals=goals, workgroups=workgroups, steps=_shared_steps(scope), today=today
    )


def _shared_steps(scope: Scope) -> list[dict]:
    rows = scope.plan_steps().values_list(
        "pk",
        "assessment__program__organization_id",
        "assessment__program__organization__name",
        "title",
        "dimension__name",
        "dimension__translations",
        "status",
        "due_date",
        "owner",
    )
    links: dict = {}
    for goal_id, step_id in GoalLink.objects.filter(goal__cohort=scope.cohort).values_list(
        "goal_id", "plan_step_id"
    ):
        links.setdefault(step_id, set()).add(goal_id)
    return [
        {
            "step": pk,
            "organization": org,
            "organization_name": name,
            "title": title,
            "dimension": translated_value(dimension, texts, "name"),
            "status": status,
            "due_date": due,
            "owner": owner,
            "goals": links.get(pk, ()),
        }
        for pk, org, name, title, dimension, texts, status, due, owner in rows
    ]


def disparity_trend(scope: Scope) -> dict[str, pd.DataFrame]:
    """How strongly race predicts outcomes across the members that share their outcome
    indices: per period, the median and quartiles of Cramér's V and of the index of disparity
    over their measures. A period with fewer than five organizations is suppressed.

    Cached like the levels: a member's outcome data changing bumps the cohort's data version
    (outcomes.signals). Two queries when it is built."""
    return _cached(scope.cache_key("disparity"), lambda: _disparity_trend(scope))


def _disparity_trend(scope: Scope) -> dict[str, pd.DataFrame]:
    organizations = scope.outcome_members().values("organization")
    programs = dict(
        Program.objects.active()
        .filter(organization__in=organizations)
        .values_list("pk", "organization_id")
    )
    summary = programs_disparity_trend(programs) if programs else pd.DataFrame()
    if summary.empty:
        return {}
    # Yearly measures only: quarters and months would not line up on one axis.
    summary = summary[summary["period"].astype(str).str.fullmatch(r"\d{4}")].copy()
    if summary.empty:
        return {}
    summary["organization"] = summary["program"].map(programs)
    trends = {}
    for metric in ("cramers_v", "index_of_disparity"):
        # Count the organizations behind this metric's values: a measure with no events has
        # no Cramér's V, and must not make a period look larger than it is.
        with_value = summary[summary[metric].notna()]
        trend = outcome_metrics.cohort_trend(summary, metric).set_index("period")
        counted = with_value.groupby("period")["organization"].nunique()
        trend["organizations"] = counted.reindex(trend.index, fill_value=0)
        small = trend["organizations"] < tables.MIN_ORGANIZATIONS
        trend.loc[small, ["q1", "median", "q3"]] = float("nan")
        trends[metric] = trend.reset_index()
    return trends


@dataclass(frozen=True)
class SurveyAggregate:
    """One figure of the members' surveys across the organizations sharing them: the middle
    of the organizations' values (tables.spread: suppressed under five organizations)."""

    label: str
    spread: tables.Spread
    percent: bool  # a share in percent (else the net score, in points)


def survey_aggregates(scope: Scope) -> list[SurveyAggregate]:
    """Per core statement, the share of all respondents agreeing, and the net recommendation
    score, per organization (its active programs' latest surveys pooled), then across the
    organizations that share their survey results. Never a group's figures, never open text.
    Cached under `Scope.survey_cache_key`; built in a fixed handful of queries."""
    return _cached(scope.survey_cache_key(), lambda: _survey_aggregates(scope))


def _survey_aggregates(scope: Scope) -> list[SurveyAggregate]:
    programs = dict(scope.survey_programs().values_list("pk", "organization_id"))
    surveys = survey_evidence.latest_surveys(programs)
    pooled: dict[tuple, list[int]] = {}
    for survey, totals in zip(surveys, survey_evidence.surveys_totals(surveys), strict=True):
        for measure, (people, events) in totals.items():
            cell = pooled.setdefault((programs[survey.program_id], measure), [0, 0])
            cell[0] += people
            cell[1] += events
    return [
        *(
            _statement_aggregate(q, pooled)
            for q in survey_questions.CORE_QUESTIONS
            if q.kind == survey_questions.SCALE5
        ),
        _net_score_aggregate(pooled),
    ]


def _org_values(pooled: dict, measure: str) -> pd.Series:
    return pd.Series(
        {org: 100 * e / n for (org, m), (n, e) in pooled.items() if m == measure and n},
        dtype=float,
    )


def _statement_aggregate(question, pooled: dict) -> SurveyAggregate:
    values = _org_values(pooled, f"{question.key}:agree")
    return SurveyAggregate(str(question.text), tables.spread(values, len(values)), True)


def _net_score_aggregate(pooled: dict) -> SurveyAggregate:
    promoters = _org_values(pooled, "recommend:promoters")
    detractors = _org_values(pooled, "recommend:detractors")
    values = (promoters - detractors).dropna()
    label = _("Net recommendation score (promoters minus detractors)")
    return SurveyAggregate(str(label), tables.spread(values, len(values)), False)
