import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Organization
from valuecurve.languages import default_language, language_choices


class PosterBatchBase(models.Model):
    """A zip of posters built by a background task (reports.batches): its progress and file.
    An organization's batch is `PosterBatch`; a cohort's members' posters have their own model
    in cohorts, on the same base."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    size = models.CharField(max_length=20, verbose_name=_("size"))
    # The posters' language, chosen when the batch was asked for.
    language = models.CharField(
        max_length=10,
        choices=language_choices,
        default=default_language,
        verbose_name=_("language"),
    )
    status = models.CharField(
        max_length=20, choices=Status, default=Status.QUEUED, verbose_name=_("status")
    )
    total = models.PositiveIntegerField(default=0, verbose_name=_("total"))
    done = models.PositiveIntegerField(default=0, verbose_name=_("done"))
    archive = models.FileField(upload_to="poster-batches/", blank=True, verbose_name=_("archive"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def owner_name(self) -> str:
        raise NotImplementedError


class PosterBatch(PosterBatchBase):
    """A zip of an organization's posters, one per program, for its own leaders."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="poster_batches",
        verbose_name=_("organization"),
    )

    class Meta(PosterBatchBase.Meta):
        verbose_name = _("poster batch")
        verbose_name_plural = _("poster batches")

    def __str__(self) -> str:
        return _("Posters of %(organization)s") % {"organization": self.organization}

    @property
    def owner_name(self) -> str:
        return self.organization.name
