"""A survey's results from its answers (no database): groups, counts, protection, headline
and net score."""

import math

import pytest

from outcomes.privacy import SMALL_MAX
from surveys import questions, results
from tests.surveys.factories import Survey, agreeing

CORE = results.survey_items([])


def flagged_results(survey: Survey, items=CORE) -> results.Results:
    return results.results(items, results.protected(survey.counts(items), "survey"))


def cells(outcome: results.Results, key: str, table: int = 0) -> dict:
    question = next(q for q in outcome.questions if q.item.key == key)
    return {cell.key: cell for cell in question.tables[table][2]}


@pytest.mark.parametrize(
    ("race", "group"),
    [
        ([], "unknown"),
        (["prefer_not"], "unknown"),
        (["black"], "black"),
        (["black", "white"], "multiracial"),
        (["hispanic", "white", "prefer_not"], "multiracial"),
        (["multiracial"], "multiracial"),
        (["other"], "other"),
    ],
)
def test_each_respondent_counts_in_one_group_as_outcome_data_do(race, group):
    assert results.race_group(race) == group


def test_the_counts_give_respondents_answered_and_agreeing_per_group():
    survey = Survey().add("black", 40, respect=agreeing(40, 10)).add("white", 50, respect=[4])
    survey.add("white", 5)  # five who did not answer the statement
    frame = survey.counts(CORE).set_index(["measure", "group"])
    assert frame.loc[("responses", "white"), "population"] == 55
    assert frame.loc[("respect:agree", "white"), ["population", "events"]].tolist() == [50, 50]
    assert frame.loc[("respect:agree", "black"), ["population", "events"]].tolist() == [40, 10]
    assert frame.loc[("responses", "white"), "population_only"]
    assert not frame.loc[("respect:agree", "white"), "population_only"]


def test_a_small_group_is_hidden_in_every_table_with_a_complement_and_said_why():
    survey = Survey().add("asian", 4, respect=[5], recommend=[10])
    survey.add("black", 60, respect=agreeing(60, 30), recommend=[0, 9, 10])
    survey.add("hispanic", 30, respect=agreeing(30, 20), recommend=[5, 10])
    survey.add("white", 80, respect=agreeing(80, 60), recommend=[10, 7])
    outcome = flagged_results(survey)
    respondents = {c.key: c for c in outcome.respondents}
    assert respondents["asian"].population is None and respondents["asian"].hidden
    respect = cells(outcome, "respect")
    assert respect["asian"].events is None and respect["asian"].share is None
    # Hiding four people alone would let the total give them back: another group is hidden too.
    hidden = [key for key, cell in respect.items() if cell.hidden and key != "total"]
    assert len(hidden) >= 2
    assert respect["total"].population == 174
    assert "Asian" in outcome.hidden_groups
    assert outcome.questions[0].item.key == "respect"


def test_a_survey_with_too_few_respondents_shows_no_figure():
    outcome = flagged_results(Survey().add("black", 3, respect=[5]).add("white", 4, respect=[1]))
    assert outcome.dark
    assert outcome.total_respondents is None
    assert all(c.population is None for c in cells(outcome, "respect").values())


def test_the_headline_gives_the_largest_gap_between_shown_groups_with_its_interval():
    survey = Survey()
    survey.add("black", 50, respect=agreeing(50, 31), heard=agreeing(50, 30))  # 62%, 60%
    survey.add("white", 60, respect=agreeing(60, 48), heard=agreeing(60, 36))  # 80%, 60%
    survey.add("hispanic", 40, respect=agreeing(40, 28), heard=agreeing(40, 24))  # 70%, 60%
    outcome = flagged_results(survey)
    headline = outcome.headline
    assert "Black or African American were 18 points less likely" in headline
    assert "White to agree that “Staff treated me with respect”" in headline
    assert "(62% against 80%; 95% interval of the gap:" in headline


def test_the_headline_leaves_out_hidden_and_unreliable_groups():
    survey = Survey().add("asian", 6, respect=agreeing(6, 0))  # hidden: never in a headline
    survey.add("black", 25, respect=agreeing(25, 12))  # shown, but too few to be reliable
    survey.add("white", 60, respect=agreeing(60, 45))
    survey.add("hispanic", 50, respect=agreeing(50, 35))
    survey.add("other", 40, respect=agreeing(40, 24))
    survey.add("nhpi", 40, respect=agreeing(40, 22))
    outcome = flagged_results(survey)
    respect = cells(outcome, "respect")
    assert respect["asian"].hidden and respect["black"].share == 12 / 25
    assert respect["nhpi"].hidden  # the complement the rule draws for this survey
    headline = outcome.headline
    assert "Asian" not in headline and "Black" not in headline and "Hawaiian" not in headline
    # "Another race" (60% of 40) has too wide an interval to be reliable, like Black's.
    assert "Another race" not in headline
    assert "Hispanic or Latino were 5 points less likely" in headline
    assert "than respondents who identify as White" in headline
    assert headline.endswith("A gap this size could be due to chance.")


def test_with_one_comparable_group_the_headline_says_no_gap_is_given():
    survey = Survey().add("white", 60, respect=agreeing(60, 50)).add("unknown", 30, respect=[5])
    assert flagged_results(survey).headline.startswith("Fewer than two groups")


def test_the_net_score_is_promoters_minus_detractors_with_the_multinomial_interval():
    answers = [10] * 30 + [8] * 15 + [3] * 15  # 50% promoters, 25% detractors
    survey = Survey().add("white", 60, recommend=answers).add("black", 60, recommend=[9, 0])
    question = next(q for q in flagged_results(survey).questions if q.item.key == "recommend")
    scores = {cell.key: score for cell, score in question.net_scores}
    white = scores["white"]
    assert white.score == pytest.approx(100 * (30 - 15) / 60)
    p, d = 0.5, 0.25
    half = 100 * 1.959964 * math.sqrt((p + d - (p - d) ** 2) / 60)
    assert white.interval == pytest.approx((white.score - half, white.score + half), abs=1e-3)
    assert scores["black"].score == pytest.approx(0)
    assert scores["total"].answered == 120


def test_a_one_choice_question_gives_a_table_per_option_and_yes_no_a_yes_share():
    class Asked:  # a program question as the results read it
        def __init__(self, position, kind, choices=()):
            self.key, self.kind, self.text, self.choices = f"p{position}", kind, "Q", choices

    items = results.survey_items(
        [Asked(1, questions.YES_NO), Asked(2, questions.CHOICE, ["Bus", "Car", "Walk"])]
    )
    survey = Survey().add("white", 80, p1=[1, 1, 0, None], p2=[0, 1, 2, 2])
    survey.add("black", 80, p1=[1, 0], p2=[2, 1])
    outcome = flagged_results(survey, items)
    yes = cells(outcome, "p1")
    assert (yes["white"].population, yes["white"].events) == (60, 40)
    choice = next(q for q in outcome.questions if q.item.key == "p2")
    assert [label for _m, label, _c in choice.tables] == ["Bus", "Car", "Walk"]
    walk = {c.key: c for c in choice.tables[2][2]}
    assert (walk["white"].events, walk["black"].events) == (40, 40)
    assert walk["total"].events == 80 and walk["total"].population == 160


def test_no_shown_count_is_small_and_every_small_one_is_hidden():
    survey = Survey().add("aian", 9, respect=[5]).add("black", 25, respect=agreeing(25, 3))
    survey.add("white", 70, respect=agreeing(70, 40)).add("hispanic", 44, respect=[4, 1])
    outcome = flagged_results(survey)
    for cell in [*outcome.respondents, *results.answered_cells(outcome.questions)]:
        for value in (cell.population, cell.events):
            assert value is None or not 1 <= value <= SMALL_MAX
        if cell.population is not None and cell.events is not None and not cell.is_total:
            assert not 1 <= cell.population - cell.events <= SMALL_MAX
