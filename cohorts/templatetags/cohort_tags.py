"""Cohort fragments other apps' pages show, so those apps need not import cohorts."""

from django import template
from django.utils import timezone

from assessments.models import Role
from cohorts.forms import StepGoalsForm
from cohorts.models import CohortMember
from cohorts.rounds import member_rounds
from cohorts.services import plan_goal_ties

register = template.Library()


@register.inclusion_tag("cohorts/includes/pending_invitations.html")
def pending_cohort_invitations(user) -> dict:
    """Cohort invitations that wait for an answer from one of the user's organizations, for
    its leaders. One query."""
    pending = CohortMember.objects.filter(
        status=CohortMember.Status.INVITED,
        organization__memberships__user=user,
        organization__memberships__role=Role.LEADER,
    ).select_related("cohort", "organization")
    return {"pending": list(pending)}


@register.inclusion_tag("cohorts/includes/step_goals.html")
def step_cohort_goals(step) -> dict:
    """On a plan step's edit page: the goals of the cohorts its organization shares plans
    with, to tie the step to. Posts to the cohorts app, so the plan's forms know nothing of
    cohorts."""
    return {"step": step, "form": StepGoalsForm.for_step(step), "standalone": False}


@register.simple_tag
def plan_cohort_goals(assessment) -> dict:
    """On the plan page: every step's cohort goals, read once for the whole plan."""
    return plan_goal_ties(assessment)


@register.inclusion_tag("cohorts/includes/step_goal_ties.html")
def step_goal_ties(ties: dict, step, can_lead: bool) -> dict:
    """One step's cohort goals on the plan page, read-only; leaders get a link to the step's
    page, where the ties are made."""
    return {"goals": ties.get(step.pk, []), "step": step, "can_lead": can_lead}


@register.inclusion_tag("cohorts/includes/member_rounds.html")
def cohort_rounds(organization_ids) -> dict:
    """The cohort rounds these organizations take part in that are not over: deadline, each
    program's assessment in the round, how many members have submitted."""
    today = timezone.localdate()
    return {"rounds": member_rounds(list(organization_ids), today), "today": today}
