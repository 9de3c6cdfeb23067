"""Single sign-on with OpenID Connect, on django-allauth's openid_connect provider.

The providers come from environment variables (`valuecurve.env.env_oidc_providers`). Who an
SSO sign-in is, is decided here, once (`account_for_sign_in`):

- the provider must say the address is verified (`email_verified` true), on every sign-in;
- an account linked to the provider's subject before is that account;
- otherwise the one account with that email is linked (an unconfirmed sign-up is confirmed,
  since the provider has checked the address); two accounts with one email are refused;
- no account: one is made when sign-up is open or an invitation waits for the address.

The ID token's nonce must be the one this session sent. An SSO sign-in counts as two-factor
verified only when the provider is trusted for it (SSO_<NAME>_TRUST_MFA) and its ID token's
`amr` names "mfa"; otherwise the authenticator rules apply as after a password.
"""

import secrets
from dataclasses import dataclass

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.conf import settings
from django.contrib.auth import login as django_login
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from assessments.models import EmailInvitation, Membership
from valuecurve.models import ProviderDevice
from valuecurve.signup import is_unconfirmed, signup_is_open, users_with_email

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"
SESSION_PROVIDER = "sso_provider"


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    login_url: str


def providers() -> list[Provider]:
    """The configured providers, in the order SSO_PROVIDERS names them."""
    apps = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]
    return [
        Provider(
            id=app["provider_id"],
            name=app["name"],
            login_url=reverse("openid_connect_login", args=[app["provider_id"]]),
        )
        for app in apps
    ]


def requires_sso(user) -> bool:
    """A member of any organization that requires single sign-on signs in only that way
    (the strictest of their organizations wins, as with two-factor sign-in). Without a
    configured provider nobody is held to it, so nobody is locked out."""
    if not providers():
        return False
    return Membership.objects.filter(user=user, organization__require_sso=True).exists()


def signed_in_with_sso(request) -> bool:
    return bool(request.session.get(SESSION_PROVIDER))


class SignInRefused(Exception):
    """An SSO sign-in that gets no account; the message says why, for the person."""


def account_for_sign_in(sociallogin: SocialLogin):
    """The account this sign-in is, None for a new account, or SignInRefused."""
    claims = _claims(sociallogin)
    if claims.get("email_verified") is not True or not claims.get("email"):
        raise SignInRefused(
            _(
                "Your identity provider did not confirm your email address, so it cannot "
                "sign you in here. Ask its administrator to verify it, or sign in with "
                "your password."
            )
        )
    if sociallogin.is_existing:
        return _active(sociallogin.user)
    matches = list(users_with_email(claims["email"])[:2])
    if len(matches) > 1:
        raise SignInRefused(
            _("Several accounts use this email address. Ask the site's staff to merge them.")
        )
    if matches:
        return _active(matches[0])
    if not (signup_is_open() or invitation_waits_for(claims["email"])):
        raise SignInRefused(
            _(
                "No account uses this email address, and accounts are made by invitation "
                "only. Ask your organization's leader to invite you."
            )
        )
    return None


def _active(user):
    if user.is_active:
        return user
    if is_unconfirmed(user):
        user.is_active = True  # the provider has confirmed the address
        user.save(update_fields=["is_active"])
        return user
    raise SignInRefused(_("This account is closed. Ask the site's staff."))


def invitation_waits_for(email: str) -> bool:
    """An invitation by email of any kind (to an organization's team, or a new organization
    to a cohort) that can still be used, for this address."""
    return any(
        model._default_manager.pending().filter(email__iexact=email).exists()  # type: ignore[attr-defined]  # each subclass's manager has pending()
        for model in EmailInvitation.__subclasses__()
    )


def _claims(sociallogin: SocialLogin) -> dict:
    data = sociallogin.account.extra_data
    return data.get("userinfo") or data.get("id_token") or {}


def nonce_matches(sociallogin: SocialLogin) -> bool:
    sent = sociallogin.state.get("nonce")
    received = sociallogin.account.extra_data.get("id_token", {}).get("nonce")
    return bool(sent and received) and secrets.compare_digest(str(sent), str(received))


def asserts_mfa(sociallogin: SocialLogin) -> bool:
    app = sociallogin.provider.app
    amr = sociallogin.account.extra_data.get("id_token", {}).get("amr") or []
    return bool(app.settings.get("trust_mfa")) and "mfa" in amr


class NonceProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, with a nonce sent and kept in the session's state
    for `nonce_matches` to check against the ID token."""

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        try:
            return super().redirect(
                request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
            )
        except requests.RequestException:  # its discovery document did not come
            message = _(
                "%(name)s cannot be reached just now. Try again in a few minutes, or sign in "
                "with your password."
            ) % {"name": self.app.name}
            return refused(request, message, status=503)


@dataclass(frozen=True)
class SsoSignIn:
    provider_id: str
    mfa: bool


class SignInAdapter(DefaultSocialAccountAdapter):
    def get_provider(self, request, provider, client_id=None):
        found = super().get_provider(request, provider, client_id=client_id)
        if type(found) is OpenIDConnectProvider:
            return NonceProvider(request, app=found.app)
        return found

    def pre_social_login(self, request, sociallogin) -> None:
        if not nonce_matches(sociallogin):
            raise ImmediateHttpResponse(refused(request, _("This sign-in link is not valid.")))
        try:
            user = account_for_sign_in(sociallogin)
        except SignInRefused as refusal:
            raise ImmediateHttpResponse(refused(request, str(refusal))) from None
        if user is not None and not sociallogin.is_existing:
            sociallogin.connect(request, user)
        request.sso_sign_in = SsoSignIn(
            provider_id=sociallogin.provider.app.provider_id, mfa=asserts_mfa(sociallogin)
        )

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True  # account_for_sign_in has decided already

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = (_claims(sociallogin).get("email") or "").strip()
        return user

    def on_authentication_error(self, request, provider, **kwargs) -> None:
        message = _("The sign-in did not finish, or its answer was not valid. Try again.")
        raise ImmediateHttpResponse(refused(request, message))


class AccountAdapter(DefaultAccountAdapter):
    """allauth signs people in only after an SSO sign-in (its account pages are not used)."""

    def login(self, request, user) -> None:
        django_login(request, user, backend=PASSWORD_BACKEND)
        sign_in = getattr(request, "sso_sign_in", None)
        if sign_in is None:
            return
        request.session[SESSION_PROVIDER] = sign_in.provider_id
        if sign_in.mfa:
            device, _created = ProviderDevice.objects.get_or_create(
                user=user, name=sign_in.provider_id, defaults={"confirmed": True}
            )
            otp_login(request, device)

    def is_open_for_signup(self, request) -> bool:
        return signup_is_open()

    def add_message(self, *args, **kwargs) -> None:
        """allauth's own notes ("Successfully signed in as ...") are left out: the page
        someone lands on shows who is signed in."""


def refused(request, message: str, status: int = 403):
    context = {"message": message}
    return render(request, "registration/sso_refused.html", context, status=status)
