"""Members of an organization: invitations by email, roles, removal."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Invitation, Membership, Organization, Role
from valuecurve import languages


class MembershipError(Exception):
    """A change to members that was refused; the message is shown to the user."""


def token_hash(token: str) -> str:
    """What is stored of an emailed token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(*, organization: Organization, email: str, role: str, by) -> str:
    """Create an invitation and return its secret token (only its hash is stored)."""
    email = email.strip().lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise MembershipError(_("Someone with this email is already a member."))
    if organization.invitations.pending().filter(email=email).exists():
        raise MembershipError(
            _("An invitation to this address is waiting for an answer. Revoke it to send anew.")
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    invitation._history_user = by
    invitation.save()
    return token


def invitation_send(*, organization: Organization, email: str, token: str, request, by) -> None:
    with languages.reading(email=email, organization=organization):
        subject, body = _invitation_mail(organization, token, request, by)
    send_mail(subject, body, None, [email])


def _invitation_mail(organization: Organization, token: str, request, by) -> tuple[str, str]:
    link = request.build_absolute_uri(reverse("assessments:invitation_accept", args=[token]))
    inviter = by.get_full_name() or by.username
    subject = _("%(inviter)s invites you to %(org)s on Value Curve") % {
        "inviter": inviter,
        "org": organization.name,
    }
    body = _(
        "%(inviter)s invites you to join %(org)s on Value Curve, where its programs assess "
        "their racial equity maturity.\n\nAccept the invitation (the link works once and "
        "expires in %(days)d days):\n%(link)s\n"
    ) % {
        "inviter": inviter,
        "org": organization.name,
        "days": settings.INVITATION_DAYS,
        "link": link,
    }
    return subject, body


def invitation_for_token(token: str) -> Invitation | None:
    invitation = Invitation.objects.select_related("organization").filter(
        token_hash=token_hash(token)
    )
    return invitation.first()


@transaction.atomic
def invitation_accept(*, token: str, user) -> Membership:
    """Accept once: the invitation is used up, whatever happens next."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    if invitation is None or not invitation.is_usable:
        raise MembershipError(_("This invitation was used already, revoked or has expired."))
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation._history_user = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    membership = Membership.objects.filter(user=user, organization=invitation.organization).first()
    if membership is not None:
        return membership  # already a member: keep the role they have
    membership = Membership(user=user, organization=invitation.organization, role=invitation.role)
    membership._history_user = user
    membership.save()
    return membership


def invitation_revoke(*, invitation: Invitation, by) -> None:
    if not invitation.is_usable:
        raise MembershipError(_("This invitation cannot be used any more anyway."))
    invitation.revoked_at = timezone.now()
    invitation._history_user = by
    invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.LEADER and role != Role.LEADER:
        _check_not_last_leader(membership)
    membership.role = role
    membership._history_user = by
    membership.save(update_fields=["role"])


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.LEADER:
        _check_not_last_leader(membership)
    membership._history_user = by
    membership.delete()


def _check_not_last_leader(membership: Membership) -> None:
    # Lock the organization so two leaders stepping down at once cannot both pass.
    Organization.objects.select_for_update().get(pk=membership.organization_id)
    leaders = Membership.objects.filter(
        organization_id=membership.organization_id, role=Role.LEADER
    )
    if leaders.count() <= 1:
        raise MembershipError(
            _("An organization needs at least one leader. Make someone else a leader first.")
        )
