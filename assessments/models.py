import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments import levels
from assessments.translated import translated
from valuecurve.languages import default_language, language_choices

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class FrameworkLocked(Exception):
    """Raised when something tries to change a framework version that assessments use."""

    def __init__(self, framework: "Framework"):
        super().__init__(
            _(
                "Framework “%(framework)s” is used by assessments and cannot be changed. "
                "Copy it as a new version and edit that instead."
            )
            % {"framework": framework}
        )


# --- Organizations, programs, people ----------------------------------------------------------


class Statements(models.Model):
    """What an organization, or a cohort of them, commits to and how it means to get there:
    shown on its pages, reports and posters."""

    # A poster shows the commitment whole: the statements form holds it to this length
    # (valuecurve.text.poster_length), the database to its max_length.
    POSTER_COMMITMENT_LENGTH = 600

    commitment_statement = models.TextField(
        _("racial equity commitment statement"),
        blank=True,
        max_length=3000,
        help_text=_("Shown on reports and posters."),
    )
    vision = models.TextField(_("vision"), blank=True, max_length=2000)
    theory_of_change = models.TextField(_("theory of change"), blank=True, max_length=5000)

    class Meta:
        abstract = True

    @property
    def has_statements(self) -> bool:
        return bool(self.commitment_statement or self.vision or self.theory_of_change)


class Organization(Statements):
    class Sector(models.TextChoices):
        PUBLIC = "public", _("Public agency")
        NONPROFIT = "nonprofit", _("Nonprofit")
        TRIBAL = "tribal", _("Tribal government or organization")
        FUNDER = "funder", _("Funder or foundation")
        OTHER = "other", _("Other")

    class Size(models.TextChoices):
        SMALL = "small", _("Small (under 50 staff)")
        MEDIUM = "medium", _("Medium (50 to 500 staff)")
        LARGE = "large", _("Large (over 500 staff)")

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector)
    region = models.CharField(_("region"), max_length=100, blank=True)
    size = models.CharField(_("size"), max_length=20, choices=Size, blank=True)
    require_two_factor = models.BooleanField(
        _("require two-factor sign-in"),
        default=False,
        help_text=_("Members must sign in with an authenticator app to see this organization."),
    )
    require_sso = models.BooleanField(
        _("require single sign-on"),
        default=False,
        help_text=_(
            "Members sign in through the organization's identity provider, never with a "
            "password of this site."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=language_choices,
        default=default_language,
        help_text=_(
            "The language of its documents (which anyone can change for a download) and of "
            "the emails it sends to people who have not chosen one."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    LEADER = "leader", _("Leader")
    CONTRIBUTOR = "contributor", _("Contributor")
    VIEWER = "viewer", _("Viewer")


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user) -> "MembershipQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_role_per_org")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.organization} ({self.get_role_display()})"

    @property
    def can_answer(self) -> bool:
        return self.role in (Role.LEADER, Role.CONTRIBUTOR)

    @property
    def can_lead(self) -> bool:
        return self.role == Role.LEADER


class ProgramQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProgramQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(organization__memberships__user=user)

    def active(self) -> "ProgramQuerySet":
        """Programs that are not archived: the only ones lists, scorecards, batches and
        cohort figures show. An archived program keeps its assessments and history."""
        return self.filter(archived_at__isnull=True)

    def archived(self) -> "ProgramQuerySet":
        return self.filter(archived_at__isnull=False)


class Program(models.Model):
    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="programs",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=200)
    service_area = models.CharField(_("service area"), max_length=100)
    population_served = models.CharField(_("population served"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


# --- The framework: versioned data, locked once used ------------------------------------------


class Translated(models.Model):
    """Text fields with translations, {language: {field: text}}: shown through `translated`.
    A translation does not change what the framework means, so a locked framework takes one
    (assessments.framework_translations stores them without save())."""

    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        abstract = True


class Framework(Translated):
    slug = models.SlugField(_("slug"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="unique_framework_version")
        ]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return _("%(title)s v%(version)s") % {
            "title": translated(self, "title"),
            "version": self.version,
        }

    @property
    def is_locked(self) -> bool:
        return self.pk is not None and self.assessments.exists()

    def check_unlocked(self) -> None:
        if self.is_locked:
            raise FrameworkLocked(self)

    def save(self, *args, **kwargs):
        self.check_unlocked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.check_unlocked()
        return super().delete(*args, **kwargs)


class FrameworkPart(models.Model):
    """A part of a framework: saving or deleting it is refused once the framework is locked."""

    class Meta:
        abstract = True

    def get_framework(self) -> Framework:
        raise NotImplementedError

    def save(self, *args, **kwargs):
        self.get_framework().check_unlocked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.get_framework().check_unlocked()
        return super().delete(*args, **kwargs)


class Dimension(Translated, FrameworkPart):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="dimensions", verbose_name=_("framework")
    )
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="unique_dimension_key")
        ]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self) -> str:
        return translated(self, "name")

    def get_framework(self) -> Framework:
        return self.framework


class Indicator(Translated, FrameworkPart):
    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("dimension")
    )
    key = models.SlugField(_("key"), max_length=40)
    statement = models.TextField(_("statement"))
    evidence_guidance = models.TextField(_("evidence guidance"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        ordering = ["dimension__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key"], name="unique_indicator_key")
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.key

    def get_framework(self) -> Framework:
        return self.dimension.framework


class LevelDescriptor(Translated, FrameworkPart):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="descriptors", verbose_name=_("indicator")
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=[(level, levels.LEVEL_NAMES[level]) for level in levels.LEVELS]
    )
    text = models.TextField(_("what it looks like"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "level"], name="one_descriptor_per_level")
        ]
        verbose_name = _("level descriptor")
        verbose_name_plural = _("level descriptors")

    def __str__(self) -> str:
        return f"{self.indicator.key} – {self.get_level_display()}"

    def get_framework(self) -> Framework:
        return self.indicator.dimension.framework


# --- Cycles ----------------------------------------------------------------------------------


# Cycles are ordered by their dates, then their names: this order decides "latest", "previous"
# and "current" everywhere (pages, exports, posters, batches, cohort rounds).
CYCLE_ORDER = ("starts_on", "ends_on", "name")


class CycleQuerySet(models.QuerySet):
    def in_order(self) -> "CycleQuerySet":
        """Oldest first."""
        return self.order_by(*CYCLE_ORDER)

    def current(self, today) -> "CycleQuerySet":
        """The cycles whose dates include `today`."""
        return self.filter(starts_on__lte=today, ends_on__gte=today)


class Cycle(models.Model):
    """One of an organization's assessment periods ("2027", April 1 to March 31): each program
    has at most one assessment per cycle. A cohort round links each member's cycle to it."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="cycles",
        verbose_name=_("organization"),
    )
    name = models.CharField(
        _("name"), max_length=40, help_text=_("Such as a year: “2027” or “2026-27”.")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = list(CYCLE_ORDER)
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="one_cycle_per_name"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cycle_ends_after_start"
            ),
        ]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")

    def __str__(self) -> str:
        return self.name

    def is_current(self, today) -> bool:
        return self.starts_on <= today <= self.ends_on


# --- Assessments -----------------------------------------------------------------------------


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AssessmentQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(program__organization__memberships__user=user)

    def submitted(self) -> "AssessmentQuerySet":
        return self.filter(status=Assessment.Status.SUBMITTED)

    # Which assessment is a program's latest is decided here and nowhere else (pages, exports,
    # posters, cohorts): by its cycle's place in CYCLE_ORDER, one assessment per program and
    # cycle.
    def in_cycle_order(self) -> "AssessmentQuerySet":
        """Oldest cycle first."""
        return self.select_related("cycle").order_by(*(f"cycle__{f}" for f in CYCLE_ORDER))

    def newest_cycle_first(self) -> "AssessmentQuerySet":
        return self.select_related("cycle").order_by(*(f"-cycle__{f}" for f in CYCLE_ORDER))

    def latest_per_program(self) -> "AssessmentQuerySet":
        """Per active program, its submitted assessment of the newest cycle: filter the programs
        before or after, the latest is always chosen among all the program's submitted ones.
        Archived programs have none: they leave every list, poster, batch and cohort figure."""
        newest = (
            Assessment.objects.submitted()
            .filter(program_id=models.OuterRef("program_id"))
            .newest_cycle_first()
            .values("pk")[:1]
        )
        return self.submitted().of_active_programs().filter(pk=models.Subquery(newest))

    def before_cycle(self, cycle: Cycle) -> "AssessmentQuerySet":
        """Assessments of cycles that come before this one in CYCLE_ORDER."""
        earlier = Q()
        for i, field in enumerate(CYCLE_ORDER):
            same = {f"cycle__{f}": getattr(cycle, f) for f in CYCLE_ORDER[:i]}
            earlier |= Q(**same, **{f"cycle__{field}__lt": getattr(cycle, field)})
        return self.filter(earlier)

    def previous_cycle_of(self, assessment: "Assessment") -> "Assessment | None":
        """The program's submitted assessment of the newest cycle before this one's: the
        cycle a new one continues (its unfinished steps, its "done last cycle")."""
        return (
            self.submitted()
            .filter(program_id=assessment.program_id)
            .before_cycle(assessment.cycle)
            .newest_cycle_first()
            .first()
        )

    def of_active_programs(self) -> "AssessmentQuerySet":
        """Assessments of programs that are not archived (the rule is Program's `active`)."""
        return self.filter(program__in=Program.objects.active())


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("program")
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("framework")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.RESTRICT, related_name="assessments", verbose_name=_("cycle")
    )
    status = models.CharField(
        max_length=20, choices=Status, default=Status.DRAFT, verbose_name=_("status")
    )
    # Optimistic locking: every save of answers bumps it; a stale page is refused.
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("based on"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted at"))
    # With several respondents: when the leader closed the round (no more answers).
    round_closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("round closed at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["program", "-cycle__starts_on", "-cycle__ends_on", "-cycle__name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "cycle"], name="one_assessment_per_cycle")
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.program} – {self.cycle}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def round_is_open(self) -> bool:
        return self.is_draft and self.round_closed_at is None


class AnswerFields(models.Model):
    """What one answer holds. The scored Answer uses it; per-respondent answers will too."""

    class Confidence(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    level = models.SmallIntegerField(
        _("level"), null=True, blank=True, choices=levels.ANSWER_CHOICES
    )
    evidence = models.TextField(_("evidence"), blank=True)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        abstract = True


class AnswerQuerySet(models.QuerySet):
    def carried_unconfirmed(self) -> "AnswerQuerySet":
        """Answers copied from the previous cycle that nobody has confirmed or changed."""
        return self.filter(carried_over=True)


class Answer(AnswerFields):
    """The answer that is scored: today the one respondent's, later the team's consensus."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    # The assessment version this answer last changed in: tells a stale page what changed.
    changed_in_version = models.PositiveIntegerField(
        default=1, verbose_name=_("changed in version")
    )
    # With several respondents, the leader's reason for the consensus answer.
    consensus_note = models.TextField(_("consensus note"), blank=True)
    # Copied from the previous cycle and not yet confirmed or changed by anyone.
    carried_over = models.BooleanField(_("carried over"), default=False)
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    objects = AnswerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="one_answer_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True)
                | Q(level__gte=levels.DONT_KNOW, level__lte=levels.GENERATIVE),
                name="answer_level_in_range",
            ),
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.assessment} – {self.indicator.key}"


class AssessmentEvent(models.Model):
    """A recorded step in an assessment's life: started, submitted, reopened."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Started")
        ASSIGNED = "assigned", _("Respondents assigned")
        RESPONDENT_SUBMITTED = "respondent_submitted", _("Respondent submitted")
        REMINDED = "reminded", _("Respondents reminded")
        ROUND_CLOSED = "round_closed", _("Round closed")
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="events", verbose_name=_("assessment")
    )
    kind = models.CharField(max_length=20, choices=Kind, verbose_name=_("kind"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(default=timezone.now, verbose_name=_("at"))
    note = models.TextField(blank=True, verbose_name=_("note"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("assessment event")
        verbose_name_plural = _("assessment events")

    def __str__(self) -> str:
        return f"{self.assessment} – {self.get_kind_display()}"


class DimensionScore(models.Model):
    """Written when an assessment is submitted, so overviews read four rows, not every answer."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment")
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.PROTECT, related_name="+", verbose_name=_("dimension")
    )
    level = models.SmallIntegerField(verbose_name=_("level"))
    index = models.DecimalField(max_digits=3, decimal_places=2, verbose_name=_("index"))

    class Meta:
        ordering = ["dimension__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"], name="one_score_per_dimension"
            )
        ]
        verbose_name = _("dimension score")
        verbose_name_plural = _("dimension scores")

    def __str__(self) -> str:
        return f"{self.assessment} – {self.dimension}"


# --- Several respondents ---------------------------------------------------------------------


class RespondentQuerySet(models.QuerySet["Respondent"]):
    def not_submitted(self) -> "RespondentQuerySet":
        return self.filter(submitted_at__isnull=True)

    def to_do_for(self, user) -> "RespondentQuerySet":
        """The user's open assignments: not submitted, on a draft whose round is open, in an
        organization where they may still answer."""
        if not user.is_authenticated:
            return self.none()
        return self.not_submitted().filter(
            user=user,
            assessment__status=Assessment.Status.DRAFT,
            assessment__round_closed_at__isnull=True,
            assessment__program__organization__memberships__user=user,
            assessment__program__organization__memberships__role__in=[
                Role.LEADER,
                Role.CONTRIBUTOR,
            ],
        )


class Respondent(models.Model):
    """A member asked to answer an assessment on their own, before the consensus."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="respondents",
        verbose_name=_("assessment"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(default=timezone.now, verbose_name=_("assigned at"))
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted at"))
    # Optimistic locking of this respondent's own answers.
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    # The last email they were sent about it (the assignment or a reminder), and the last
    # reminder: reminders are limited per respondent, and the leader's page says when.
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("emailed at"))
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reminded at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    objects = RespondentQuerySet.as_manager()

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="one_respondent_per_user")
        ]
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")

    def __str__(self) -> str:
        return f"{self.user} – {self.assessment}"

    @property
    def has_submitted(self) -> bool:
        return self.submitted_at is not None


class RespondentAnswer(AnswerFields):
    respondent = models.ForeignKey(
        Respondent, on_delete=models.CASCADE, related_name="answers", verbose_name=_("respondent")
    )
    changed_in_version = models.PositiveIntegerField(
        default=1, verbose_name=_("changed in version")
    )
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "indicator"], name="one_respondent_answer_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True)
                | Q(level__gte=levels.DONT_KNOW, level__lte=levels.GENERATIVE),
                name="respondent_answer_level_in_range",
            ),
        ]
        verbose_name = _("respondent answer")
        verbose_name_plural = _("respondent answers")

    def __str__(self) -> str:
        return f"{self.respondent} – {self.indicator.key}"


class PriorAnswer(AnswerFields):
    """An answer the draft held when respondents were first assigned ("draft before
    assignment"): kept beside the respondents' answers, never preset as the consensus."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="prior_answers",
        verbose_name=_("assessment"),
    )
    answered_at = models.DateTimeField(verbose_name=_("answered at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="one_prior_answer_per_indicator"
            )
        ]
        verbose_name = _("prior answer")
        verbose_name_plural = _("prior answers")

    def __str__(self) -> str:
        return f"{self.assessment} – {self.indicator.key}"


# --- Invitations -----------------------------------------------------------------------------


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class EmailInvitation(models.Model):
    """What every invitation by email holds. Only a hash of the token is stored; the token
    itself is in the emailed link."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    email = models.EmailField(_("email"))
    token_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("token hash")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("accepted at"))

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class Invitation(EmailInvitation):
    """An invitation by email to join an organization with a role."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    history = HistoricalRecords(excluded_fields=["token_hash"])
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    objects = InvitationQuerySet.as_manager()

    class Meta(EmailInvitation.Meta):
        pass
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.get_role_display()})"

    @property
    def is_usable(self) -> bool:
        return super().is_usable and self.revoked_at is None


# --- Action plans ----------------------------------------------------------------------------


class Capacity(models.TextChoices):
    """The three capacities an action step builds (from the NextGen cohort's action plan)."""

    SERVICES = "services", _("Equity-centric services and solutions")
    ADVOCACY = "advocacy", _("Community advocacy, policy and perception")
    LEADERSHIP = "leadership", _("Leadership that effects change")


class ActionStep(Translated):
    """A suggested step in the library of a framework version, for one move up the curve."""

    framework = models.ForeignKey(
        Framework,
        on_delete=models.CASCADE,
        related_name="action_steps",
        verbose_name=_("framework"),
    )
    dimension = models.ForeignKey(
        Dimension,
        on_delete=models.CASCADE,
        related_name="action_steps",
        verbose_name=_("dimension"),
    )
    key = models.SlugField(_("key"), max_length=60)
    from_level = models.PositiveSmallIntegerField(
        _("from level"), choices=[(level, levels.LEVEL_NAMES[level]) for level in range(4)]
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    measure = models.TextField(_("measure of progress"))
    capacity = models.CharField(_("capacity"), max_length=20, choices=Capacity)
    indicators = models.ManyToManyField(
        Indicator, related_name="action_steps", verbose_name=_("indicators")
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        ordering = ["dimension__order", "from_level", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="unique_action_step_key")
        ]
        verbose_name = _("action step")
        verbose_name_plural = _("action steps")

    def __str__(self) -> str:
        return translated(self, "title")


class PlanStepQuerySet(models.QuerySet):
    def unfinished(self) -> "PlanStepQuerySet":
        """Not started or in progress: what the next cycle's plan carries on."""
        return self.filter(status__in=PlanStep.OPEN)

    def done(self) -> "PlanStepQuerySet":
        return self.filter(status=PlanStep.Status.DONE)


class PlanStep(models.Model):
    """A step of an assessment's action plan: from the library or the leader's own."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="plan_steps",
        verbose_name=_("assessment"),
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.PROTECT, related_name="+", verbose_name=_("dimension")
    )
    action_step = models.ForeignKey(
        ActionStep,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("action step"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    measure = models.TextField(_("measure of progress"), blank=True, max_length=1000)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NOT_STARTED
    )
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    poster_line = models.CharField(
        _("poster line"),
        max_length=100,
        blank=True,
        help_text=_(
            "How the step reads on the poster, in a short sentence. Leave it empty and the "
            "poster shows the title and the description's first sentences that fit."
        ),
    )
    order = models.PositiveIntegerField(default=0, verbose_name=_("order"))
    # The previous cycle's unfinished step this one carries on: one chain, one history.
    continues = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="continued_by",
        verbose_name=_("continues"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    objects = PlanStepQuerySet.as_manager()

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    class Meta:
        ordering = ["dimension__order", "order", "created_at"]
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < today
