"""Every API endpoint, every role and kind of token.

Roles: no token, a stranger's token (a leader of another organization), the viewer's, the
contributor's and the leader's tokens for the organization, read only and read-write, and the
leader's token for another organization they also belong to (out of scope). A new API URL
without a row makes `test_every_api_url_has_an_access_rule` fail.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLResolver, get_resolver, reverse

from api.models import AccessToken
from assessments.models import Membership, PlanStep, Role
from outcomes.models import OutcomeCount
from tests.api.conftest import bearer, make_token

ALLOWED = {
    "read": {"viewer", "contributor", "leader"},
    "answer": {"contributor", "leader"},
    "lead": {"leader"},
}
MEMBERS = ["viewer", "contributor", "leader"]
# (role, write): whose token, and whether it is read-write. None: no token at all.
TOKENS = [
    ("anonymous", False),
    ("stranger", True),
    ("out_of_scope", True),
    *((role, write) for role in MEMBERS for write in (False, True)),
]
COUNTS_CSV = b"period,group,population,events\n2027,white,120,30\n2027,black,90,40\n"


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    target: str  # "none" or the world's attribute the URL is called on
    need: str  # "read", "answer" or "lead"
    listing: str | None = None  # a list: the world's object it must show when allowed

    @property
    def id(self) -> str:
        return f"{self.name}-{self.method}"


CASES = [
    Case("api:organizations", "GET", "none", "read", listing="org"),
    Case("api:organization", "GET", "org", "read"),
    Case("api:programs", "GET", "none", "read", listing="program"),
    Case("api:program", "GET", "program", "read"),
    Case("api:cycles", "GET", "none", "read", listing="cycle"),
    Case("api:assessments", "GET", "none", "read", listing="assessment"),
    Case("api:assessment", "GET", "assessment", "read"),
    Case("api:plan_steps", "GET", "none", "read", listing="step"),
    Case("api:plan_step", "GET", "step", "read"),
    Case("api:plan_step", "PATCH", "step", "lead"),
    Case("api:measures", "GET", "none", "read", listing="measure"),
    Case("api:measure_figures", "GET", "measure", "read"),
    Case("api:measure_counts", "POST", "measure", "answer"),
]
# Pages, not endpoints: the schema and its documentation are public, the token pages are the
# signed-in user's own (tested below).
NOT_ENDPOINTS = {"api:schema", "api:docs", "api:tokens", "api:token_revoke"}


def token_for(world, role: str, write: bool) -> str | None:
    if role == "anonymous":
        return None
    if role == "stranger":
        return make_token(world.users["stranger"], organization=world.other_org, write=write)
    if role == "out_of_scope":
        leader = world.users["leader"]
        Membership.objects.create(user=leader, organization=world.other_org, role=Role.LEADER)
        return make_token(leader, organization=world.other_org, write=write)
    return make_token(world.users[role], organization=world.org, write=write)


def url_for(case: Case, world) -> str:
    if case.target == "none":
        return reverse(case.name)
    return reverse(case.name, args=[getattr(world, case.target).pk])


def send(client, case: Case, world, secret):
    url, headers = url_for(case, world), bearer(secret)
    if case.method == "PATCH":
        return client.patch(url, {"status": "done"}, content_type="application/json", **headers)
    if case.method == "POST":
        return client.post(url, COUNTS_CSV, content_type="text/csv", **headers)
    return client.get(url, **headers)


def expected_status(case: Case, role: str, write: bool) -> int:
    if role == "anonymous":
        return 401
    if role in ("stranger", "out_of_scope"):
        return 200 if case.listing else 404
    if case.method != "GET" and not write:
        return 403  # a read-only token
    return 200 if role in ALLOWED[case.need] else 403


def took_effect(case: Case, world) -> bool:
    if case.method == "PATCH":
        return PlanStep.objects.get(pk=world.step.pk).status == "done"
    return OutcomeCount.objects.filter(measure=world.measure, period="2027").exists()


def listed(response, world, case: Case) -> bool:
    wanted = str(getattr(world, case.listing).pk)
    return wanted in {item["id"] for item in response.json()["results"]}


@pytest.mark.parametrize(
    ("role", "write"), TOKENS, ids=[f"{r}-{'rw' if w else 'r'}" for r, w in TOKENS]
)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_token_gets_exactly_the_access_its_user_and_scope_allow(
    client, api_world, case, role, write
):
    secret = token_for(api_world, role, write)
    response = send(client, case, api_world, secret)
    expected = expected_status(case, role, write)
    assert response.status_code == expected, response.content
    if expected != 200:
        error = response.json()["error"]
        assert error["status"] == expected and error["message"]
    elif case.listing:
        in_scope = role not in ("stranger", "out_of_scope")
        assert listed(response, api_world, case) is in_scope
    if case.method != "GET":
        assert took_effect(case, api_world) is (expected == 200)


def _named_urls(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _named_urls(pattern.url_patterns, inner)
        elif pattern.name:
            yield prefix + pattern.name


def test_every_api_url_has_an_access_rule():
    named = {n for n in _named_urls(get_resolver().url_patterns) if n.startswith("api:")}
    assert named - NOT_ENDPOINTS == {case.name for case in CASES}


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_an_expired_or_revoked_token_is_refused_with_401(client, api_world, state):
    secret = make_token(api_world.users["leader"], organization=api_world.org)
    token = AccessToken.objects.get()
    if state == "expired":
        token.expires_at = token.created_at
    else:
        token.revoked_at = token.created_at
    token.save()
    response = client.get(reverse("api:programs"), **bearer(secret))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_token_of_a_user_who_left_the_organization_sees_nothing(client, api_world):
    viewer = api_world.users["viewer"]
    secret = make_token(viewer, organization=api_world.org)
    Membership.objects.filter(user=viewer).delete()
    assert client.get(reverse("api:programs"), **bearer(secret)).json()["results"] == []
    url = reverse("api:program", args=[api_world.program.pk])
    assert client.get(url, **bearer(secret)).status_code == 404


def test_every_use_is_recorded_on_the_token(client, api_world):
    secret = make_token(api_world.users["viewer"], organization=api_world.org)
    for _ in range(3):
        client.get(reverse("api:programs"), **bearer(secret))
    token = AccessToken.objects.get()
    assert token.use_count == 3
    assert token.last_used_at is not None


def test_the_secret_is_stored_only_as_its_sha256(api_world):
    import hashlib

    secret = make_token(api_world.users["viewer"], organization=api_world.org)
    token = AccessToken.objects.get()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(v) for v in token.__dict__.values()}


def test_a_malformed_header_is_a_401_with_the_error_body(client, api_world):
    response = client.get(reverse("api:programs"), HTTP_AUTHORIZATION="Bearer two parts")
    assert response.status_code == 401
    assert "Bearer" in response.json()["error"]["message"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_cohort_token_reaches_no_organization_data(client, api_world):
    from cohorts.models import Cohort

    cohort = Cohort.objects.create(name="NextGen")
    secret = make_token(api_world.users["leader"], cohort=cohort)
    assert client.get(reverse("api:programs"), **bearer(secret)).json()["results"] == []
    url = reverse("api:program", args=[api_world.program.pk])
    assert client.get(url, **bearer(secret)).status_code == 404
