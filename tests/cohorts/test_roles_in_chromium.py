"""axe-core on every cohort page of the access matrix, for the facilitator and for a member
organization's leader and viewer: each signs in once, in a browser of their own, and reads
every page they may (the GET rows of tests/cohorts/test_access.py). The Nu HTML Checker reads the
same pages (tests/chromium.py). The organization's own pages: tests/browser/test_roles_in_chromium.
"""

import pytest

from tests import chromium
from tests.browser.test_roles_in_chromium import sign_in, visit
from tests.cohorts.test_access import CASES, WHO, url_for, world

pytestmark = chromium.MARKS
__all__ = ["world"]  # the cohort access matrix's cast, used here as a fixture

# Rows that answer with a file, not a page.
FILES = {
    "cohorts:export",
    "cohorts:export_dictionary",
    "cohorts:poster",
    "cohorts:poster_batch_download",
}


@pytest.mark.parametrize(
    ("role", "at_least"), [("facilitator", 10), ("member_leader", 4), ("member_viewer", 2)]
)
def test_every_cohort_page_a_role_may_read_is_accessible(
    live_server, page, client, world, role, at_least
):
    pages = [
        case
        for case in CASES
        if case.method == "GET" and case.name not in FILES and role in WHO[case.need]
    ]
    sign_in(page, client, live_server, world["users"][role])
    for case in pages:
        visit(page, live_server, url_for(case, world["ids"]))
    assert page.problems == []
    assert len(pages) >= at_least
