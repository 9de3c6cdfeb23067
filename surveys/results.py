"""A survey's results: per question, overall and per race and ethnicity group, protected like
outcome data.

Groups follow outcomes.groups, one group per respondent so that the groups add up to everyone:
a respondent who chose one group counts in it; two or more groups, in "multiracial" only; no
answer or "prefer not to say", in "unknown" (kept in the totals, compared with no one).

Privacy: every count shown goes through `outcomes.privacy.suppress`, the rule of outcome data,
in one call per survey. Each question is a table with population = the group's respondents who
answered it and events = those agreeing (a statement), saying yes, choosing an option, or
recommending (promoters and, as another table, detractors); the respondents per group are a
table of people only (`population_only`). The survey's tables are linked (one `link` value), so
a group hidden in one is hidden in all of them, and nothing shown in one reveals what another
hides. Statistics are computed on shown cells only; hidden groups say why.

As answers come in: nothing is shown until PUBLISH_FROM people have answered and a total can be
shown (before that, not even which groups answered); from the first published state on, what a
state hid stays hidden (Survey.kept_hidden, the KEPT_* levels of outcome counts, stored by
surveys.services at every answer added or removed), so two downloads, before and after one more
response, cannot be subtracted to reveal a hidden group. The cost: a group hidden when the
results were first published stays hidden for the survey's life, however many answer later.

Intervals: shares have the 95% Wilson interval (outcomes.metrics); the gap in the headline has
the Newcombe interval of a difference of shares; the net recommendation score (promoters minus
detractors, in points) has the normal-approximation interval from the variance of a difference
of two shares of one multinomial sample: Var = (p + d - (p - d)^2) / n.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outcomes import metrics, summary
from outcomes.groups import COMPARED_GROUPS, GROUP_KEYS, UNKNOWN, group_label
from outcomes.models import OutcomeCount
from outcomes.privacy import suppress
from surveys import questions
from surveys.models import Answer, ProgramQuestion, Response

RESPONSES = "responses"
AGREE, YES, PROMOTERS, DETRACTORS = "agree", "yes", "promoters", "detractors"
PROMOTER_FROM, DETRACTOR_TO = 9, 6
TOTAL = "total"
COLUMNS = ["measure", "period", "group", "population", "events", "population_only"]
# A survey is first published (its results shown anywhere) once this many have answered; from
# then on, what a published state hid stays hidden (see `protected`).
PUBLISH_FROM = 30


def race_group(race: Sequence[str] | None) -> str:
    """The one group a respondent counts in (see the module docstring)."""
    chosen = [key for key in (race or ()) if key in COMPARED_GROUPS]
    if not chosen:
        return UNKNOWN
    return chosen[0] if len(set(chosen)) == 1 else "multiracial"


@dataclass(frozen=True)
class Item:
    """A question as the results read it: its answer key, kind, text and options."""

    key: str
    kind: str
    text: str
    choices: tuple = ()


def survey_items(program_questions: Iterable) -> list[Item]:
    """The core questions, then the program's, in order; open text last of each."""
    items = [Item(q.key, q.kind, str(q.text)) for q in questions.CORE_QUESTIONS]
    for question in program_questions:
        items.append(Item(question.key, question.kind, question.text, tuple(question.choices)))
    return items


def choice_index(item: Item, number, text: str) -> int | None:
    """Which option of a one-choice question an answer is: its number (the option's place
    from 0) or its text."""
    if number is not None and 0 <= number < len(item.choices):
        return int(number)
    if text in item.choices:
        return item.choices.index(text)
    return None


def _tallies(item: Item, answers: pd.DataFrame) -> list[tuple[str, pd.Series, pd.Series]]:
    """(measure, answered?, event?) per table of a question, as boolean Series per answer."""
    number = answers["number"]
    if item.kind == questions.SCALE5:
        answered = number.between(1, 5)
        return [(f"{item.key}:{AGREE}", answered, answered & (number >= questions.AGREE_FROM))]
    if item.kind == questions.YES_NO:
        answered = number.isin([questions.YES, questions.NO])
        return [(f"{item.key}:{YES}", answered, number == questions.YES)]
    if item.kind == questions.NPS:
        answered = number.between(questions.NPS_MIN, questions.NPS_MAX)
        return [
            (f"{item.key}:{PROMOTERS}", answered, answered & (number >= PROMOTER_FROM)),
            (f"{item.key}:{DETRACTORS}", answered, answered & (number <= DETRACTOR_TO)),
        ]
    if item.kind == questions.CHOICE:
        index = pd.Series(
            [choice_index(item, n, t) for n, t in zip(number, answers["text"], strict=True)],
            index=answers.index,
            dtype=object,
        )
        answered = index.notna()
        return [(f"{item.key}:{i}", answered, index == i) for i in range(len(item.choices))]
    return []


def counts(
    items: list[Item], respondents: pd.DataFrame, answers: pd.DataFrame, period: str
) -> pd.DataFrame:
    """The survey's tables (COLUMNS), one row per table and group with respondents.

    `respondents`: one row per response, columns response and group. `answers`: response,
    question, number (None when not a number) and text."""
    groups = [g for g in GROUP_KEYS if g in set(respondents["group"])]
    per_group = respondents["group"].value_counts()
    rows = [(RESPONSES, period, g, int(per_group.get(g, 0)), 0, True) for g in groups]
    answers = answers.merge(respondents, on="response")
    for item in items:
        own = answers[answers["question"] == item.key]
        for measure, answered, event in _tallies(item, own):
            population = own[answered.to_numpy(bool)]["group"].value_counts()
            if not population.sum():
                continue  # nobody answered: no table (an empty one would darken the survey)
            events = own[(answered & event).to_numpy(bool)]["group"].value_counts()
            rows += [
                (measure, period, g, int(population.get(g, 0)), int(events.get(g, 0)), False)
                for g in groups
            ]
    return pd.DataFrame(rows, columns=COLUMNS)


def protected(frame: pd.DataFrame, survey_key: str) -> pd.DataFrame:
    """The survey's counts with the privacy flags of `outcomes.privacy.suppress`, its tables
    linked (see the module docstring); everything hidden until the survey is first published.

    An input column kept_hidden (what the last published state kept hidden, NaN for counts it
    did not have) hides at least as much again; without it, or all NaN, the survey was never
    published, and is published once it has PUBLISH_FROM respondents and can show a total
    (it is not dark). Until then, its rows are all hidden and keep nothing (kept_hidden NaN):
    nothing was published for a later state to be compared with."""
    flagged = suppress(frame.assign(survey=survey_key), link="survey").drop(columns="survey")
    published_before = "kept_hidden" in frame and frame["kept_hidden"].notna().any()
    if flagged.empty or published_before or publishable(flagged):
        return flagged
    for column in ("population_hidden", "events_hidden", "hidden", "total_hidden"):
        flagged[column] = True
    flagged["kept_hidden"] = np.nan
    return flagged


def publishable(flagged: pd.DataFrame) -> bool:
    """Whether a survey never published before can be: enough respondents, a total shown."""
    respondents = flagged.loc[flagged["measure"] == RESPONSES, "population"].sum()
    return respondents >= PUBLISH_FROM and not flagged["total_hidden"].any()


def kept_key(measure: str, group: str) -> str:
    """How a survey stores what one of its counts keeps hidden (Survey.kept_hidden)."""
    return f"{measure}|{group}"


def with_kept(frame: pd.DataFrame, kept: dict | None) -> pd.DataFrame:
    """The counts with the kept_hidden column that `protected` reads, from Survey.kept_hidden
    (None: never published)."""
    kept = kept or {}
    keys = [kept_key(m, g) for m, g in zip(frame["measure"], frame["group"], strict=True)]
    return frame.assign(kept_hidden=[kept.get(key, np.nan) for key in keys])


def kept_of(flagged: pd.DataFrame) -> dict | None:
    """What to store in Survey.kept_hidden after this state: None while never published."""
    if flagged.empty or flagged["kept_hidden"].isna().all():
        return None
    pairs = zip(flagged["measure"], flagged["group"], flagged["kept_hidden"], strict=True)
    return {kept_key(m, g): int(level) for m, g, level in pairs}


# --- What pages and exports show --------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One group's (or everyone's) figures in a table; None where hidden."""

    key: str
    label: str
    population: int | None
    events: int | None
    hidden: bool = False
    is_total: bool = False

    @property
    def share(self) -> float | None:
        if self.population is None or self.events is None or not self.population:
            return None
        return self.events / self.population

    @property
    def interval(self) -> tuple[float, float] | None:
        if self.share is None:
            return None
        low, high = metrics.wilson_interval([self.events], [self.population])
        return float(low[0]), float(high[0])

    @property
    def percent(self) -> float | None:
        return None if self.share is None else 100 * self.share

    @property
    def interval_percent(self) -> tuple[float, float] | None:
        interval = self.interval
        return None if interval is None else (100 * interval[0], 100 * interval[1])


def _cells(flagged: pd.DataFrame, measure: str, everyone: str) -> list[Cell]:
    rows = flagged[flagged["measure"] == measure]
    cells = [
        Cell(
            key=row.group,
            label=group_label(row.group),
            population=None if row.population_hidden else int(row.population),
            events=None if row.events_hidden else int(row.events),
            hidden=bool(row.population_hidden if row.population_only else row.hidden),
        )
        # pandas-stubs types a row's fields as any scalar; these are the frame's columns.
        for row in cast(Iterable[Any], rows.itertuples())
    ]
    dark = bool(rows["total_hidden"].any())
    if dark:
        cells = []  # not even which groups answered
    total = Cell(
        key=TOTAL,
        label=everyone,
        population=None if dark else int(rows["population"].sum()),
        events=None if dark else int(rows["events"].sum()),
        hidden=dark,
        is_total=True,
    )
    return [*cells, total]


@dataclass(frozen=True)
class NetScore:
    """Promoters minus detractors, in points, with its 95% interval."""

    answered: int
    promoters: int
    detractors: int

    @property
    def score(self) -> float:
        return 100 * (self.promoters - self.detractors) / self.answered

    @property
    def interval(self) -> tuple[float, float]:
        p, d = self.promoters / self.answered, self.detractors / self.answered
        half = metrics.Z * np.sqrt(max(p + d - (p - d) ** 2, 0.0) / self.answered)
        return max(-100.0, self.score - 100 * half), min(100.0, self.score + 100 * half)


def net_score(promoters: Cell, detractors: Cell) -> NetScore | None:
    if promoters.population is None or promoters.events is None or detractors.events is None:
        return None
    if not promoters.population:
        return None
    return NetScore(promoters.population, promoters.events, detractors.events)


@dataclass(frozen=True)
class QuestionResult:
    item: Item
    # Per table of the question (one for a statement or yes/no, one per option for a choice,
    # promoters and detractors for the recommendation): its label and cells, groups then all.
    tables: list[tuple[str, str, list[Cell]]] = field(default_factory=list)
    net_scores: list[tuple[Cell, NetScore | None]] = field(default_factory=list)

    @property
    def lines(self) -> list["Line"]:
        """One line per group (then all): the question's cells side by side."""
        columns = [cells for _measure, _label, cells in self.tables]
        scores = [score for _cell, score in self.net_scores] or [None] * len(columns[0])
        return [
            Line(cells[0], list(cells), score)
            for cells, score in zip(zip(*columns, strict=True), scores, strict=True)
        ]


@dataclass(frozen=True)
class Line:
    cell: Cell  # the first table's: who answered
    cells: list[Cell]
    score: NetScore | None


@dataclass(frozen=True)
class Results:
    respondents: list[Cell]
    questions: list[QuestionResult]
    headline: str
    hidden_groups: list[str]  # labels of the groups hidden to protect small counts
    dark: bool  # too few respondents to show any group or total

    @property
    def total_respondents(self) -> int | None:
        return self.respondents[-1].population


def _table_label(item: Item, measure: str) -> str:
    part = measure.split(":", 1)[1]
    if part == AGREE:
        return _("Agree or strongly agree")
    if part == YES:
        return _("Yes")
    if part == PROMOTERS:
        return _("Promoters (9 or 10)")
    if part == DETRACTORS:
        return _("Detractors (0 to 6)")
    return str(item.choices[int(part)])


def _question_result(item: Item, flagged: pd.DataFrame, everyone: str) -> QuestionResult:
    measures = [m for m in flagged["measure"].unique() if m.split(":", 1)[0] == item.key]
    tables = [(m, _table_label(item, m), _cells(flagged, m, everyone)) for m in measures]
    scores = []
    if item.kind == questions.NPS and len(tables) == 2:
        promoters, detractors = tables[0][2], tables[1][2]
        scores = [(p, net_score(p, d)) for p, d in zip(promoters, detractors, strict=True)]
    return QuestionResult(item, tables, scores)


def results(items: list[Item], flagged: pd.DataFrame) -> Results:
    """Everything a results page shows, from the protected counts."""
    everyone = _("All respondents")
    respondents = _cells(flagged, RESPONSES, everyone)
    answered = [_question_result(item, flagged, everyone) for item in items]
    answered = [q for q in answered if q.tables]
    cells = [*respondents, *answered_cells(answered)]
    # Each group once, in the order first hidden.
    hidden = list(
        dict.fromkeys(c.label for c in cells if c.hidden and not c.is_total and c.key != UNKNOWN)
    )
    return Results(
        respondents=respondents,
        questions=answered,
        headline=gap_headline(answered),
        hidden_groups=hidden,
        dark=respondents[-1].hidden,
    )


def answered_cells(answered: list[QuestionResult]) -> list[Cell]:
    return [cell for q in answered for _m, _label, cells in q.tables for cell in cells]


# --- The headline: the largest gap between shown, reliable groups -----------------------------


@dataclass(frozen=True)
class Gap:
    item: Item
    worse: Cell
    better: Cell

    @property
    def points(self) -> float:
        return round(_shown(self.better.percent)) - round(_shown(self.worse.percent))


def _shown(value: float | None) -> float:
    """The share or percent of a cell `_comparable` keeps: it is never hidden."""
    assert value is not None
    return value


def _comparable(cells: list[Cell]) -> list[Cell]:
    """Groups shown, with a racial identity, and enough respondents for a reliable share
    (the NCHS standard outcome data use: outcomes.metrics.reliable_rate)."""
    shown = [
        c
        for c in cells
        if not c.is_total and c.key != UNKNOWN and c.share is not None and c.population
    ]
    if not shown:
        return []
    reliable = metrics.reliable_rate([c.events for c in shown], [c.population for c in shown])
    return [c for c, ok in zip(shown, reliable, strict=True) if ok]


def largest_gap(answered: list[QuestionResult]) -> Gap | None:
    best = None
    for question in answered:
        if question.item.kind not in (questions.SCALE5, questions.YES_NO):
            continue
        groups = _comparable(question.tables[0][2])
        if len(groups) < 2:
            continue
        worse = min(groups, key=lambda c: _shown(c.share))
        better = max(groups, key=lambda c: _shown(c.share))
        gap = Gap(question.item, worse, better)
        if best is None or gap.points > best.points:
            best = gap
    return best


def gap_headline(answered: list[QuestionResult]) -> str:
    """One plain sentence for the largest gap, with the two shares and the gap's interval."""
    gap = largest_gap(answered)
    if gap is None:
        return _(
            "Fewer than two groups have enough respondents shown to compare: no gap between "
            "groups is given."
        )
    worse, better = gap.worse, gap.better
    _difference, low, high = metrics.rate_difference(
        [better.events], [better.population], [worse.events], [worse.population]
    )
    values = {
        "group": worse.label,
        "reference": better.label,
        "points": int(gap.points),
        "statement": gap.item.text,
        "rate": f"{round(_shown(worse.percent))}%",
        "reference_rate": f"{round(_shown(better.percent))}%",
        "low": round(100 * float(low[0])),
        "high": round(100 * float(high[0])),
    }
    if gap.points == 0:
        return (
            _(
                "Respondents in every group compared were about as likely to agree with "
                "“%(statement)s”."
            )
            % values
        )
    if gap.item.kind == questions.YES_NO:
        text = ngettext(
            "Respondents who identify as %(group)s were %(points)d point less likely than "
            "respondents who identify as %(reference)s to answer yes to “%(statement)s” "
            "(%(rate)s against %(reference_rate)s; 95%% interval of the gap: %(low)s to "
            "%(high)s points).",
            "Respondents who identify as %(group)s were %(points)d points less likely than "
            "respondents who identify as %(reference)s to answer yes to “%(statement)s” "
            "(%(rate)s against %(reference_rate)s; 95%% interval of the gap: %(low)s to "
            "%(high)s points).",
            int(gap.points),
        )
    else:
        text = ngettext(
            "Respondents who identify as %(group)s were %(points)d point less likely than "
            "respondents who identify as %(reference)s to agree that “%(statement)s” "
            "(%(rate)s against %(reference_rate)s; 95%% interval of the gap: %(low)s to "
            "%(high)s points).",
            "Respondents who identify as %(group)s were %(points)d points less likely than "
            "respondents who identify as %(reference)s to agree that “%(statement)s” "
            "(%(rate)s against %(reference_rate)s; 95%% interval of the gap: %(low)s to "
            "%(high)s points).",
            int(gap.points),
        )
    text %= values
    if low[0] <= 0 <= high[0]:
        text += " " + _("A gap this size could be due to chance.")
    return text


# --- Selectors: a survey's results from the database -------------------------------------------


def survey_period(survey) -> str:
    """The period suppression reads a survey's year from."""
    return str(survey.opens_on.year)


def survey_counts(survey) -> tuple[list[Item], pd.DataFrame]:
    """The survey's items and protected counts; three queries. Every figure of a survey
    shown anywhere (its pages, downloads, report, poster, cohort aggregates) comes from here
    or from `surveys_counts`, which is the same for many surveys at once."""
    return surveys_counts([survey])[survey.pk]


def surveys_counts(surveys: Sequence) -> dict:
    """Per survey id, its items and protected counts, in three queries for all of them."""
    ids = [survey.pk for survey in surveys]
    program_questions: dict = {pk: [] for pk in ids}
    for question in ProgramQuestion.objects.filter(survey__in=ids).order_by("position"):
        program_questions[question.survey_id].append(question)
    people: dict = {pk: [] for pk in ids}
    for survey_id, pk, race in Response.objects.filter(survey__in=ids).values_list(
        "survey_id", "id", "race"
    ):
        people[survey_id].append((pk, race_group(race)))
    given: dict = {pk: [] for pk in ids}
    for survey_id, *answer in Answer.objects.filter(response__survey__in=ids).values_list(
        "response__survey_id", "response_id", "question", "number", "text"
    ):
        given[survey_id].append(answer)
    return {
        survey.pk: _protected_counts(
            survey, program_questions[survey.pk], people[survey.pk], given[survey.pk]
        )
        for survey in surveys
    }


def _protected_counts(survey, program_questions, people, given) -> tuple[list[Item], pd.DataFrame]:
    items = survey_items(program_questions)
    respondents = pd.DataFrame(people, columns=["response", "group"])
    answers = pd.DataFrame(given, columns=["response", "question", "number", "text"])
    answers["number"] = answers["number"].astype("Int64")
    frame = counts(items, respondents, answers, survey_period(survey))
    return items, protected(with_kept(frame, survey.kept_hidden), str(survey.pk))


def survey_results(survey) -> Results:
    items, flagged = survey_counts(survey)
    return results(items, flagged)


@dataclass(frozen=True)
class OpenAnswers:
    question: str
    texts: list[str]


def open_answers(survey) -> list[OpenAnswers]:
    """The open-text answers, question by question, in alphabetical order (never in the order
    given, nor beside a date or a group): for the organization's leaders only."""
    items = survey_items(survey.program_questions.order_by("position"))
    texts = [i for i in items if i.kind == questions.TEXT]
    rows = (
        Answer.objects.filter(response__survey=survey, question__in=[i.key for i in texts])
        .exclude(text="")
        .values_list("question", "text")
    )
    by_question: dict[str, list[str]] = {}
    for question, text in rows:
        by_question.setdefault(question, []).append(text)
    return [OpenAnswers(i.text, sorted(by_question.get(i.key, []))) for i in texts]


@dataclass(frozen=True)
class Served:
    """The people a program served, per group, from its outcome data: the measure and period
    counted, and per group key the population (None where outcome data hide it)."""

    measure: str
    period: str
    populations: dict[str, int | None]
    total: int | None


def served_population(program) -> Served | None:
    """The program's latest period of outcome counts, of the measure counting the most people
    then, protected as outcome pages show it; None without outcome data."""
    measures = list(program.outcome_measures.all())
    counts = list(OutcomeCount.objects.filter(measure__program=program))
    best = None
    for measure in measures:
        own = [c for c in counts if c.measure_id == measure.pk]
        siblings = [c for c in counts if c.measure_id != measure.pk]
        analysis = summary.analyse(measure, own, siblings=siblings)
        if analysis is None:
            continue
        period = analysis.periods[-1]
        rows = summary.period_rows(analysis, period)
        total = rows[-1].population or 0
        if best is None or (period, total) > (best[0], best[1]):
            best = (period, total, measure.name, rows)
    if best is None:
        return None
    period, _total, name, rows = best
    groups = {row.key: row.population for row in rows if not row.is_total}
    return Served(name, period, groups, rows[-1].population)
