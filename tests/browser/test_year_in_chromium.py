"""A whole year with Value Curve, in the system Chromium, against the live server.

A brand-new person signs up and confirms the email (from Django's test mailbox), creates the
organization and a program, invites a colleague who answers as the one respondent, sets the
consensus and submits. The facilitator invites the organization into a cohort whose 2026
round has five members and whose 2027 round is open with one early submitter; the leader
accepts, sees the round with its deadline on the home page, starts the next cycle from it,
finds the answers carried over, confirms some, submits, and finds the unfinished steps
carried into the new plan. The facilitator's dashboard stays on the 2026 round throughout.
axe-core checks every page on the way."""

import re
import time
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments import levels
from assessments.models import Assessment, Cycle, Organization, PlanStep
from cohorts.models import Cohort, CohortMember, CohortRound, Facilitator, Sharing
from cohorts.rounds import round_save
from tests import chromium
from tests.chromium import assert_accessible
from tests.cohorts.conftest import add_member_org, submitted_assessment
from tests.conftest import PASSWORD, make_user

pytestmark = chromium.MARKS


class Journey:
    """The browser and the pages seen: every page is checked by axe-core, and counted."""

    def __init__(self, page, live_server):
        self.page, self.base, self.pages = page, live_server.url, 0

    def seen(self) -> None:
        assert_accessible(self.page)
        self.pages += 1

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.seen()

    def sign_in(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.page.goto(self.base + reverse("login"))
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url("**" + reverse("assessments:home"))
        self.seen()


def emailed_link(path: str, to: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        sent = [m for m in mail.outbox if to in m.to]
        if sent:
            return re.search(rf"https?://\S+{path}\S+/", sent[-1].body).group(0)
        time.sleep(0.1)
    raise AssertionError(f"no email to {to}")


def a_network(framework):
    """Five members that submitted in 2026, and the 2027 round open with one submitted."""
    facilitator = make_user("facilitator")
    cohort = Cohort.objects.create(name="Tri-County Equity Network")
    Facilitator.objects.create(cohort=cohort, user=facilitator)
    members = [
        add_member_org(cohort, framework, f"Agency {n}", n % 3 + 1, cycle="2026") for n in range(5)
    ]
    today = timezone.localdate()
    next_round = CohortRound(
        cohort=cohort,
        name="2027",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=45),
    )
    round_save(cohort_round=next_round, by=facilitator, today=today)
    submitted_assessment(members[0].programs.get(), framework, 4, cycle="2027")
    return cohort, next_round


def test_a_year_from_sign_up_to_the_next_cycle(live_server, page, framework, action_steps):
    started = time.monotonic()
    cohort, next_round = a_network(framework)
    journey = Journey(page, live_server)

    # Sign up and confirm the email.
    journey.goto(reverse("signup"))
    page.get_by_label("Username").fill("amara")
    page.get_by_label("First name").fill("Amara")
    page.get_by_label("Email").fill("amara@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/accounts/signup/sent/")
    journey.seen()
    page.goto(emailed_link("/accounts/confirm/", "amara@example.org"))
    page.wait_for_url("**/accounts/login/")
    journey.seen()
    journey.sign_in("amara")

    # The organization and its program.
    page.get_by_role("link", name="Create your organization").click()
    page.wait_for_url("**/organizations/new/")
    journey.seen()
    page.get_by_label("Name").fill("Eastside Family Center")
    page.get_by_label("Sector").select_option("nonprofit")
    page.get_by_role("button", name="Create organization").click()
    page.wait_for_url("**/programs/new/")
    journey.seen()
    page.get_by_label("Name").fill("Family Stability")
    page.get_by_label("Service area").fill("Housing")
    page.get_by_role("button", name="Add program").click()
    organization = Organization.objects.get(name="Eastside Family Center")
    program = organization.programs.get()
    page.wait_for_url(f"**{reverse('assessments:program', args=[program.pk])}")
    journey.seen()

    # A colleague, invited by email, signs up from the link.
    journey.goto(reverse("assessments:members", args=[organization.pk]))
    page.get_by_label("Email").fill("ben@example.org")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("ben@example.org").first.wait_for()
    journey.seen()
    invitation = emailed_link("/invitations/accept/", "ben@example.org")
    page.context.clear_cookies()
    page.goto(invitation)
    journey.seen()
    page.get_by_label("Username").fill("ben")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account and join").click()
    page.wait_for_url("**" + reverse("assessments:home"))
    journey.seen()

    # The first cycle: this year's, offered by the start form; Ben is the one respondent.
    journey.sign_in("amara")
    journey.goto(reverse("assessments:program", args=[program.pk]))
    this_year = str(timezone.localdate().year)
    assert page.get_by_label("New cycle's name").input_value() == this_year
    page.get_by_role("button", name="Start assessment").click()
    first = Assessment.objects.get(program=program)
    assert first.cycle.name == this_year
    page.wait_for_url("**/answer/**")
    journey.seen()
    journey.goto(reverse("assessments:review", args=[first.pk]))
    page.get_by_label("ben").check()
    page.get_by_role("button", name="Assign").click()
    page.get_by_text("Respondents assigned and emailed the link.").wait_for()
    journey.seen()

    journey.sign_in("ben")
    todo = page.get_by_role("region", name=re.compile("To do"))
    todo.get_by_role("link", name=re.compile("Family Stability")).click()
    for dimension in framework.dimensions.order_by("order"):
        page.wait_for_url(f"**/answer/{dimension.key}/")
        journey.seen()
        for indicator in dimension.indicators.all():
            page.locator(f"#id_i-{indicator.key}-level_{levels.COLLABORATIVE}").check()
        page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/review/")
    journey.seen()
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_text("Your answers are submitted.").wait_for()

    journey.sign_in("amara")
    journey.goto(reverse("assessments:review", args=[first.pk]))
    page.get_by_text("1 of 1 respondent submitted").wait_for()
    page.get_by_role("link", name="Set the consensus answers").click()
    for dimension in framework.dimensions.order_by("order"):
        page.wait_for_url(f"**/consensus/{dimension.key}/")
        journey.seen()
        page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/review/")
    journey.seen()
    page.get_by_role("button", name="Submit assessment").click()
    page.wait_for_url("**/results/")
    journey.seen()
    first.refresh_from_db()
    assert not first.is_draft and first.plan_steps.exists()

    # The facilitator invites the organization; the leader joins and sees the open round.
    journey.sign_in("facilitator")
    journey.goto(reverse("cohorts:members", args=[cohort.pk]))
    page.get_by_label("Eastside Family Center").check()
    page.get_by_role("button", name="Invite", exact=True).click()
    page.wait_for_load_state()
    journey.seen()

    journey.sign_in("amara")
    invitations = page.get_by_role(
        "complementary", name="Cohort invitations waiting for your answer"
    )
    invitations.get_by_role("link").click()
    journey.seen()
    page.get_by_label("Levels and action plans").check()
    page.get_by_role("button", name="Accept and share").click()
    page.get_by_text("You joined the cohort. Welcome.").wait_for()
    journey.seen()
    member = CohortMember.objects.get(cohort=cohort, organization=organization)
    assert member.sharing == Sharing.PLANS
    journey.goto(reverse("assessments:home"))
    rounds = page.get_by_role("region", name="Cohort rounds")
    assert rounds.get_by_text("Tri-County Equity Network: 2027 round").is_visible()
    assert rounds.get_by_text("1 of 6 sharing members have submitted.").is_visible()
    assert rounds.get_by_text(re.compile(r"^Deadline ")).is_visible()

    # The next cycle, started from the round: answers and unfinished steps carried over.
    rounds.get_by_role("link", name="Family Stability").click()
    page.wait_for_url("**#start")
    journey.seen()
    cycle = Cycle.objects.get(organization=organization, name="2027")
    assert page.get_by_label("Cycle", exact=True).input_value() == str(cycle.pk)
    assert page.get_by_label("Start from the previous cycle's answers").is_checked()
    page.get_by_role("button", name="Start assessment").click()
    page.wait_for_url("**/answer/governance/")
    journey.seen()
    second = Assessment.objects.get(program=program, cycle=cycle)
    assert second.answers.carried_unconfirmed().count() == 24
    assert page.get_by_text("Carried over, not confirmed").count() == 6
    page.get_by_role("button", name="Confirm all carried answers on this page unchanged").click()
    page.wait_for_load_state()
    journey.seen()
    assert second.answers.carried_unconfirmed().count() == 18
    journey.goto(reverse("assessments:review", args=[second.pk]))
    assert page.locator(".carried-answers li").count() == 18
    page.get_by_role("button", name="Submit assessment").click()
    page.wait_for_url("**/results/")
    journey.seen()
    assert page.get_by_text(re.compile(r"18 answers are carried over from")).is_visible()
    journey.goto(reverse("assessments:plan", args=[second.pk]))
    unfinished = first.plan_steps.unfinished().count()
    assert unfinished > 0
    assert page.locator(".carried-step").count() == unfinished
    assert PlanStep.objects.filter(assessment=second, continues__isnull=False).count() == unfinished

    # The facilitator's dashboard stays on the round with enough members.
    journey.sign_in("facilitator")
    journey.goto(reverse("cohorts:dashboard", args=[cohort.pk]))
    assert page.get_by_text("6 organizations in 2026").is_visible()
    assert page.get_by_text(re.compile("The 2027 round is open until")).is_visible()
    assert page.get_by_label("Round").input_value() == "2026"
    journey.goto(reverse("cohorts:rounds", args=[cohort.pk]))
    assert page.get_by_role("row", name=re.compile("^2027")).get_by_text("2 of 6").is_visible()

    assert page.problems == []
    print(f"\nyear journey: {journey.pages} pages in {time.monotonic() - started:.1f} s")
