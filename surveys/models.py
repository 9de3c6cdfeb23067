"""Surveys of the people a program serves: anonymous by design.

A response keeps the day it was given, the interface language, how it came in (web or paper) and
the answers: no time of day, IP address, user agent, account or session. The tests assert the
fields of these models, so adding an identifying one fails them.
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import PlanStep, Program
from surveys import questions

TOKEN_BYTES = 16
TITLE_MAX = 120


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def code_hash(survey_id, code: str) -> str:
    """How a one-time code is stored: hashed with its survey's id, never in clear."""
    normalized = "".join(code.split()).upper()
    return hashlib.sha256(f"{survey_id}:{normalized}".encode()).hexdigest()


class SurveyQuerySet(models.QuerySet):
    def open_on(self, day):
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Survey(models.Model):
    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("program")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    token = models.CharField(
        _("token"), max_length=32, unique=True, default=new_token, editable=False
    )
    codes_required = models.BooleanField(
        _("one-time codes required"),
        default=False,
        help_text=_("Each person needs a code you hand out; each code works once."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # What of each count stays hidden because a published state hid it (outcomes.privacy
    # KEPT_* levels, keyed by surveys.results.kept_key); None until the results are first
    # published. Kept by surveys.services at every change of the answers, so that results
    # before and after one more response cannot be compared to reveal a hidden count.
    kept_hidden = models.JSONField(_("kept hidden"), null=True, blank=True, editable=False)
    # Goes up with every change of the answers or the dates: cached aggregates (a cohort's)
    # carry it in their keys.
    results_version = models.PositiveIntegerField(_("results version"), default=0, editable=False)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="survey_closes_after_it_opens"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on


class ProgramQuestion(models.Model):
    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="program_questions",
        verbose_name=_("survey"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=questions.PROGRAM_KINDS)
    text = models.CharField(_("question"), max_length=questions.PROGRAM_TEXT_MAX)
    choices = models.JSONField(_("options"), default=list, blank=True)

    class Meta:
        verbose_name = _("program question")
        verbose_name_plural = _("program questions")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"], name="program_question_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def key(self) -> str:
        return questions.program_question_key(self.position)


class Response(models.Model):
    class Source(models.TextChoices):
        WEB = "web", _("Web")
        PAPER = "paper", _("Paper, entered by staff")

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    # A day only: a time of day could tell who answered.
    submitted_on = models.DateField(_("submitted on"))
    language = models.CharField(_("language"), max_length=10)
    source = models.CharField(_("source"), max_length=5, choices=Source.choices, default=Source.WEB)
    race = models.JSONField(_("race"), default=list, blank=True)
    age_band = models.CharField(_("age band"), max_length=10, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["survey", "submitted_on"]

    def __str__(self) -> str:
        return f"{self.survey} {self.submitted_on}"


class Answer(models.Model):
    # A random id: counting ids up would tell in which order people answered.
    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.CharField(_("question"), max_length=20)
    number = models.IntegerField(_("number"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=questions.TEXT_MAX)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_question_unique")
        ]

    def __str__(self) -> str:
        return self.question


class OneTimeCode(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="codes", verbose_name=_("survey")
    )
    code_hash = models.CharField(_("code hash"), max_length=64)
    used = models.BooleanField(_("used"), default=False)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        constraints = [
            models.UniqueConstraint(fields=["survey", "code_hash"], name="one_time_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey} code"


class Finding(models.Model):
    """ "You said, we did": a leader ties an action step of the program's plan to what a
    survey found (one of its questions); the results page lists the ties and the poster can
    show them."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="findings", verbose_name=_("survey")
    )
    question = models.CharField(_("what the survey found"), max_length=20)
    step = models.ForeignKey(
        PlanStep, on_delete=models.CASCADE, related_name="survey_findings", verbose_name=_("step")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["survey", "question", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "question", "step"], name="one_tie_per_finding_and_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.question}: {self.step}"
