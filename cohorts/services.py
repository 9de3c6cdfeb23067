"""Writes that take more than one step: creating cohorts, invitations and consent."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments import members, organizations
from assessments.models import Assessment, Membership, Organization, PlanStep, Program, Role
from cohorts import rounds
from cohorts.models import (
    Cohort,
    CohortMember,
    Facilitator,
    GoalLink,
    MemberPosterBatch,
    NewcomerInvitation,
    SharedGoal,
    Sharing,
)
from valuecurve import languages


class CohortError(Exception):
    """A request the cohort's rules refuse; the message is shown to the user."""


@transaction.atomic
def cohort_create(*, name: str, description: str, by) -> Cohort:
    cohort = Cohort(name=name, description=description, created_by=by)
    record_save(cohort, by)
    record_save(Facilitator(cohort=cohort, user=by), by)
    return cohort


@transaction.atomic
def members_invite(*, cohort: Cohort, organizations: list[Organization], by) -> list[CohortMember]:
    """Invite organizations; those already invited or sharing are left as they are, and
    those that declined or withdrew are asked again. Returns the new invitations."""
    existing = {m.organization_id: m for m in cohort.members.select_for_update()}
    invited = []
    for organization in organizations:
        member = existing.get(organization.pk)
        if member is not None and member.status in (
            CohortMember.Status.INVITED,
            CohortMember.Status.ACTIVE,
        ):
            continue
        member = member or CohortMember(cohort=cohort, organization=organization)
        member.status, member.sharing = CohortMember.Status.INVITED, ""
        member.invited_by, member.invited_at = by, timezone.now()
        member.responded_by = member.responded_at = None
        record_save(member, by)
        invited.append(member)
    return invited


def invitations_send(*, members: list[CohortMember], request, by) -> int:
    """Tell each invited organization's leaders, by email, where to answer: one email to
    the leaders who read the same language."""
    leaders = Membership.objects.filter(
        organization__in=[m.organization_id for m in members], role=Role.LEADER
    ).select_related("user")
    readers: dict = {}
    for membership in leaders:
        if membership.user.email:
            readers.setdefault(membership.organization_id, []).append(membership.user)
    sent = 0
    for member in members:
        by_language: dict[str, list[str]] = {}
        for user in readers.get(member.organization_id, []):
            language = languages.reader_language(user=user, organization=member.organization)
            by_language.setdefault(language, []).append(user.email)
        for language, emails in by_language.items():
            with translation.override(language):
                subject, body = _invitation_mail(member, request, by)
            send_mail(subject, body, None, emails)
        sent += bool(by_language)
    return sent


def _invitation_mail(member: CohortMember, request, by) -> tuple[str, str]:
    link = request.build_absolute_uri(reverse("cohorts:membership", args=[member.pk]))
    values = {"inviter": by.get_full_name() or by.username, "cohort": member.cohort.name}
    values["link"], values["org"] = link, member.organization.name
    subject = _("%(org)s is invited to the cohort %(cohort)s") % values
    body = (
        _(
            "%(inviter)s invites %(org)s to the cohort %(cohort)s on Value Curve, where member "
            "organizations compare their progress on racial equity.\n\nNothing is shared until "
            "one of %(org)s's leaders accepts and chooses what to share (levels only; levels "
            "and action plans; or everything, answers and evidence included):\n%(link)s\n"
        )
        % values
    )
    return subject, body


def newcomer_invite(*, cohort: Cohort, email: str, organization_name: str, by) -> str:
    """Invite an organization that is not in the app yet, by its leader's email. Returns
    the secret token of the link (only its hash is stored)."""
    email = email.strip().lower()
    if cohort.newcomers.pending().filter(email=email).exists():
        raise CohortError(_("An invitation to this address is waiting for an answer."))
    token = secrets.token_urlsafe(32)
    invitation = NewcomerInvitation(
        cohort=cohort,
        email=email,
        organization_name=organization_name.strip(),
        token_hash=members.token_hash(token),
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    record_save(invitation, by)
    return token


def newcomer_invitation_send(*, invitation: NewcomerInvitation, token: str, request, by) -> None:
    """The invitation is in its reader's language if they have an account, else in the one
    the facilitator who invites is using (no organization of theirs writes)."""
    inviter_language = languages.active_language()
    with languages.reading(email=invitation.email, default=inviter_language):
        subject, body = _newcomer_mail(invitation, token, request, by)
    send_mail(subject, body, None, [invitation.email])


def _newcomer_mail(invitation: NewcomerInvitation, token: str, request, by) -> tuple[str, str]:
    link = request.build_absolute_uri(reverse("cohorts:join", args=[token]))
    values = {
        "inviter": by.get_full_name() or by.username,
        "cohort": invitation.cohort.name,
        "org": invitation.organization_name or _("your organization"),
        "link": link,
        "days": settings.INVITATION_DAYS,
    }
    subject = _("%(inviter)s invites %(org)s to the cohort %(cohort)s") % values
    body = (
        _(
            "%(inviter)s invites %(org)s to the cohort %(cohort)s on Value Curve, where member "
            "organizations assess and compare their progress on racial equity.\n\nThe link "
            "below creates your account and your organization, then asks what it shares with "
            "the cohort; nothing is shared until you choose. It works once and expires in "
            "%(days)d days:\n%(link)s\n"
        )
        % values
    )
    return subject, body


@transaction.atomic
def newcomer_withdraw(*, invitation: NewcomerInvitation, by) -> None:
    """Withdraw an invitation by email that is still waiting: its link then says so."""
    invitation = NewcomerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise CohortError(_("This invitation was used, withdrawn or has expired already."))
    invitation.withdrawn_at = timezone.now()
    invitation._history_user = by
    invitation.save(update_fields=["withdrawn_at"])


def newcomer_invitation_for_token(token: str) -> NewcomerInvitation | None:
    found = NewcomerInvitation.objects.select_related("cohort")
    return found.filter(token_hash=members.token_hash(token)).first()


@transaction.atomic
def newcomer_join(*, token: str, organization: Organization, by) -> CohortMember:
    """Create the invited organization with `by` as its leader, and its invitation to the
    cohort (waiting for the leader's consent choice). The link is used up."""
    invitation = (
        NewcomerInvitation.objects.select_for_update()
        .filter(token_hash=members.token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_usable:
        raise CohortError(_("This invitation was used already or has expired."))
    organizations.organization_create(organization=organization, by=by)
    member = CohortMember(
        cohort=invitation.cohort, organization=organization, invited_by=invitation.invited_by
    )
    record_save(member, by)
    invitation.accepted_at, invitation.member = timezone.now(), member
    invitation._history_user = by
    invitation.save(update_fields=["accepted_at", "member"])
    return member


@transaction.atomic
def invitation_cancel(*, member: CohortMember, by) -> None:
    member = CohortMember.objects.select_for_update().get(pk=member.pk)
    if member.status != CohortMember.Status.INVITED:
        raise CohortError(_("Only a pending invitation can be cancelled."))
    record_delete(member, by)


@transaction.atomic
def membership_respond(
    *, member: CohortMember, sharing: str, by, outcomes: bool = False, surveys: bool = False
) -> CohortMember:
    """Accept (or change what is shared): takes effect at once in pages and exports."""
    member = CohortMember.objects.select_for_update().get(pk=member.pk)
    if member.status not in (CohortMember.Status.INVITED, CohortMember.Status.ACTIVE):
        raise CohortError(_("This organization is no longer invited to the cohort."))
    if sharing not in Sharing.values:
        raise CohortError(_("Choose what your organization shares."))
    if (member.shares_plans and sharing == Sharing.LEVELS) or (
        member.shares_outcome_indices and not outcomes
    ):
        _forget_poster_batches(member.cohort_id)
    member.status, member.sharing = CohortMember.Status.ACTIVE, sharing
    member.shares_outcomes, member.shares_surveys = outcomes, surveys
    member.responded_by, member.responded_at = by, timezone.now()
    record_save(member, by)
    rounds.member_rounds_link(member=member, by=by, today=timezone.localdate())
    Cohort.objects.filter(pk=member.cohort_id).data_changed()
    return member


@transaction.atomic
def membership_end(*, member: CohortMember, by) -> CohortMember:
    """Decline an invitation or withdraw consent: the cohort sees nothing more at once."""
    member = CohortMember.objects.select_for_update().get(pk=member.pk)
    if member.status == CohortMember.Status.INVITED:
        member.status = CohortMember.Status.DECLINED
    elif member.status == CohortMember.Status.ACTIVE:
        member.status = CohortMember.Status.WITHDRAWN
    else:
        raise CohortError(_("This organization does not share anything with the cohort."))
    if member.shares_plans or member.shares_outcome_indices:
        _forget_poster_batches(member.cohort_id)
    member.sharing, member.shares_outcomes, member.shares_surveys = "", False, False
    member.responded_by, member.responded_at = by, timezone.now()
    record_save(member, by)
    Cohort.objects.filter(pk=member.cohort_id).data_changed()
    return member


@transaction.atomic
def goal_links_set(*, member: CohortMember, links: dict[SharedGoal, list[PlanStep]], by) -> int:
    """Replace the member's ties between its action steps and the cohort's shared goals."""
    steps = tieable_steps(member)
    goals = member.cohort.goals.all()
    current = GoalLink.objects.filter(goal__in=goals, plan_step__in=steps)
    wanted = {(goal.pk, step.pk) for goal, found in links.items() for step in found}
    for link in current:
        if (link.goal_id, link.plan_step_id) not in wanted:
            record_delete(link, by)
    have = {(link.goal_id, link.plan_step_id) for link in current}
    for goal_id, step_id in sorted(wanted - have, key=str):
        record_save(GoalLink(goal_id=goal_id, plan_step_id=step_id, linked_by=by), by)
    return len(wanted)


def step_goal_members(step: PlanStep):
    """The memberships through which a step can serve cohort goals: its organization's, in
    cohorts it shares its action plans with."""
    organization = step.assessment.program.organization_id
    members = CohortMember.objects.sharing_plans().filter(organization_id=organization)
    return (
        members.select_related("cohort").prefetch_related("cohort__goals").order_by("cohort__name")
    )


def plan_goal_ties(assessment: Assessment) -> dict:
    """For the plan page: each of the plan's steps (by pk) with the cohort goals it is tied to,
    in the cohorts its organization shares its plans with (those its step page offers), by
    cohort and goal order. One query, however many steps."""
    sharing = CohortMember.objects.sharing_plans().filter(
        organization_id=assessment.program.organization_id
    )
    links = (
        GoalLink.objects.filter(
            plan_step__assessment=assessment, goal__cohort__in=sharing.values("cohort")
        )
        .select_related("goal__cohort")
        .order_by("goal__cohort__name", "goal__order", "goal__created_at")
    )
    ties: dict = {}
    for link in links:
        ties.setdefault(link.plan_step_id, []).append(link.goal)
    return ties


def goal_links_of(member: CohortMember) -> dict[SharedGoal, list[PlanStep]]:
    """The member's ties as `goal_links_set` takes them: each of the cohort's goals with the
    member's tieable steps tied to it."""
    goals = {goal.pk: goal for goal in member.cohort.goals.all()}
    found: dict[SharedGoal, list[PlanStep]] = {goal: [] for goal in goals.values()}
    links = GoalLink.objects.filter(goal__in=list(goals), plan_step__in=tieable_steps(member))
    for link in links.select_related("plan_step"):
        found[goals[link.goal_id]].append(link.plan_step)
    return found


@transaction.atomic
def step_goals_set(*, step: PlanStep, goals: list[SharedGoal], by) -> int:
    """Tie one action step to these goals, none or several per cohort, in every cohort its
    organization shares its plans with: each member's ties are written by `goal_links_set`,
    those of its other steps unchanged. Returns how many goals the step now serves."""
    for member in step_goal_members(step):
        if not tieable_steps(member).filter(pk=step.pk).exists():
            raise CohortError(
                _("Only a step of a submitted plan that is not dropped can serve a cohort goal.")
            )
        links = goal_links_of(member)
        for goal, steps in links.items():
            steps[:] = [s for s in steps if s.pk != step.pk] + ([step] if goal in goals else [])
        goal_links_set(member=member, links=links, by=by)
    return len(goals)


def tieable_steps(member: CohortMember):
    """The member's steps that can serve a goal: in a submitted plan, not dropped. Ties to
    other steps (a dropped one, say) are kept as they are when the ties are saved."""
    return PlanStep.objects.filter(
        assessment__program__organization_id=member.organization_id,
        assessment__status=Assessment.Status.SUBMITTED,
    ).exclude(status=PlanStep.Status.DROPPED)


def member_scores_changed(sender, assessment: Assessment, **kwargs) -> None:
    """A member submitted or reopened an assessment: its cohorts' cached tables are stale."""
    _organization_data_changed(assessment.program.organization_id)


def organization_changed(sender, instance, **kwargs) -> None:
    """Renamed, moved, deleted: the cohort tables name organizations and filter by place."""
    _organization_data_changed(instance.pk)


def program_changed(sender, instance, **kwargs) -> None:
    _organization_data_changed(instance.organization_id)


def outcomes_changed(sender, program_id, **kwargs) -> None:
    """A member's outcome data changed: the cohort's disparity trend is stale."""
    organization = Program.objects.filter(pk=program_id).values("organization_id")
    Cohort.objects.filter(members__organization_id__in=organization).data_changed()


def assessment_deleted(sender, instance, **kwargs) -> None:
    organization = Program.objects.filter(pk=instance.program_id).values("organization_id")
    Cohort.objects.filter(members__organization_id__in=organization).data_changed()


def member_deleted(sender, instance, **kwargs) -> None:
    Cohort.objects.filter(pk=instance.cohort_id).data_changed()


def _organization_data_changed(organization_id) -> None:
    Cohort.objects.filter(members__organization_id=organization_id).data_changed()


def _forget_poster_batches(cohort_id) -> None:
    """A zip of members' posters holds the plans (or the outcome panels) of a member that no
    longer shares them: delete it, files included, so consent takes effect in downloads at
    once. (A download also checks each zip's contents against consent: cohorts.batches.)"""
    for batch in MemberPosterBatch.objects.filter(cohort_id=cohort_id):
        if batch.archive:
            batch.archive.delete(save=False)
        batch.delete()


def record_save(obj, by) -> None:
    """Save with a history record that names who made the change."""
    obj._history_user = by
    obj.save()


def record_delete(obj, by) -> None:
    obj._history_user = by
    obj.delete()


def organization_imported(sender, organization, **kwargs) -> None:
    """An organization restored from its export brings its memberships back."""
    _organization_data_changed(organization.pk)
