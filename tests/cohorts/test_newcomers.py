"""A facilitator invites an organization that is not in the app yet, by its leader's email:
the link leads through sign-up and creating the organization to the consent choice."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from assessments.models import Membership, Organization, Role
from cohorts import services
from cohorts.models import CohortMember, NewcomerInvitation
from tests.conftest import PASSWORD, make_user

User = get_user_model()
ORG = {"name": "Northside Youth Services", "sector": "nonprofit", "region": "North", "size": ""}
# Session, user, two-factor check (3), the cohort, its members, the directory and its count,
# the invitations waiting for an answer: 8 measured.
MEMBERS_PAGE_MAX = 8
ACCOUNT = {"username": "noor", "first_name": "Noor", "password1": PASSWORD, "password2": PASSWORD}


def invite(client, cohort, **data):
    url = reverse("cohorts:newcomer_invite", args=[cohort.pk])
    return client.post(url, {"email": "noor@example.org", "organization_name": "Northside"} | data)


def join_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/cohorts/join/\S+/)", message.body).group(1)


def test_the_invitation_email_leads_through_sign_up_and_the_organization_to_consent(
    client, cohort, facilitator
):
    client.force_login(facilitator)
    assert invite(client, cohort).status_code == 302
    assert [m.to for m in mail.outbox] == [["noor@example.org"]]
    link = join_path(mail.outbox[0])
    client.logout()

    first = client.get(link)
    assert first.status_code == 200
    assert "Create your account for noor@example.org" in first.content.decode()
    signed_up = client.post(link, ACCOUNT)
    assert signed_up.url == link
    noor = User.objects.get(username="noor")
    assert noor.is_active and noor.email == "noor@example.org"

    form = client.get(link)
    assert 'value="Northside"' in form.content.decode()  # the name the facilitator gave
    created = client.post(link, ORG)
    organization = Organization.objects.get(name=ORG["name"])
    member = CohortMember.objects.get(cohort=cohort, organization=organization)
    assert created.url == reverse("cohorts:membership", args=[member.pk])
    assert member.status == CohortMember.Status.INVITED  # nothing shared before the choice
    assert member.invited_by == facilitator
    assert Membership.objects.get(user=noor, organization=organization).role == Role.LEADER
    consent = client.get(created.url).content.decode()
    assert "Accept and share" in consent


def test_the_link_works_once(client, cohort, facilitator):
    token = services.newcomer_invite(
        cohort=cohort, email="noor@example.org", organization_name="", by=facilitator
    )
    client.force_login(make_user("noor"))
    link = reverse("cohorts:join", args=[token])
    client.post(link, ORG)
    assert client.get(link).status_code == 410
    assert client.post(link, ORG | {"name": "Second try"}).status_code == 410
    assert not Organization.objects.filter(name="Second try").exists()


def test_a_leader_who_already_leads_an_organization_of_that_name_is_told_so(
    client, cohort, facilitator
):
    noor = make_user("noor")
    organization = Organization.objects.create(name=ORG["name"], sector="nonprofit")
    Membership.objects.create(user=noor, organization=organization, role=Role.LEADER)
    token = services.newcomer_invite(
        cohort=cohort, email="noor@example.org", organization_name="", by=facilitator
    )
    client.force_login(noor)
    response = client.post(reverse("cohorts:join", args=[token]), ORG)
    assert response.status_code == 400
    assert "You already lead an organization named" in response.content.decode()
    assert Organization.objects.count() == 1
    assert NewcomerInvitation.objects.get().is_usable  # the link still works


def test_a_second_invitation_to_a_waiting_address_is_refused(client, cohort, facilitator):
    client.force_login(facilitator)
    invite(client, cohort)
    response = invite(client, cohort, email="NOOR@example.org")
    assert response.status_code == 400
    assert "waiting for an answer" in response.content.decode()
    assert NewcomerInvitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_bad_address_is_refused_and_nothing_is_sent(client, cohort, facilitator):
    client.force_login(facilitator)
    response = invite(client, cohort, email="not an address")
    assert response.status_code == 400
    assert not NewcomerInvitation.objects.exists()
    assert mail.outbox == []


def test_the_members_page_lists_invitations_waiting_for_an_answer(client, cohort, facilitator):
    services.newcomer_invite(
        cohort=cohort, email="noor@example.org", organization_name="Northside", by=facilitator
    )
    client.force_login(facilitator)
    page = client.get(reverse("cohorts:members", args=[cohort.pk])).content.decode()
    assert "noor@example.org (Northside)" in page


def test_invite_only_sign_up_still_lets_the_invitation_create_the_account(
    client, cohort, facilitator, settings
):
    settings.SIGNUP = "invite-only"
    token = services.newcomer_invite(
        cohort=cohort, email="noor@example.org", organization_name="", by=facilitator
    )
    link = reverse("cohorts:join", args=[token])
    assert client.post(link, ACCOUNT).status_code == 302
    assert User.objects.filter(username="noor", is_active=True).exists()


def test_withdrawing_from_a_cohort_asks_first(client, cohort, facilitator):
    organization = Organization.objects.create(name="Member org", sector="nonprofit")
    member = CohortMember.objects.create(
        cohort=cohort, organization=organization, status="active", sharing="levels"
    )
    leader = make_user("member-leader")
    Membership.objects.create(user=leader, organization=organization, role=Role.LEADER)
    client.force_login(leader)
    page = client.get(reverse("cohorts:membership_end", args=[member.pk])).content.decode()
    assert "Withdraw: stop sharing now" in page
    member.refresh_from_db()
    assert member.is_sharing
    client.post(reverse("cohorts:membership_end", args=[member.pk]))
    member.refresh_from_db()
    assert member.status == CohortMember.Status.WITHDRAWN


def test_the_members_page_queries_do_not_grow_with_waiting_invitations(
    client, cohort, facilitator, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(facilitator)
    url = reverse("cohorts:members", args=[cohort.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    services.newcomer_invite(
        cohort=cohort, email="a@example.org", organization_name="A", by=facilitator
    )
    small = count()
    for number in range(6):
        services.newcomer_invite(
            cohort=cohort, email=f"n{number}@example.org", organization_name="", by=facilitator
        )
    assert count() == small
    with django_assert_max_num_queries(MEMBERS_PAGE_MAX):
        client.get(url)


def test_a_facilitator_withdraws_a_waiting_invitation_and_its_link_says_so(
    client, cohort, facilitator
):
    client.force_login(facilitator)
    invite(client, cohort)
    link = join_path(mail.outbox[0])
    invitation = NewcomerInvitation.objects.get()
    withdraw = reverse("cohorts:newcomer_withdraw", args=[cohort.pk, invitation.pk])
    members_url = reverse("cohorts:members", args=[cohort.pk])
    assert withdraw in client.get(members_url).content.decode()
    question = client.get(withdraw)
    assert question.status_code == 200
    assert "Withdraw the invitation to noor@example.org?" in question.content.decode()
    assert NewcomerInvitation.objects.get().withdrawn_at is None  # asking changes nothing
    done = client.post(withdraw, follow=True)
    assert "The invitation to noor@example.org is withdrawn." in done.content.decode()
    assert withdraw not in done.content.decode()  # no longer waiting
    assert NewcomerInvitation.objects.get().history.first().history_user == facilitator
    client.logout()
    for response in (client.get(link), client.post(link, ACCOUNT)):
        assert response.status_code == 410
        assert "This invitation was withdrawn" in response.content.decode()
    assert not User.objects.filter(username="noor").exists()
    client.force_login(make_user("noor"))
    assert client.post(link, ORG).status_code == 410
    assert not Organization.objects.filter(name=ORG["name"]).exists()


def test_an_invitation_used_or_withdrawn_already_is_not_withdrawn_again(
    client, cohort, facilitator
):
    token = services.newcomer_invite(
        cohort=cohort, email="noor@example.org", organization_name="", by=facilitator
    )
    client.force_login(make_user("noor"))
    client.post(reverse("cohorts:join", args=[token]), ORG)
    invitation = NewcomerInvitation.objects.get()
    client.force_login(facilitator)
    withdraw = reverse("cohorts:newcomer_withdraw", args=[cohort.pk, invitation.pk])
    response = client.post(withdraw, follow=True)
    assert "This invitation was used, withdrawn or has expired already." in (
        response.content.decode()
    )
    assert NewcomerInvitation.objects.get().withdrawn_at is None
    used = client.get(reverse("cohorts:join", args=[token])).content.decode()
    assert "This invitation cannot be used" in used  # used, not withdrawn


def test_an_address_whose_invitation_was_withdrawn_can_be_invited_again(
    client, cohort, facilitator
):
    client.force_login(facilitator)
    invite(client, cohort)
    services.newcomer_withdraw(invitation=NewcomerInvitation.objects.get(), by=facilitator)
    assert invite(client, cohort).status_code == 302
    assert NewcomerInvitation.objects.pending().count() == 1
