"""Cohort goals: one count of a goal's steps on every page, measures and targets, statements."""

from django.urls import reverse
from django.utils import timezone

from assessments.models import PlanStep
from cohorts.models import GoalLink, SharedGoal, Sharing
from tests.cohorts.conftest import add_member_org, submitted_assessment


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
