"""Cohorts: networks of organizations that compare their progress, with each member's consent."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.models import EmailInvitation, Organization, PlanStep


class CohortQuerySet(models.QuerySet):
    def facilitated_by(self, user) -> "CohortQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(facilitators__user=user)

    def data_changed(self) -> int:
        """Bump the version that keys the dashboard cache: cached tables of the old version
        are never read again."""
        return self.update(data_version=F("data_version") + 1)


class Cohort(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    data_version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["data_version"])

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Facilitator(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="facilitators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facilitator_roles"
    )
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="one_facilitator_role")
        ]


class Sharing(models.TextChoices):
    """What a member lets the cohort's facilitators see. Each level includes the ones before."""

    LEVELS = "levels", _("Levels only")
    PLANS = "plans", _("Levels and action plans")
    EVERYTHING = "everything", _("Everything, including answers and evidence")


class CohortMemberQuerySet(models.QuerySet):
    def sharing(self) -> "CohortMemberQuerySet":
        return self.filter(status=CohortMember.Status.ACTIVE)


class CohortMember(models.Model):
    """An organization's place in a cohort, and its consent to share."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Sharing")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="cohort_memberships"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.INVITED)
    sharing = models.CharField(_("what we share"), max_length=20, choices=Sharing, blank=True)
    # Equity outcomes are a separate choice: the disparity indices of the outcome measures
    # (never their counts), for the cohort's disparity trend.
    shares_outcomes = models.BooleanField(_("share our equity outcome indices"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = CohortMemberQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "organization"], name="one_membership_per_cohort"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} in {self.cohort}"

    @property
    def is_sharing(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def shares_plans(self) -> bool:
        return self.is_sharing and self.sharing in (Sharing.PLANS, Sharing.EVERYTHING)

    @property
    def shares_answers(self) -> bool:
        return self.is_sharing and self.sharing == Sharing.EVERYTHING


class SharedGoal(models.Model):
    """A cohort's five-year objective; members tie their action steps to it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "created_at"]

    def __str__(self) -> str:
        return self.title


class Workgroup(models.Model):
    """Members working together on part of the cohort's agenda."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="workgroups")
    name = models.CharField(_("name"), max_length=200)
    goal = models.ForeignKey(
        SharedGoal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workgroups",
        verbose_name=_("shared goal"),
    )
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("members")
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GoalLink(models.Model):
    """A member's action step tied to one of the cohort's shared goals."""

    goal = models.ForeignKey(SharedGoal, on_delete=models.CASCADE, related_name="links")
    plan_step = models.ForeignKey(PlanStep, on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["goal", "plan_step"], name="one_link_per_goal_step")
        ]


class NewcomerInvitationQuerySet(models.QuerySet):
    def pending(self) -> "NewcomerInvitationQuerySet":
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class NewcomerInvitation(EmailInvitation):
    """An invitation to the cohort for an organization that is not in the app yet, sent to
    the email of its leader-to-be. Its link leads through sign-up and creating the
    organization to the consent choice."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="newcomers")
    organization_name = models.CharField(_("organization"), max_length=200, blank=True)
    member = models.ForeignKey(
        CohortMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["token_hash"])

    objects = NewcomerInvitationQuerySet.as_manager()

    class Meta(EmailInvitation.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.email} → {self.cohort}"
