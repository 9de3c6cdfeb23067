"""Sign-up by email.

An account starts inactive and turns active when its owner opens the link sent to its
address (a token from Django's password-reset machinery, with its own salt, that stops
working once used). What a sign-up page says never depends on whether the address already
has an account: that address gets an email either way, and only its owner reads it.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from valuecurve import languages

# One confirmation email per address in this many seconds, whatever is asked.
RESEND_PAUSE_SECONDS = 120


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Valid until the account is active (or its email or password changes)."""

    key_salt = "valuecurve.signup.ConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp) -> str:
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


confirmation_tokens = ConfirmationTokenGenerator()


def signup_is_open() -> bool:
    return settings.SIGNUP == "open"


def is_unconfirmed(user) -> bool:
    """Signed up, never confirmed. Staff deactivate accounts that have signed in before;
    those stay inactive whatever their owner asks."""
    return not user.is_active and user.last_login is None and user.has_usable_password()


def users_with_email(email: str):
    return get_user_model().objects.filter(email__iexact=email.strip())


@transaction.atomic
def signup_request(*, user, request) -> None:
    """`user` is the unsaved account of the form. A new address gets an inactive account and
    its confirmation link; an address already in use gets a note instead (its owner may have
    forgotten), and nothing is created."""
    existing = users_with_email(user.email).first()
    if existing is None:
        user.is_active = False
        user.save()
        confirmation_send(user=user, request=request)
    elif is_unconfirmed(existing):
        confirmation_send(user=existing, request=request)
    else:
        _already_registered_send(user=existing, request=request)


def _link(request, url_name: str, user, tokens: PasswordResetTokenGenerator) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return request.build_absolute_uri(reverse(url_name, args=[uid, tokens.make_token(user)]))


def confirmation_send(*, user, request) -> bool:
    """The confirmation link, at most once per address in RESEND_PAUSE_SECONDS."""
    if not _first_in_pause(user.email):
        return False
    link = _link(request, "signup_confirm", user, confirmation_tokens)
    # Whoever signs up reads the language of the page they signed up on.
    with languages.reading(user=user, default=languages.active_language()):
        body = _(
            "Welcome to Value Curve.\n\nConfirm your email address to finish creating the "
            "account %(username)s (the link works once):\n%(link)s\n\nIf you did not sign "
            "up, ignore this email; the account stays closed."
        ) % {"username": user.username, "link": link}
        subject = _("Confirm your email for Value Curve")
    send_mail(subject, body, None, [user.email])
    return True


def _already_registered_send(*, user, request) -> None:
    if not _first_in_pause(user.email):
        return
    link = _link(request, "password_reset_confirm", user, default_token_generator)
    with languages.reading(user=user, default=languages.active_language()):
        body = _(
            "Someone asked to create a Value Curve account with this address, which already "
            "has one: %(username)s. Sign in with it; if you forgot its password, choose a new "
            "one here:\n%(link)s\n\nIf it was not you, ignore this email."
        ) % {"username": user.username, "link": link}
        subject = _("You already have a Value Curve account")
    send_mail(subject, body, None, [user.email])


def _first_in_pause(email: str) -> bool:
    key = "signup-mail:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return cache.add(key, 1, timeout=RESEND_PAUSE_SECONDS)


def signup_allowed_from(address: str) -> bool:
    """Count sign-up requests per client address; False once the hour's limit is passed."""
    key = "signup-rate:" + hashlib.sha256(address.encode()).hexdigest()
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= settings.SIGNUP_RATE_PER_HOUR


@transaction.atomic
def signup_confirm(*, uidb64: str, token: str):
    """Activate the account the link names; None if the link is not (or no longer) valid."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = get_user_model().objects.select_for_update().filter(pk=int(pk)).first()
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None
    if user is None or not is_unconfirmed(user):
        return None
    if not confirmation_tokens.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user
