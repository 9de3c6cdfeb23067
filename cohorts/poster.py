"""The cohort's poster, for a convening: where the members stand, the action steps most of
them pursue, and the shared goals. One large page; counts only, never a member's name.

Who counts, always through the session's `Scope` (two-factor included: a member that requires
it is left out of a poster printed without it, and the poster says how many are):
- the distribution of levels: every member sharing (any consent), in the cycle shown, drawn
  only when at least `tables.MIN_ORGANIZATIONS` organizations are in it;
- the action steps: only members whose consent covers their action plans, from their
  programs' assessments submitted in that cycle; dropped steps are left out.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import pandas as pd
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessments.levels import level_name
from assessments.models import PlanStep
from assessments.translated import translated_value
from cohorts import charts as cohort_charts
from cohorts import data, tables
from cohorts.models import Cohort
from cohorts.sharing import Scope
from reports import charts, pdf, poster_layout
from reports.documents import POSTER_TITLE_LENGTH, PosterSize, poster_statement
from valuecurve import text
from valuecurve.figures import Figure

TOP_STEPS = 5
POSTER_GOALS = 6
# After a commitment saved longer than the poster's limit (it prints its first sentences).
COMMITMENT_CUT_NOTE = "(The full statement is on the cohort's page.)"
# Up to this many goals in one column; more go in two.
GOALS_IN_ONE_COLUMN = 3
# Drawn at this size in CSS pixels, then scaled up a little into its 7.2 x 2.6 in box (as the
# organization's curve), so its labels read from a few steps away.
CHART_SIZE = (620, 225)
DONE = PlanStep.Status.DONE
DROPPED = PlanStep.Status.DROPPED
OPEN_OR_DONE = (PlanStep.Status.NOT_STARTED, PlanStep.Status.IN_PROGRESS, DONE)


# --- Ranking (pure) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TopStep:
    title: str
    members: int  # members pursuing it (in at least one program, not dropped)
    done: int  # members that have it done (in at least one program)
    library: bool  # from the action-step library, or members' own steps of the same title


def top_steps(steps: pd.DataFrame, per_dimension: int = TOP_STEPS) -> dict[str, list[TopStep]]:
    """Per dimension, the steps most members pursue, then those most members have done.

    `steps`: one row per plan step, with `organization`, `dimension`, `action_step` (the
    library step's key, None for a member's own step), `title` and `status`. Library steps
    are counted by key, across framework versions, under their most used title; members' own
    steps by their exact title, and only when two members or more wrote it, so no member's
    own words reach a convening alone. Dropped steps are not pursued.
    """
    if steps.empty:
        return {}
    rows = steps[steps["status"] != DROPPED].copy()
    library = rows["action_step"].notna()
    rows["library"] = library
    rows["group"] = rows["action_step"].where(library, "own:" + rows["title"].astype(str))
    rows["done"] = rows["status"] == DONE
    members = rows.groupby(["dimension", "group"])["organization"].nunique().rename("members")
    done_rows = rows[rows["done"]]
    done = done_rows.groupby(["dimension", "group"])["organization"].nunique().rename("done")
    title = rows.groupby(["dimension", "group"])["title"].agg(_most_used).rename("title")
    kind = rows.groupby(["dimension", "group"])["library"].first()
    ranked = pd.concat([members, done, title, kind], axis=1).fillna({"done": 0}).reset_index()
    ranked = ranked[ranked["library"] | (ranked["members"] >= 2)]
    ranked = ranked.sort_values(
        ["members", "done", "title"], ascending=[False, False, True], kind="stable"
    )
    return {
        str(dimension): [
            TopStep(row.title, int(row.members), int(row.done), bool(row.library))
            # pandas-stubs types a row's fields as any scalar; these are the frame's columns.
            for row in cast(Iterable[Any], group.head(per_dimension).itertuples())
        ]
        for dimension, group in ranked.groupby("dimension", sort=False)
    }


def _most_used(titles: pd.Series) -> str:
    counts = titles.value_counts()
    return min(counts[counts == counts.max()].index)


# --- Queries ----------------------------------------------------------------------------------


def _plan_assessments(scope: Scope, cycle: str):
    """The cycle's submitted assessments of the members whose consent covers their plans."""
    return scope.round_assessments(cycle, scope.plan_members())


def cycle_steps(scope: Scope, cycle: str) -> pd.DataFrame:
    """One row per plan step of the members sharing their plans, as `top_steps` reads them."""
    rows = (
        PlanStep.objects.filter(assessment__in=_plan_assessments(scope, cycle))
        .annotate(
            organization=F("assessment__program__organization_id"),
            dimension_key=F("dimension__key"),
            library_key=F("action_step__key"),
        )
        .values_list(
            "organization",
            "dimension_key",
            "dimension__name",
            "dimension__translations",
            "library_key",
            "action_step__title",
            "action_step__translations",
            "title",
            "status",
        )
    )
    columns = ["organization", "dimension", "dimension_name", "action_step", "title", "status"]
    return pd.DataFrame.from_records([_shown_step(*row) for row in rows], columns=columns)


def _shown_step(
    organization, dimension, name, name_translations, key, library_title, translations, own, status
) -> tuple:
    """A plan step as the poster shows it: a library step by the library's title, in the
    active language; a member's own step by its own title."""
    title = translated_value(library_title, translations, "title") if key else own
    return (
        organization,
        dimension,
        translated_value(name, name_translations, "name"),
        key,
        title,
        status,
    )


@dataclass(frozen=True)
class PosterGoal:
    title: str
    target_year: int | None
    members: int  # members sharing their plans with a step tied to it


def shared_links(scope: Scope) -> Q:
    """A goal's links the session may see, to steps the cohort counts (`Scope.plan_steps`)
    and still pursued (not dropped). A filter for annotations on the cohort's goals."""
    return Q(links__plan_step__in=scope.plan_steps().filter(status__in=OPEN_OR_DONE))


def poster_goals(scope: Scope) -> list[PosterGoal]:
    """The goals in order, each with how many members sharing their plans tied a step still
    in a submitted plan to it."""
    tied = shared_links(scope)
    goals = scope.cohort.goals.annotate(
        members=Count(
            "links__plan_step__assessment__program__organization", filter=tied, distinct=True
        )
    ).order_by("order", "created_at")  # a query with a GROUP BY ignores Meta.ordering
    return [
        PosterGoal(text.shorten(g.title, POSTER_TITLE_LENGTH), g.target_year, g.members)
        for g in goals
    ]


# --- The poster -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepColumn:
    number: int
    key: str
    name: str
    color: str
    steps: list[TopStep]


@dataclass(frozen=True)
class Levels:
    """The cycle's distribution of levels, or why it is not drawn."""

    organizations: int
    dimensions: dict[str, str]  # key -> name, in the framework's order
    distribution: dict[str, list[int] | None] | None


def cycle_levels(scope: Scope, cycle: str) -> Levels:
    frame = data.cycle_frame(scope, cycle) if cycle else tables.empty_frame()
    if frame.empty:
        return Levels(0, {}, None)
    shapes = data.framework_shapes(frame["framework"].unique())
    frame, reference, _excluded = tables.comparable(frame, shapes)
    dimensions = shapes[reference].names
    table = tables.organization_levels(frame, list(dimensions))
    return Levels(len(table), dimensions, tables.level_distribution(table, list(dimensions)))


def distribution_chart(levels: Levels) -> Figure:
    """The dashboard's chart, its legend on top: the poster has no room below."""
    figure = cohort_charts.distribution_figure(levels.distribution or {}, levels.dimensions)
    return figure.update_layout(
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "traceorder": "normal"},
        margin={"l": 10, "r": 10, "t": 36, "b": 10},
    )


def distribution_text(levels: Levels) -> str:
    """The chart in words: its alternative text, and what the poster says without it."""
    parts = []
    for key, name in levels.dimensions.items():
        counts = (levels.distribution or {}).get(key)
        if counts is None:
            parts.append(f"{name}: {_('suppressed (fewer than five organizations compared)')}")
            continue
        at = [f"{n} {level_name(level)}" for level, n in enumerate(counts) if n]
        parts.append(f"{name}: {', '.join(at)}")
    intro = _("Member organizations at each level, per dimension")
    return f"{intro}. " + "; ".join(parts) + "."


def _member_counts(scope: Scope, cycle: str) -> tuple[int, int]:
    """(members sharing their plans with an assessment in the cycle, sharing members left
    out of this session for two-factor), in one query."""
    planned = _plan_assessments(scope, cycle).values("program__organization")
    hidden = scope.cohort.members.hidden_from(verified=scope.verified).values("pk")
    counts = scope.cohort.members.aggregate(
        plans=Count("pk", filter=Q(organization__in=planned)),
        left_out=Count("pk", filter=Q(pk__in=hidden)),
    )
    return counts["plans"], counts["left_out"]


def step_columns(dimensions: dict[str, str], steps: pd.DataFrame) -> list[StepColumn]:
    """Four columns in the framework's order; a dimension only another version has comes last."""
    names = dict(dimensions)
    if not steps.empty:
        for key, name in steps[["dimension", "dimension_name"]].drop_duplicates().values:
            names.setdefault(key, name)
    ranked = top_steps(steps)
    return [
        StepColumn(
            n + 1,
            key,
            name,
            charts.dimension_color(key, n),
            [_shortened(s) for s in ranked.get(key, [])],
        )
        for n, (key, name) in enumerate(names.items())
    ]


def _shortened(step: TopStep) -> TopStep:
    title = text.shorten(step.title, POSTER_TITLE_LENGTH)
    return TopStep(title, step.members, step.done, step.library)


def cohort_poster_context(
    *, scope: Scope, size: PosterSize, today: date, cycle: str | None = None
) -> dict:
    """What the poster shows: `cycle` (a round's name) defaults to the dashboard's round.
    Six queries at most, whatever the cohort's size (the levels come from cached frames)."""
    cohort = scope.cohort
    if cycle is None:
        cycle = data.default_cycle(scope, today)
    levels = cycle_levels(scope, cycle)
    steps = cycle_steps(scope, cycle) if cycle else pd.DataFrame()
    chart = chart_alt = None
    if levels.distribution is not None:
        chart = pdf.figure_data_uri(distribution_chart(levels), *CHART_SIZE)
        chart_alt = distribution_text(levels)
    goals = poster_goals(scope)
    sharing_plans, left_out = _member_counts(scope, cycle)
    # Step counts and goal counts are aggregates of the members' plans: suppressed under five.
    plans_shown = sharing_plans >= tables.MIN_ORGANIZATIONS
    commitment, commitment_cut = poster_statement(cohort.commitment_statement)
    columns = step_columns(levels.dimensions, steps) if plans_shown else []
    shown_goals = goals[:POSTER_GOALS]
    fit = poster_layout.cohort_fit(
        page=poster_layout.PAGES[size.key],
        name=cohort.name,
        # As printed: a shortened statement's note, the goals left out, are lines too.
        commitment=f"{commitment} {COMMITMENT_CUT_NOTE}" if commitment_cut else commitment,
        goals=[
            (g.title, f"By {g.target_year} · {g.members} members working on it")
            for g in shown_goals
        ]
        + ([("", "+9 more goals")] if len(goals) > POSTER_GOALS else []),
        two_columns=len(goals) > GOALS_IN_ONE_COLUMN,
        columns=[
            [(s.title, f"{s.members} members · {s.done} done") for s in c.steps] for c in columns
        ],
    )
    return {
        "cohort": cohort,
        "fit": fit,
        "commitment": commitment,
        "commitment_cut": commitment_cut,
        "cycle": cycle,
        "size": size,
        "today": today,
        "levels": levels,
        "min_organizations": tables.MIN_ORGANIZATIONS,
        "chart_image": chart,
        "chart_alt": chart_alt,
        "sharing_plans": sharing_plans,
        "plans_shown": plans_shown,
        "columns": columns,
        "goals": shown_goals,
        "goals_in_two_columns": len(goals) > GOALS_IN_ONE_COLUMN,
        "goals_left_out": max(len(goals) - POSTER_GOALS, 0),
        "left_out": left_out,
    }


def cohort_poster_pdf(
    *, scope: Scope, size: PosterSize, today: date, cycle: str | None = None
) -> bytes:
    return pdf.html_to_pdf(cohort_poster_html(scope=scope, size=size, today=today, cycle=cycle))


def cohort_poster_html(
    *, scope: Scope, size: PosterSize, today: date, cycle: str | None = None
) -> str:
    context = cohort_poster_context(scope=scope, size=size, today=today, cycle=cycle)
    return render_to_string("cohorts/print/poster.html", {**context, "for_pdf": True})


def cohort_poster_filename(cohort: Cohort, size_key: str) -> str:
    return f"value-curve-{slugify(cohort.name) or 'cohort'}-cohort-poster-{size_key}.pdf"
