"""The main journey through the views: start, answer, review, submit, results, reopen."""

import pytest
from django.urls import reverse

from assessments import levels
from assessments.models import Answer, Assessment, AssessmentEvent, DimensionScore
from tests.conftest import answer_all
from tests.cycles import cycle_of, new_cycle


def dimension_post(assessment, dimension, level=levels.COLLABORATIVE, evidence="Policy memo"):
    data = {"version": assessment.version}
    for indicator in dimension.indicators.all():
        data[f"i-{indicator.key}-level"] = str(level)
        data[f"i-{indicator.key}-evidence"] = evidence
        data[f"i-{indicator.key}-confidence"] = "medium"
    return data


@pytest.fixture
def governance(draft):
    return draft.framework.dimensions.get(key="governance")


def test_a_leader_starts_an_assessment_from_the_program_page(client, leader, program, framework):
    client.force_login(leader)
    response = client.post(
        reverse("assessments:start", args=[program.pk]),
        {**new_cycle("2026"), "framework": framework.pk},
    )
    assessment = Assessment.objects.get(program=program, cycle__name="2026")
    assert response.status_code == 302
    assert assessment.framework == framework
    assert assessment.events.get().kind == AssessmentEvent.Kind.STARTED


def test_a_duplicate_cycle_is_refused_with_a_message(client, leader, draft):
    client.force_login(leader)
    url = reverse("assessments:start", args=[draft.program.pk])
    again = client.post(url, {**new_cycle("2026"), "framework": draft.framework.pk})
    assert again.status_code == 400
    assert "Your organization has this cycle already" in again.content.decode()
    taken = client.post(url, {"cycle": draft.cycle.pk, "framework": draft.framework.pk})
    assert taken.status_code == 400
    assert "Select a valid choice" in taken.content.decode()
    assert Assessment.objects.count() == 1
    assert draft.program.organization.cycles.count() == 1


def test_a_new_cycle_can_start_from_the_previous_answers(client, leader, draft):
    answer_all(draft, levels.INTEGRATIVE, "Equity report 2026")
    client.force_login(leader)
    client.post(
        reverse("assessments:start", args=[draft.program.pk]),
        {**new_cycle("2027"), "framework": draft.framework.pk, "copy_previous": "on"},
    )
    new = Assessment.objects.get(cycle__name="2027")
    assert new.based_on == draft
    assert new.answers.count() == draft.answers.count() == 24
    assert set(new.answers.values_list("level", "evidence")) == {(3, "Equity report 2026")}


def test_the_dimension_page_shows_the_rubric(client, contributor, draft, governance):
    client.force_login(contributor)
    response = client.get(reverse("assessments:dimension", args=[draft.pk, "governance"]))
    page = response.content.decode()
    indicator = governance.indicators.first()
    assert response.status_code == 200
    assert indicator.statement in page
    for descriptor in indicator.descriptors.all():
        assert descriptor.text in page
    assert "Don&#x27;t know" in page
    assert "1 of 4" not in page  # progress shows answered counts per dimension
    assert "0 of 6 answered" in page


def test_saving_a_page_stores_answers_and_moves_on(client, contributor, draft, governance):
    client.force_login(contributor)
    data = dimension_post(draft, governance) | {"next": ""}
    response = client.post(reverse("assessments:dimension", args=[draft.pk, "governance"]), data)
    assert response.status_code == 302
    assert response.url == reverse("assessments:dimension", args=[draft.pk, "insight"])
    assert Answer.objects.filter(assessment=draft, level=levels.COLLABORATIVE).count() == 6
    draft.refresh_from_db()
    assert draft.version == 2


def test_autosave_answers_with_json_and_the_new_version(client, contributor, draft, governance):
    client.force_login(contributor)
    response = client.post(
        reverse("assessments:dimension", args=[draft.pk, "governance"]),
        dimension_post(draft, governance),
        headers={"X-Autosave": "1"},
    )
    body = response.json()
    assert (body["saved"], body["version"]) == (True, 2)
    # The page learns the version of each answer it saved, for the next save's checks.
    assert {known["seen"] for known in body["answers"].values()} == {2}
    assert len(body["answers"]) == governance.indicators.count()


def test_a_stale_page_is_refused_and_shows_what_changed(
    client, contributor, leader, draft, governance
):
    stale = dimension_post(draft, governance, level=levels.REGULATIVE)
    client.force_login(leader)
    client.post(
        reverse("assessments:dimension", args=[draft.pk, "governance"]),
        dimension_post(draft, governance, evidence="The leader's evidence"),
    )
    client.force_login(contributor)
    response = client.post(reverse("assessments:dimension", args=[draft.pk, "governance"]), stale)
    page = response.content.decode()
    assert response.status_code == 409
    assert "What changed since you opened this page" in page
    assert "The leader&#x27;s evidence" in page
    assert set(Answer.objects.filter(assessment=draft).values_list("level", flat=True)) == {2}


def test_an_invalid_level_is_refused_and_nothing_is_saved(client, contributor, draft, governance):
    client.force_login(contributor)
    data = dimension_post(draft, governance)
    data[f"i-{governance.indicators.first().key}-level"] = "9"
    response = client.post(reverse("assessments:dimension", args=[draft.pk, "governance"]), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Answer.objects.filter(assessment=draft).exists()


def test_a_tampered_indicator_key_is_refused(client, contributor, draft, governance):
    client.force_login(contributor)
    data = dimension_post(draft, governance) | {"i-ins-root-cause-level": "2"}
    response = client.post(reverse("assessments:dimension", args=[draft.pk, "governance"]), data)
    assert response.status_code == 400
    assert not Answer.objects.filter(assessment=draft).exists()


def test_review_lists_unanswered_and_submit_is_refused_until_complete(client, leader, draft):
    client.force_login(leader)
    review = client.get(reverse("assessments:review", args=[draft.pk]))
    assert "6 indicators are not answered" in review.content.decode()
    response = client.post(
        reverse("assessments:submit", args=[draft.pk]), {"version": draft.version}
    )
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.is_draft


def test_submitting_scores_the_assessment_and_makes_it_read_only(client, leader, draft, governance):
    answer_all(draft, levels.INTEGRATIVE, evidence="")
    client.force_login(leader)
    response = client.post(
        reverse("assessments:submit", args=[draft.pk]), {"version": draft.version}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED
    # Integrative claims without evidence count as Collaborative.
    assert set(DimensionScore.objects.filter(assessment=draft).values_list("level", flat=True)) == {
        2
    }
    results = client.get(reverse("reports:results", args=[draft.pk])).content.decode()
    assert "unsupported claim" in results
    late = client.post(
        reverse("assessments:dimension", args=[draft.pk, "governance"]),
        dimension_post(draft, governance, level=levels.GENERATIVE),
    )
    assert late.status_code == 400
    assert "read-only" in late.content.decode()
    assert not Answer.objects.filter(assessment=draft, level=levels.GENERATIVE).exists()


def test_reopening_is_recorded_and_clears_the_scores(client, leader, draft):
    answer_all(draft, levels.REGULATIVE)
    client.force_login(leader)
    client.post(reverse("assessments:submit", args=[draft.pk]), {"version": draft.version})
    response = client.post(
        reverse("assessments:reopen", args=[draft.pk]), {"reason": "New data from Q3"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_draft
    assert not draft.scores.exists()
    assert draft.events.filter(kind="reopened", note="New data from Q3", by=leader).exists()


def test_results_show_levels_chart_data_and_evidence(client, viewer, draft):
    answer_all(draft, levels.GENERATIVE, evidence="Community compact signed 2026")
    client.force_login(viewer)
    response = client.get(reverse("reports:results", args=[draft.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="profile-chart" type="application/json"' in page
    assert "Community compact signed 2026" in page
    assert "Generative" in page
    assert "<script>" not in page.replace('<script src="', "")  # no inline script


def test_the_program_page_shows_the_change_since_the_last_cycle(client, leader, draft, framework):
    from assessments.services import assessment_start, assessment_submit

    answer_all(draft, levels.REGULATIVE)
    assessment_submit(assessment=draft, expected_version=draft.version, by=leader)
    later = assessment_start(
        program=draft.program,
        cycle=cycle_of(draft.program, "2027"),
        framework=framework,
        by=leader,
        copy_from=draft,
    )
    answer_all(later, levels.COLLABORATIVE)
    assessment_submit(assessment=later, expected_version=later.version, by=leader)
    client.force_login(leader)
    page = client.get(reverse("assessments:program", args=[draft.program.pk])).content.decode()
    assert "+1.00 since 2026" in page
    assert "1 level" in page
