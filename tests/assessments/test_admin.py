"""Staff read everything, with every version, in the Django admin."""

import pytest
from django.urls import reverse

from assessments import levels
from assessments.services import AnswerValues, answers_save

PAGES = [
    "admin:assessments_organization_changelist",
    "admin:assessments_program_changelist",
    "admin:assessments_membership_changelist",
    "admin:assessments_assessment_changelist",
    "admin:assessments_answer_changelist",
    "admin:assessments_invitation_changelist",
    "admin:assessments_respondent_changelist",
    "admin:assessments_respondentanswer_changelist",
    "admin:assessments_framework_changelist",
    "admin:assessments_indicator_changelist",
    "admin:cohorts_cohort_changelist",
    "admin:cohorts_cohortmember_changelist",
    "admin:cohorts_workgroup_changelist",
    "admin:outcomes_outcomemeasure_changelist",
    "admin:outcomes_outcomecount_changelist",
]


@pytest.mark.parametrize("name", PAGES)
def test_staff_see_every_list(admin_client, draft, name):
    assert admin_client.get(reverse(name)).status_code == 200


def test_staff_see_the_history_of_an_answer_with_who_changed_it(admin_client, draft, leader):
    indicator = draft.framework.dimensions.first().indicators.first()
    for level in (levels.REGULATIVE, levels.COLLABORATIVE):
        answers_save(
            assessment=draft,
            values={indicator: AnswerValues(level, "Memo", "")},
            expected_version=draft.version,
            by=leader,
        )
    answer = draft.answers.get()
    page = admin_client.get(reverse("admin:assessments_answer_history", args=[answer.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("leader") >= 2


def test_answers_cannot_be_edited_in_the_admin(admin_client, draft, leader):
    indicator = draft.framework.dimensions.first().indicators.first()
    answers_save(
        assessment=draft,
        values={indicator: AnswerValues(levels.REGULATIVE, "Memo", "")},
        expected_version=draft.version,
        by=leader,
    )
    answer = draft.answers.get()
    url = reverse("admin:assessments_answer_change", args=[answer.pk])
    admin_client.post(url, {"level": levels.GENERATIVE, "evidence": "edited"})
    answer.refresh_from_db()
    assert answer.level == levels.REGULATIVE
