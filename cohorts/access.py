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
from cohorts.sharing import Scope


def cohort_for_facilitator(user, cohort_id: uuid.UUID) -> Cohort:
    cohort = Cohort.objects.facilitated_by(user).filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404
    return cohort


def scope_for_facilitator(user, cohort_id: uuid.UUID, *, verified: bool | None = None) -> Scope:
    """The cohort, as this facilitator's session may see it (see cohorts.sharing); the
    members it leaves out are counted in the same query. `verified`: the two-factor state
    of the session, by default the user's own (an API token passes the one it was made in)."""
    if verified is None:
        verified = bool(user.is_verified())
    cohort = (
        Cohort.objects.facilitated_by(user)
        .with_hidden_members(verified=verified)
        .with_survey_members(verified=verified)
        .filter(pk=cohort_id)
        .first()
    )
    if cohort is None:
        raise Http404
    return Scope(cohort, verified=verified)


def member_for_facilitator(
    user, cohort_id: uuid.UUID, organization_id: uuid.UUID
) -> tuple[Scope, CohortMember]:
    """A member organization the cohort may look at: only while it shares."""
    scope = scope_for_facilitator(user, cohort_id)
    member = (
        scope.cohort.members.sharing()
        .select_related("organization")
        .filter(organization_id=organization_id)
        .first()
    )
    if member is None:
        raise Http404
    check_two_factor(scope, member)
    return scope, member


def check_two_factor(scope: Scope, member: CohortMember) -> None:
    """An organization that requires two-factor sign-in of its own members shares nothing
    with a facilitator's session that is not two-factor verified: say so, and how to fix it."""
    if not member.is_seen_by(verified=scope.verified):
        raise PermissionDenied(
            _(
                "This member organization requires two-factor sign-in to share its data. "
                "Set up an authenticator app on your account's security page, then sign in "
                "again."
            )
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
