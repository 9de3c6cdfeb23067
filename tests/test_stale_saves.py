"""Every edit form refuses to save over what someone else saved after the page was loaded,
shows their values next to yours, keeps yours in the form, and saves them when sent again.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from assessments import plans
from assessments.models import Organization, PlanStep
from cohorts.models import Cohort, Facilitator, SharedGoal, Workgroup
from outcomes import services as outcome_services
from outcomes.models import OutcomeMeasure
from tests.conftest import answer_all, make_user


@dataclass
class Case:
    url: str
    user: Any
    mine: dict[str, str]  # what this person types
    theirs: Any  # what someone else saves meanwhile: a function of nothing
    stored: Any  # reads the stored value of the field both changed
    their_value: str
    my_value: str


def page_data(form) -> dict:
    """What the browser posts back from a form as it was shown."""
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


@pytest.fixture
def plan_step(draft, leader, action_steps):
    from assessments.services import assessment_submit

    answer_all(draft)
    assessment_submit(assessment=draft, expected_version=draft.version, by=leader)
    return draft.plan_steps.first()


def plan_step_case(plan_step, leader) -> Case:
    other = make_user("other-leader")

    def theirs():
        step = PlanStep.objects.get(pk=plan_step.pk)
        values = plans.StepValues(
            step.title, step.description, step.measure, "Bea", None, step.status, "Bea's"
        )
        plans.plan_step_update(step=step, values=values, by=other)

    return Case(
        reverse("assessments:plan_step_edit", args=[plan_step.pk]),
        leader,
        {"owner": "Ana"},
        theirs,
        lambda: PlanStep.objects.get(pk=plan_step.pk).owner,
        "Bea",
        "Ana",
    )


def field_case(url: str, user, obj, field: str) -> Case:
    """Someone else changes one field of `obj` (saved directly) while this person edits it."""
    rows = type(obj).objects.filter(pk=obj.pk)
    return Case(
        url,
        user,
        {field: f"My {field}"},
        lambda: rows.update(**{field: f"Their {field}"}),
        lambda: rows.values_list(field, flat=True).get(),
        f"Their {field}",
        f"My {field}",
    )


def statements_case(org, leader) -> Case:
    return field_case(reverse("assessments:statements", args=[org.pk]), leader, org, "vision")


def profile_case(org, leader) -> Case:
    url = reverse("assessments:organization_profile", args=[org.pk])
    return field_case(url, leader, org, "region")


def program_case(program, leader) -> Case:
    url = reverse("assessments:program_edit", args=[program.pk])
    return field_case(url, leader, program, "population_served")


@pytest.fixture
def cohort_parts(db):
    facilitator = make_user("facilitator")
    cohort = Cohort.objects.create(name="Consortium", created_by=facilitator)
    Facilitator.objects.create(cohort=cohort, user=facilitator)
    goal = SharedGoal.objects.create(cohort=cohort, title="Housing")
    workgroup = Workgroup.objects.create(cohort=cohort, name="Data")
    return facilitator, cohort, goal, workgroup


def goal_case(cohort_parts) -> Case:
    facilitator, cohort, goal, _workgroup = cohort_parts
    url = reverse("cohorts:goal_edit", args=[cohort.pk, goal.pk])
    return field_case(url, facilitator, goal, "title")


def workgroup_case(cohort_parts) -> Case:
    facilitator, cohort, _goal, workgroup = cohort_parts
    url = reverse("cohorts:workgroup_edit", args=[cohort.pk, workgroup.pk])
    return field_case(url, facilitator, workgroup, "name")


@pytest.fixture
def measure(program, leader):
    measure = OutcomeMeasure.objects.create(
        program=program, name="Stable housing", direction="favorable", denominator="families"
    )
    outcome_services.counts_save_period(
        measure=measure, period="2025", values={"black": (40, 12)}, by=leader
    )
    return measure


def measure_case(measure, leader) -> Case:
    url = reverse("outcomes:measure_edit", args=[measure.pk])
    return field_case(url, leader, measure, "description")


def counts_case(measure, leader) -> Case:
    def theirs():
        outcome_services.counts_save_period(
            measure=measure, period="2025", values={"black": (40, 17)}, by=leader
        )

    return Case(
        reverse("outcomes:counts_entry", args=[measure.pk]) + "?period=2025",
        leader,
        {"events_black": "13"},
        theirs,
        lambda: measure.counts.get(period="2025", group="black").events,
        "17",
        "13",
    )


@pytest.fixture(
    params=[
        "plan step",
        "statements",
        "profile",
        "program",
        "goal",
        "workgroup",
        "measure",
        "counts",
    ]
)
def case(request, org, leader) -> Case:
    fixtures = {
        "plan step": lambda: plan_step_case(request.getfixturevalue("plan_step"), leader),
        "statements": lambda: statements_case(org, leader),
        "profile": lambda: profile_case(org, leader),
        "program": lambda: program_case(request.getfixturevalue("program"), leader),
        "goal": lambda: goal_case(request.getfixturevalue("cohort_parts")),
        "workgroup": lambda: workgroup_case(request.getfixturevalue("cohort_parts")),
        "measure": lambda: measure_case(request.getfixturevalue("measure"), leader),
        "counts": lambda: counts_case(request.getfixturevalue("measure"), leader),
    }
    return fixtures[request.param]()


def test_a_save_over_someone_elses_later_save_is_refused_and_shows_both(case):
    client = Client()
    client.force_login(case.user)
    loaded = client.get(case.url)
    assert loaded.status_code == 200
    data = page_data(loaded.context["form"]) | case.mine
    case.theirs()

    refused = client.post(case.url, data)
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "Someone saved this after you opened the page" in text
    assert case.their_value in text and case.my_value in text
    assert str(case.stored()) == case.their_value
    form = refused.context["form"]
    assert form.stale_changes
    assert page_data(form)[next(iter(case.mine))] == case.my_value, "your input stays"

    # Sent again, knowing theirs: yours is saved.
    again = client.post(case.url, page_data(form))
    assert again.status_code == 302
    assert str(case.stored()) == case.my_value


def test_a_save_with_nothing_saved_meanwhile_goes_through(case):
    client = Client()
    client.force_login(case.user)
    data = page_data(client.get(case.url).context["form"]) | case.mine
    assert client.post(case.url, data).status_code == 302
    assert str(case.stored()) == case.my_value


def test_a_save_of_what_someone_else_saved_meanwhile_goes_through(org, leader):
    client = Client()
    client.force_login(leader)
    url = reverse("assessments:statements", args=[org.pk])
    data = page_data(client.get(url).context["form"]) | {"vision": "Shared vision"}
    Organization.objects.filter(pk=org.pk).update(vision="Shared vision")
    assert client.post(url, data).status_code == 302
