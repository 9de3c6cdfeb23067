"""Cohort goals: one count of a goal's steps on every page, measures and targets, statements."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import PlanStep
from cohorts import poster
from cohorts.models import Cohort, CohortMember, GoalLink, SharedGoal, Sharing
from cohorts.sharing import Scope
from reports import documents
from tests.cohorts.conftest import add_member_org, org_leader, submitted_assessment
from tests.cohorts.test_bad_input import HUGE


def tie(goal, assessment, title, **fields):
    step = PlanStep.objects.create(
        assessment=assessment,
        dimension=assessment.framework.dimensions.first(),
        title=title,
        **fields,
    )
    GoalLink.objects.create(goal=goal, plan_step=step)
    return step


def test_the_goals_page_and_the_scorecard_count_a_goals_steps_alike(
    client, cohort, facilitator, framework
):
    """They disagreed: the goals page counted ties in every submitted plan (an earlier
    cycle's, an archived program's) and left dropped steps out; the scorecard counted each
    program's latest plan, dropped steps included."""
    goal = SharedGoal.objects.create(cohort=cohort, title="Close the gap")
    org = add_member_org(cohort, framework, "Planner", 2, sharing=Sharing.PLANS, cycle="2025")
    program = org.programs.get()
    tie(goal, program.assessments.get(), "Last year's step")
    latest = submitted_assessment(program, framework, 3, cycle="2026")
    tie(goal, latest, "This year's step")
    tie(goal, latest, "Dropped step", status=PlanStep.Status.DROPPED)
    archived = add_member_org(cohort, framework, "Closing", 2, sharing=Sharing.PLANS)
    tie(goal, archived.programs.get().assessments.get(), "Archived program's step")
    archived.programs.update(archived_at=timezone.now())
    client.force_login(facilitator)
    goals = client.get(reverse("cohorts:goals", args=[cohort.pk])).content.decode()
    card = client.get(reverse("cohorts:scorecard", args=[cohort.pk])).content.decode()
    assert "2 member steps tied; organizations: 1" in goals
    assert "2 steps from 1 member:" in card


def statements_url(cohort) -> str:
    return reverse("cohorts:statements", args=[cohort.pk])


STATEMENTS = {
    "commitment_statement": "We commit to a county where race no longer predicts how one fares.",
    "vision": "Every family served through one door.",
    "theory_of_change": "If members share data by race, then gaps are seen and closed.",
}


def test_facilitators_write_the_cohorts_statements_that_members_and_the_dashboard_show(
    client, cohort, facilitator, framework
):
    org = add_member_org(cohort, framework, "Member", 2)
    client.force_login(facilitator)
    page = client.get(statements_url(cohort))
    loaded = page.context["form"]["loaded"].value()
    response = client.post(statements_url(cohort), {**STATEMENTS, "loaded": loaded})
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.vision == STATEMENTS["vision"]
    assert cohort.history.first().history_user == facilitator
    dashboard = client.get(reverse("cohorts:dashboard", args=[cohort.pk])).content.decode()
    assert STATEMENTS["theory_of_change"] in dashboard
    client.force_login(org_leader(org, "member-leader"))
    member = cohort.members.get(organization=org)
    membership = client.get(reverse("cohorts:membership", args=[member.pk])).content.decode()
    assert STATEMENTS["commitment_statement"] in membership


def test_a_stale_save_of_the_statements_is_refused_with_both_values(client, cohort, facilitator):
    client.force_login(facilitator)
    loaded = client.get(statements_url(cohort)).context["form"]["loaded"].value()
    Cohort.objects.filter(pk=cohort.pk).update(vision="Their vision")
    response = client.post(statements_url(cohort), {"vision": "My vision", "loaded": loaded})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Their vision" in html and "My vision" in html
    cohort.refresh_from_db()
    assert cohort.vision == "Their vision"


def test_overlong_statements_are_refused_and_change_nothing(client, cohort, facilitator):
    client.force_login(facilitator)
    response = client.post(statements_url(cohort), {"vision": "x" * 2001})
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.vision == ""


@pytest.mark.parametrize("field", list(STATEMENTS))
@pytest.mark.parametrize("value", [HUGE, "a\x00b"])
def test_bad_statements_are_refused_clearly_and_change_nothing(
    client, cohort, facilitator, field, value
):
    """The statements are all optional, so blank text clears them: everything else the bad
    input harness sends (tests/cohorts/test_bad_input.py) is refused."""
    Cohort.objects.filter(pk=cohort.pk).update(**STATEMENTS)
    client.force_login(facilitator)
    response = client.post(statements_url(cohort), {**STATEMENTS, field: value})
    assert response.status_code == 400
    assert 'class="invalid-feedback' in response.content.decode()
    cohort.refresh_from_db()
    assert getattr(cohort, field) == STATEMENTS[field]


def test_only_the_cohorts_facilitators_edit_its_statements(client, cohort, framework):
    org = add_member_org(cohort, framework, "Member", 2)
    client.force_login(org_leader(org, "member-leader"))
    assert client.get(statements_url(cohort)).status_code == 404
    assert client.post(statements_url(cohort), STATEMENTS).status_code == 404
    cohort.refresh_from_db()
    assert cohort.vision == ""


def test_the_poster_carries_the_commitment_whole_or_ends_an_old_long_one_after_a_sentence(
    cohort, facilitator
):
    def commitment() -> dict:
        return poster.cohort_poster_context(
            scope=Scope(cohort, verified=False),
            size=documents.poster_sizes()["tabloid"],
            today=date(2026, 6, 1),
        )

    cohort.commitment_statement = "We commit to act together. " * 20  # 540: within the limit
    cohort.save()
    shown = commitment()
    assert shown["commitment"] == cohort.commitment_statement.strip()
    assert not shown["commitment_cut"]
    cohort.commitment_statement = "We commit to act together. " * 40  # saved before the limit
    cohort.save()
    cut = commitment()
    assert cut["commitment_cut"]
    assert cut["commitment"].startswith("We commit to act together.")
    assert cut["commitment"].endswith("together.")  # after its last whole sentence that fits
    assert len(cut["commitment"]) < len(cohort.commitment_statement)


# --- A goal's measure, target and date -----------------------------------------------------


def goal_values(**changes) -> dict:
    values = {
        "title": "Outcomes by race in every program",
        "measure": "Programs reporting outcomes by race",
        "target": "100%",
        "target_date": "2028-12-31",
        "target_year": "2028",
    }
    return {**values, **changes}


def test_a_goal_has_a_measure_a_target_and_a_date_shown_on_the_goals_page_and_scorecard(
    client, cohort, facilitator
):
    client.force_login(facilitator)
    response = client.post(reverse("cohorts:goal_add", args=[cohort.pk]), goal_values())
    assert response.status_code == 302
    goal = cohort.goals.get()
    assert (goal.measure, goal.target, goal.target_date) == (
        "Programs reporting outcomes by race",
        "100%",
        date(2028, 12, 31),
    )
    for name in ("cohorts:goals", "cohorts:scorecard"):
        html = client.get(reverse(name, args=[cohort.pk])).content.decode()
        assert "Programs reporting outcomes by race" in html, name
        assert "100%" in html and "Dec. 31, 2028" in html, name


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target_date": "1999-12-31"}, "Enter a date between 2000 and 2100."),
        ({"target_date": "2101-01-01"}, "Enter a date between 2000 and 2100."),
        ({"target_date": "2029-01-01"}, "The target date falls after the goal&#x27;s target year."),
        ({"target_date": "31/31/2028"}, "Enter a valid date."),
        ({"measure": "m" * 201}, "at most 200 characters"),
        ({"target": "t" * 101}, "at most 100 characters"),
    ],
)
def test_a_goal_with_a_senseless_date_or_overlong_text_is_refused(
    client, cohort, facilitator, changes, message
):
    client.force_login(facilitator)
    response = client.post(reverse("cohorts:goal_add", args=[cohort.pk]), goal_values(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not cohort.goals.exists()


# --- A leader ties a step to cohort goals from the plan ------------------------------------


@pytest.fixture
def planner(cohort, facilitator, framework):
    """An organization sharing its plans with `cohort`, levels only with a second cohort, and
    invited to a third; a step of its plan and its leader."""
    org = add_member_org(cohort, framework, "Planner", 2, sharing=Sharing.PLANS)
    assessment = org.programs.get().assessments.get()
    step = PlanStep.objects.create(
        assessment=assessment, dimension=framework.dimensions.first(), title="Hire a data lead"
    )
    other_step = PlanStep.objects.create(
        assessment=assessment, dimension=framework.dimensions.first(), title="Publish rates"
    )
    levels_only = Cohort.objects.create(name="Levels-only network")
    invited = Cohort.objects.create(name="Inviting network")
    for other, status in ((levels_only, "active"), (invited, "invited")):
        sharing = Sharing.LEVELS if status == "active" else ""
        CohortMember.objects.create(cohort=other, organization=org, status=status, sharing=sharing)
        SharedGoal.objects.create(cohort=other, title=f"Goal of {other.name}")
    goals = [
        SharedGoal.objects.create(cohort=cohort, title=title, order=n)
        for n, title in enumerate(("Close the gap", "Hear families"))
    ]
    return {
        "org": org,
        "step": step,
        "other_step": other_step,
        "goals": goals,
        "leader": org_leader(org, "planner-leader"),
    }


def step_goals_url(step) -> str:
    return reverse("cohorts:step_goals", args=[step.pk])


def test_the_plan_step_page_offers_the_goals_of_cohorts_that_see_the_plan(client, planner):
    client.force_login(planner["leader"])
    page = client.get(reverse("assessments:plan_step_edit", args=[planner["step"].pk]))
    html = page.content.decode()
    assert "Cohort goals this step serves" in html
    assert "Close the gap" in html and "Hear families" in html
    assert "Goal of Levels-only network" not in html
    assert "Goal of Inviting network" not in html
    assert step_goals_url(planner["step"]) in html


def test_a_leader_ties_a_step_to_several_goals_and_back_to_none(client, planner):
    step, close, hear = planner["step"], *planner["goals"]
    kept = GoalLink.objects.create(goal=close, plan_step=planner["other_step"])
    client.force_login(planner["leader"])
    response = client.post(step_goals_url(step), {"goals": [str(close.pk), str(hear.pk)]})
    assert response.status_code == 302
    assert response.url == reverse("assessments:plan_step_edit", args=[step.pk])
    tied = GoalLink.objects.filter(plan_step=step)
    assert {link.goal for link in tied} == {close, hear}
    assert {link.linked_by for link in tied} == {planner["leader"]}
    page = client.get(reverse("assessments:plan_step_edit", args=[step.pk])).content.decode()
    assert page.count("checked") == 2
    client.post(step_goals_url(step), {})  # no cohort goal
    assert not GoalLink.objects.filter(plan_step=step).exists()
    assert GoalLink.objects.filter(pk=kept.pk).exists()  # another step's tie stays


def test_a_tie_from_the_plan_counts_on_the_goals_page_and_the_scorecard(
    client, cohort, facilitator, planner
):
    client.force_login(planner["leader"])
    client.post(step_goals_url(planner["step"]), {"goals": [str(planner["goals"][0].pk)]})
    client.force_login(facilitator)
    goals = client.get(reverse("cohorts:goals", args=[cohort.pk])).content.decode()
    card = client.get(reverse("cohorts:scorecard", args=[cohort.pk])).content.decode()
    assert "1 member step tied; organizations: 1" in goals
    assert "1 steps from 1 member:" in card and "Hire a data lead" in card


@pytest.mark.parametrize("goal", ["levels_only", "unknown", "not-a-uuid"])
def test_a_goal_the_step_cannot_serve_is_refused_and_nothing_changes(client, planner, goal):
    values = {
        "levels_only": SharedGoal.objects.get(title="Goal of Levels-only network").pk,
        "unknown": "00000000-0000-0000-0000-000000000000",
        "not-a-uuid": "not-a-uuid",
    }
    client.force_login(planner["leader"])
    response = client.post(step_goals_url(planner["step"]), {"goals": [str(values[goal])]})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not GoalLink.objects.exists()


def test_a_dropped_step_serves_no_goal(client, planner):
    step = planner["step"]
    PlanStep.objects.filter(pk=step.pk).update(status=PlanStep.Status.DROPPED)
    client.force_login(planner["leader"])
    response = client.post(step_goals_url(step), {"goals": [str(planner["goals"][0].pk)]})
    assert response.status_code == 400
    assert "not dropped can serve a cohort goal" in response.content.decode()
    assert not GoalLink.objects.exists()


def test_a_step_of_an_organization_in_no_plan_sharing_cohort_offers_no_goal(
    client, cohort, framework
):
    org = add_member_org(cohort, framework, "Quiet", 2, sharing=Sharing.LEVELS)
    SharedGoal.objects.create(cohort=cohort, title="Close the gap")
    step = PlanStep.objects.create(
        assessment=org.programs.get().assessments.get(),
        dimension=framework.dimensions.first(),
        title="A step",
    )
    client.force_login(org_leader(org, "quiet-leader"))
    edit = client.get(reverse("assessments:plan_step_edit", args=[step.pk])).content.decode()
    assert "Cohort goals this step serves" not in edit
    own = client.get(step_goals_url(step)).content.decode()
    assert "shares its action plans with no cohort" in own


def test_hostile_text_in_cohort_goals_is_shown_as_text_on_the_plan_step_page(client, planner):
    payload = '<script>alert("x")</script>'
    Cohort.objects.filter(members__organization=planner["org"]).update(name=payload)
    SharedGoal.objects.filter(pk=planner["goals"][0].pk).update(title=payload, target=payload)
    client.force_login(planner["leader"])
    for url in (
        reverse("assessments:plan_step_edit", args=[planner["step"].pk]),
        step_goals_url(planner["step"]),
    ):
        html = client.get(url).content.decode()
        assert payload not in html, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, url


def test_the_step_goals_query_count_does_not_grow_with_the_cohorts(client, planner):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(step_goals_url(planner["step"])).status_code == 200
        return len(queries)

    client.force_login(planner["leader"])
    before = count_queries()
    for n in range(5):
        other = Cohort.objects.create(name=f"Network {n}")
        CohortMember.objects.create(
            cohort=other, organization=planner["org"], status="active", sharing=Sharing.PLANS
        )
        SharedGoal.objects.create(cohort=other, title=f"Goal {n}")
    assert count_queries() == before


def plan_url(step) -> str:
    return reverse("assessments:plan", args=[step.assessment_id])


def test_the_plan_page_lists_each_steps_cohort_goals_and_links_leaders_to_the_step_page(
    client, planner
):
    from assessments.models import Membership, Role
    from tests.conftest import make_user

    first, second = planner["goals"]
    GoalLink.objects.create(goal=second, plan_step=planner["step"])
    GoalLink.objects.create(goal=first, plan_step=planner["step"])
    # A tie to a cohort it shares only its levels with is not one the step page offers.
    levels_only = SharedGoal.objects.get(title="Goal of Levels-only network")
    GoalLink.objects.create(goal=levels_only, plan_step=planner["other_step"])
    client.force_login(planner["leader"])
    page = client.get(plan_url(planner["step"])).content.decode()
    ties = [part for part in page.split('<li class="card') if "step-goal-ties" in part]
    assert len(ties) == 1 and "Hire a data lead" in ties[0]
    assert "Close the gap (County consortium); Hear families (County consortium)" in ties[0]
    edit = reverse("assessments:plan_step_edit", args=[planner["step"].pk])
    assert f'href="{edit}#step-goals-heading"' in ties[0]
    assert "Goal of Levels-only network" not in page
    viewer = make_user("planner-viewer")
    Membership.objects.create(user=viewer, organization=planner["org"], role=Role.VIEWER)
    client.force_login(viewer)
    read = client.get(plan_url(planner["step"])).content.decode()
    assert "Close the gap (County consortium)" in read
    assert f"{edit}#step-goals-heading" not in read


# The plan page's queries as measured, the steps' cohort goals (one query) among them.
PLAN_MAX = 14


def test_the_plan_page_reads_the_cohort_goals_once_whatever_the_steps_and_ties(
    client, planner, django_assert_max_num_queries
):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(plan_url(planner["step"])).status_code == 200
        return len(queries)

    client.force_login(planner["leader"])
    GoalLink.objects.create(goal=planner["goals"][0], plan_step=planner["step"])
    before = count_queries()
    assessment = planner["step"].assessment
    for n in range(6):
        step = PlanStep.objects.create(
            assessment=assessment, dimension=assessment.framework.dimensions.last(), title=f"S{n}"
        )
        for goal in planner["goals"]:
            GoalLink.objects.create(goal=goal, plan_step=step)
    assert count_queries() == before
    with django_assert_max_num_queries(PLAN_MAX):
        page = client.get(plan_url(planner["step"])).content.decode()
    assert page.count("step-goal-ties") == 7
