"""A survey's results as rows: the tables pages show, the CSV and Excel downloads, and the raw
responses for leaders. The figures come protected from surveys.results: nothing here counts."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outcomes.groups import GROUP_KEYS, group_label
from surveys import questions
from surveys.models import Answer, Response
from surveys.results import Cell, Results, Served, race_group, survey_items
from valuecurve.exports import Column, Sheet

RESULT_COLUMNS = [
    Column("question", gettext_lazy("Question"), gettext_lazy("The question's key.")),
    Column("question_text", gettext_lazy("Question text"), gettext_lazy("The question asked.")),
    Column("answer", gettext_lazy("Answer"), gettext_lazy("What the figure counts.")),
    Column("group", gettext_lazy("Group"), gettext_lazy("The race and ethnicity group's key.")),
    Column("group_name", gettext_lazy("Group name"), gettext_lazy("The group's name.")),
    Column(
        "respondents",
        gettext_lazy("Respondents"),
        gettext_lazy("How many in the group answered the question; empty where hidden."),
    ),
    Column(
        "count",
        gettext_lazy("Count"),
        gettext_lazy("How many gave this answer; empty where hidden."),
    ),
    Column("percent", gettext_lazy("Percent"), gettext_lazy("The count as a share, in percent.")),
    Column("ci_low", gettext_lazy("Lower limit (95%)"), gettext_lazy("The interval's low end.")),
    Column("ci_high", gettext_lazy("Upper limit (95%)"), gettext_lazy("The interval's high end.")),
    Column("note", gettext_lazy("Note"), gettext_lazy("Why a figure is hidden, if it is.")),
]


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def cell_note(cell: Cell) -> str:
    if cell.is_total and cell.hidden:
        return _("hidden: too few respondents to show any figure")
    if cell.hidden:
        return _("hidden to protect a small count (1–10)")
    return ""


def _cell_row(question, label: str, cell: Cell) -> list:
    interval = cell.interval_percent or (None, None)
    return [
        question.item.key,
        question.item.text,
        label,
        cell.key,
        cell.label,
        cell.population,
        cell.events,
        _round(cell.percent),
        _round(interval[0]),
        _round(interval[1]),
        cell_note(cell),
    ]


def result_rows(outcome: Results) -> list[list]:
    rows = []
    for question in outcome.questions:
        for _measure, label, cells in question.tables:
            rows += [_cell_row(question, label, cell) for cell in cells]
        for cell, score in question.net_scores:
            interval = score.interval if score else (None, None)
            rows.append(
                [
                    question.item.key,
                    question.item.text,
                    _("Net score (promoters minus detractors, points)"),
                    cell.key,
                    cell.label,
                    score.answered if score else None,
                    None,
                    _round(score.score if score else None),
                    _round(interval[0]),
                    _round(interval[1]),
                    cell_note(cell) if score is None else "",
                ]
            )
    return rows


def results_sheet(outcome: Results) -> Sheet:
    return Sheet(_("Results"), RESULT_COLUMNS, result_rows(outcome))


@dataclass(frozen=True)
class ResponseRow:
    """One group's respondents beside the people the program served (outcome data)."""

    cell: Cell
    served: int | None
    has_served: bool  # the outcome data count this group

    @property
    def percent_of_served(self) -> float | None:
        if self.served and self.cell.population is not None:
            return 100 * self.cell.population / self.served
        return None


def response_rows(outcome: Results, served: Served | None) -> list[ResponseRow]:
    populations = served.populations if served else {}
    total = served.total if served else None
    rows = []
    for cell in outcome.respondents:
        count = total if cell.is_total else populations.get(cell.key)
        rows.append(ResponseRow(cell, count, cell.is_total or cell.key in populations))
    if outcome.dark:
        return rows  # no group is named, not even one nobody answered for
    listed = {cell.key for cell in outcome.respondents}
    # Groups the program serves that no one answered for: nobody from them answered.
    for key in GROUP_KEYS:
        if key in populations and key not in listed:
            empty = Cell(key, group_label(key), 0, None)
            rows.insert(len(rows) - 1, ResponseRow(empty, populations[key], True))
    return rows


RESPONSE_COLUMNS = [
    RESULT_COLUMNS[3],
    RESULT_COLUMNS[4],
    Column(
        "respondents",
        gettext_lazy("Respondents"),
        gettext_lazy("How many in the group answered the survey; empty where hidden."),
    ),
    Column(
        "served",
        gettext_lazy("People served"),
        gettext_lazy("How many in the group the program served, from its outcome data."),
    ),
    Column(
        "served_measure",
        gettext_lazy("Served, from"),
        gettext_lazy("The outcome measure and period the people served come from."),
    ),
    RESULT_COLUMNS[-1],
]


def responses_sheet(outcome: Results, served: Served | None) -> Sheet:
    rows = [
        [
            row.cell.key,
            row.cell.label,
            row.cell.population,
            row.served,
            f"{served.measure} ({served.period})" if served else "",
            cell_note(row.cell),
        ]
        for row in response_rows(outcome, served)
    ]
    return Sheet(_("Respondents"), RESPONSE_COLUMNS, rows)


RAW_COLUMNS = [
    Column("response", gettext_lazy("Response"), gettext_lazy("Numbered from 1, by day.")),
    Column("submitted_on", gettext_lazy("Submitted on"), gettext_lazy("The day it was given.")),
    Column("source", gettext_lazy("Source"), gettext_lazy("web, or paper entered by staff.")),
    Column("language", gettext_lazy("Language"), gettext_lazy("The language it was answered in.")),
    Column("race", gettext_lazy("Race and ethnicity"), gettext_lazy("The groups chosen (keys).")),
    Column("group", gettext_lazy("Group"), gettext_lazy("The group the tables count it in.")),
    Column("age_band", gettext_lazy("Age band"), gettext_lazy("The age band chosen.")),
    Column(
        "preferred_language",
        gettext_lazy("Preferred language"),
        gettext_lazy("The language the person prefers."),
    ),
]


def _question_column(item) -> Column:
    return Column(item.key, item.text or item.key, gettext_lazy("The answer to this question."))


def raw_sheet(survey, *, with_text: bool) -> Sheet:
    """One row per response, numbered from 1 in the order given (by day); open text only
    `with_text`."""
    items = survey_items(survey.program_questions.order_by("position"))
    items = [i for i in items if with_text or i.kind != questions.TEXT]
    answers: dict = {}
    for response_id, question, number, text in Answer.objects.filter(
        response__survey=survey
    ).values_list("response_id", "question", "number", "text"):
        answers.setdefault(response_id, {})[question] = text if text else number
    rows = []
    responses = Response.objects.filter(survey=survey).order_by("submitted_on", "id")
    for n, response in enumerate(responses, start=1):
        own = answers.get(response.pk, {})
        rows.append(
            [
                n,
                response.submitted_on,
                response.source,
                response.language,
                " ".join(response.race),
                race_group(response.race),
                response.age_band,
                response.preferred_language,
                *(own.get(item.key) for item in items),
            ]
        )
    return Sheet(_("Responses"), [*RAW_COLUMNS, *map(_question_column, items)], rows)
