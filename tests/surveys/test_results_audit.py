"""The survey tables against an informed attacker: the auditor of outcome data
(tests/outcomes/audit.py) solves for hidden groups from every table a survey publishes,
knowing how the tables relate (answering a question is among the respondents; the tables of a
question have the same people; the answers of a question are one per person; a group listed
has someone in it), and from every download as responses come in: before and after one more
response, or a paper form added then removed, knowing exactly what changed between them."""

import copy

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from surveys import results
from tests.outcomes.audit import ENOUGH, KEY, ProgramData, audit
from tests.outcomes.test_privacy_audit import assert_safe
from tests.surveys.factories import Survey, agreeing

ITEMS = [item for item in results.survey_items([]) if item.key in ("respect", "recommend")]
RESPECT, PROMOTERS, DETRACTORS = "respect:agree", "recommend:promoters", "recommend:detractors"


def survey_rule(frame: pd.DataFrame) -> pd.DataFrame:
    """What the results page and downloads publish (surveys.results.protected)."""
    people_only = frame["measure"] == results.RESPONSES
    return results.protected(frame.assign(population_only=people_only), "audited survey")


def frame_of(survey: Survey) -> pd.DataFrame:
    return survey.counts(ITEMS).drop(columns="population_only")


def published(survey: Survey, *later: Survey, rule=survey_rule) -> ProgramData:
    """Everything published about the survey, then about each later state of it."""
    return ProgramData(
        [frame_of(s) for s in (survey, *later)],
        rule=rule,
        known_changes=True,
        present=(results.RESPONSES,),
        bounded=((RESPECT, results.RESPONSES), (PROMOTERS, results.RESPONSES)),
        same_population=((PROMOTERS, DETRACTORS),),
        exclusive=((PROMOTERS, DETRACTORS),),
        people_only=(results.RESPONSES,),
    )


def primaries_only(frame: pd.DataFrame) -> pd.DataFrame:
    """A rule without complements: a small group hidden alone."""
    flagged = frame.copy()
    small = flagged["population"].between(1, 10)
    flagged["population_hidden"] = flagged["events_hidden"] = flagged["hidden"] = small
    flagged["total_hidden"] = False
    return flagged


def a_small_group() -> Survey:
    survey = Survey().add("black", 4, respect=[5], recommend=[10])
    survey.add("white", 80, respect=agreeing(80, 50), recommend=[10, 3, 8])
    return survey.add("hispanic", 60, respect=agreeing(60, 40), recommend=[9, 5])


def test_without_complements_the_auditor_recovers_a_small_group_from_the_totals():
    data = published(a_small_group())
    data.rule = primaries_only
    black = audit(data).find((results.RESPONSES, "2026", "black"), "population")
    assert (black.low, black.high, black.possible) == (4, 4, 1)


def test_the_auditor_cannot_recover_a_small_group_from_the_survey_tables():
    result = audit(published(a_small_group()))
    assert any(t.small for t in result.protected)  # there is something to protect
    assert_safe(result)


SIZES = st.one_of(st.integers(1, 10), st.integers(11, 70))
SHARES = st.sampled_from([0.0, 0.3, 0.5, 0.8, 1.0])


@st.composite
def surveys(draw) -> Survey:
    groups = draw(
        st.lists(
            st.sampled_from(["asian", "black", "white", "unknown"]),
            min_size=3,
            max_size=4,
            unique=True,
        )
    )
    survey = Survey()
    for group in groups:
        people = draw(SIZES)
        agree = round(people * draw(SHARES))
        promoters = round(people * draw(SHARES))
        detractors = round((people - promoters) * draw(SHARES))
        recommend = [10] * promoters + [0] * detractors + [7] * (people - promoters - detractors)
        skipped = draw(st.integers(0, 2))  # a few leave the statement unanswered
        respect = agreeing(people, agree)[: max(people - skipped, 1)]
        respect += [None] * (people - len(respect))
        survey.add(group, people, respect=respect, recommend=recommend)
    return survey


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(surveys())
def test_no_hidden_count_of_a_generated_survey_can_be_worked_out(survey):
    assert_safe(audit(published(survey)))


# --- Downloads before and after more responses ----------------------------------------------


def one_more(survey: Survey, group: str, **answers) -> Survey:
    """The survey after one more response (the original is left as it was)."""
    return copy.deepcopy(survey).add(group, 1, **answers)


def forgetful(frame: pd.DataFrame) -> pd.DataFrame:
    """The rule without memory: each download suppressed as if it were the first."""
    return survey_rule(frame.drop(columns="kept_hidden", errors="ignore"))


def ten_black() -> Survey:
    survey = Survey().add("black", 10, respect=agreeing(10, 6), recommend=[10, 3])
    survey.add("white", 80, respect=agreeing(80, 50), recommend=[10, 3, 8])
    return survey.add("hispanic", 60, respect=agreeing(60, 40), recommend=[9, 5])


def test_without_memory_one_more_response_gives_a_hidden_group_away():
    before = ten_black()
    after = one_more(before, "black", respect=[2], recommend=[3])
    black = (results.RESPONSES, "2026", "black")
    assert forgetful(frame_of(after)).set_index(KEY).loc[black, "population_hidden"] == 0
    recovered = audit(published(before, after, rule=forgetful)).find(black, "population", 0)
    assert (recovered.low, recovered.high, recovered.possible) == (10, 10, 1)


def test_a_group_hidden_once_stays_hidden_after_one_more_response():
    before = ten_black()
    after = one_more(before, "black", respect=[2], recommend=[3])
    black = (results.RESPONSES, "2026", "black")
    first = survey_rule(frame_of(before))
    kept = first[[*KEY, "kept_hidden"]]
    second = survey_rule(frame_of(after).merge(kept, on=KEY, how="left"))
    assert first.set_index(KEY).loc[black, "population_hidden"]
    assert second.set_index(KEY).loc[black, "population_hidden"]  # 11 now, still hidden
    result = audit(published(before, after))
    assert result.find(black, "population", 0).possible >= ENOUGH
    assert_safe(result)


def test_a_paper_form_added_then_removed_gives_nothing_away():
    before = ten_black()
    added = one_more(before, "black", respect=[5], recommend=[10])
    assert_safe(audit(published(before, added, before)))


def test_a_new_group_answering_gives_nothing_away():
    before = Survey().add("white", 40, respect=agreeing(40, 25), recommend=[10, 3])
    before.add("hispanic", 30, respect=agreeing(30, 20), recommend=[9, 5])
    after = one_more(before, "asian", respect=[5], recommend=[10])
    assert_safe(audit(published(before, after)))


ANSWER_SETS = st.fixed_dictionaries(
    {"respect": st.sampled_from([[5], [2], [None]]), "recommend": st.sampled_from([[10], [0], [7]])}
)


@st.composite
def growing_surveys(draw) -> list[Survey]:
    """A survey published at least once, then one to three more responses, one at a time."""
    states = [draw(surveys())]
    assume(results.publishable(survey_rule(frame_of(states[0]))))
    for _n in range(draw(st.integers(1, 3))):
        group = draw(st.sampled_from(["asian", "black", "white", "unknown", "multiracial"]))
        states.append(one_more(states[-1], group, **draw(ANSWER_SETS)))
    return states


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(growing_surveys())
def test_no_hidden_count_can_be_worked_out_across_downloads_as_responses_come_in(states):
    assert_safe(audit(published(*states)))


def test_the_survey_audit_figures(capsys):
    """The figures of the audits above, for the closing note."""
    scenarios = {
        "one small group": published(a_small_group()),
        "one more response": published(ten_black(), one_more(ten_black(), "black", respect=[2])),
        "paper added then removed": published(
            ten_black(), one_more(ten_black(), "black", respect=[5]), ten_black()
        ),
    }
    totals = {"tables": 0, "hidden": 0, "exact": 0, "narrowed": 0}
    for data in scenarios.values():
        result = audit(data)
        assert_safe(result)
        totals["tables"] += result.tables
        totals["hidden"] += len(result.protected)
        totals["exact"] += len(result.exact_recoveries)
        totals["narrowed"] += len(result.narrowed)
    with capsys.disabled():
        print(
            f"\nsurvey audit: {len(scenarios)} scenarios, {totals['tables']} published tables, "
            f"{totals['hidden']} hidden counts of 0-10, {totals['exact']} recovered exactly, "
            f"{totals['narrowed']} narrowed to fewer than {ENOUGH} values"
        )
    assert totals["hidden"] > 0


def two_small_groups_needing_no_complement() -> Survey:
    survey = Survey().add("asian", 54, respect=agreeing(54, 16), recommend=[10, 0])
    survey.add("black", 10, respect=[2], recommend=[10])
    survey.add("white", 10, respect=[2], recommend=[0])
    return survey.add("unknown", 62, respect=[2], recommend=[7])


@pytest.mark.xfail(
    strict=True,
    reason="a leak of the shared rule (outcomes.privacy.suppress), found by the generated "
    "audit: two small groups hidden with no complement (the unknown group, first in the "
    "public order, is shown) must each be at most 10, and they add up to 20, so both are 10",
)
def test_two_small_groups_adding_up_to_twenty_cannot_be_worked_out():
    assert_safe(audit(published(two_small_groups_needing_no_complement())))
