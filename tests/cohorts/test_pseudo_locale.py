"""Every string a cohort page shows is marked for translation: each GET row of the cohort
access matrix (tests/cohorts/test_access.py), for every role, rendered in the pseudo-locale
(tests/pseudo.py), shows no word that is neither transformed nor user data."""

import pytest
from django.urls import reverse

from tests.cohorts.test_access import CASES, ROLES, url_for, world
from tests.pseudo import CODE, Scan, speak_pseudo, user_data
from tests.reports.test_pseudo_documents import pdf_text

__all__ = ["world"]  # the cohort access matrix's cast, used here as a fixture

# Rows that answer with a file, not a page (the poster: below).
FILES = {
    "cohorts:export",
    "cohorts:export_dictionary",
    "cohorts:poster",
    "cohorts:poster_batch_download",
}


# Anonymous is sent to sign in from every cohort page.
@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_every_cohort_page_shows_only_marked_strings(client, world, role, pseudo_language, capsys):
    if role != "anonymous":
        client.force_login(world["users"][role])
    speak_pseudo(client)
    pages = []
    for case in CASES:
        if case.method == "GET" and case.name not in FILES:
            url = url_for(case, world["ids"])
            response = client.get(url)
            if response.status_code not in (301, 302):
                pages.append((f"{url} ({role}, {response.status_code})", response.content.decode()))
    scan = Scan(user_data())
    for where, html in pages:
        assert scan.read_html(where, html).lang == CODE, f"{where} is not in the pseudo-locale"
    with capsys.disabled():
        print(f"\ncohorts, {role}: {scan.figures()}")
    assert scan.pages >= {"facilitator": 15}.get(role, 3)
    assert scan.found() == [], f"{len(scan.unmarked)} unmarked strings:\n{scan.report()}"


def test_the_cohort_poster_shows_only_marked_strings(
    client, world, pseudo_language, tmp_path, capsys
):
    client.force_login(world["users"]["facilitator"])
    speak_pseudo(client)
    scan = Scan(user_data())
    for size in ("tabloid", "a3"):
        url = reverse("cohorts:poster", args=[world["ids"]["cohort"]]) + f"?size={size}"
        response = client.get(url)
        assert response.status_code == 200, url
        scan.read_document(url, pdf_text(response.content, tmp_path))
    with capsys.disabled():
        print(f"\ncohort posters: {scan.figures()} (words, not text nodes)")
    assert scan.texts >= 100
    assert scan.found() == [], f"{len(scan.unmarked)} unmarked words:\n{scan.report()}"
