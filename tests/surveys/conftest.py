from datetime import timedelta

import pytest
from django.utils import timezone

from surveys import limits
from surveys.models import ProgramQuestion, Survey


@pytest.fixture(autouse=True)
def _fresh_burst_limit():
    limits.reset()
    yield
    limits.reset()


def make_survey(program, *, days_open=(-1, 30), **fields) -> Survey:
    today = timezone.localdate()
    return Survey.objects.create(
        program=program,
        title=fields.pop("title", "How did we do?"),
        opens_on=today + timedelta(days=days_open[0]),
        closes_on=today + timedelta(days=days_open[1]),
        **fields,
    )


@pytest.fixture
def survey(program, leader) -> Survey:
    survey = make_survey(program, created_by=leader)
    ProgramQuestion.objects.create(
        survey=survey, position=1, kind="choice", text="Which office?", choices=["North", "South"]
    )
    ProgramQuestion.objects.create(survey=survey, position=2, kind="yes_no", text="First visit?")
    return survey
