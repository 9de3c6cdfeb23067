"""Creating, finding, recording and revoking access tokens: the one place for their rules."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from api.models import AccessToken, hash_secret, new_secret

EXPIRY_CHOICES = (30, 90, 365)


def token_create(
    *,
    user,
    name: str,
    days: int,
    can_write: bool,
    verified: bool,
    organization=None,
    cohort=None,
) -> tuple[AccessToken, str]:
    """The new token and its secret: the secret is never stored, only shown once."""
    secret = new_secret()
    token = AccessToken.objects.create(
        user=user,
        name=name,
        token_hash=hash_secret(secret),
        hint=secret[:8],
        organization=organization,
        cohort=cohort,
        can_write=can_write,
        verified=verified,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, secret


def token_for_secret(secret: str) -> AccessToken | None:
    """The usable token with this secret, its use recorded; None for any other secret."""
    now = timezone.now()
    token = (
        AccessToken.objects.usable(now)
        .select_related("user", "organization", "cohort")
        .filter(token_hash=hash_secret(secret))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=now, use_count=F("use_count") + 1)
    return token


def token_revoke(*, user, token_id) -> bool:
    revoked = AccessToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True)
    return bool(revoked.update(revoked_at=timezone.now()))
