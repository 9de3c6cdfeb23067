"""Every API endpoint, every role and kind of token.

Tokens: none; a stranger's (a leader of another organization); the viewer's, the contributor's
and the leader's for the organization, read only and read-write; the leader's for another
organization they also belong to (out of scope); the cohort's facilitator's for the cohort,
read only and read-write; the facilitator's for another cohort they facilitate; and an
expired and a revoked token of the endpoint's natural owner (the leader's, or the
facilitator's for a cohort endpoint). An organization's endpoints answer only organization
tokens of its members, a cohort's only its facilitator's cohort token; anything else is the
404 a stranger gets (or an empty list). A new API URL without a row makes
`test_every_api_url_has_an_access_rule` fail.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from api.models import AccessToken
from assessments.models import Membership, PlanStep, Role
from cohorts.models import Cohort, Facilitator
from outcomes.models import OutcomeCount
from tests.api.conftest import bearer, make_token

ALLOWED = {
    "read": {"viewer", "contributor", "leader"},
    "answer": {"contributor", "leader"},
    "lead": {"leader"},
    "facilitate": {"facilitator"},
}
MEMBERS = ["viewer", "contributor", "leader"]
REFUSED = {"anonymous", "expired", "revoked"}  # no usable token: 401
# (role, write): whose token, and whether it is read-write.
TOKENS = [
    ("anonymous", False),
    ("expired", True),
    ("revoked", True),
    ("stranger", True),
    ("out_of_scope", True),
    ("other_cohort", True),
    *((role, write) for role in [*MEMBERS, "facilitator"] for write in (False, True)),
]
COUNTS_CSV = b"period,group,population,events\n2027,white,120,30\n2027,black,90,40\n"


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    target: str  # "none" or the world's attribute the URL is called on
    need: str  # "read", "answer", "lead" or "facilitate"
    listing: str | None = None  # a list: the world's object it must show when allowed
    shows: str | None = None  # text the body must hold when allowed (the world's attribute)

    @property
    def id(self) -> str:
        return f"{self.name}-{self.method}"

    @property
    def cohort(self) -> bool:
        return self.need == "facilitate"


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
    Case("api:surveys", "GET", "none", "read", listing="survey"),
    Case("api:survey_results", "GET", "survey", "read", shows="survey"),
    Case("api:cohorts", "GET", "none", "facilitate", listing="cohort"),
    Case("api:cohort_organizations", "GET", "cohort", "facilitate", shows="org"),
    Case("api:cohort_programs", "GET", "cohort", "facilitate", shows="program"),
    Case("api:cohort_benchmark", "GET", "cohort", "facilitate", shows="cohort_round"),
    Case("api:cohort_scorecard", "GET", "cohort", "facilitate", shows="step"),
    Case("api:cohort_surveys", "GET", "cohort", "facilitate", shows="cohort"),
]
# Pages, not endpoints: the schema and its documentation are public, the token pages are the
# signed-in user's own (tested below).
NOT_ENDPOINTS = {"api:schema", "api:docs", "api:tokens", "api:token_revoke"}
# What each allowed body must hold of the world (`Case.shows`).
SHOWN = {
    "survey": lambda world: str(world.survey.pk),
    "org": lambda world: world.org.name,
    "program": lambda world: world.program.name,
    "cohort_round": lambda world: str(world.cohort_round.pk),
    "step": lambda world: world.step.title,
    "cohort": lambda world: "Staff treated me with respect",
}


def token_for(world, case: Case, role: str, write: bool) -> str | None:
    users = world.users
    if role == "anonymous":
        return None
    if role in ("expired", "revoked"):
        owner = "facilitator" if case.cohort else "leader"
        scope = {"cohort": world.cohort} if case.cohort else {"organization": world.org}
        secret = make_token(users[owner], write=write, **scope)
        field = "expires_at" if role == "expired" else "revoked_at"
        AccessToken.objects.update(**{field: timezone.now()})
        return secret
    if role == "stranger":
        return make_token(users["stranger"], organization=world.other_org, write=write)
    if role == "out_of_scope":
        leader = users["leader"]
        Membership.objects.create(user=leader, organization=world.other_org, role=Role.LEADER)
        return make_token(leader, organization=world.other_org, write=write)
    if role == "other_cohort":
        other = Cohort.objects.create(name="Another network")
        Facilitator.objects.create(cohort=other, user=users["facilitator"])
        return make_token(users["facilitator"], cohort=other, write=write)
    if role == "facilitator":
        return make_token(users["facilitator"], cohort=world.cohort, write=write)
    return make_token(users[role], organization=world.org, write=write)


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
    if role in REFUSED:
        return 401
    if case.method != "GET" and not write:
        return 403  # a read-only token, whatever it reaches
    members = MEMBERS if not case.cohort else ["facilitator"]
    if role not in members:
        return 200 if case.listing else 404  # out of the token's scope: as for a stranger
    return 200 if role in ALLOWED[case.need] else 403


def took_effect(case: Case, world) -> bool:
    if case.method == "PATCH":
        return PlanStep.objects.get(pk=world.step.pk).status == "done"
    return OutcomeCount.objects.filter(measure=world.measure, period="2027").exists()


def listed(response, world, case: Case) -> bool:
    wanted = str(getattr(world, case.listing).pk)
    return wanted in {item["id"] for item in response.json()["results"]}


def in_scope(case: Case, role: str) -> bool:
    return role in (["facilitator"] if case.cohort else MEMBERS)


@pytest.mark.parametrize(
    ("role", "write"), TOKENS, ids=[f"{r}-{'rw' if w else 'r'}" for r, w in TOKENS]
)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_token_gets_exactly_the_access_its_user_and_scope_allow(
    client, api_world, case, role, write
):
    secret = token_for(api_world, case, role, write)
    response = send(client, case, api_world, secret)
    expected = expected_status(case, role, write)
    assert response.status_code == expected, response.content
    if expected != 200:
        error = response.json()["error"]
        assert error["status"] == expected and error["message"]
    elif case.listing:
        assert listed(response, api_world, case) is in_scope(case, role)
    if expected == 200 and case.shows:
        assert SHOWN[case.shows](api_world) in response.content.decode()
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
