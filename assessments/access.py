"""Every object a view shows is loaded here, through the user's memberships.

A stranger gets 404 (they cannot tell the object exists); a member whose role does not
allow the action gets 403.
"""

import uuid
from enum import Enum

from django.core.exceptions import PermissionDenied
from django.http import Http404

from assessments.models import (
    Assessment,
    Invitation,
    Membership,
    Organization,
    PlanStep,
    Program,
)


class Need(Enum):
    READ = "read"
    ANSWER = "answer"  # leaders and contributors
    LEAD = "lead"  # leaders only


def membership_for(user, organization_id) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organization_id=organization_id).first()


def _check(membership: Membership | None, need: Need) -> Membership:
    if membership is None:
        raise Http404
    if need is Need.ANSWER and not membership.can_answer:
        raise PermissionDenied
    if need is Need.LEAD and not membership.can_lead:
        raise PermissionDenied
    return membership


def program_for_user(
    user, program_id: uuid.UUID, need: Need = Need.READ
) -> tuple[Program, Membership]:
    program = Program.objects.select_related("organization").filter(pk=program_id).first()
    if program is None:
        raise Http404
    return program, _check(membership_for(user, program.organization_id), need)


def assessment_for_user(
    user, assessment_id: uuid.UUID, need: Need = Need.READ
) -> tuple[Assessment, Membership]:
    assessment = (
        Assessment.objects.select_related("program__organization", "framework", "cycle")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise Http404
    return assessment, _check(membership_for(user, assessment.program.organization_id), need)


def organization_for_user(
    user, organization_id: uuid.UUID, need: Need = Need.READ
) -> tuple[Organization, Membership]:
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise Http404
    return organization, _check(membership_for(user, organization.pk), need)


def membership_for_leader(user, membership_id: int) -> Membership:
    """Another member's membership, for a leader of the same organization."""
    rows = Membership.objects.select_related("user", "organization").filter(pk=membership_id)
    target = rows.first()
    if target is None:
        raise Http404
    _check(membership_for(user, target.organization_id), Need.LEAD)
    return target


def invitation_for_leader(user, invitation_id: uuid.UUID) -> Invitation:
    rows = Invitation.objects.select_related("organization").filter(pk=invitation_id)
    invitation = rows.first()
    if invitation is None:
        raise Http404
    _check(membership_for(user, invitation.organization_id), Need.LEAD)
    return invitation


def plan_step_for_user(user, step_id: uuid.UUID, need: Need = Need.LEAD) -> PlanStep:
    step = PlanStep.objects.select_related("assessment__program").filter(pk=step_id).first()
    if step is None:
        raise Http404
    _check(membership_for(user, step.assessment.program.organization_id), need)
    return step
