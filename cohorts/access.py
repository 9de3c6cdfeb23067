"""Cohorts are loaded here: facilitators see the cohorts they facilitate, an organization's
leaders see their own membership. Anyone else gets 404; an organization's member who is not
a leader gets 403 on its consent."""

import uuid

from django.http import Http404

from assessments.access import Need, _check, membership_for
from cohorts.models import Cohort, CohortMember


def cohort_for_facilitator(user, cohort_id: uuid.UUID) -> Cohort:
    cohort = Cohort.objects.facilitated_by(user).filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404
    return cohort


def member_for_facilitator(
    user, cohort_id: uuid.UUID, organization_id: uuid.UUID
) -> tuple[Cohort, CohortMember]:
    """A member organization the cohort may look at: only while it shares."""
    cohort = cohort_for_facilitator(user, cohort_id)
    member = (
        cohort.members.sharing()
        .select_related("organization")
        .filter(organization_id=organization_id)
        .first()
    )
    if member is None:
        raise Http404
    return cohort, member


def member_for_leader(user, member_id: uuid.UUID, need: Need = Need.LEAD) -> CohortMember:
    """The organization's side of a membership: its consent, benchmarks and goal links."""
    member = (
        CohortMember.objects.select_related("cohort", "organization").filter(pk=member_id).first()
    )
    if member is None:
        raise Http404
    _check(membership_for(user, member.organization_id), need)
    return member
