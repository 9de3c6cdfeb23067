"""Several respondents: independent answers, no peeking, the leader's consensus, history."""

import pytest
from django.urls import reverse

from assessments import levels
from assessments.consensus import spread, suggested_level
from assessments.models import Answer, Assessment, RespondentAnswer
from assessments.services import AnswerValues, answers_save, respondents_assign
from tests.conftest import answer_all


def answer_own(client, assessment, dimension, level, evidence):
    """Post one dimension page as the signed-in respondent."""
    respondent = assessment.respondents.get(user_id=client.session["_auth_user_id"])
    data = {"version": respondent.version, "next": ""}
    for indicator in dimension.indicators.all():
        data[f"i-{indicator.key}-level"] = str(level)
        data[f"i-{indicator.key}-evidence"] = evidence
    url = reverse("assessments:dimension", args=[assessment.pk, dimension.key])
    return client.post(url, data)


def answer_everything(client, assessment, level, evidence):
    for dimension in assessment.framework.dimensions.all():
        response = answer_own(client, assessment, dimension, level, evidence)
        assert response.status_code == 302, response.content.decode()[:500]


def submit_own(client, assessment):
    respondent = assessment.respondents.get(user_id=client.session["_auth_user_id"])
    url = reverse("assessments:respondent_submit", args=[assessment.pk])
    return client.post(url, {"version": respondent.version})


@pytest.fixture
def team(draft, leader, contributor):
    respondents_assign(assessment=draft, users=[leader, contributor], by=leader)
    return draft


def test_assigning_respondents_takes_leaders_and_contributors(client, leader, draft, contributor):
    client.force_login(leader)
    response = client.post(
        reverse("assessments:respondents", args=[draft.pk]), {"users": [contributor.pk]}
    )
    assert response.status_code == 302
    assert list(draft.respondents.values_list("user__username", flat=True)) == ["contributor"]


def test_a_viewer_cannot_be_assigned(client, leader, draft, viewer):
    client.force_login(leader)
    client.post(reverse("assessments:respondents", args=[draft.pk]), {"users": [viewer.pk]})
    assert not draft.respondents.exists()


def test_each_respondent_answers_on_their_own(client, team, leader, contributor):
    client.force_login(contributor)
    answer_everything(client, team, levels.REGULATIVE, "Contributor's note")
    client.force_login(leader)
    answer_everything(client, team, levels.GENERATIVE, "Leader's evidence")
    assert RespondentAnswer.objects.filter(respondent__user=contributor, level=1).count() == 24
    assert RespondentAnswer.objects.filter(respondent__user=leader, level=4).count() == 24
    assert not Answer.objects.filter(assessment=team).exists()  # nothing scored yet


def test_no_one_sees_the_others_answers_before_submitting(client, team, leader, contributor):
    client.force_login(leader)
    answer_everything(client, team, levels.GENERATIVE, "Leader's secret evidence")
    client.force_login(contributor)
    pages = [
        client.get(reverse("assessments:dimension", args=[team.pk, "governance"])),
        client.get(reverse("assessments:review", args=[team.pk])),
        client.get(reverse("reports:results", args=[team.pk])),
    ]
    for page in pages:
        assert "Leader&#x27;s secret evidence" not in page.content.decode()


def test_the_consensus_waits_for_everyone_or_a_closed_round(client, team, leader, contributor):
    client.force_login(leader)
    answer_everything(client, team, levels.INTEGRATIVE, "Plan 2026")
    assert submit_own(client, team).status_code == 302
    consensus_url = reverse("assessments:consensus", args=[team.pk, "governance"])
    assert client.get(consensus_url).status_code == 302  # the contributor has not submitted
    client.post(reverse("assessments:close_round", args=[team.pk]))
    team.refresh_from_db()
    assert team.round_closed_at is not None
    assert client.get(consensus_url).status_code == 200
    client.force_login(contributor)
    late = answer_own(client, team, team.framework.dimensions.get(key="governance"), 2, "x")
    assert late.status_code == 400
    assert not RespondentAnswer.objects.filter(respondent__user=contributor).exists()


def test_the_leader_sees_the_spread_and_sets_the_consensus(client, team, leader, contributor):
    client.force_login(contributor)
    answer_everything(client, team, levels.REGULATIVE, "Only the basics")
    submit_own(client, team)
    client.force_login(leader)
    answer_everything(client, team, levels.GENERATIVE, "Community compact")
    submit_own(client, team)
    page = client.get(reverse("assessments:consensus", args=[team.pk, "governance"]))
    text = page.content.decode()
    assert text.count("disagreement</span>") == 6  # 1 vs 4: three levels apart
    assert "Only the basics" in text and "Community compact" in text
    for dimension in team.framework.dimensions.all():
        data = {"version": Assessment.objects.get(pk=team.pk).version}
        for indicator in dimension.indicators.all():
            data[f"i-{indicator.key}-level"] = str(levels.COLLABORATIVE)
            data[f"i-{indicator.key}-evidence"] = "Agreed at the team meeting"
            data[f"i-{indicator.key}-note"] = "We met halfway"
        url = reverse("assessments:consensus", args=[team.pk, dimension.key])
        assert client.post(url, data).status_code == 302
    assert (
        Answer.objects.filter(assessment=team, level=2, consensus_note="We met halfway").count()
        == 24
    )
    team.refresh_from_db()
    client.post(reverse("assessments:submit", args=[team.pk]), {"version": team.version})
    results = client.get(reverse("reports:results", args=[team.pk])).content.decode()
    assert "We met halfway" in results
    assert "Contributor" in results or "contributor" in results  # the spread column


def test_history_shows_who_changed_an_answer_before_and_after(client, leader, draft):
    indicator = draft.framework.dimensions.get(key="governance").indicators.first()
    for level, version in ((levels.REGULATIVE, 1), (levels.COLLABORATIVE, 2)):
        answers_save(
            assessment=draft,
            values={indicator: AnswerValues(level, "Memo", "")},
            expected_version=version,
            by=leader,
        )
    client.force_login(leader)
    page = client.get(reverse("assessments:history", args=[draft.pk])).content.decode()
    assert 'Regulative</span> → <span class="evidence">Collaborative' in page
    assert "Started" in page


def test_the_spread_and_suggestion_rules():
    assert spread([1, 3, None, -1]).disagreement
    assert not spread([2, 3]).disagreement
    assert spread([None, -1]).lowest is None
    assert suggested_level([1, 4, 2]) == 2
    assert suggested_level([1, 4]) == 2  # the median, 2.5, rounded down
    assert suggested_level([1, 2]) == 1
    assert suggested_level([4, 3, 1, 4, -1]) == 3  # "don't know" is not a level
    assert suggested_level([-1, None]) == levels.DONT_KNOW
    assert suggested_level([None]) is None


def test_submitting_team_answers_is_refused_until_complete(client, team, contributor):
    client.force_login(contributor)
    response = submit_own(client, team)
    assert response.status_code == 302
    assert team.respondents.get(user=contributor).submitted_at is None


def test_results_are_unchanged_for_one_respondent(client, leader, draft):
    answer_all(draft, levels.REGULATIVE)
    client.force_login(leader)
    page = client.get(reverse("reports:results", args=[draft.pk])).content.decode()
    assert "Respondents</th>" not in page
