"""Cohorts: networks of organizations that compare their progress, with each member's consent."""

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.models import (
    CYCLE_ORDER,
    Assessment,
    AssessmentQuerySet,
    Cycle,
    EmailInvitation,
    Organization,
    PlanStep,
    Statements,
)
from reports.models import PosterBatchBase

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class CohortQuerySet(models.QuerySet):
    def facilitated_by(self, user) -> "CohortQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(facilitators__user=user)

    def with_hidden_members(self, *, verified: bool) -> "CohortQuerySet":
        """Annotate `hidden_members`: how many sharing members a session with this two-factor
        state does not see (`CohortMemberQuerySet.hidden_from`), in the same query."""
        if verified:
            return self.annotate(hidden_members=models.Value(0))
        hidden = (
            CohortMember.objects.hidden_from(verified=False)
            .filter(cohort=models.OuterRef("pk"))
            .values("cohort")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(hidden_members=Coalesce(models.Subquery(hidden), 0))

    def with_survey_members(self, *, verified: bool) -> "CohortQuerySet":
        """Annotate `survey_members`: how many members share their survey results with a
        session of this two-factor state (`Scope.survey_members`), in the same query."""
        sharing = (
            CohortMember.objects.sharing_survey_aggregates()
            .seen_by(verified=verified)
            .filter(cohort=models.OuterRef("pk"))
            .values("cohort")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(survey_members=Coalesce(models.Subquery(sharing), 0))

    def data_changed(self) -> int:
        """Bump the version that keys the dashboard cache: cached tables of the old version
        are never read again."""
        return self.update(data_version=F("data_version") + 1)


class Cohort(Statements):
    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    data_version = models.PositiveIntegerField(
        default=1, editable=False, verbose_name=_("data version")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    history = HistoricalRecords(excluded_fields=["data_version"])
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name


class Facilitator(models.Model):
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="facilitators", verbose_name=_("cohort")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="facilitator_roles",
        verbose_name=_("user"),
    )
    added_at = models.DateTimeField(default=timezone.now, verbose_name=_("added at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="one_facilitator_role")
        ]
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")

    def __str__(self) -> str:
        return _("%(user)s facilitates %(cohort)s") % {"user": self.user, "cohort": self.cohort}


class Sharing(models.TextChoices):
    """What a member lets the cohort's facilitators see. Each level includes the ones before."""

    LEVELS = "levels", _("Levels only")
    PLANS = "plans", _("Levels and action plans")
    EVERYTHING = "everything", _("Everything, including answers and evidence")


# The consents that cover action plans, and answers with their evidence.
PLAN_SHARING = (Sharing.PLANS, Sharing.EVERYTHING)
ANSWER_SHARING = (Sharing.EVERYTHING,)


class CohortMemberQuerySet(models.QuerySet):
    """What each member shares: the one place these rules are written. Every cohort page,
    export, document and cache key reads members through these methods (see cohorts.sharing).
    The instance properties of `CohortMember` say the same for one member already loaded."""

    def sharing(self) -> "CohortMemberQuerySet":
        """Members that share their levels: every consent includes them."""
        return self.filter(status=CohortMember.Status.ACTIVE)

    def sharing_plans(self) -> "CohortMemberQuerySet":
        return self.sharing().filter(sharing__in=PLAN_SHARING)

    def sharing_answers(self) -> "CohortMemberQuerySet":
        return self.sharing().filter(sharing__in=ANSWER_SHARING)

    def sharing_outcome_indices(self) -> "CohortMemberQuerySet":
        return self.sharing().filter(shares_outcomes=True)

    def sharing_survey_aggregates(self) -> "CohortMemberQuerySet":
        return self.sharing().filter(shares_surveys=True)

    def seen_by(self, *, verified: bool) -> "CohortMemberQuerySet":
        """The members a facilitator's session may see: an organization that requires
        two-factor sign-in shares nothing with a session that is not two-factor verified."""
        return self if verified else self.exclude(organization__require_two_factor=True)

    def hidden_from(self, *, verified: bool) -> "CohortMemberQuerySet":
        """Sharing members that `seen_by` leaves out of this session's view."""
        if verified:
            return self.none()
        return self.sharing().filter(organization__require_two_factor=True)


class CohortMember(models.Model):
    """An organization's place in a cohort, and its consent to share."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Sharing")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="members", verbose_name=_("cohort")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="cohort_memberships",
        verbose_name=_("organization"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.INVITED)
    sharing = models.CharField(_("what we share"), max_length=20, choices=Sharing, blank=True)
    # Equity outcomes are a separate choice: the disparity indices of the outcome measures
    # (never their counts), for the cohort's disparity trend.
    shares_outcomes = models.BooleanField(_("share our equity outcome indices"), default=False)
    # Survey results are a choice of their own too: the shares of all respondents agreeing
    # with each core statement and the net score (never open text, never a group's figures).
    shares_surveys = models.BooleanField(_("share our survey results"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(default=timezone.now, verbose_name=_("invited at"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responded by"),
    )
    responded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("responded at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    objects = CohortMemberQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "organization"], name="one_membership_per_cohort"
            )
        ]
        verbose_name = _("cohort member")
        verbose_name_plural = _("cohort members")

    def __str__(self) -> str:
        return _("%(organization)s in %(cohort)s") % {
            "organization": self.organization,
            "cohort": self.cohort,
        }

    @property
    def is_sharing(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def shares_plans(self) -> bool:
        return self.is_sharing and self.sharing in PLAN_SHARING

    @property
    def shares_answers(self) -> bool:
        return self.is_sharing and self.sharing in ANSWER_SHARING

    @property
    def shares_outcome_indices(self) -> bool:
        return self.is_sharing and self.shares_outcomes

    @property
    def shares_survey_aggregates(self) -> bool:
        return self.is_sharing and self.shares_surveys

    def is_seen_by(self, *, verified: bool) -> bool:
        return verified or not self.organization.require_two_factor


# Members that take part in the cohort's rounds: their cycles are linked to each round.
LINKED_STATUSES = (CohortMember.Status.INVITED, CohortMember.Status.ACTIVE)


class CohortRoundQuerySet(models.QuerySet):
    def in_order(self) -> "CohortRoundQuerySet":
        """Oldest first, in the order of cycles (assessments.models.CYCLE_ORDER)."""
        return self.order_by(*CYCLE_ORDER)

    def newest_first(self) -> "CohortRoundQuerySet":
        return self.order_by(*(f"-{field}" for field in CYCLE_ORDER))

    def open_on(self, today) -> "CohortRoundQuerySet":
        """Rounds whose dates include `today`: members can still submit."""
        return self.filter(starts_on__lte=today, ends_on__gte=today)

    def not_over(self, today) -> "CohortRoundQuerySet":
        return self.filter(ends_on__gte=today)


class CohortRound(models.Model):
    """A round the facilitator opens for the members ("2027 round, March 1 to April 30"):
    each member's own cycle of that name is linked to it (`RoundCycle`), and the cohort's
    figures for the round are those members' assessments of that cycle."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("cohort")
    )
    name = models.CharField(
        _("name"), max_length=40, help_text=_("Such as a year: “2027”. Members' cycles take it.")
    )
    starts_on = models.DateField(_("opens on"))
    ends_on = models.DateField(_("deadline"), help_text=_("The last day members can submit."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    cycles = models.ManyToManyField(
        Cycle, through="RoundCycle", related_name="cohort_rounds", verbose_name=_("cycles")
    )
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    objects = CohortRoundQuerySet.as_manager()

    class Meta:
        ordering = list(CYCLE_ORDER)
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="one_round_per_name"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=F("starts_on")), name="round_ends_after_start"
            ),
        ]
        verbose_name = _("cohort round")
        verbose_name_plural = _("cohort rounds")

    def __str__(self) -> str:
        return self.name

    def is_open(self, today) -> bool:
        return self.starts_on <= today <= self.ends_on


class RoundCycleQuerySet(models.QuerySet):
    """Which assessments count as submitted in a cohort round: the one place this rule is
    written. Each round's progress, the round a dashboard shows by default, the members' home
    pages, the Rounds tab, the reminders and the round's figures
    (`cohorts.sharing.Scope.round_assessments`) all read it, so none of them can count a round
    differently."""

    def of_members(self) -> "RoundCycleQuerySet":
        """Links of organizations still in the round's cohort, invited or sharing: those whose
        leaders see the round on their home page and get its emails."""
        return self.filter(
            round__cohort__members__organization=F("organization"),
            round__cohort__members__status__in=LINKED_STATUSES,
        )

    @staticmethod
    def _counted() -> AssessmentQuerySet:
        """What counts in a round, of the assessments in a member's linked cycle."""
        return Assessment.objects.submitted().of_active_programs()

    def submissions(self) -> AssessmentQuerySet:
        """The assessments that count in these links' rounds: submitted, of an active program,
        in the member's cycle linked to the round."""
        return self._counted().filter(cycle__round_links__in=self)

    def submitted(self) -> "RoundCycleQuerySet":
        """The links of organizations that have submitted in their round: the linked cycle
        holds an assessment that counts."""
        return self.filter(cycle__in=self._counted().values("cycle_id"))


class RoundCycle(models.Model):
    """A member organization's cycle that counts for a cohort round: one per organization."""

    round = models.ForeignKey(
        CohortRound, on_delete=models.CASCADE, related_name="links", verbose_name=_("round")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="round_links", verbose_name=_("cycle")
    )

    objects = RoundCycleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"], name="one_cycle_per_round_and_member"
            )
        ]
        verbose_name = _("round cycle")
        verbose_name_plural = _("round cycles")

    def __str__(self) -> str:
        return f"{self.round} – {self.cycle}"


class RoundEmail(models.Model):
    """An email about a round sent to a member organization's leaders: recorded so that the
    daily run (cohorts.round_emails) never sends it twice."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("The round is open")
        REMINDER = "reminder", _("The deadline is near")

    round = models.ForeignKey(
        CohortRound, on_delete=models.CASCADE, related_name="emails", verbose_name=_("round")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("round email")
        verbose_name_plural = _("round emails")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization", "kind"], name="one_round_email_of_each_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.organization} ({self.get_kind_display()})"


class SharedGoal(models.Model):
    """A cohort's five-year objective; members tie their action steps to it."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="goals", verbose_name=_("cohort")
    )
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    measure = models.CharField(
        _("measure"),
        max_length=200,
        blank=True,
        help_text=_(
            "How the cohort tells progress, such as “programs reporting outcomes by race”."
        ),
    )
    target = models.CharField(
        _("target"), max_length=100, blank=True, help_text=_("The value to reach, such as “80%”.")
    )
    target_date = models.DateField(
        _("target date"), null=True, blank=True, help_text=_("When the target is to be reached.")
    )
    order = models.PositiveIntegerField(default=0, verbose_name=_("order"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        ordering = ["order", "created_at"]
        verbose_name = _("shared goal")
        verbose_name_plural = _("shared goals")

    def __str__(self) -> str:
        return self.title


class Workgroup(models.Model):
    """Members working together on part of the cohort's agenda."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="workgroups", verbose_name=_("cohort")
    )
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
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        ordering = ["name"]
        verbose_name = _("workgroup")
        verbose_name_plural = _("workgroups")

    def __str__(self) -> str:
        return self.name


class GoalLink(models.Model):
    """A member's action step tied to one of the cohort's shared goals."""

    goal = models.ForeignKey(
        SharedGoal, on_delete=models.CASCADE, related_name="links", verbose_name=_("goal")
    )
    plan_step = models.ForeignKey(
        PlanStep, on_delete=models.CASCADE, related_name="+", verbose_name=_("plan step")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(default=timezone.now, verbose_name=_("linked at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["goal", "plan_step"], name="one_link_per_goal_step")
        ]
        verbose_name = _("goal link")
        verbose_name_plural = _("goal links")

    def __str__(self) -> str:
        return f"{self.plan_step} → {self.goal}"


class MemberPosterBatch(PosterBatchBase):
    """A zip of the posters of a cohort's members, for a convening (cohorts.batches): those of
    the members whose consent covers their action plans, a disparity panel only on the posters
    of members that share their outcome indices. `contents` records what went in, so a download
    is refused once a member's consent, or the downloading session, no longer covers it."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="poster_batches", verbose_name=_("cohort")
    )
    # Built for a two-factor verified session.
    verified = models.BooleanField(default=False, verbose_name=_("verified"))
    # [{"organization": id, "disparity": bool}, ...], set when the zip is built.
    contents = models.JSONField(default=list, blank=True, verbose_name=_("contents"))

    class Meta(PosterBatchBase.Meta):
        verbose_name = _("member poster batch")
        verbose_name_plural = _("member poster batches")

    def __str__(self) -> str:
        return _("Posters of the members of %(cohort)s") % {"cohort": self.cohort}

    @property
    def owner_name(self) -> str:
        return self.cohort.name


class NewcomerInvitationQuerySet(models.QuerySet):
    def pending(self) -> "NewcomerInvitationQuerySet":
        return self.filter(
            accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
        )


class NewcomerInvitation(EmailInvitation):
    """An invitation to the cohort for an organization that is not in the app yet, sent to
    the email of its leader-to-be. Its link leads through sign-up and creating the
    organization to the consent choice."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="newcomers", verbose_name=_("cohort")
    )
    organization_name = models.CharField(_("organization"), max_length=200, blank=True)
    member = models.ForeignKey(
        CohortMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("member"),
    )
    # A facilitator withdrew it before it was used: the emailed link says so.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    objects = NewcomerInvitationQuerySet.as_manager()

    class Meta(EmailInvitation.Meta):
        verbose_name = _("newcomer invitation")
        verbose_name_plural = _("newcomer invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.cohort}"

    @property
    def is_usable(self) -> bool:
        return self.withdrawn_at is None and super().is_usable
