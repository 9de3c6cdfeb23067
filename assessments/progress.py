"""Small read models for pages: the progress steps of a draft and the cycles of a program."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from assessments import levels
from assessments.models import (
    Answer,
    Assessment,
    Dimension,
    DimensionScore,
    Program,
    RespondentAnswer,
)
from assessments.translated import translated
from valuecurve.charts import TrendLine, figure_json, trend_figure
from valuecurve.figures import Figure


@dataclass(frozen=True)
class Step:
    key: str
    name: str
    answered: int
    total: int
    current: bool

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def dimension_steps(
    dimensions: list[Dimension], answers: Mapping[int, Answer | RespondentAnswer], current: str
) -> list[Step]:
    steps = []
    for d in dimensions:
        indicators = d.indicators.all()
        answered = sum(
            1 for i in indicators if (a := answers.get(i.pk)) is not None and a.level is not None
        )
        steps.append(
            Step(d.key, translated(d, "name"), answered, len(indicators), d.key == current)
        )
    return steps


@dataclass(frozen=True)
class ScoreChange:
    dimension: str
    level: int
    index: Decimal
    level_change: int | None
    index_change: Decimal | None


@dataclass(frozen=True)
class CycleRow:
    assessment: Assessment
    scores: list[ScoreChange]
    compared_with: Assessment | None

    @property
    def headline_level(self) -> int | None:
        return min((s.level for s in self.scores), default=None)


def cycle_rows(assessments: list[Assessment]) -> list[CycleRow]:
    """Each assessment, oldest first, with the change since the previous submitted one.

    Dimensions are matched by key, so cycles on different framework versions still compare.
    `assessments` must have `scores` (with `dimension`) prefetched.
    """
    rows = []
    previous: dict[str, DimensionScore] | None = None
    previous_assessment = None
    for assessment in assessments:
        scores = {s.dimension.key: s for s in assessment.scores.all()}
        changes = [
            ScoreChange(
                dimension=translated(s.dimension, "name"),
                level=s.level,
                index=s.index,
                level_change=s.level - previous[key].level
                if previous and key in previous
                else None,
                index_change=s.index - previous[key].index
                if previous and key in previous
                else None,
            )
            for key, s in scores.items()
        ]
        rows.append(CycleRow(assessment, changes, previous_assessment if previous else None))
        if scores:
            previous, previous_assessment = scores, assessment
    return rows


def submitted_cycles(program: Program) -> list[Assessment]:
    """The program's submitted assessments, oldest cycle first, with their scores (2 queries)."""
    scores = Prefetch("scores", queryset=DimensionScore.objects.select_related("dimension"))
    return list(program.assessments.submitted().in_cycle_order().prefetch_related(scores))


def dimension_trend(assessments: list[Assessment]) -> tuple[list[str], list[TrendLine]]:
    """Each dimension's index per cycle, dimensions matched by key across framework versions.

    `assessments` oldest first, with `scores` (and their `dimension`) prefetched.
    """
    by_cycle = [{s.dimension.key: s for s in a.scores.all()} for a in assessments]
    dimensions: dict[str, Dimension] = {}
    for scores in by_cycle:
        for score in sorted(scores.values(), key=lambda s: s.dimension.order):
            dimensions.setdefault(score.dimension.key, score.dimension)
    lines = [
        TrendLine(
            key,
            translated(dimension, "name"),
            [float(s[key].index) if key in s else None for s in by_cycle],
        )
        for key, dimension in dimensions.items()
    ]
    return [a.cycle.name for a in assessments], lines


def cycles_trend(assessments: list[Assessment]) -> Figure | None:
    """The one trend figure of the program page, the results page and the report: None
    before a second submitted cycle, when there is no trend to draw."""
    cycles, lines = dimension_trend(assessments)
    if len(cycles) < 2:
        return None
    names = [str(levels.LEVEL_NAMES[level]) for level in sorted(levels.LEVEL_NAMES)]
    return trend_figure(cycles, lines, names)


def trend_chart(assessments: list[Assessment]) -> dict | None:
    """The trend figure as a page embeds it, or None."""
    figure = cycles_trend(assessments)
    return figure_json(figure) if figure is not None else None


@dataclass(frozen=True)
class RespondentView:
    """One respondent's answer to one indicator, as the consensus page shows it."""

    name: str
    level: int | None
    evidence: str
    confidence: str
    # The draft before assignment is shown beside the respondents, not counted with them.
    counted: bool = True


def respondent_answers_by_indicator(respondents) -> dict[int, list[RespondentView]]:
    """`respondents` with `user` and `answers` prefetched; every respondent per indicator."""
    table: dict[int, list[RespondentView]] = {}
    for respondent in respondents:
        name = respondent.user.get_full_name() or respondent.user.username
        for answer in respondent.answers.all():
            table.setdefault(answer.indicator_id, []).append(
                RespondentView(name, answer.level, answer.evidence, answer.get_confidence_display())
            )
    return table


def prior_answer_views(assessment: Assessment) -> dict[int, RespondentView]:
    """What the draft held before respondents were assigned, per indicator (one query)."""
    name = _("Draft before assignment")
    return {
        a.indicator_id: RespondentView(
            name, a.level, a.evidence, a.get_confidence_display(), counted=False
        )
        for a in assessment.prior_answers.all()
    }
