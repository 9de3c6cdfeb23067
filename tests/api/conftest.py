"""The API cast: the usual organization and roles, a submitted assessment with a plan step, an
outcome measure with counts, a survey with responses, a cohort the organization shares its
plans and survey results with, its facilitator, and a token maker."""

from types import SimpleNamespace

import pytest

from api.tokens import token_create
from assessments import levels
from assessments.models import Dimension, PlanStep
from assessments.services import assessment_submit
from cohorts.models import Cohort, CohortMember, Facilitator, GoalLink, SharedGoal, Sharing
from tests.conftest import answer_all, make_user
from tests.cycles import round_of
from tests.outcomes.conftest import measure  # noqa: F401  (the outcomes cast's measure)
from tests.surveys.factories import stored_survey

OPEN_TEXT = "Qopentext: call me on 555 0100"


def make_token(
    user, *, organization=None, cohort=None, write=False, days=30, verified=False
) -> str:
    _token, secret = token_create(
        user=user,
        name="Warehouse",
        days=days,
        can_write=write,
        verified=verified,
        organization=organization,
        cohort=cohort,
    )
    return secret


def bearer(secret: str | None) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}


@pytest.fixture
def api_world(
    org,
    other_org,
    leader,
    contributor,
    viewer,
    stranger,
    program,
    draft,
    measure,  # noqa: F811
):
    answer_all(draft, levels.COLLABORATIVE)
    assessment_submit(assessment=draft, expected_version=draft.version, by=leader)
    draft.refresh_from_db()
    step = PlanStep.objects.create(
        assessment=draft,
        dimension=Dimension.objects.get(framework=draft.framework, key="governance"),
        title="Write the equity commitment",
    )
    survey = stored_survey(program, {"white": (40, 30), "black": (40, 12)}, texts=(OPEN_TEXT,))
    facilitator = make_user("facilitator")
    cohort = Cohort.objects.create(name="Tri-County Equity Network", created_by=facilitator)
    Facilitator.objects.create(cohort=cohort, user=facilitator)
    CohortMember.objects.create(
        cohort=cohort,
        organization=org,
        status=CohortMember.Status.ACTIVE,
        sharing=Sharing.PLANS,
        shares_surveys=True,
    )
    cohort_round = round_of(cohort, draft.cycle.name)
    goal = SharedGoal.objects.create(cohort=cohort, title="Equity commitments")
    GoalLink.objects.create(goal=goal, plan_step=step)
    return SimpleNamespace(
        org=org,
        survey=survey,
        cohort=cohort,
        cohort_round=cohort_round,
        other_org=other_org,
        program=program,
        assessment=draft,
        cycle=draft.cycle,
        step=step,
        measure=measure,
        users={
            "leader": leader,
            "contributor": contributor,
            "viewer": viewer,
            "stranger": stranger,
            "facilitator": facilitator,
        },
    )
