"""Signing in: password reset, password rules, lockout after failures, idle sessions,
and two-factor sign-in (authenticator app and recovery codes)."""

import os
import re
import runpy
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import Invitation, Role
from tests.conftest import PASSWORD
from valuecurve import sessions, two_factor

NEW_PASSWORD = "another-long-password-77"
LOCKED_OUT = "Too many failed sign-ins"
SETTINGS_FILE = Path(__file__).resolve().parent.parent / "valuecurve/settings.py"


def page(response) -> str:
    return response.content.decode()


def sign_in(client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    """The sign-in form, as a browser at that address posts it."""
    data = {"username": username, "password": password}
    return client.post(reverse("login"), data, REMOTE_ADDR=ip)


def signed_in_user(client):
    return client.get(reverse("about")).wsgi_request.user


# --- Password reset by email ---------------------------------------------------------------


def reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)


def test_a_password_reset_email_has_a_link_that_sets_a_new_password(client, leader):
    response = client.post(reverse("password_reset"), {"email": leader.email})
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [leader.email]
    form = client.get(reset_link(mail.outbox[0]), follow=True)
    assert form.status_code == 200
    set_password_url = form.redirect_chain[-1][0]
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    done = client.post(set_password_url, data)
    assert done.url == reverse("password_reset_complete")
    leader.refresh_from_db()
    assert leader.check_password(NEW_PASSWORD)
    assert sign_in(client, "leader", NEW_PASSWORD).status_code == 302


def test_a_reset_link_works_once(client, leader):
    client.post(reverse("password_reset"), {"email": leader.email})
    link = reset_link(mail.outbox[0])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert "This link has expired" in page(again)


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, leader):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


# --- Password rules ------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["password", "12345678", "short"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password(NEW_PASSWORD)


@pytest.mark.parametrize("weak", ["password", "12345678"])
def test_changing_to_a_weak_password_is_refused(client, leader, weak):
    client.force_login(leader)
    data = {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak}
    response = client.post(reverse("password_change"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    leader.refresh_from_db()
    assert leader.check_password(PASSWORD)


# --- Lockout after failed sign-ins ---------------------------------------------------------


def test_after_five_failures_for_one_account_even_the_right_password_is_locked_out(client, leader):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "leader", "wrong-password", ip=f"10.0.0.{attempt}")
    response = sign_in(client, "leader", ip="10.0.9.9")  # from yet another address
    assert LOCKED_OUT in page(response)
    assert response.status_code == 429
    assert not signed_in_user(client).is_authenticated


def test_after_five_failures_from_one_address_every_account_there_is_locked_out(
    client, leader, viewer
):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess-{attempt}", "wrong-password", ip="10.0.0.7")
    assert LOCKED_OUT in page(sign_in(client, "viewer", ip="10.0.0.7"))
    assert sign_in(client, "viewer", ip="10.0.0.8").status_code == 302


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, leader):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "leader", "wrong-password").status_code == 200
    assert sign_in(client, "leader").status_code == 302
    assert signed_in_user(client) == leader


def test_a_successful_sign_in_resets_the_count(client, leader):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "leader", "wrong-password")
    sign_in(client, "leader")
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "leader", "wrong-password")
    assert sign_in(client, "leader").status_code == 302
    assert signed_in_user(client) == leader


def test_signing_in_to_another_account_does_not_reset_a_victims_failures(client, leader, viewer):
    """An attacker with any account, guessing the leader's password from one address."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "leader", "a-guess")
    sign_in(client, "viewer")  # the attacker's own account, from the same address
    client.post(reverse("logout"))
    sign_in(client, "leader", "one-more-guess")  # the fifth failure against the leader
    assert LOCKED_OUT in page(sign_in(client, "leader", ip="10.0.9.9"))


# --- Idle sessions -------------------------------------------------------------------------


def test_a_session_lasts_the_idle_minutes_and_is_written_at_most_every_five_minutes(
    monkeypatch,
):
    idle_minutes = int(os.environ.get("SESSION_IDLE_MINUTES") or 60)
    assert idle_minutes * 60 == settings.SESSION_COOKIE_AGE
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert min(5 * 60, settings.SESSION_COOKIE_AGE // 4) == settings.SESSION_REFRESH_SECONDS
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "20")
    assert runpy.run_path(str(SETTINGS_FILE))["SESSION_COOKIE_AGE"] == 20 * 60
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "8")
    assert runpy.run_path(str(SETTINGS_FILE))["SESSION_REFRESH_SECONDS"] == 2 * 60


def _session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_a_request_soon_after_the_last_write_leaves_the_session_alone(client, leader):
    client.force_login(leader)  # signing in writes the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assessments:home"))
    assert response.status_code == 200
    assert _session_writes(queries) == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def _written_ago(client, seconds: int) -> str:
    session = client.session
    session[sessions.REFRESHED_AT] -= seconds
    session.save()
    Session.objects.filter(pk=session.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - seconds)
    )
    return session.session_key


def test_a_request_once_the_refresh_time_has_passed_pushes_the_session_expiry_back(client, leader):
    client.force_login(leader)
    key = _written_ago(client, settings.SESSION_REFRESH_SECONDS)
    response = client.get(reverse("assessments:home"))
    assert response.status_code == 200
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    expiry = Session.objects.get(pk=key).expire_date
    full_age = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert full_age - timedelta(minutes=1) < expiry <= full_age
    # Written now: the next request leaves it alone again.
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("assessments:home"))
    assert _session_writes(queries) == []


def test_a_request_just_before_the_refresh_time_does_not_write(client, leader):
    client.force_login(leader)
    key = _written_ago(client, settings.SESSION_REFRESH_SECONDS - 30)
    before = Session.objects.get(pk=key).expire_date
    response = client.get(reverse("assessments:home"))
    assert response.status_code == 200
    assert Session.objects.get(pk=key).expire_date == before


def test_an_idle_session_has_ended(client, leader):
    client.force_login(leader)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("assessments:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Two-factor sign-in --------------------------------------------------------------------


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code the device does not accept now (its neighbours in time are accepted too)."""
    near = {
        totp(device.bin_key, device.step, device.t0 + offset * device.step, device.digits)
        for offset in (-1, 0, 1)
    }
    return next(f"{c:06d}" for c in range(10**6) if c not in near)


@pytest.fixture
def authenticator(leader) -> TOTPDevice:
    """The leader turned two-factor sign-in on earlier."""
    return TOTPDevice.objects.create(user=leader, name="Authenticator app", confirmed=True)


@pytest.fixture
def recovery_codes(leader, authenticator) -> list[str]:
    return two_factor.recovery_codes_renew(leader)


def verify(client, token: str, next_url: str = "/"):
    return client.post(reverse("two_factor_verify"), {"token": token, "next": next_url})


def force_verified_login(client, user, device) -> None:
    """Signed in with password and code, without going through the forms."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def sent_to(response) -> tuple[str, str | None]:
    """Where a redirect goes, and the page it comes back to after that."""
    assert response.status_code == 302
    parts = urlsplit(response.url)
    return parts.path, parse_qs(parts.query).get("next", [None])[0]


def asks_for_code(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))


def test_setup_shows_a_qr_code_and_the_key(client, leader):
    client.force_login(leader)
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page(response)
    device = TOTPDevice.objects.get(user=leader)
    assert not device.confirmed
    assert response.context["secret"] in page(response)


def test_confirming_with_a_code_from_the_app_turns_it_on_with_ten_recovery_codes(client, leader):
    client.force_login(leader)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=leader)
    response = client.post(reverse("two_factor_setup"), {"token": current_code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    assert all(code in page(response) for code in codes)
    stored = StaticToken.objects.filter(device__user=leader).values_list("token", flat=True)
    assert sorted(stored) == sorted(codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("assessments:home")).status_code == 200  # verified already


def test_a_wrong_code_does_not_turn_it_on(client, leader):
    client.force_login(leader)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=leader)
    response = client.post(reverse("two_factor_setup"), {"token": wrong_code(device)})
    assert response.status_code == 400
    assert "did not match" in page(response)
    assert not TOTPDevice.objects.filter(user=leader, confirmed=True).exists()


def test_a_sign_in_asks_for_a_code_before_any_app_page(client, leader, program, authenticator):
    assert sign_in(client, "leader").status_code == 302
    home = client.get(reverse("assessments:home"))
    assert asks_for_code(home)
    assert sent_to(home) == (reverse("two_factor_verify"), "/")
    assert asks_for_code(client.get(reverse("assessments:program", args=[program.pk])))
    assert client.get(reverse("two_factor_verify")).status_code == 200


def test_a_wrong_code_is_refused(client, leader, authenticator, recovery_codes):
    sign_in(client, "leader")
    response = verify(client, wrong_code(authenticator))
    assert response.status_code == 400
    assert "did not match" in page(response)
    assert asks_for_code(client.get(reverse("assessments:home")))


def test_the_current_code_from_the_app_gets_in(client, leader, authenticator):
    sign_in(client, "leader")
    response = verify(client, current_code(authenticator))
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get(reverse("assessments:home")).status_code == 200


def test_a_recovery_code_gets_in_once(client, leader, authenticator, recovery_codes):
    sign_in(client, "leader")
    assert verify(client, recovery_codes[0]).status_code == 302
    assert client.get(reverse("assessments:home")).status_code == 200
    client.post(reverse("logout"))
    sign_in(client, "leader")
    assert verify(client, recovery_codes[0]).status_code == 400
    assert asks_for_code(client.get(reverse("assessments:home")))
    assert StaticToken.objects.filter(device__user=leader).count() == 9


def test_verify_does_not_send_the_user_to_another_site(client, leader, authenticator):
    sign_in(client, "leader")
    response = verify(client, current_code(authenticator), next_url="https://evil.example/")
    assert response.url == reverse("assessments:home")


@pytest.fixture
def required(org):
    org.require_two_factor = True
    org.save(update_fields=["require_two_factor"])
    return org


@pytest.mark.parametrize(
    "name",
    [
        "assessments:home",
        "assessments:program",
        "assessments:review",
        "assessments:members",
        "reports:results",
        "admin:index",
    ],
)
def test_when_the_organization_requires_it_a_member_without_it_is_sent_to_setup(
    client, required, viewer, program, draft, name
):
    client.force_login(viewer)
    args = {
        "assessments:program": [program.pk],
        "assessments:review": [draft.pk],
        "assessments:members": [required.pk],
        "reports:results": [draft.pk],
    }.get(name, [])
    url = reverse(name, args=args)
    assert sent_to(client.get(url)) == (reverse("two_factor_setup"), url)


def test_the_way_back_after_the_code_keeps_the_whole_address(client, leader, authenticator):
    sign_in(client, "leader")
    address = reverse("assessments:home") + "?cycle=2025&tab=charts"
    assert sent_to(client.get(address)) == (reverse("two_factor_verify"), address)


def test_a_member_without_it_can_still_set_it_up_and_sign_out(client, required, viewer):
    client.force_login(viewer)
    assert client.get(reverse("two_factor_setup")).status_code == 200
    assert client.get(reverse("account")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not signed_in_user(client).is_authenticated


def test_a_newcomer_to_an_organization_that_requires_it_is_sent_to_setup(
    client, required, leader, authenticator
):
    force_verified_login(client, leader, authenticator)
    client.post(
        reverse("assessments:invite", args=[required.pk]),
        {"email": "newcomer@example.org", "role": Role.VIEWER},
    )
    client.logout()
    link = re.search(r"(/invitations/accept/\S+/)", mail.outbox[0].body).group(1)
    signup = {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD}
    joined = client.post(link, signup, follow=True)
    assert joined.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    assert Invitation.objects.get().accepted_at is not None


def test_turning_it_off_removes_the_authenticator_and_recovery_codes(
    client, leader, authenticator, recovery_codes
):
    force_verified_login(client, leader, authenticator)
    response = client.post(reverse("two_factor_disable"), follow=True)
    assert "Two-factor sign-in is off." in page(response)
    assert not TOTPDevice.objects.filter(user=leader).exists()
    assert not StaticDevice.objects.filter(user=leader).exists()


def test_turning_it_off_is_refused_while_an_organization_requires_it(
    client, required, leader, authenticator, recovery_codes
):
    force_verified_login(client, leader, authenticator)
    response = client.post(reverse("two_factor_disable"), follow=True)
    assert "requires two-factor sign-in" in page(response)
    assert TOTPDevice.objects.filter(user=leader, confirmed=True).exists()
    assert StaticToken.objects.filter(device__user=leader).count() == 10


def test_a_password_alone_cannot_turn_two_factor_off(client, leader, authenticator):
    sign_in(client, "leader")  # no code entered yet
    client.post(reverse("two_factor_disable"))
    assert TOTPDevice.objects.filter(pk=authenticator.pk, confirmed=True).exists()


def test_a_password_alone_cannot_replace_the_authenticator(client, leader, authenticator):
    sign_in(client, "leader")  # no code entered yet
    client.get(reverse("two_factor_setup"))
    pending = TOTPDevice.objects.filter(user=leader, confirmed=False).first()
    if pending is not None:
        client.post(reverse("two_factor_setup"), {"token": current_code(pending)})
    assert TOTPDevice.objects.filter(pk=authenticator.pk, confirmed=True).exists()
    assert asks_for_code(client.get(reverse("assessments:home")))


def test_a_password_alone_cannot_change_the_password(client, leader, authenticator):
    sign_in(client, "leader")  # no code entered yet
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    client.post(reverse("password_change"), data)
    leader.refresh_from_db()
    assert leader.check_password(PASSWORD)
