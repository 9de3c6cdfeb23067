"""Cohort fragments other apps' pages show, so those apps need not import cohorts."""

from django import template

from assessments.models import Role
from cohorts.models import CohortMember

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
