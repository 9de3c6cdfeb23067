"""Personal access tokens for the JSON API: the secret is shown once and stored as its sha256.

A token acts for its user, within one organization (or, for a facilitator, one cohort), read
only or read-write, until it expires or is revoked. The user's own role still decides what it
may do: a token never gives more than its user has.
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX = "vc_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


class AccessTokenQuerySet(models.QuerySet):
    def usable(self, now) -> "AccessTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class AccessToken(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the secret, so the user can tell tokens apart.
    hint = models.CharField(max_length=12, editable=False)
    organization = models.ForeignKey(
        "assessments.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("cohort"),
    )
    can_write = models.BooleanField(_("read and write"), default=False)
    # Created in a two-factor verified session: a cohort token then sees the members that
    # require two-factor sign-in, as that session did (cohorts.sharing.Scope).
    verified = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False, cohort__isnull=True)
                | Q(organization__isnull=True, cohort__isnull=False),
                name="token_one_scope",
            )
        ]
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now
