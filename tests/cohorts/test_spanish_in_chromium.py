"""axe-core in Spanish on every cohort page of the access matrix that the facilitator and a
member organization's leader and viewer may read (tests/cohorts/test_roles_in_chromium.py
reads them in English)."""

import pytest

from tests import chromium
from tests.browser.test_roles_in_chromium import sign_in
from tests.browser.test_spanish_in_chromium import speak_spanish, visit_in_spanish
from tests.cohorts.test_access import CASES, WHO, url_for, world
from tests.cohorts.test_roles_in_chromium import FILES

pytestmark = chromium.MARKS
__all__ = ["world"]  # the cohort access matrix's cast, used here as a fixture


@pytest.mark.parametrize(
    ("role", "at_least"), [("facilitator", 10), ("member_leader", 4), ("member_viewer", 2)]
)
def test_every_cohort_page_a_role_may_read_is_accessible_in_spanish(
    live_server, page, client, world, role, at_least
):
    pages = [
        case
        for case in CASES
        if case.method == "GET" and case.name not in FILES and role in WHO[case.need]
    ]
    sign_in(page, client, live_server, world["users"][role])
    speak_spanish(page, live_server)
    for case in pages:
        visit_in_spanish(page, live_server, url_for(case, world["ids"]))
    assert page.problems == []
    assert len(pages) >= at_least
