"""Every page of the access matrices on a phone (390 x 844) in the system Chromium: none is
wider than the screen. Each page is visited once, as a role that may see it, in one browser
context per role; the URLs come from the matrices' own tables and builders
(tests/assessments/test_access.py, tests/cohorts/test_access.py)."""

import pytest
from django.test import Client

from tests import chromium
from tests.assessments import test_access as access
from tests.assessments.test_access import world  # noqa: F401 (the main matrix's data)
from tests.cohorts import test_access as cohort_access
from tests.cohorts.conftest import cohort, facilitator  # noqa: F401 (the cohort cast)

pytestmark = chromium.MARKS

# URLs that answer with a file (PDF, zip, JSON, CSV, spreadsheet, image), not a page.
FILES = {
    "reports:report_pdf",
    "reports:poster_pdf",
    "posters:download",
    "assessments:organization_export",
    "outcomes:import_template",
    "outcomes:counts_export",
    "outcomes:counts_export_xlsx",
    "outcomes:counts_export_dictionary",
    "cohorts:export",
    "cohorts:export_dictionary",
    "cohorts:poster",
    "cohorts:poster_batch_download",
    "surveys:qr",
    "surveys:flyer",
    "survey_results:results_csv",
    "survey_results:results_xlsx",
    "survey_results:responses_csv",
    "health_live",
    "health_ready",
}
# Of the roles a page allows, the one it is seen as: the one shown the most controls.
MAIN_ROLES = ["leader", "contributor", "viewer", "anonymous"]
COHORT_ROLES = ["facilitator", "member_leader", "member_viewer"]
WIDER_THAN_THE_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll("body *")].filter(element => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.right > width + 0.5;
    });
    // The outermost of them: the element to fix.
    return wide.filter(e => !wide.includes(e.parentElement)).slice(0, 3)
        .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`);
}"""


def overflow(page, url: str, status: int) -> str | None:
    """Visit the URL; what makes it wider than the screen, or None."""
    response = page.goto(url)
    assert response.status == status, url
    assert response.headers["content-type"].startswith("text/html"), url
    # As the server drew it (the charts static SVG), then with plotly.js's charts.
    static = wider_than_the_screen(page, url)
    chromium.draw_charts(page)
    return static or wider_than_the_screen(page, url)


def wider_than_the_screen(page, url: str) -> str | None:
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if scroll <= client:
        return None
    return f"{url}: {scroll} px > {client} px, {page.evaluate(WIDER_THAN_THE_SCREEN)}"


def visit_as_roles(page, live_server, visits: dict[str, list], users: dict) -> list[str]:
    """Visit each role's (url, status, before) list in one context of its own."""
    browser = page.context.browser
    problems = []
    for role, urls in visits.items():
        context = chromium.phone_context(browser, live_server, users[role])
        phone = context.new_page()
        phone.on("pageerror", lambda exc: problems.append(str(exc)))
        for url, status, before in urls:
            before()
            problems.append(overflow(phone, live_server.url + url, status))
        context.close()
    return [problem for problem in problems if problem]


def _first_allowed(roles: list[str], allowed) -> str:
    return next(role for role in roles if allowed(role))


def main_visits(world) -> dict[str, list]:  # noqa: F811
    visits = {role: [] for role in MAIN_ROLES}
    for case in access.CASES:
        if case.method != "GET" or case.name in FILES:
            continue
        # Public pages are seen signed out, the way most people who open them are.
        roles = ["anonymous"] if case.need in ("public", "guest") else MAIN_ROLES
        role = _first_allowed(roles, lambda role, c=case: access.expected_status(c, role) == c.ok)
        final = 200 if case.ok == 302 else case.ok  # a redirect ends on a page

        def before(c=case, r=role):
            access.prepare(Client(), c, world, r)

        visits[role].append((access.url_for(case, world), final, before))
    return visits


def cohort_visits() -> list[tuple]:
    visits = []
    for case in cohort_access.CASES:
        if case.method != "GET" or case.name in FILES:
            continue
        role = _first_allowed(COHORT_ROLES, cohort_access.WHO[case.need].__contains__)
        visits.append((role, case))
    return visits


@pytest.fixture
def cohort_world(cohort, facilitator, framework, settings, tmp_path):  # noqa: F811
    return cohort_access.world_build(cohort, facilitator, framework, settings, tmp_path)


def test_no_page_of_the_main_matrix_is_wider_than_a_phone(live_server, page, world):  # noqa: F811
    visits = main_visits(world)
    assert sum(len(urls) for urls in visits.values()) >= 50
    problems = visit_as_roles(page, live_server, visits, world.users)
    assert problems == [], "\n".join(problems)


def test_no_cohort_page_is_wider_than_a_phone(live_server, page, cohort_world):
    visits = {role: [] for role in COHORT_ROLES}
    for role, case in cohort_visits():
        url = cohort_access.url_for(case, cohort_world["ids"])
        visits[role].append((url, case.ok, lambda: None))
    assert sum(len(urls) for urls in visits.values()) >= 14
    problems = visit_as_roles(page, live_server, visits, cohort_world["users"])
    assert problems == [], "\n".join(problems)


def test_on_a_phone_the_menu_folds_behind_a_button_that_opens_it(live_server, page, leader):
    phone = chromium.phone_context(page.context.browser, live_server, leader).new_page()
    phone.html_pages = page.html_pages  # its HTML goes to the Nu HTML Checker too
    phone.goto(live_server.url + "/")
    sign_out = phone.get_by_role("button", name="Sign out")
    assert not sign_out.is_visible()
    menu = phone.get_by_role("button", name="Menu")
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    sign_out.wait_for(state="visible")
    assert menu.get_attribute("aria-expanded") == "true"
    chromium.assert_accessible(phone)
