"""A real OpenID Connect provider for the tests (tests/sso/provider.mjs, npm oidc-provider)
in a process of its own on loopback, and the app configured to use it."""

import json
import os
import select
import subprocess
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
PROVIDER_ID = "testidp"
LABEL = "Test IdP"
CLIENT_ID = "value-curve"
CLIENT_SECRET = "a-test-client-secret-that-is-long-enough-for-hs256"
CALLBACK_PATH = f"/accounts/oidc/{PROVIDER_ID}/login/callback/"
LOGIN_PATH = f"/accounts/oidc/{PROVIDER_ID}/login/"
MARKS = [pytest.mark.sso]

# The provider's people: the email each asserts, and whether the provider verified it.
ACCOUNTS = {
    "leader": {"email": "leader@example.org", "email_verified": True, "name": "Lee Leader"},
    "leader-unverified": {"email": "leader@example.org", "email_verified": False},
    "newcomer": {"email": "newcomer@example.org", "email_verified": True, "name": "Nia New"},
    "nobody": {"email": "nobody@example.org", "email_verified": True},
}


@contextmanager
def running_provider(redirect_uris: list[str]):
    """Start the provider, yield its issuer URL, and stop it."""
    env = os.environ | {
        "SSO_CLIENT_ID": CLIENT_ID,
        "SSO_CLIENT_SECRET": CLIENT_SECRET,
        "SSO_REDIRECT_URIS": ",".join(redirect_uris),
        "SSO_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(
        ["node", str(SCRIPT)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready, "the test OpenID Connect provider did not start in 30 seconds"
        yield json.loads(process.stdout.readline())["issuer"]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def configure(monkeypatch, settings, issuer: str, *, trust_mfa: bool = False) -> None:
    """The app's settings as the environment variables of the README set them."""
    from valuecurve.env import env_oidc_providers, oidc_origins

    monkeypatch.setenv("SSO_PROVIDERS", PROVIDER_ID)
    monkeypatch.setenv(f"SSO_{PROVIDER_ID.upper()}_ISSUER", issuer)
    monkeypatch.setenv(f"SSO_{PROVIDER_ID.upper()}_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv(f"SSO_{PROVIDER_ID.upper()}_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv(f"SSO_{PROVIDER_ID.upper()}_LABEL", LABEL)
    monkeypatch.setenv(f"SSO_{PROVIDER_ID.upper()}_TRUST_MFA", "true" if trust_mfa else "false")
    apps = env_oidc_providers()
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": apps}}
    settings.SECURE_CSP = settings.SECURE_CSP | {"form-action": ["'self'", *oidc_origins(apps)]}


def sign_in_at_provider(authorize_url: str, login: str, *, mfa: bool = False) -> str:
    """What a person does on the provider's pages: open the app's authorization request,
    sign in, and be sent back. Returns the callback URL the provider sends them to."""
    person = requests.Session()
    url = authorize_url
    while True:  # to the provider's login page
        response = person.get(url, allow_redirects=False, timeout=30)
        if response.status_code not in (302, 303):
            break
        url = requests.compat.urljoin(url, response.headers["Location"])
    assert response.status_code == 200, response.text[:500]
    form = {"login": login} | ({"mfa": "yes"} if mfa else {})
    login_url = url.rstrip("/") + "/login"
    response = person.post(login_url, data=form, allow_redirects=False, timeout=30)
    while CALLBACK_PATH not in response.headers.get("Location", ""):
        assert response.status_code in (302, 303), response.text[:500]
        url = requests.compat.urljoin(login_url, response.headers["Location"])
        response = person.get(url, allow_redirects=False, timeout=30)
    return response.headers["Location"]


def with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = parse_qs(parts.query) | {name: [value]}
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
