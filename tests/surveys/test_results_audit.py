"""The survey tables against an informed attacker: the auditor of outcome data
(tests/outcomes/audit.py) solves for hidden groups from every table a survey publishes,
knowing how the tables relate (answering a question is among the respondents; the tables of a
question have the same people; the answers of a question are one per person)."""

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import results
from tests.outcomes.audit import ProgramData, audit
from tests.outcomes.test_privacy_audit import assert_safe
from tests.surveys.factories import Survey, agreeing

ITEMS = [item for item in results.survey_items([]) if item.key in ("respect", "recommend")]
RESPECT, PROMOTERS, DETRACTORS = "respect:agree", "recommend:promoters", "recommend:detractors"


def survey_rule(frame: pd.DataFrame) -> pd.DataFrame:
    """What the results page and downloads publish (surveys.results.protected)."""
    people_only = frame["measure"] == results.RESPONSES
    return results.protected(frame.assign(population_only=people_only), "audited survey")


def published(survey: Survey) -> ProgramData:
    frame = survey.counts(ITEMS).drop(columns="population_only")
    return ProgramData(
        [frame],
        rule=survey_rule,
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
