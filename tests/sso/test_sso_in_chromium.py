"""The whole single sign-on journey in Chromium: the app's sign-in page, the button, the real
provider's login page (tests/sso/provider.mjs in its own process), and back to the app signed
in as the account with that verified email; an unverified one is refused."""

import pytest

from tests import chromium
from tests.chromium import assert_accessible
from tests.sso import oidc

pytestmark = [*chromium.MARKS, *oidc.MARKS]


@pytest.fixture
def issuer(live_server):
    with oidc.running_provider([live_server.url + oidc.CALLBACK_PATH]) as running:
        yield running


@pytest.fixture
def sso(issuer, monkeypatch, settings, transactional_db):
    oidc.configure(monkeypatch, settings, issuer)
    return issuer


def sign_in_with_provider(page, live_server, login: str) -> None:
    page.goto(live_server.url + "/accounts/login/?next=/accounts/security/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with Test IdP").click()
    page.get_by_label("Login").fill(login)
    page.get_by_role("button", name="Sign in to the provider").click()
    page.wait_for_load_state()


def test_a_person_signs_in_through_the_provider_and_lands_where_they_were_going(
    page, live_server, sso, leader
):
    sign_in_with_provider(page, live_server, "leader")
    assert page.url == live_server.url + "/accounts/security/"
    assert "leader" in page.content()
    assert page.problems == []


def test_an_unverified_email_is_refused_in_the_browser(page, live_server, sso, leader):
    sign_in_with_provider(page, live_server, "leader-unverified")
    assert page.url.startswith(live_server.url + oidc.CALLBACK_PATH)
    assert page.get_by_role("heading", name="Single sign-on refused").is_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/")
    assert page.url.startswith(live_server.url + "/accounts/login/")
