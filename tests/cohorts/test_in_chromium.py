"""The facilitator's pages and a member's consent page in the system Chromium: the charts draw
under the page's Content Security Policy, and axe-core finds no WCAG 2.1 A/AA violation."""

from django.urls import reverse

from assessments.models import Membership, Role
from cohorts.models import CohortMember, SharedGoal
from tests import chromium
from tests.chromium import assert_accessible
from tests.cohorts.conftest import add_member_org, submitted_assessment
from tests.conftest import PASSWORD

pytestmark = chromium.MARKS


def sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")


def test_the_facilitator_sees_the_dashboard_drawn_and_accessible(
    live_server, page, cohort, facilitator, framework
):
    orgs = [
        add_member_org(cohort, framework, f"Agency {n}", n % 4 + 1, cycle="2025") for n in range(6)
    ]
    for n, org in enumerate(orgs):
        submitted_assessment(org.programs.get(), framework, min(4, n % 4 + 2), cycle="2026")
    SharedGoal.objects.create(cohort=cohort, title="Report outcomes by race")
    sign_in(page, live_server, facilitator)
    page.goto(live_server.url + reverse("cohorts:dashboard", args=[cohort.pk]))
    for chart in ("heatmap-chart", "distribution-chart", "slope-chart"):
        assert page.locator(f'[data-chart="{chart}"] svg.chart-static:visible').count() == 1
    assert_accessible(page)  # as the server drew the charts, and redrawn by plotly.js
    for chart in ("heatmap-chart", "distribution-chart", "slope-chart"):
        assert page.locator(f'[data-chart="{chart}"] svg.main-svg').count() >= 1
    page.get_by_label("Region").select_option("North")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**region=North**")
    for name in ("scorecard", "goals", "members"):
        page.goto(live_server.url + reverse(f"cohorts:{name}", args=[cohort.pk]))
        assert_accessible(page)
    page.goto(live_server.url + reverse("cohorts:member_detail", args=[cohort.pk, orgs[0].pk]))
    assert_accessible(page)
    assert page.problems == []


def test_a_member_leader_accepts_an_invitation_in_the_browser(live_server, page, cohort, framework):
    org = add_member_org(cohort, framework, "Invited agency", 2, status=CohortMember.Status.INVITED)
    from tests.conftest import make_user

    leader = make_user("invited-leader")
    Membership.objects.create(user=leader, organization=org, role=Role.LEADER)
    sign_in(page, live_server, leader)
    page.get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name=cohort.name).click()
    assert_accessible(page)
    page.get_by_label("Levels and action plans").check()
    page.get_by_role("button", name="Accept and share").click()
    page.get_by_text("You joined the cohort").wait_for()
    member = CohortMember.objects.get(organization=org)
    assert (member.status, member.sharing) == ("active", "plans")
    assert_accessible(page)
    assert page.problems == []
