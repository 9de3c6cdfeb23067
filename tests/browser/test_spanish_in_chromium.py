"""axe-core in Spanish: every page of the access matrix that each role may read, with the
browser set to Spanish, is marked `<html lang="es">`, has no WCAG violation that axe-core
finds and, seen on a phone (Spanish runs longer than English), is no wider than the screen.
The same pages in English: tests/browser/test_roles_in_chromium.py; the cohort pages in Spanish:
tests/cohorts/test_spanish_in_chromium.py."""

import pytest
from django.conf import settings

from tests import chromium
from tests.assessments.test_access import ROLES, prepare, url_for, world
from tests.browser.test_roles_in_chromium import matrix_pages, sign_in, visit

pytestmark = chromium.MARKS
DOCUMENT_PAGES = {"reports:report", "reports:poster"}
__all__ = ["world"]  # the access matrix's cast, used here as a fixture


def speak_spanish(page, live_server) -> None:
    """As a browser set to Spanish asks, and as the language switcher remembers."""
    page.context.set_extra_http_headers({"Accept-Language": "es"})
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": live_server.url}
    page.context.add_cookies([cookie])


def visit_in_spanish(page, live_server, url: str) -> None:
    visit(page, live_server, url)
    assert page.evaluate("document.documentElement.lang") == "es", url
    chromium.draw_charts(page)
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{url}: {scroll} px wide on a {client} px phone"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_may_read_is_accessible_in_spanish(
    live_server, page, client, world, role
):
    pages = matrix_pages(role)
    if world.users[role] is not None:
        sign_in(page, client, live_server, world.users[role])
    speak_spanish(page, live_server)
    page.set_viewport_size(chromium.PHONE)
    for case in pages:
        prepare(client, case, world, role)
        url = url_for(case, world)
        # Printable documents are in the language chosen for them (the organization's, here
        # English, unless the download asks for another).
        if case.name in DOCUMENT_PAGES:
            url += "?lang=es"
        visit_in_spanish(page, live_server, url)
    assert page.problems == []
    assert len(pages) >= {"anonymous": 6, "stranger": 8, "leader": 40}.get(role, 25)
