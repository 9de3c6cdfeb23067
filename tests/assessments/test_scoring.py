"""The scoring rules, as examples and as properties (no database)."""

import random

from hypothesis import given
from hypothesis import strategies as st

from assessments.levels import (
    COLLABORATIVE,
    DONT_KNOW,
    GENERATIVE,
    INTEGRATIVE,
    NOT_YET,
    REGULATIVE,
)
from assessments.scoring import AnswerInput, counted_level, score_dimension, score_profile

KEYS = [f"k{n}" for n in range(10)]
levels_st = st.sampled_from([None, DONT_KNOW, NOT_YET, 1, 2, 3, 4])
answer_st = st.builds(AnswerInput, level=levels_st, evidence=st.sampled_from(["", "  ", "Report"]))
answers_st = st.dictionaries(st.sampled_from(KEYS), answer_st)


def dim(answers, keys=KEYS):
    return score_dimension("d", keys, answers)


def test_a_dimension_reaches_a_level_when_80_percent_are_at_or_above_it():
    answers = {k: AnswerInput(INTEGRATIVE, "Plan") for k in KEYS[:8]}
    answers |= {k: AnswerInput(REGULATIVE) for k in KEYS[8:]}
    result = dim(answers)
    assert result.level == INTEGRATIVE
    assert result.holding_back == ("k8", "k9") or set(result.holding_back) == {
        k for k in KEYS if answers[k].level <= INTEGRATIVE
    }


def test_79_percent_is_not_enough():
    keys = [f"k{n}" for n in range(5)]
    answers = {k: AnswerInput(COLLABORATIVE) for k in keys[:3]} | {
        k: AnswerInput(NOT_YET) for k in keys[3:]
    }
    assert score_dimension("d", keys, answers).level == NOT_YET


def test_a_claim_above_collaborative_without_evidence_counts_as_collaborative():
    assert counted_level(AnswerInput(GENERATIVE, "")) == COLLABORATIVE
    assert counted_level(AnswerInput(INTEGRATIVE, "   ")) == COLLABORATIVE
    assert counted_level(AnswerInput(GENERATIVE, "Board minutes")) == GENERATIVE
    assert counted_level(AnswerInput(COLLABORATIVE, "")) == COLLABORATIVE


def test_dont_know_and_unanswered_count_as_not_yet_and_are_flagged():
    result = dim(
        {"k0": AnswerInput(DONT_KNOW)} | {k: AnswerInput(GENERATIVE, "x") for k in KEYS[2:]}
    )
    assert result.counted["k0"] == NOT_YET
    assert result.counted["k1"] == NOT_YET
    assert result.knowledge_gaps == ("k0",)
    assert result.unanswered == ("k1",)
    assert result.level == GENERATIVE
    assert result.index == 3.2


def test_what_holds_a_dimension_back_is_what_sits_below_the_next_level():
    answers = {k: AnswerInput(COLLABORATIVE) for k in KEYS}
    answers["k3"] = AnswerInput(INTEGRATIVE, "Evidence")
    result = dim(answers)
    assert result.level == COLLABORATIVE
    assert set(result.holding_back) == set(KEYS) - {"k3"}


def test_a_generative_dimension_has_nothing_holding_it_back():
    result = dim({k: AnswerInput(GENERATIVE, "e") for k in KEYS})
    assert (result.level, result.holding_back, result.next_level) == (GENERATIVE, (), None)


def test_the_profile_headline_is_the_lowest_dimension():
    structure = {"a": ["a1"], "b": ["b1"]}
    profile = score_profile(
        structure, {"a1": AnswerInput(GENERATIVE, "e"), "b1": AnswerInput(REGULATIVE)}
    )
    assert profile.headline_level == REGULATIVE
    assert profile.mean_index == 2.5
    assert list(profile.dimensions) == ["a", "b"]


@given(answers_st)
def test_scoring_is_deterministic(answers):
    assert dim(answers) == dim(dict(answers))


@given(answers_st)
def test_a_level_is_always_one_of_the_four_or_not_yet(answers):
    result = dim(answers)
    assert result.level in (NOT_YET, REGULATIVE, COLLABORATIVE, INTEGRATIVE, GENERATIVE)
    assert 0.0 <= result.index <= 4.0


@given(answers_st, st.randoms())
def test_the_order_of_indicators_does_not_matter(answers, rnd: random.Random):
    shuffled_keys = list(KEYS)
    rnd.shuffle(shuffled_keys)
    shuffled_answers = dict(rnd.sample(list(answers.items()), len(answers)))
    assert dim(answers) == dim(shuffled_answers, shuffled_keys)


@given(answers_st, st.sampled_from(KEYS), st.data())
def test_raising_one_answer_never_lowers_the_level_or_index(answers, key, data):
    before = answers.get(key)
    start = -1 if before is None or before.level is None else max(before.level, -1)
    higher = data.draw(st.integers(min_value=max(start, NOT_YET), max_value=GENERATIVE))
    evidence = before.evidence if before else ""
    raised = answers | {key: AnswerInput(higher, evidence)}
    assert counted_level(raised[key]) >= counted_level(before)
    assert dim(raised).level >= dim(answers).level
    assert dim(raised).index >= dim(answers).index


@given(answers_st)
def test_unsupported_claims_never_count_above_collaborative(answers):
    result = dim(answers)
    for key in result.unsupported:
        assert answers[key].level >= INTEGRATIVE
        assert not answers[key].evidence.strip()
        assert result.counted[key] == COLLABORATIVE
