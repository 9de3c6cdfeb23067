"""The API cast: the usual organization and roles, a submitted assessment with a plan step, an
outcome measure with counts, and a token maker."""

from types import SimpleNamespace

import pytest

from api.tokens import token_create
from assessments import levels
from assessments.models import Dimension, PlanStep
from assessments.services import assessment_submit
from tests.conftest import answer_all
from tests.outcomes.conftest import measure  # noqa: F401  (the outcomes cast's measure)


def make_token(user, *, organization=None, cohort=None, write=False, days=30) -> str:
    _token, secret = token_create(
        user=user,
        name="Warehouse",
        days=days,
        can_write=write,
        verified=False,
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
    return SimpleNamespace(
        org=org,
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
        },
    )
