"""One real journey in the system Chromium: sign in, answer every dimension, submit, see
the levels. axe-core checks every page for WCAG 2.1 A and AA violations, and the page's
own Content Security Policy stays on (no bypass), so the chart proves it draws under it."""

from django.urls import reverse

from assessments import levels
from assessments.models import Answer, Assessment
from tests import chromium
from tests.chromium import assert_accessible
from tests.conftest import PASSWORD

pytestmark = chromium.MARKS


def test_a_leader_completes_and_submits_an_assessment(
    live_server, page, leader, program, framework
):
    page.goto(live_server.url + reverse("assessments:home"))
    assert_accessible(page)  # the sign-in page
    page.get_by_label("Username").fill(leader.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    assert_accessible(page)  # home
    page.get_by_role("link", name=program.name).click()
    assert_accessible(page)  # program page
    page.get_by_role("textbox", name="Cycle").fill("2026")
    page.get_by_role("button", name="Start assessment").click()

    assessment = Assessment.objects.get(program=program, cycle__name="2026")
    dimensions = list(framework.dimensions.order_by("order"))
    _answer_first_indicator_and_see_it_autosaved(page, assessment, dimensions[0])
    for dimension in dimensions:
        page.wait_for_url(f"**/answer/{dimension.key}/")
        assert_accessible(page)
        _answer_dimension(page, dimension)
        page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url("**/review/")
    assert_accessible(page)
    page.get_by_role("button", name="Submit assessment").click()

    page.wait_for_url("**/results/")
    assert_accessible(page)  # which has plotly.js redraw the charts, under the CSP
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert page.get_by_role("heading", name="Governance & Structures: Integrative").is_visible()
    assert page.problems == []


def _answer_dimension(page, dimension) -> None:
    for indicator in dimension.indicators.all():
        page.locator(f"#id_i-{indicator.key}-level_{levels.INTEGRATIVE}").check()
        page.locator(f"#id_i-{indicator.key}-evidence").fill(f"Evidence for {indicator.key}")


def _answer_first_indicator_and_see_it_autosaved(page, assessment, dimension) -> None:
    page.wait_for_url(f"**/answer/{dimension.key}/")
    first = dimension.indicators.first()
    page.locator(f"#id_i-{first.key}-level_{levels.REGULATIVE}").check()
    page.get_by_role("status").filter(has_text="All changes saved").wait_for()
    assert Answer.objects.get(assessment=assessment, indicator=first).level == levels.REGULATIVE


def test_the_team_and_account_pages_are_accessible(
    live_server, page, leader, contributor, draft, framework
):
    from assessments.services import respondents_assign, round_close

    respondents_assign(assessment=draft, users=[leader, contributor], by=leader)
    round_close(assessment=draft, by=leader)
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(leader.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    urls = [
        reverse("assessments:members", args=[draft.program.organization_id]),
        reverse("assessments:review", args=[draft.pk]),
        reverse("assessments:consensus", args=[draft.pk, "governance"]),
        reverse("assessments:history", args=[draft.pk]),
        reverse("account"),
        reverse("two_factor_setup"),
        reverse("password_change"),
        reverse("about"),
    ]
    for url in urls:
        page.goto(live_server.url + url)
        assert page.url.endswith(url), f"redirected away from {url} to {page.url}"
        assert_accessible(page)
    assert page.problems == []
