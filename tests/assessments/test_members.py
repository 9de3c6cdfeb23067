"""Members of an organization: invitations by email, accepting them, roles and removal."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Invitation, Membership, Role
from tests.conftest import PASSWORD, make_user

NEWCOMER = "newcomer@example.org"
LINK = re.compile(r"https?://[^/\s]+(/invitations/accept/([^/\s]+)/)")


def invite(client, org, email: str = NEWCOMER, role: str = Role.CONTRIBUTOR):
    return client.post(reverse("assessments:invite", args=[org.pk]), {"email": email, "role": role})


def emailed_link(message) -> tuple[str, str]:
    """The accept path and the token in an invitation email."""
    path, token = LINK.search(message.body).groups()
    return path, token


@pytest.fixture
def invitation_link(client, org, leader) -> str:
    """A leader invited the newcomer as a contributor; the path of the emailed link."""
    client.force_login(leader)
    invite(client, org)
    client.logout()
    path, _token = emailed_link(mail.outbox[-1])
    return path


def signup(username: str = "newcomer") -> dict:
    return {"username": username, "password1": PASSWORD, "password2": PASSWORD}


def database_contains(text: str) -> bool:
    """Whether any column of any table holds the text (the database is tiny in a test)."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            if any(text in str(value) for row in cursor.fetchall() for value in row):
                return True
    return False


def page(response) -> str:
    return response.content.decode()


# --- Inviting ------------------------------------------------------------------------------


def test_a_leader_invites_by_email_with_a_link_to_accept(client, org, leader):
    client.force_login(leader)
    response = invite(client, org)
    assert response.status_code == 302
    assert response.url == reverse("assessments:members", args=[org.pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [NEWCOMER]
    assert org.name in message.subject
    path, token = emailed_link(message)
    assert path == reverse("assessments:invitation_accept", args=[token])
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        NEWCOMER,
        Role.CONTRIBUTOR,
        leader,
    )
    assert invitation.is_usable


def test_only_the_hash_of_the_token_is_stored(client, org, leader):
    client.force_login(leader)
    invite(client, org)
    _path, token = emailed_link(mail.outbox[0])
    token_hash = Invitation.objects.get().token_hash
    assert token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert database_contains(token_hash)  # the search finds what is there
    assert not database_contains(token)


def test_the_members_page_lists_members_and_pending_invitations(client, org, leader, viewer):
    client.force_login(leader)
    invite(client, org)
    content = page(client.get(reverse("assessments:members", args=[org.pk])))
    assert viewer.email in content
    assert NEWCOMER in content
    invitation = Invitation.objects.get()
    assert reverse("assessments:revoke_invitation", args=[invitation.pk]) in content


def test_inviting_an_existing_members_email_is_refused_with_a_message(client, org, leader, viewer):
    client.force_login(leader)
    response = invite(client, org, email=viewer.email.upper())
    assert response.status_code == 400
    assert "already a member" in page(response)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "data",
    [
        {"role": Role.VIEWER},
        {"email": "", "role": Role.VIEWER},
        {"email": "not-an-email", "role": Role.VIEWER},
        {"email": "someone@example.org", "role": "owner"},
        {"email": "someone@example.org"},
    ],
    ids=["missing-email", "empty-email", "malformed-email", "unknown-role", "missing-role"],
)
def test_a_bad_invitation_is_refused_without_sending_anything(client, org, leader, data):
    client.force_login(leader)
    response = client.post(reverse("assessments:invite", args=[org.pk]), data)
    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert mail.outbox == []


# --- Accepting -----------------------------------------------------------------------------


def test_accepting_while_signed_out_creates_the_account_and_signs_in(client, org, invitation_link):
    assert client.get(invitation_link).status_code == 200
    response = client.post(invitation_link, signup())
    assert response.status_code == 302
    assert response.url == reverse("assessments:home")
    newcomer = get_user_model().objects.get(username="newcomer")
    assert newcomer.email == NEWCOMER
    assert newcomer.check_password(PASSWORD)
    assert Membership.objects.get(user=newcomer).role == Role.CONTRIBUTOR
    home = client.get(reverse("assessments:home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == newcomer
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == newcomer
    assert not invitation.is_usable


def test_a_bad_signup_creates_nothing_and_keeps_the_invitation(client, invitation_link):
    data = signup() | {"password2": "something-else-entirely-99"}
    response = client.post(invitation_link, data)
    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="newcomer").exists()
    assert Invitation.objects.get().is_usable


def test_accepting_while_signed_in_links_the_existing_account(
    client, org, stranger, invitation_link
):
    users_before = get_user_model().objects.count()
    client.force_login(stranger)
    page_before = client.get(invitation_link)
    assert "You will join as stranger" in page(page_before)
    response = client.post(invitation_link)
    assert response.status_code == 302
    assert get_user_model().objects.count() == users_before
    assert Membership.objects.get(user=stranger, organization=org).role == Role.CONTRIBUTOR
    assert Invitation.objects.get().accepted_by == stranger


def test_a_member_who_accepts_keeps_the_role_they_have(client, org, viewer, invitation_link):
    client.force_login(viewer)
    client.post(invitation_link)
    assert Membership.objects.get(user=viewer, organization=org).role == Role.VIEWER
    assert not Invitation.objects.get().is_usable


def test_the_link_works_only_once(client, org, stranger, invitation_link):
    client.post(invitation_link, signup())
    client.logout()
    client.force_login(stranger)
    again = client.get(invitation_link)
    assert again.status_code == 410
    assert "This invitation cannot be used" in page(again)
    assert client.post(invitation_link).status_code == 410
    assert not Membership.objects.filter(user=stranger, organization=org).exists()
    assert Membership.objects.filter(organization=org).count() == 2  # the leader, the newcomer


def test_an_expired_invitation_is_refused(client, org, invitation_link):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(invitation_link).status_code == 410
    assert client.post(invitation_link, signup()).status_code == 410
    assert not get_user_model().objects.filter(username="newcomer").exists()
    assert Membership.objects.filter(organization=org).count() == 1


def test_a_revoked_invitation_is_refused(client, org, leader, invitation_link):
    client.force_login(leader)
    invitation = Invitation.objects.get()
    response = client.post(reverse("assessments:revoke_invitation", args=[invitation.pk]))
    assert response.status_code == 302
    members_page = page(client.get(response.url))
    assert "Invitation revoked." in members_page
    assert NEWCOMER not in members_page
    client.logout()
    assert client.get(invitation_link).status_code == 410
    assert client.post(invitation_link, signup()).status_code == 410
    assert Membership.objects.filter(organization=org).count() == 1


def test_an_unknown_token_shows_the_invalid_page(client, db):
    response = client.get(reverse("assessments:invitation_accept", args=["made-up"]))
    assert response.status_code == 410
    assert "This invitation cannot be used" in page(response)


# --- Roles and removal ---------------------------------------------------------------------


def membership(user, org) -> Membership:
    return Membership.objects.get(user=user, organization=org)


def change_role(client, target: Membership, role: str | None):
    data = {} if role is None else {"role": role}
    return client.post(reverse("assessments:role", args=[target.pk]), data, follow=True)


def remove(client, target: Membership):
    return client.post(reverse("assessments:remove_member", args=[target.pk]), follow=True)


def test_a_leader_changes_a_members_role(client, org, leader, viewer):
    client.force_login(leader)
    response = change_role(client, membership(viewer, org), Role.CONTRIBUTOR)
    assert response.redirect_chain == [(reverse("assessments:members", args=[org.pk]), 302)]
    assert "Role changed." in page(response)
    assert membership(viewer, org).role == Role.CONTRIBUTOR


def test_a_leader_removes_a_member(client, org, leader, contributor):
    client.force_login(leader)
    response = remove(client, membership(contributor, org))
    assert "Member removed." in page(response)
    assert not Membership.objects.filter(user=contributor).exists()
    assert get_user_model().objects.filter(pk=contributor.pk).exists()  # the account stays


def test_a_leader_can_step_down_when_another_leader_remains(client, org, leader):
    second = make_user("second")
    Membership.objects.create(user=second, organization=org, role=Role.LEADER)
    client.force_login(leader)
    change_role(client, membership(leader, org), Role.VIEWER)
    assert membership(leader, org).role == Role.VIEWER


LAST_LEADER = "An organization needs at least one leader"


def test_the_last_leader_cannot_be_demoted(client, org, leader, viewer):
    client.force_login(leader)
    response = change_role(client, membership(leader, org), Role.CONTRIBUTOR)
    assert LAST_LEADER in page(response)
    assert membership(leader, org).role == Role.LEADER


def test_the_last_leader_cannot_be_removed(client, org, leader, viewer):
    client.force_login(leader)
    response = remove(client, membership(leader, org))
    assert LAST_LEADER in page(response)
    assert membership(leader, org).role == Role.LEADER


def test_the_leader_of_another_org_cannot_touch_this_orgs_members(
    client, org, leader, viewer, stranger, invitation_link
):
    client.force_login(stranger)
    target = membership(viewer, org)
    invitation = Invitation.objects.get()
    assert change_role(client, target, Role.LEADER).status_code == 404
    assert remove(client, target).status_code == 404
    revoke = reverse("assessments:revoke_invitation", args=[invitation.pk])
    assert client.post(revoke).status_code == 404
    assert client.post(reverse("assessments:invite", args=[org.pk])).status_code == 404
    assert membership(viewer, org).role == Role.VIEWER
    assert Invitation.objects.get().is_usable


@pytest.mark.parametrize("role", ["owner", "", None, "LEADER"])
def test_an_unknown_role_changes_nothing(client, org, leader, viewer, role):
    client.force_login(leader)
    response = change_role(client, membership(viewer, org), role)
    assert response.status_code == 200
    assert "Choose one of the roles." in page(response)
    assert membership(viewer, org).role == Role.VIEWER


def test_a_used_invitation_cannot_be_revoked(client, org, leader, stranger, invitation_link):
    client.force_login(stranger)
    client.post(invitation_link)
    client.force_login(leader)
    invitation = Invitation.objects.get()
    response = client.post(
        reverse("assessments:revoke_invitation", args=[invitation.pk]), follow=True
    )
    assert "cannot be used any more anyway" in page(response)
    assert Invitation.objects.get().revoked_at is None
    assert membership(stranger, org).role == Role.CONTRIBUTOR


def test_a_leader_requires_two_factor_sign_in_for_the_organization(client, org, leader):
    client.force_login(leader)
    url = reverse("assessments:organization_security", args=[org.pk])
    client.post(url, {"require_two_factor": "on"})
    org.refresh_from_db()
    assert org.require_two_factor


def test_a_leader_who_leaves_goes_home_when_another_leader_remains(client, org, leader):
    Membership.objects.create(user=make_user("second"), organization=org, role=Role.LEADER)
    client.force_login(leader)
    response = client.post(reverse("assessments:remove_member", args=[membership(leader, org).pk]))
    assert response.url == reverse("assessments:home")
    assert not Membership.objects.filter(user=leader).exists()
    members_page = client.get(reverse("assessments:members", args=[org.pk]))
    assert members_page.status_code == 404


def test_the_members_page_queries_do_not_grow_with_members_and_invitations(client, org, leader):
    client.force_login(leader)
    url = reverse("assessments:members", args=[org.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        user = make_user(f"member-{n}")
        Membership.objects.create(user=user, organization=org, role=Role.CONTRIBUTOR)
        invite(client, org, email=f"invitee-{n}@example.org")
    with CaptureQueriesContext(connection) as many:
        content = page(client.get(url))
    assert "member-4@example.org" in content and "invitee-4@example.org" in content
    assert len(many) == len(few)
