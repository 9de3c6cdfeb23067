"""The equity outcomes pages in the system Chromium: charts draw under the page's Content
Security Policy, and axe-core finds no WCAG 2.1 A or AA violation."""

import os

from django.urls import reverse

from outcomes.demo import seed_outcomes
from tests import chromium
from tests.chromium import assert_accessible
from tests.conftest import PASSWORD

pytestmark = chromium.MARKS
SCREENSHOTS = os.environ.get("OUTCOMES_SCREENSHOTS")  # a folder, to look at the pages


def sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_leader_reads_the_equity_outcomes_of_a_program(live_server, page, leader, program):
    seed_outcomes([program])
    sign_in(page, live_server, leader)
    page.goto(live_server.url + reverse("assessments:program", args=[program.pk]))
    page.get_by_role("link", name="Equity outcomes").click()
    assert_accessible(page)
    page.get_by_role("link", name="Re-referral within 6 months").click()
    page.wait_for_selector("[data-chart='rates-chart'] svg.chart-static:visible")  # server-drawn
    assert "points" in page.locator("#headline").inner_text()
    # The indices wait behind a disclosure that opens without any script of ours.
    assert not page.locator("[data-chart='cramers-chart']").is_visible()
    assert_accessible(page)
    page.get_by_text("Technical details").click()
    page.locator("[data-chart='cramers-chart']").hover()  # plotly.js redraws it
    page.wait_for_selector("[data-chart='cramers-chart'] .main-svg")
    assert page.locator(".chart .main-svg").count() >= 3
    width = page.locator("[data-chart='cramers-chart'] .main-svg").first.bounding_box()["width"]
    assert width > 200  # fitted to its column once the details opened
    assert page.locator("[data-group='nhpi']").inner_text().count("suppressed (1–10)") == 2
    assert_accessible(page)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/measure.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        page.screenshot(path=f"{SCREENSHOTS}/measure-390.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_label("Compare each group with").select_option("white")
    page.get_by_label("Period", exact=True).select_option("2022")
    page.get_by_role("button", name="Show").click()
    assert "Rates by group in 2022" in page.content()
    page.get_by_role("link", name="Enter counts").click()
    assert_accessible(page)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/entry.png", full_page=True)
    page.get_by_role("button", name="Save counts").click()  # the 2022 counts, unchanged
    page.wait_for_url("**/?period=2022")
    page.get_by_role("link", name="Import a CSV file").click()
    assert_accessible(page)
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "c.csv", "mimeType": "text/csv", "buffer": b"period,group\n2027,x\n"}]
    )
    page.get_by_role("button", name="Import").click()
    assert "nothing was imported" in page.content()
    assert_accessible(page)
    page.goto(live_server.url + reverse("outcomes:measure_edit", args=[measure_id(program)]))
    assert_accessible(page)
    # The refused import answers 400, which Chromium logs; nothing else may go wrong.
    assert [p for p in page.problems if "status of 400" not in p] == []


def measure_id(program):
    return program.outcome_measures.get(direction="adverse").pk
