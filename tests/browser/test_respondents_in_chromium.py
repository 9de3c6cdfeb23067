"""Several respondents in the system Chromium: the leader assigns two, the contributor finds
the to-do and the emailed link, both submit, the leader sees the suggested consensus.
axe-core checks every page of it."""

import re

from django.core import mail
from django.urls import reverse

from assessments import levels
from assessments.models import Indicator, RespondentAnswer
from tests import chromium
from tests.chromium import assert_accessible
from tests.conftest import PASSWORD, answer_all

pytestmark = chromium.MARKS


def sign_in(page, live_server, user) -> None:
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**" + reverse("assessments:home"))


def test_assigned_respondents_are_told_submit_and_the_leader_sees_the_suggestion(
    live_server, page, leader, contributor, viewer, draft, framework
):
    answer_all(draft, levels.GENERATIVE)  # an earlier draft: set aside, never preset
    sign_in(page, live_server, leader)
    page.goto(live_server.url + reverse("assessments:review", args=[draft.pk]))
    assert page.get_by_text("This draft has 24 answers.").is_visible()
    assert page.get_by_text("Not offered: viewer, a viewer.").is_visible()
    assert_accessible(page)
    page.get_by_label("leader").check()
    page.get_by_label("contributor").check()
    page.get_by_role("button", name="Assign").click()
    page.get_by_text("Respondents assigned and emailed the link.").wait_for()
    assert page.get_by_text("0 of 2 respondents submitted").is_visible()
    assert_accessible(page)

    emailed = {message.to[0]: message for message in mail.outbox}
    assert set(emailed) == {"contributor@example.org"}  # the leader assigned themselves
    link = re.search(r"^http\S+$", emailed["contributor@example.org"].body, re.M).group(0)
    assert link == live_server.url + reverse("assessments:detail", args=[draft.pk])

    sign_in(page, live_server, contributor)
    todo = page.get_by_role("region", name="To do: 1 assessment waits for your answers")
    assert todo.get_by_role("link", name="Answer Family Stability, cycle 2026").is_visible()
    assert_accessible(page)
    page.goto(link)
    progress = page.get_by_role("navigation", name="Assessment progress")
    assert progress.get_by_text("0 of 6 answered by you").count() == 4
    assert_accessible(page)
    for dimension in framework.dimensions.order_by("order"):
        page.wait_for_url(f"**/answer/{dimension.key}/")
        for indicator in dimension.indicators.all():
            page.locator(f"#id_i-{indicator.key}-level_{levels.REGULATIVE}").check()
        page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/review/")
    assert_accessible(page)
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_text("Your answers are submitted.").wait_for()
    page.goto(live_server.url + reverse("assessments:home"))
    assert page.get_by_text("To do").count() == 0

    mine = draft.respondents.get(user=leader)
    RespondentAnswer.objects.bulk_create(
        RespondentAnswer(respondent=mine, indicator=i, level=levels.INTEGRATIVE, evidence="Plan")
        for i in Indicator.objects.filter(dimension__framework=framework)
    )
    sign_in(page, live_server, leader)
    page.goto(live_server.url + reverse("assessments:review", args=[draft.pk]))
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_text("2 of 2 respondents submitted").wait_for()
    page.get_by_role("link", name="Set the consensus answers").click()
    page.wait_for_url("**/consensus/governance/")
    # Regulative and Integrative: the median, 2, preset and marked for every reader.
    suggested = page.get_by_role(
        "radio",
        name=re.compile(
            r"^Collaborative suggested \(the median of the respondents' answers, rounded down\)"
        ),
    )
    assert suggested.count() == 6
    assert all(suggested.nth(n).is_checked() for n in range(6))
    assert page.get_by_text("suggested", exact=True).first.is_visible()
    assert page.get_by_role("row", name=re.compile("Draft before assignment")).count() == 6
    assert_accessible(page)
    assert page.problems == []
