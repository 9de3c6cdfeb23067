"""Sign-up by email: the account opens with the emailed link; unconfirmed accounts stay
closed; nothing tells whether an address has an account; SIGNUP=invite-only closes it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from assessments import members
from assessments.models import Membership, Role
from tests.conftest import PASSWORD
from valuecurve.env import env_choice

User = get_user_model()
NEWCOMER = {
    "username": "amara",
    "first_name": "Amara",
    "last_name": "Okafor",
    "email": "amara@example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def confirm_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm/\S+/)", message.body).group(1)


def sign_up(client, **changes):
    return client.post(reverse("signup"), NEWCOMER | changes, REMOTE_ADDR="10.0.0.9")


def sign_in(client, username: str = "amara", password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_new_address_gets_a_closed_account_and_a_confirmation_link(client, db):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("signup_sent")
    user = User.objects.get(username="amara")
    assert not user.is_active
    assert user.email == "amara@example.org"
    assert user.password.startswith("md5$")  # hashed (the test suite's fast hasher)
    assert [m.to for m in mail.outbox] == [["amara@example.org"]]
    assert "/accounts/confirm/" in mail.outbox[0].body


def test_the_emailed_link_opens_the_account_once(client, db):
    sign_up(client)
    link = confirm_path(mail.outbox[0])
    response = client.get(link)
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert User.objects.get(username="amara").is_active
    assert sign_in(client).status_code == 302
    assert client.get(link).status_code == 410  # used up


def test_an_unconfirmed_account_cannot_sign_in_and_is_told_to_confirm(client, db):
    sign_up(client)
    response = sign_in(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Confirm your email first" in html
    assert reverse("signup_resend") in html
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_says_nothing_of_an_unconfirmed_account(client, db):
    sign_up(client)
    html = sign_in(client, password="not-the-password-at-all").content.decode()
    assert "Confirm your email" not in html
    assert "correct username and password" in html


def test_an_address_with_an_account_gets_the_same_page_and_a_note_not_a_new_account(client, leader):
    first = sign_up(client, username="someone-new", email="first@example.org")
    again = sign_up(client, username="someone-else", email=leader.email.upper())
    assert first.status_code == again.status_code == 302
    assert first.url == again.url == reverse("signup_sent")
    assert not User.objects.filter(username="someone-else").exists()
    note = mail.outbox[-1]
    assert note.to == [leader.email]
    assert leader.username in note.body
    assert "/accounts/reset/" in note.body


def test_a_weak_password_is_refused_by_the_password_validators(client, db):
    response = sign_up(client, password1="password", password2="password")
    assert response.status_code == 400
    assert "too common" in response.content.decode()
    assert not User.objects.filter(username="amara").exists()
    assert mail.outbox == []


def test_asking_again_for_the_link_says_the_same_whether_or_not_the_address_is_known(client, db):
    sign_up(client)
    mail.outbox.clear()
    cache.clear()  # past the pause between two emails to one address
    known = client.post(reverse("signup_resend"), {"email": "amara@example.org"})
    unknown = client.post(reverse("signup_resend"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [m.to for m in mail.outbox] == [["amara@example.org"]]


def test_one_address_gets_one_email_in_the_pause_however_often_it_is_asked(client, db):
    sign_up(client)
    for _ in range(3):
        client.post(reverse("signup_resend"), {"email": "amara@example.org"})
    assert len(mail.outbox) == 1


def test_sign_up_waits_after_too_many_requests_from_one_address(client, db, settings):
    settings.SIGNUP_RATE_PER_HOUR = 2
    for number in range(2):
        response = sign_up(client, username=f"u{number}", email=f"u{number}@example.org")
        assert response.status_code == 302
    response = sign_up(client, username="u9", email="u9@example.org")
    assert response.status_code == 429
    assert not User.objects.filter(username="u9").exists()


def test_a_staff_deactivated_account_cannot_be_reopened_by_a_link(client, leader):
    User.objects.filter(pk=leader.pk).update(is_active=False, last_login=timezone.now())
    client.post(reverse("signup_resend"), {"email": leader.email})
    assert mail.outbox == []


def test_a_tampered_link_opens_nothing(client, db):
    sign_up(client)
    link = confirm_path(mail.outbox[0])
    assert client.get(link[:-3] + "xx/").status_code == 410
    assert client.get("/accounts/confirm/!!/abc/").status_code == 410
    assert not User.objects.get(username="amara").is_active


def test_invite_only_closes_sign_up(client, db, settings):
    settings.SIGNUP = "invite-only"
    assert "by invitation" in client.get(reverse("signup")).content.decode()
    assert sign_up(client).status_code == 403
    assert not User.objects.exists()


def test_invite_only_still_lets_a_team_invitation_create_the_account(client, org, leader, settings):
    settings.SIGNUP = "invite-only"
    token = members.invitation_create(
        organization=org, email="colleague@example.org", role=Role.CONTRIBUTOR, by=leader
    )
    data = {"username": "colleague", "password1": PASSWORD, "password2": PASSWORD}
    response = client.post(reverse("assessments:invitation_accept", args=[token]), data)
    assert response.status_code == 302
    user = User.objects.get(username="colleague")
    assert user.is_active and user.email == "colleague@example.org"
    assert Membership.objects.filter(user=user, organization=org).exists()


def test_a_signed_in_person_is_sent_home_from_sign_up(client, leader):
    client.force_login(leader)
    assert client.get(reverse("signup")).url == reverse("assessments:home")


def test_the_sign_in_page_offers_sign_up(client, db):
    assert reverse("signup") in client.get(reverse("login")).content.decode()


def test_a_bad_signup_setting_fails_loudly(monkeypatch):
    monkeypatch.setenv("SIGNUP", "sometimes")
    with pytest.raises(ImproperlyConfigured, match="SIGNUP must be one of open, invite-only"):
        env_choice("SIGNUP", ("open", "invite-only"), "open")
    monkeypatch.setenv("SIGNUP", " Invite-Only ")
    assert env_choice("SIGNUP", ("open", "invite-only"), "open") == "invite-only"
