"""A brand-new person in the system Chromium: signs up, confirms the email from Django's test
mailbox, signs in, creates the organization, adds a program and sees the home page's
checklist follow. axe-core checks every page for WCAG 2.1 A and AA violations."""

import re
import time

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from assessments.models import Membership, Organization, Program, Role
from tests import chromium
from tests.chromium import assert_accessible
from tests.conftest import PASSWORD

pytestmark = chromium.MARKS


def _emailed_link(path: str) -> str:
    deadline = time.monotonic() + 10
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    return re.search(rf"https?://\S+{path}\S+/", mail.outbox[-1].body).group(0)


def _sign_in(page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_new_person_signs_up_and_starts_an_organization(live_server, page, db):
    page.goto(live_server.url + reverse("login"))
    assert_accessible(page)
    page.get_by_role("link", name="New here? Create an account").click()

    page.wait_for_url("**/accounts/signup/")
    assert_accessible(page)
    page.get_by_label("Username").fill("amara")
    page.get_by_label("First name").fill("Amara")
    page.get_by_label("Email").fill("amara@example.org")
    page.locator("#id_password1").fill(PASSWORD)  # two labels start with "Password"
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    page.wait_for_url("**/accounts/signup/sent/")
    assert_accessible(page)
    assert not get_user_model().objects.get(username="amara").is_active
    page.goto(_emailed_link("/accounts/confirm/"))

    page.wait_for_url("**/accounts/login/")
    assert page.get_by_text("Your email is confirmed.").is_visible()
    assert_accessible(page)
    _sign_in(page, "amara")

    page.wait_for_url(live_server.url + reverse("assessments:home"))
    assert_accessible(page)  # no organization yet: how to create one
    page.get_by_role("link", name="Create your organization").click()

    page.wait_for_url("**/organizations/new/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Eastside Family Center")
    page.get_by_label("Sector").select_option("nonprofit")
    page.get_by_role("button", name="Create organization").click()

    page.wait_for_url("**/programs/new/")
    assert_accessible(page)
    organization = Organization.objects.get(name="Eastside Family Center")
    assert Membership.objects.get(organization=organization).role == Role.LEADER
    page.get_by_label("Name").fill("Family Stability")
    page.get_by_label("Service area").fill("Housing")
    page.get_by_role("button", name="Add program").click()

    program = Program.objects.get(organization=organization)
    page.wait_for_url(f"**{reverse('assessments:program', args=[program.pk])}")
    assert_accessible(page)
    page.get_by_role("link", name="My programs").first.click()

    page.wait_for_url(live_server.url + reverse("assessments:home"))
    assert_accessible(page)
    checklist = page.get_by_role("region", name="Getting started")
    assert checklist.get_by_role("link", name="Add your first program").count() == 0
    assert checklist.get_by_text("done", exact=True).count() == 1
    assert checklist.get_by_role("link", name="Invite your team").is_visible()
    assert page.get_by_role("link", name="Family Stability").is_visible()
    assert page.problems == []


def test_a_facilitator_invites_a_new_organization_that_joins_from_the_email(live_server, page, db):
    from cohorts.models import Cohort, CohortMember, Facilitator
    from tests.conftest import make_user

    facilitator = make_user("facilitator")
    cohort = Cohort.objects.create(name="Tri-County Equity Network")
    Facilitator.objects.create(cohort=cohort, user=facilitator)
    page.goto(live_server.url + reverse("cohorts:members", args=[cohort.pk]))
    _sign_in(page, "facilitator")
    page.wait_for_url(f"**{reverse('cohorts:members', args=[cohort.pk])}")
    assert_accessible(page)
    page.get_by_label("Leader's email").fill("noor@example.org")
    page.get_by_label("Organization (optional)").fill("Northside Youth Services")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("Invitation sent to noor@example.org.").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")

    page.goto(_emailed_link("/cohorts/join/"))
    assert_accessible(page)  # step 1: the account
    page.get_by_label("Username").fill("noor")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    page.get_by_role("button", name="Create organization").wait_for()
    assert_accessible(page)  # step 2: the organization, its name offered
    assert page.get_by_label("Name").input_value() == "Northside Youth Services"
    page.get_by_label("Sector").select_option("nonprofit")
    page.get_by_role("button", name="Create organization").click()

    member = CohortMember.objects.get(cohort=cohort)
    page.wait_for_url(f"**{reverse('cohorts:membership', args=[member.pk])}")
    assert_accessible(page)  # step 3: the consent choice
    page.get_by_label("Levels only").check()
    page.get_by_role("button", name="Accept and share").click()
    page.get_by_text("You joined the cohort. Welcome.").wait_for()
    member.refresh_from_db()
    assert member.is_sharing
    assert page.problems == []
