"""Single sign-on against a real OpenID Connect provider (tests/sso/provider.mjs) running in
its own process on loopback. The test client is the person's browser on the app's side; on the
provider's side the same person signs in over HTTP. The app itself talks to the provider as in
production: discovery, the code exchange with PKCE, the ID token and the userinfo endpoint."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments import members
from assessments.models import Membership, Role
from tests.conftest import PASSWORD
from tests.sso import oidc

pytestmark = oidc.MARKS


@pytest.fixture(scope="module")
def issuer():
    with oidc.running_provider(["http://testserver" + oidc.CALLBACK_PATH]) as running:
        yield running


@pytest.fixture
def sso(issuer, monkeypatch, settings, db):
    oidc.configure(monkeypatch, settings, issuer)
    return issuer


def start(client, next_url: str = "") -> str:
    """Press "Sign in with Test IdP": the app sends the browser to the provider."""
    response = client.post(oidc.LOGIN_PATH, {"next": next_url})
    assert response.status_code == 302
    return response["Location"]


def sso_sign_in(client, login: str, *, mfa: bool = False, next_url: str = ""):
    callback = oidc.sign_in_at_provider(start(client, next_url), login, mfa=mfa)
    return client.get(oidc.path_of(callback))


def signed_in_as(client):
    return client.get("/").wsgi_request.user


def test_the_sign_in_page_offers_each_configured_provider(client, sso):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Test IdP" in page
    assert f'action="{oidc.LOGIN_PATH}"' in page


def test_without_a_provider_the_sign_in_page_offers_none(client, db):
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()


def test_the_authorization_request_carries_state_nonce_and_pkce(client, sso):
    url = start(client)
    assert url.startswith(sso + "/auth?")
    for param in ("state=", "nonce=", "code_challenge=", "code_challenge_method=S256"):
        assert param in url


def test_a_verified_email_signs_in_to_the_account_with_that_email(client, sso, leader):
    response = sso_sign_in(client, "leader")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == leader
    link = SocialAccount.objects.get(user=leader)
    assert (link.provider, link.uid) == (oidc.PROVIDER_ID, "leader")


def test_the_second_sign_in_uses_the_link_and_keeps_the_way_back(client, sso, leader):
    sso_sign_in(client, "leader")
    client.logout()
    response = sso_sign_in(client, "leader", next_url="/accounts/security/")
    assert response["Location"] == "/accounts/security/"
    assert signed_in_as(client) == leader
    assert SocialAccount.objects.filter(user=leader).count() == 1


def test_an_unverified_email_never_reaches_the_account_with_that_email(client, sso, leader):
    response = sso_sign_in(client, "leader-unverified")
    assert response.status_code == 403
    assert "did not confirm your email address" in response.content.decode()
    assert not signed_in_as(client).is_authenticated
    assert not SocialAccount.objects.exists()


def test_a_way_back_to_another_site_is_not_followed(client, sso, leader):
    response = sso_sign_in(client, "leader", next_url="https://evil.example.com/")
    assert response["Location"] == "/"


def test_a_tampered_state_is_refused(client, sso, leader):
    callback = oidc.sign_in_at_provider(start(client), "leader")
    response = client.get(oidc.path_of(oidc.with_param(callback, "state", "forged")))
    assert response.status_code == 403
    assert not signed_in_as(client).is_authenticated


def test_a_callback_for_another_browser_is_refused(client, sso, leader):
    """Login CSRF: someone's own callback URL, planted in another person's browser."""
    from django.test import Client

    callback = oidc.sign_in_at_provider(start(Client()), "leader")
    response = client.get(oidc.path_of(callback))
    assert response.status_code == 403
    assert not signed_in_as(client).is_authenticated


def test_an_id_token_issued_for_another_nonce_is_refused(client, sso, leader):
    authorize = oidc.with_param(start(client), "nonce", "not-the-one-this-session-sent")
    callback = oidc.sign_in_at_provider(authorize, "leader")
    response = client.get(oidc.path_of(callback))
    assert response.status_code == 403
    assert not signed_in_as(client).is_authenticated


def test_a_tampered_code_is_refused(client, sso, leader):
    callback = oidc.sign_in_at_provider(start(client), "leader")
    response = client.get(oidc.path_of(oidc.with_param(callback, "code", "forged")))
    assert response.status_code == 403
    assert not signed_in_as(client).is_authenticated


def test_a_new_address_gets_an_account_when_sign_up_is_open(client, sso):
    sso_sign_in(client, "nobody")
    user = signed_in_as(client)
    assert user.email == "nobody@example.org"
    assert user.is_active and not user.has_usable_password()


def test_a_new_address_is_refused_when_sign_up_is_by_invitation(client, sso, settings):
    settings.SIGNUP = "invite-only"
    response = sso_sign_in(client, "nobody")
    assert response.status_code == 403
    assert "accounts are made by invitation only" in response.content.decode()
    assert not get_user_model().objects.filter(email="nobody@example.org").exists()


def test_an_invited_address_signs_in_first_with_sso_and_joins(client, sso, settings, org, leader):
    settings.SIGNUP = "invite-only"
    token = members.invitation_create(
        organization=org, email="newcomer@example.org", role=Role.CONTRIBUTOR, by=leader
    )
    invitation = f"/invitations/accept/{token}/"
    assert "Sign in with Test IdP" in client.get(invitation).content.decode()
    response = sso_sign_in(client, "newcomer", next_url=invitation)
    assert response["Location"] == invitation
    client.post(invitation)
    newcomer = get_user_model().objects.get(email="newcomer@example.org")
    assert Membership.objects.get(user=newcomer, organization=org).role == Role.CONTRIBUTOR


def test_an_unconfirmed_sign_up_is_confirmed_by_the_provider(client, sso, leader):
    leader.is_active = False
    leader.save(update_fields=["is_active"])
    sso_sign_in(client, "leader")
    leader.refresh_from_db()
    assert leader.is_active and signed_in_as(client) == leader


def test_a_closed_account_stays_closed(client, sso, leader, settings):
    leader.is_active = False
    leader.last_login = leader.date_joined
    leader.save(update_fields=["is_active", "last_login"])
    response = sso_sign_in(client, "leader")
    assert response.status_code == 403
    assert not signed_in_as(client).is_authenticated


def test_two_accounts_with_the_address_are_not_guessed_between(client, sso, leader):
    get_user_model().objects.create_user("leader-twin", email="LEADER@example.org")
    response = sso_sign_in(client, "leader")
    assert response.status_code == 403
    assert not signed_in_as(client).is_authenticated


# An organization that requires single sign-on.


@pytest.fixture
def sso_required(org, leader):
    org.require_sso = True
    org.save(update_fields=["require_sso"])
    return org


def password_sign_in(client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_member_of_an_organization_requiring_sso_cannot_use_a_password(
    client, sso, sso_required, leader
):
    response = password_sign_in(client, "leader")
    assert response.status_code == 200
    assert "sign in through single sign-on" in response.content.decode()
    assert not signed_in_as(client).is_authenticated
    assert sso_sign_in(client, "leader").status_code == 302
    assert signed_in_as(client) == leader


def test_a_wrong_password_is_still_just_wrong(client, sso, sso_required, leader):
    response = password_sign_in(client, "leader", "not-the-password")
    assert "single sign-on" not in response.content.decode()


def test_one_organization_requiring_sso_holds_a_member_of_several_to_it(
    client, sso, sso_required, other_org, leader
):
    Membership.objects.create(user=leader, organization=other_org, role=Role.VIEWER)
    assert "single sign-on" in password_sign_in(client, "leader").content.decode()


def test_others_keep_their_passwords(client, sso, sso_required, stranger):
    assert password_sign_in(client, "stranger").status_code == 302


def test_the_admin_sign_in_holds_staff_to_it_too(client, sso, sso_required, leader):
    leader.is_staff = True
    leader.save(update_fields=["is_staff"])
    response = client.post("/admin/login/", {"username": "leader", "password": PASSWORD})
    assert "single sign-on" in response.content.decode()


def test_without_a_configured_provider_nobody_is_held_to_it(client, sso_required, leader):
    assert password_sign_in(client, "leader").status_code == 302


def test_failed_password_sign_ins_are_still_locked_out(client, sso, stranger):
    for _ in range(5):
        password_sign_in(client, "stranger", "wrong-password")
    response = password_sign_in(client, "stranger")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


# The leader's setting.


def members_page(client, org) -> str:
    return client.get(f"/organizations/{org.pk}/members/").content.decode()


def security_post(client, org, **fields):
    data = {name: "on" for name, on in fields.items() if on}
    return client.post(f"/organizations/{org.pk}/security/", data, follow=True)


def test_the_leader_requires_it_only_after_signing_in_with_it(client, sso, org, leader):
    client.force_login(leader)
    assert "Require single sign-on of every member" in members_page(client, org)
    response = security_post(client, org, require_sso=True)
    assert "Sign in with single sign-on first" in response.content.decode()
    org.refresh_from_db()
    assert not org.require_sso
    client.logout()
    sso_sign_in(client, "leader")
    security_post(client, org, require_sso=True)
    org.refresh_from_db()
    assert org.require_sso


def test_without_a_provider_the_setting_is_not_offered(client, org, leader):
    client.force_login(leader)
    assert "single sign-on" not in members_page(client, org)


# Two-factor.


@pytest.fixture
def authenticator(leader):
    return TOTPDevice.objects.create(user=leader, name="Authenticator app", confirmed=True)


def asks_for_code(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and "/accounts/two-factor/verify/" in response["Location"]


def test_an_sso_sign_in_is_not_two_factor_verified(client, sso, leader, authenticator):
    sso_sign_in(client, "leader", mfa=True)
    assert asks_for_code(client)


def test_a_trusted_providers_mfa_counts_as_two_factor(
    client, issuer, monkeypatch, settings, leader, authenticator
):
    oidc.configure(monkeypatch, settings, issuer, trust_mfa=True)
    sso_sign_in(client, "leader", mfa=True)
    assert not asks_for_code(client)
    assert client.get("/").wsgi_request.user.is_verified()


def test_a_trusted_provider_without_mfa_does_not(
    client, issuer, monkeypatch, settings, leader, authenticator
):
    oidc.configure(monkeypatch, settings, issuer, trust_mfa=True)
    sso_sign_in(client, "leader", mfa=False)
    assert asks_for_code(client)


def test_a_provider_that_cannot_be_reached_gets_a_clear_message(client, monkeypatch, settings, db):
    oidc.configure(monkeypatch, settings, "http://127.0.0.1:9")  # a closed port
    response = client.post(oidc.LOGIN_PATH)
    assert response.status_code == 503
    assert "Test IdP cannot be reached just now" in response.content.decode()


def test_a_provider_named_without_its_settings_fails_loudly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from valuecurve.env import env_oidc_providers

    monkeypatch.setenv("SSO_PROVIDERS", "okta")
    monkeypatch.setenv("SSO_OKTA_ISSUER", "https://example.okta.com")
    with pytest.raises(ImproperlyConfigured, match="SSO_OKTA_CLIENT_ID, SSO_OKTA_CLIENT_SECRET"):
        env_oidc_providers()
