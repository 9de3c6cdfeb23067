"""Continuity between cycles: carried-over answers until confirmed or changed, and unfinished
plan steps carried on into the next cycle's plan."""

import datetime

import pytest
from django.urls import reverse

from assessments import levels
from assessments.action_steps import Candidate, fill_steps
from assessments.models import Answer, Indicator, PlanStep, PriorAnswer
from assessments.progress import dimension_trend, submitted_cycles, trend_chart
from assessments.scoring import DimensionResult
from assessments.services import (
    AnswerValues,
    AssessmentError,
    answers_confirm,
    answers_save,
    assessment_start,
    assessment_submit,
    respondents_assign,
)
from tests.conftest import answer_all
from tests.cycles import cycle_of


@pytest.fixture
def last_cycle(draft, leader):
    """The 2026 cycle, submitted, with every answer Collaborative."""
    answer_all(draft, levels.COLLABORATIVE)
    assessment_submit(assessment=draft, expected_version=draft.version, by=leader)
    return draft


@pytest.fixture
def next_cycle(last_cycle, framework, leader):
    return assessment_start(
        program=last_cycle.program,
        cycle=cycle_of(last_cycle.program, "2027"),
        framework=framework,
        by=leader,
        copy_from=last_cycle,
    )


def governance(assessment) -> list[Indicator]:
    return list(
        Indicator.objects.filter(dimension__framework=assessment.framework).filter(
            dimension__key="governance"
        )
    )


# --- Carried answers ---------------------------------------------------------------------------


def test_every_answer_copied_from_the_last_cycle_is_carried_over(next_cycle):
    answers = next_cycle.answers.all()
    assert (
        answers.count()
        == Indicator.objects.filter(dimension__framework=next_cycle.framework).count()
    )
    assert answers.carried_unconfirmed().count() == answers.count()


def test_a_cycle_started_afresh_carries_nothing(draft):
    answer_all(draft)
    assert not draft.answers.carried_unconfirmed().exists()


def test_changing_an_answer_clears_its_carried_mark_and_saving_it_unchanged_does_not(
    next_cycle, contributor
):
    first, second = governance(next_cycle)[:2]
    unchanged = AnswerValues(levels.COLLABORATIVE, "Minutes 2026-03", "")
    changed = AnswerValues(levels.INTEGRATIVE, "Board minutes 2027", "high")
    answers_save(
        assessment=next_cycle,
        values={first: changed, second: unchanged},
        expected_version=next_cycle.version,
        by=contributor,
    )
    carried = set(next_cycle.answers.carried_unconfirmed().values_list("indicator", flat=True))
    assert first.pk not in carried
    assert second.pk in carried


def test_confirming_a_dimension_clears_only_its_answers_and_keeps_the_version(
    next_cycle, contributor
):
    version = next_cycle.version
    confirmed = answers_confirm(
        assessment=next_cycle, indicators=governance(next_cycle), by=contributor
    )
    assert confirmed == len(governance(next_cycle))
    left = next_cycle.answers.carried_unconfirmed()
    assert not left.filter(indicator__dimension__key="governance").exists()
    assert left.filter(indicator__dimension__key="insight").exists()
    next_cycle.refresh_from_db()
    assert next_cycle.version == version  # nobody's open page goes stale
    record = Answer.history.filter(carried_over=False, history_type="~").first()
    assert record.history_user == contributor


def test_confirming_a_submitted_assessment_is_refused(last_cycle, leader):
    last_cycle.answers.update(carried_over=True)
    with pytest.raises(AssessmentError):
        answers_confirm(assessment=last_cycle, indicators=governance(last_cycle), by=leader)
    assert last_cycle.answers.carried_unconfirmed().exists()


def test_assigning_respondents_sets_the_carried_answers_aside_and_leaves_none_to_confirm(
    next_cycle, leader, contributor
):
    respondents_assign(assessment=next_cycle, users=[contributor], by=leader)
    assert not next_cycle.answers.carried_unconfirmed().exists()
    assert PriorAnswer.objects.filter(assessment=next_cycle).count() > 0
    with pytest.raises(AssessmentError):
        answers_confirm(assessment=next_cycle, indicators=governance(next_cycle), by=leader)


def test_the_dimension_page_marks_carried_answers_and_the_confirm_button_clears_one(
    client, next_cycle, contributor
):
    client.force_login(contributor)
    url = reverse("assessments:dimension", args=[next_cycle.pk, "governance"])
    page = client.get(url).content.decode()
    indicators = governance(next_cycle)
    assert page.count("Carried over, not confirmed") == len(indicators)
    assert "carried over from 2026" in page
    confirm = reverse("assessments:confirm_carried", args=[next_cycle.pk, "governance"])
    response = client.post(confirm, {"indicator": indicators[0].key})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert page.count("Carried over, not confirmed") == len(indicators) - 1
    client.post(confirm)
    assert "Carried over, not confirmed" not in client.get(url).content.decode()


def test_a_viewer_sees_the_carried_mark_without_a_confirm_button(client, next_cycle, viewer):
    client.force_login(viewer)
    url = reverse("assessments:dimension", args=[next_cycle.pk, "governance"])
    page = client.get(url).content.decode()
    assert "Carried over, not confirmed" in page
    assert "Confirm unchanged" not in page
    confirm = reverse("assessments:confirm_carried", args=[next_cycle.pk, "governance"])
    assert client.post(confirm).status_code == 403


def test_the_review_page_lists_unconfirmed_carried_answers_with_links(client, next_cycle, leader):
    answers_confirm(assessment=next_cycle, indicators=governance(next_cycle), by=leader)
    client.force_login(leader)
    page = client.get(reverse("assessments:review", args=[next_cycle.pk])).content.decode()
    insight = Indicator.objects.filter(
        dimension__framework=next_cycle.framework, dimension__key="insight"
    ).first()
    link = reverse("assessments:dimension", args=[next_cycle.pk, "insight"])
    assert f"{link}#i-{insight.key}-statement" in page
    assert page.count("carried over from last cycle, not confirmed yet") == 3  # not governance


def test_the_results_page_says_how_many_answers_are_carried_unchanged(client, next_cycle, leader):
    confirmed = answers_confirm(assessment=next_cycle, indicators=governance(next_cycle), by=leader)
    assessment_submit(assessment=next_cycle, expected_version=next_cycle.version, by=leader)
    total = next_cycle.answers.count()
    client.force_login(leader)
    page = client.get(reverse("reports:results", args=[next_cycle.pk])).content.decode()
    assert f"{total - confirmed} answers are carried over from 2026 unchanged" in page


# --- Carried plan steps ------------------------------------------------------------------------


def result(level: int) -> DimensionResult:
    return DimensionResult("d", level, float(level), {}, holding_back=())


def test_library_steps_fill_up_after_the_carried_ones_without_repeating_one():
    candidates = [Candidate(f"s{n}", 1, frozenset(), n) for n in range(7)]
    assert fill_steps(result(levels.REGULATIVE), candidates, ["s1", None]) == ["s0", "s2", "s3"]
    assert fill_steps(result(levels.REGULATIVE), candidates, ["a", "b", "c", "d", "e", "f"]) == []
    assert fill_steps(result(levels.REGULATIVE), candidates, []) == ["s0", "s1", "s2", "s3", "s4"]


def test_unfinished_steps_carry_on_into_the_next_plan_first_with_what_they_hold(
    action_steps, last_cycle, next_cycle, leader
):
    old = list(last_cycle.plan_steps.filter(dimension__key="governance").order_by("order"))
    assert len(old) == 5
    old[0].status, old[0].owner, old[0].notes = PlanStep.Status.IN_PROGRESS, "Ana", "Half way"
    old[0].due_date = datetime.date(2027, 6, 1)
    old[0].save()
    old[1].status = PlanStep.Status.DONE
    old[1].save()
    old[2].status = PlanStep.Status.DROPPED
    old[2].save()
    answer_all(next_cycle, levels.COLLABORATIVE)
    assessment_submit(assessment=next_cycle, expected_version=next_cycle.version, by=leader)
    new = list(next_cycle.plan_steps.filter(dimension__key="governance").order_by("order"))
    carried = [s for s in new if s.continues_id]
    assert [s.continues_id for s in new[:2]] == [old[0].pk, old[3].pk]
    assert len(carried) == 3  # steps 0, 3 and 4; done and dropped ones end
    first = new[0]
    assert (first.status, first.owner, first.notes) == ("in_progress", "Ana", "Half way")
    assert first.due_date == datetime.date(2027, 6, 1)
    assert len(new) == 5
    library = [s.action_step_id for s in new if s.action_step_id]
    assert len(library) == len(set(library))  # no library step twice


def test_the_plan_page_lists_steps_done_last_cycle_and_links_the_carried_ones(
    client, action_steps, last_cycle, next_cycle, leader
):
    done = last_cycle.plan_steps.filter(dimension__key="governance").order_by("order").first()
    done.status = PlanStep.Status.DONE
    done.save()
    answer_all(next_cycle, levels.COLLABORATIVE)
    assessment_submit(assessment=next_cycle, expected_version=next_cycle.version, by=leader)
    client.force_login(leader)
    page = client.get(reverse("assessments:plan", args=[next_cycle.pk])).content.decode()
    assert "Done last cycle (2026)" in page
    assert done.title in page.split("Done last cycle (2026)")[1]
    assert "Carried on from the 2026 plan" in page
    assert reverse("assessments:plan", args=[last_cycle.pk]) in page


# --- Change since the last cycle, and the trend ----------------------------------------------


def test_the_trend_follows_each_dimension_by_key_oldest_cycle_first(last_cycle, next_cycle, leader):
    answer_all(next_cycle, levels.INTEGRATIVE, "Board minutes 2027")
    assessment_submit(assessment=next_cycle, expected_version=next_cycle.version, by=leader)
    cycles, lines = dimension_trend(submitted_cycles(last_cycle.program))
    assert cycles == ["2026", "2027"]
    assert [line.key for line in lines] == ["governance", "insight", "services", "people"]
    assert lines[0].indices[1] > lines[0].indices[0]


def test_one_cycle_has_no_trend_to_draw(last_cycle):
    assert trend_chart(submitted_cycles(last_cycle.program)) is None


def test_the_program_and_results_pages_show_the_trend_and_the_change(
    client, last_cycle, next_cycle, leader
):
    answer_all(next_cycle, levels.INTEGRATIVE, "Board minutes 2027")
    assessment_submit(assessment=next_cycle, expected_version=next_cycle.version, by=leader)
    client.force_login(leader)
    program = reverse("assessments:program", args=[next_cycle.program.pk])
    results = reverse("reports:results", args=[next_cycle.pk])
    for url in (program, results):
        page = client.get(url).content.decode()
        assert 'id="trend-chart" type="application/json"' in page
        assert "vendor/plotly/plotly-valuecurve.min.js" in page
        assert "+" in page and "since 2026" in page
    page = client.get(results).content.decode()
    assert "Change since 2026" in page
    assert "1 level" in page


def test_the_first_cycle_results_page_shows_no_change_and_no_trend(client, last_cycle, leader):
    client.force_login(leader)
    page = client.get(reverse("reports:results", args=[last_cycle.pk])).content.decode()
    assert "Change since" not in page
    assert "trend-chart" not in page


PLAN_MAX = 15  # measured with a carried plan: steps, their continued steps, last cycle's done,
# and the cohort goals the steps are tied to (one query for all of them)


def test_the_plan_page_queries_stay_flat_with_carried_and_done_steps(
    client, action_steps, last_cycle, next_cycle, leader, django_assert_max_num_queries
):
    last_cycle.plan_steps.filter(dimension__key="governance").update(status=PlanStep.Status.DONE)
    answer_all(next_cycle, levels.COLLABORATIVE)
    assessment_submit(assessment=next_cycle, expected_version=next_cycle.version, by=leader)
    assert next_cycle.plan_steps.filter(continues__isnull=False).count() == 15
    client.force_login(leader)
    url = reverse("assessments:plan", args=[next_cycle.pk])
    client.get(url)
    with django_assert_max_num_queries(PLAN_MAX):
        assert "Done last cycle (2026)" in client.get(url).content.decode()
