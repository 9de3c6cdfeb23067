"""What the printable report and the poster show: plain context built from an assessment.

Views load the assessment through the access helpers and pass it here; the templates
under templates/reports/print/ lay it out, reports/pdf.py turns it into PDF.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessments import plans, progress, services
from assessments.models import Assessment, Dimension, Organization, PlanStep
from assessments.scoring import DimensionResult, Profile
from assessments.translated import translated
from outcomes import summary as outcome_summary
from reports import charts, pdf, poster_layout
from reports.scorecard import STATUSES, Scorecard, StepRow, build_scorecard
from surveys import evidence as survey_evidence
from valuecurve import languages, text
from valuecurve.figures import Figure

POSTER_STEPS = plans.POSTER_STEPS
POSTER_MEASURES = 2  # outcome measures in the poster's disparity panel
DROPPED = PlanStep.Status.DROPPED
# Room on the poster, in valuecurve.text.poster_length: a step's title is shown whole up to
# this (the library's are under 70; a longer one ends after its last whole sentence that fits),
# the description's first sentences that fit in the summary's room, an owner up to its own.
# A poster line (PlanStep.poster_line, at most 100) replaces the title and the summary.
POSTER_TITLE_LENGTH = 100
POSTER_SUMMARY_LENGTH = 160
POSTER_OWNER_LENGTH = 50
POSTER_MEASURE_NAME_LENGTH = 80
POSTER_FACTS_WIDTH = 4.6  # inches: the cycle and overall level, right of the titles
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
        charts.CurveMarker(d.key, translated(d, "name"), data.result(d).level, data.result(d).index)
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
    rows = [StepRow(translated(s.dimension, "name"), s.status, s.due_date, s.title) for s in steps]
    return build_scorecard(rows, [translated(d, "name") for d in dimensions], today)


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
    # Scores carry the dimension's name (in the active language, as str() gives it); the
    # previous cycle's are matched by key upstream.
    changes = {score.dimension: score for score in change.scores} if change else {}
    return [
        SummaryLevel(d, charts.dimension_color(d.key, n), data.result(d), changes.get(str(d)))
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
        "surveys": survey_evidence.program_surveys(assessment.program),
    }


# --- The poster -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PosterStep:
    """A step as the poster prints it: its poster line, or its title and the description's
    first sentences that fit (`summary`), then owner, due date and status."""

    head: str
    summary: str
    owner: str
    due: str
    status: str
    overdue: bool
    # Whether its head and summary are the organization's own words (its poster line or a
    # step it wrote), in the organization's language, not the library's.
    written: bool = False

    @property
    def meta(self) -> str:
        return " · ".join(part for part in (self.owner, self.due, self.status) if part)

    def text(self) -> poster_layout.StepText:
        return poster_layout.StepText(self.head, self.summary, self.meta)


@dataclass(frozen=True)
class PosterColumn:
    number: int
    dimension: Dimension
    result: DimensionResult
    color: str
    steps: list[PosterStep]
    left_out: int


def poster_step(step: PlanStep, today: date) -> PosterStep:
    if step.poster_line:
        head, summary = text.flat(step.poster_line), ""
    else:
        head = text.shorten(step.title, POSTER_TITLE_LENGTH)
        summary = text.first_sentences(step.description, POSTER_SUMMARY_LENGTH)
    when = date_format(step.due_date, "DATE_FORMAT") if step.due_date else ""
    return PosterStep(
        head=head,
        summary=summary,
        owner=text.shorten(step.owner, POSTER_OWNER_LENGTH),
        due=_("by %(when)s") % {"when": when} if when else "",
        status=str(PlanStep.Status(step.status).label),
        overdue=step.is_overdue(today),
        written=bool(step.poster_line) or step.action_step_id is None,
    )


def poster_columns(data: Scored, steps: list[PlanStep], today: date) -> list[PosterColumn]:
    """Per dimension, the first five steps still in the plan (not dropped), in the leader's
    order: the leader's own steps as the library's."""
    columns = []
    for n, d in enumerate(data.dimensions):
        mine = [s for s in steps if s.dimension_id == d.pk]
        active = [s for s in mine if s.status != DROPPED]
        shown = [poster_step(s, today) for s in plans.poster_steps(mine)]
        color = charts.dimension_color(d.key, n)
        columns.append(
            PosterColumn(n + 1, d, data.result(d), color, shown, len(active) - len(shown))
        )
    return columns


def poster_curve(data: Scored) -> Figure:
    return _poster_curve_figure(tuple(curve_markers(data)))


def poster_curve_image(data: Scored) -> str | None:
    """The curve as an <img> source, drawn once per set of levels: building the plotly
    figure (and its JSON, the SVG cache's key) costs a poster more than choosing its sizes."""
    return _poster_curve_image(tuple(curve_markers(data)), languages.active_language())


def _poster_curve_figure(markers: tuple[charts.CurveMarker, ...]) -> Figure:
    # The columns' numbered bands are the poster's legend.
    return charts.curve_figure(list(markers), height=POSTER_CHART_SIZE[1], legend=False)


@lru_cache(maxsize=256)
def _poster_curve_image(markers: tuple[charts.CurveMarker, ...], language: str) -> str | None:
    """`language`, the active one, keys the cache: the curve's labels are in it."""
    image = pdf.figure_data_uri(_poster_curve_figure(markers), *POSTER_CHART_SIZE)
    if image is None:  # no Chromium now: try again next time rather than remember it
        _poster_curve_image.cache_clear()
    return image


def poster_statement(statement: str) -> tuple[str, bool]:
    """The commitment as the poster prints it, and whether it is shortened: only one saved
    longer than the poster's limit before the statements form enforced it, which the poster
    ends after its last whole sentence that fits (and says the report has it all)."""
    limit = Organization.POSTER_COMMITMENT_LENGTH
    return text.shorten(statement, limit), text.poster_length(statement) > limit


def poster_context(
    assessment: Assessment, *, size: PosterSize, today: date, disparity: bool
) -> dict:
    """`disparity`: whether the poster carries the program's disparity panel. Every caller
    decides: the organization's own poster does; a poster made for anyone else does only
    with the organization's consent to share its outcome indices."""
    data = scored(assessment)
    organization = assessment.program.organization
    statement, statement_cut = poster_statement(organization.commitment_statement)
    columns = poster_columns(data, plan_steps(assessment), today)
    measures = poster_disparity(assessment) if disparity else []
    # The survey lines follow the same consent as the disparity panel they share.
    survey_lines = survey_evidence.poster_lines(assessment.program) if disparity else []
    page = poster_layout.PAGES[size.key]
    fit = poster_layout.poster_fit(
        page=page,
        heading=poster_layout.heading(
            assessment.program.name, organization.name, page.width - POSTER_FACTS_WIDTH
        ),
        statement=statement,
        disparity=[
            *((f"{measure_name(m)}, {m.period}", disparity_line(m)) for m in measures),
            *survey_lines,
        ],
        columns=[[s.text() for s in c.steps] for c in columns],
    )
    return {
        **document_facts(assessment, today),
        "size": size,
        "fit": fit,
        "statement": statement,
        "statement_cut": statement_cut,
        "profile": data.profile,
        "columns": columns,
        "curve_image": poster_curve_image(data),
        "disparity": [(measure_name(m), m) for m in measures],
        "survey_lines": survey_lines,
    }


def measure_name(measure) -> str:
    """A measure's name on the poster: whole up to its room, else its first words (a name of
    200 characters would crowd out the figures it names)."""
    return text.shorten(measure.name, POSTER_MEASURE_NAME_LENGTH)


def disparity_line(measure) -> str:
    """The measure page's plain headline (rates and the gap in points), or why there is none."""
    return measure.headline or _("No group's gap can be shown (small or unreliable counts).")


def poster_disparity(assessment: Assessment) -> list:
    """The outcome measures the poster has room for: those with data, at most two."""
    measures = outcome_summary.program_disparity(assessment.program, reading=False)
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
    panel. All share one image cache, and posters with the same levels one drawing of the
    curve."""
    cache: dict = {}
    for assessment, panel in zip(assessments, disparity, strict=True):
        yield poster_pdf(assessment, size=size, today=today, disparity=panel, cache=cache)
