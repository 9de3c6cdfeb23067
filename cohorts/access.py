"""Cohorts are loaded here: facilitators see the cohorts they facilitate, an organization's
leaders see their own membership. Anyone else gets 404; an organization's member who is not
a leader gets 403 on its consent."""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from assessments.access import Need, _check, membership_for
from assessments.models import Membership
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
    check_two_factor(user, member)
    return cohort, member


def check_two_factor(user, member: CohortMember) -> None:
    """An organization that requires two-factor sign-in of its own members requires it of
    the facilitators who open its programs, plans and answers too."""
    if member.organization.require_two_factor and not user.is_verified():
        raise PermissionDenied(
            _(
                "%(organization)s requires two-factor sign-in to see its data. Set up an "
                "authenticator app on your account's security page, then sign in again."
            )
            % {"organization": member.organization.name}
        )


def member_for_leader(
    user, member_id: uuid.UUID, need: Need = Need.LEAD
) -> tuple[CohortMember, Membership]:
    """The organization's side of a membership: its consent, benchmarks and goal links."""
    member = (
        CohortMember.objects.select_related("cohort", "organization").filter(pk=member_id).first()
    )
    if member is None:
        raise Http404
    return member, _check(membership_for(user, member.organization_id), need)
