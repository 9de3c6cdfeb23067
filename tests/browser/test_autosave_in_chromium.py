"""Autosave in the system Chromium: the page learns the version of each answer it saved, so
changing the same answer again saves again instead of conflicting with itself."""

from django.urls import reverse

from assessments import levels
from assessments.models import Answer
from tests import chromium

pytestmark = chromium.MARKS


def test_changing_one_answer_twice_autosaves_both_times(live_server, page, client, leader, draft):
    client.force_login(leader)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    dimension = draft.framework.dimensions.order_by("order").first()
    first = dimension.indicators.first()
    page.goto(live_server.url + reverse("assessments:dimension", args=[draft.pk, dimension.key]))
    status = page.get_by_role("status")

    page.locator(f"#id_i-{first.key}-level_{levels.REGULATIVE}").check()
    status.filter(has_text="All changes saved").wait_for()
    page.locator(f"#id_i-{first.key}-evidence").fill("Second thoughts")
    page.wait_for_timeout(2500)  # the save waits for typing to stop, then runs
    status.filter(has_text="All changes saved").wait_for()
    answer = Answer.objects.get(assessment=draft, indicator=first)
    assert (answer.level, answer.evidence) == (levels.REGULATIVE, "Second thoughts")
    assert page.problems == []
