"""Two app servers, two task workers, one PostgreSQL, one Redis: what one server does the
other sees at once, a session works on both, a poster batch asked for on one is built by a
worker (only one) and downloaded from the other."""

import re
import time

import pytest
import requests

from tests.deploy import cluster as deploy
from tests.deploy.cluster import PASSWORD

pytestmark = pytest.mark.deploy

WHY_NOT = deploy.missing_service()
if WHY_NOT:
    pytest.skip(WHY_NOT, allow_module_level=True)

BATCHES = 4


@pytest.fixture(scope="module")
def two_servers():
    with deploy.cluster(users=1) as running:
        yield running


def csrf_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    page.raise_for_status()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def sign_in(server: str) -> requests.Session:
    session = requests.Session()
    token = csrf_token(session, f"{server}/accounts/login/")
    response = session.post(
        f"{server}/accounts/login/",
        data={"username": "user0", "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def test_a_session_opened_on_one_server_works_on_the_other(two_servers):
    a, b = two_servers.servers
    session = sign_in(a)
    home = session.get(f"{b}/", allow_redirects=False, timeout=30)
    assert home.status_code == 200
    assert "Two Servers County" in home.text


def test_a_change_through_one_server_is_seen_at_once_through_the_other(two_servers):
    a, b = two_servers.servers
    session = sign_in(a)
    programs = f"/organizations/{two_servers.organization_id}/programs/"
    assert "Rapid Rehousing" not in session.get(f"{b}{programs}", timeout=30).text
    token = csrf_token(session, f"{a}{programs}new/")
    created = session.post(
        f"{a}{programs}new/",
        data={
            "name": "Rapid Rehousing",
            "service_area": "housing",
            "population_served": "families",
            "csrfmiddlewaretoken": token,
        },
        allow_redirects=False,
        timeout=30,
    )
    assert created.status_code == 302, created.text[:500]
    assert "Rapid Rehousing" in session.get(f"{b}{programs}", timeout=30).text


def test_batches_asked_on_one_server_are_built_once_and_downloaded_from_the_other(two_servers):
    a, b = two_servers.servers
    session = sign_in(a)
    start = f"/organizations/{two_servers.organization_id}/posters/"
    batch_ids = []
    for n in range(BATCHES):
        server = (a, b)[n % 2]
        token = session.cookies["csrftoken"]
        asked = session.post(
            f"{server}{start}",
            data={"size": "tabloid", "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=30,
        )
        assert asked.status_code == 302, asked.text[:500]
        batch_ids.append(asked.headers["Location"].rstrip("/").split("/")[-1])

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        statuses = two_servers.sql("SELECT status FROM reports_posterbatch")
        if all(status == "done" for (status,) in statuses):
            break
        time.sleep(0.3)
    assert (
        sorted(s for (s,) in two_servers.sql("SELECT status FROM reports_posterbatch"))
        == ["done"] * BATCHES
    )

    for batch_id in batch_ids:
        other = b if batch_ids.index(batch_id) % 2 == 0 else a
        download = session.get(f"{other}/poster-batches/{batch_id}/download/", timeout=30)
        assert download.status_code == 200
        assert download.content[:2] == b"PK"  # a zip, written by a worker, read by this server

    runs = two_servers.sql("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult")
    assert len(runs) == BATCHES  # one task per batch, none enqueued twice
    assert all(status == "SUCCESSFUL" and len(workers) == 1 for status, workers in runs)
