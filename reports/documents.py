"""What the printable report and the poster show: plain context built from an assessment.

Views load the assessment through the access helpers and pass it here; the templates
under templates/reports/print/ lay it out, reports/pdf.py turns it into PDF.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessments import progress, services
from assessments.models import Assessment, Dimension, PlanStep
from assessments.scoring import DimensionResult, Profile
from outcomes import summary as outcome_summary
from reports import charts, pdf
from reports.scorecard import STATUSES, Scorecard, StepRow, build_scorecard

POSTER_STEPS = 5
POSTER_MEASURES = 2  # outcome measures in the poster's disparity panel
DROPPED = PlanStep.Status.DROPPED
# Poster text is cut to these lengths (with an ellipsis) so a poster is always one page.
POSTER_TITLE_CHARS = 90
POSTER_DESCRIPTION_CHARS = 110
POSTER_STATEMENT_CHARS = 600
POSTER_NAME_CHARS = 90
# The report's summary page names each dimension's first step still in the plan: with more,
# a program with a few outcome measures no longer has its summary on one page.
SUMMARY_STEPS = 1


# The curve is drawn at this size in CSS pixels, then scaled up a little into its 7.2 x 2.9 in
# box on the poster, so its labels read from a few steps away.
POSTER_CHART_SIZE = (620, 250)


@dataclass(frozen=True)
class PosterSize:
    key: str
    label: str


def poster_sizes() -> dict[str, PosterSize]:
    return {"tabloid": PosterSize("tabloid", _("11 × 17 in")), "a3": PosterSize("a3", _("A3"))}


def truncate(text: str, limit: int) -> str:
    """The text on one line of words, cut at a word boundary near `limit` with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.7:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


def document_filename(assessment: Assessment, kind: str) -> str:
    """value-curve-<org>-<program>-<cycle>-<kind>.pdf, in ASCII."""
    parts = [
        slugify(assessment.program.organization.name) or "organization",
        slugify(assessment.program.name) or "program",
        slugify(assessment.cycle.name) or "cycle",
    ]
    return "-".join(["value-curve", *parts, kind]) + ".pdf"


# --- Shared pieces ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """An assessment's framework, answers and profile, read once for a document."""

    dimensions: list[Dimension]
    answers: dict
    profile: Profile

    def result(self, dimension: Dimension) -> DimensionResult:
        return self.profile.dimensions[dimension.key]


def scored(assessment: Assessment) -> Scored:
    dimensions = services.framework_dimensions(assessment.framework)
    answers = services.answers_by_indicator(assessment)
    return Scored(dimensions, answers, services.assessment_profile(assessment, dimensions, answers))


def curve_markers(data: Scored) -> list[charts.CurveMarker]:
    return [
        charts.CurveMarker(d.key, d.name, data.result(d).level, data.result(d).index)
        for d in data.dimensions
    ]


def plan_steps(assessment: Assessment) -> list[PlanStep]:
    """The plan in plan order: by dimension, then each step's place."""
    return list(
        assessment.plan_steps.select_related("dimension").order_by(
            "dimension__order", "order", "created_at"
        )
    )


def document_facts(assessment: Assessment, today: date) -> dict:
    """What both documents say about the assessment, on the cover or the poster's header."""
    return {
        "assessment": assessment,
        "organization": assessment.program.organization,
        "program": assessment.program,
        "framework": assessment.framework,
        "today": today,
        "provisional": assessment.is_draft,
    }


# --- The report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    step: PlanStep
    overdue: bool


@dataclass(frozen=True)
class PlanGroup:
    dimension: Dimension
    color: str
    rows: list[PlanRow]


def plan_groups(dimensions: list[Dimension], steps: list[PlanStep], today: date) -> list[PlanGroup]:
    return [
        PlanGroup(
            d,
            charts.dimension_color(d.key, n),
            [PlanRow(s, s.is_overdue(today)) for s in steps if s.dimension_id == d.pk],
        )
        for n, d in enumerate(dimensions)
    ]


def plan_scorecard(dimensions: list[Dimension], steps: list[PlanStep], today: date) -> Scorecard:
    rows = [StepRow(s.dimension.name, s.status, s.due_date, s.title) for s in steps]
    return build_scorecard(rows, [d.name for d in dimensions], today)


@dataclass(frozen=True)
class SummaryLevel:
    dimension: Dimension
    color: str
    result: DimensionResult
    change: progress.ScoreChange | None

    @property
    def previous_level(self) -> int | None:
        """The level in the cycle compared with, when it was another."""
        if self.change is None or not self.change.level_change:
            return None
        return self.change.level - self.change.level_change


def since_last_cycle(assessment: Assessment, cycles: list[Assessment]) -> progress.CycleRow | None:
    """The assessment's levels beside the program's previous submitted cycle; None for a
    draft or a program's first cycle. `cycles`: progress.submitted_cycles(program)."""
    rows = progress.cycle_rows(cycles)
    row = next((r for r in rows if r.assessment.pk == assessment.pk), None)
    return row if row and row.compared_with else None


def summary_levels(data: Scored, change: progress.CycleRow | None) -> list[SummaryLevel]:
    # Scores carry the dimension's name; the previous cycle's are matched by key upstream.
    changes = {score.dimension: score for score in change.scores} if change else {}
    return [
        SummaryLevel(d, charts.dimension_color(d.key, n), data.result(d), changes.get(d.name))
        for n, d in enumerate(data.dimensions)
    ]


def summary_steps(plan: list[PlanGroup]) -> list[tuple[PlanGroup, PlanRow]]:
    """Each dimension's first steps still in the plan (not dropped), in the leader's order."""
    return [
        (group, row)
        for group in plan
        for row in [r for r in group.rows if r.step.status != DROPPED][:SUMMARY_STEPS]
    ]


def answer_sections(data: Scored, spread: dict) -> list[dict]:
    return [
        {
            "dimension": d,
            "color": charts.dimension_color(d.key, n),
            "result": data.result(d),
            "rows": [
                (i, data.answers.get(i.pk), data.result(d).counted[i.key], spread.get(i.pk))
                for i in d.indicators.all()
            ],
        }
        for n, d in enumerate(data.dimensions)
    ]


def report_context(assessment: Assessment, *, spread: dict, today: date) -> dict:
    """Everything the report shows. `spread`: respondents' answers per indicator, as the
    results page shows them to this reader (empty when they may not see them)."""
    data = scored(assessment)
    steps = plan_steps(assessment)
    plan = plan_groups(data.dimensions, steps, today)
    curve = charts.curve_figure(curve_markers(data))
    cycles = progress.submitted_cycles(assessment.program)
    trend = progress.cycles_trend(cycles)
    change = since_last_cycle(assessment, cycles)
    disparity = outcome_summary.program_disparity(assessment.program)
    return {
        **document_facts(assessment, today),
        "profile": data.profile,
        "sections": answer_sections(data, spread),
        "show_spread": bool(spread),
        "curve_image": pdf.figure_data_uri(curve, 900, 380),
        "trend_image": pdf.figure_data_uri(trend, 900, 340) if trend is not None else None,
        "summary_levels": summary_levels(data, change),
        "compared_with": change.compared_with if change else None,
        "summary_steps": summary_steps(plan),
        "headlines": [m for m in disparity if m.headline],
        "plan": plan,
        "plan_has_steps": bool(steps),
        "open_steps": sum(1 for s in steps if s.is_open),
        "scorecard": plan_scorecard(data.dimensions, steps, today),
        "statuses": [PlanStep.Status(s).label for s in STATUSES],
        "disparity": disparity,
    }


# --- The poster -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PosterStep:
    title: str
    description: str
    owner: str
    due_date: date | None


@dataclass(frozen=True)
class PosterColumn:
    number: int
    dimension: Dimension
    result: DimensionResult
    color: str
    steps: list[PosterStep]
    left_out: int


def poster_step(step: PlanStep) -> PosterStep:
    return PosterStep(
        title=truncate(step.title, POSTER_TITLE_CHARS),
        description=truncate(step.description, POSTER_DESCRIPTION_CHARS),
        owner=truncate(step.owner, 40),
        due_date=step.due_date,
    )


def poster_columns(data: Scored, steps: list[PlanStep]) -> list[PosterColumn]:
    """Per dimension, the plan's first five steps still in it (not dropped), in plan order."""
    columns = []
    for n, d in enumerate(data.dimensions):
        active = [s for s in steps if s.dimension_id == d.pk and s.status != DROPPED]
        shown = [poster_step(s) for s in active[:POSTER_STEPS]]
        color = charts.dimension_color(d.key, n)
        columns.append(
            PosterColumn(n + 1, d, data.result(d), color, shown, len(active) - len(shown))
        )
    return columns


def poster_curve(data: Scored) -> go.Figure:
    # The columns' numbered bands are the poster's legend.
    return charts.curve_figure(curve_markers(data), height=POSTER_CHART_SIZE[1], legend=False)


def poster_context(
    assessment: Assessment, *, size: PosterSize, today: date, disparity: bool
) -> dict:
    """`disparity`: whether the poster carries the program's disparity panel. Every caller
    decides: the organization's own poster does; a poster made for anyone else does only
    with the organization's consent to share its outcome indices."""
    data = scored(assessment)
    organization = assessment.program.organization
    statement = organization.commitment_statement
    return {
        **document_facts(assessment, today),
        "size": size,
        "organization_name": truncate(organization.name, POSTER_NAME_CHARS),
        "program_name": truncate(assessment.program.name, POSTER_NAME_CHARS),
        "statement": truncate(statement, POSTER_STATEMENT_CHARS),
        "statement_cut": len(" ".join(statement.split())) > POSTER_STATEMENT_CHARS,
        "profile": data.profile,
        "columns": poster_columns(data, plan_steps(assessment)),
        "curve_image": pdf.figure_data_uri(poster_curve(data), *POSTER_CHART_SIZE),
        "disparity": poster_disparity(assessment) if disparity else [],
    }


def poster_disparity(assessment: Assessment) -> list:
    """The outcome measures the poster has room for: those with data, at most two."""
    measures = outcome_summary.program_disparity(assessment.program)
    return [m for m in measures if m.period is not None][:POSTER_MEASURES]


# --- Rendering --------------------------------------------------------------------------------


def report_html(assessment: Assessment, *, spread: dict, today: date) -> str:
    """The report as the PDF lays it out (pdf.render_document measures its pages)."""
    context = report_context(assessment, spread=spread, today=today)
    return render_to_string("reports/print/report.html", {**context, "for_pdf": True})


def report_pdf(assessment: Assessment, *, spread: dict, today: date) -> bytes:
    return pdf.html_to_pdf(report_html(assessment, spread=spread, today=today))


def poster_pdf(
    assessment: Assessment,
    *,
    size: PosterSize,
    today: date,
    disparity: bool,
    cache: dict | None = None,
) -> bytes:
    """One poster. A batch passes one `cache` dict to all, so images are decoded once."""
    context = poster_context(assessment, size=size, today=today, disparity=disparity)
    html = render_to_string("reports/print/poster.html", {**context, "for_pdf": True})
    return pdf.html_to_pdf(html, cache=cache)


def poster_batch(
    assessments: list[Assessment], *, size: PosterSize, today: date, disparity: list[bool]
) -> Iterator[bytes]:
    """The posters in order, `disparity` saying for each whether it carries the disparity
    panel. Chromium draws the next posters' charts (on the other core) while WeasyPrint lays
    out this one, and all share one image cache."""
    figures = [poster_curve(scored(a)) for a in assessments]
    cache: dict = {}
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="poster-charts")
    try:
        drawn = [pool.submit(pdf.figure_data_uri, f, *POSTER_CHART_SIZE) for f in figures]
        for assessment, chart, panel in zip(assessments, drawn, disparity, strict=True):
            chart.result()  # now in the SVG cache
            yield poster_pdf(assessment, size=size, today=today, disparity=panel, cache=cache)
    finally:
        pool.shutdown(cancel_futures=True)
