"""Every URL, every role: anonymous, stranger, viewer, contributor, leader.

The table below names every URL of the apps with the access it needs. A new URL without a
row makes `test_every_named_url_has_an_access_rule` fail, so no page ships unchecked.
"""

import copy
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import URLResolver, get_resolver, reverse

from assessments import levels
from assessments.framework_io import parse_framework
from assessments.models import Answer, Assessment, AssessmentEvent, Indicator
from assessments.services import assessment_start, assessment_submit
from tests.conftest import FRAMEWORK_FILE

ROLES = ["anonymous", "stranger", "viewer", "contributor", "leader"]
# Who may do what, once they are a member of the organization.
ALLOWED = {
    "read": {"viewer", "contributor", "leader"},
    "answer": {"contributor", "leader"},
    "lead": {"leader"},
}
# Named URLs that are not app pages: the login flow is public by nature.
NOT_APP_PAGES = {"login", "logout"}


@dataclass(frozen=True)
class Case:
    """One URL and method: what it is called on, what it needs, what success looks like."""

    name: str
    method: str
    target: str  # "none", "program", "draft" or "submitted"
    need: str  # "public", "own" (only the user's own data), "read", "answer" or "lead"
    ok: int  # the status an allowed user gets
    dimension: str | None = None

    @property
    def id(self) -> str:
        return f"{self.name}-{self.method}"


CASES = [
    Case("about", "GET", "none", "public", 200),
    Case("assessments:home", "GET", "none", "own", 200),
    Case("assessments:program", "GET", "program", "read", 200),
    Case("assessments:start", "POST", "program", "lead", 302),
    Case("assessments:detail", "GET", "draft", "read", 302),
    Case("assessments:dimension", "GET", "draft", "read", 200, dimension="governance"),
    Case("assessments:dimension", "POST", "draft", "answer", 302, dimension="governance"),
    Case("assessments:review", "GET", "draft", "read", 200),
    Case("assessments:submit", "POST", "draft", "lead", 302),
    Case("assessments:reopen", "POST", "submitted", "lead", 302),
    Case("reports:results", "GET", "submitted", "read", 200),
    Case("reports:results", "GET", "draft", "read", 200),
]
POST_CASES = [case for case in CASES if case.method == "POST"]
POST_ONLY = ["assessments:start", "assessments:submit", "assessments:reopen"]


def expected_status(case: Case, role: str) -> int | str:
    if case.need == "public":
        return case.ok
    if role == "anonymous":
        return "login"
    if case.need == "own":
        return case.ok
    if role == "stranger":
        return 404
    return case.ok if role in ALLOWED[case.need] else 403


_PARSED_FRAMEWORK = parse_framework(FRAMEWORK_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def framework_data() -> dict:
    """The shipped framework, parsed once for the module: these tests run it many times."""
    return copy.deepcopy(_PARSED_FRAMEWORK)


def answer_everything(assessment, level: int) -> None:
    indicators = Indicator.objects.filter(dimension__framework=assessment.framework)
    Answer.objects.bulk_create(
        Answer(assessment=assessment, indicator=i, level=level, evidence="Minutes")
        for i in indicators
    )


@pytest.fixture
def world(framework, leader, contributor, viewer, stranger, program, draft):
    """A complete draft (2026) and a submitted cycle (2025) of one program."""
    answer_everything(draft, levels.COLLABORATIVE)
    submitted = assessment_start(program=program, cycle="2025", framework=framework, by=leader)
    answer_everything(submitted, levels.REGULATIVE)
    assessment_submit(assessment=submitted, expected_version=submitted.version, by=leader)
    users = {
        "anonymous": None,
        "stranger": stranger,
        "viewer": viewer,
        "contributor": contributor,
        "leader": leader,
    }
    return SimpleNamespace(
        framework=framework, program=program, draft=draft, submitted=submitted, users=users
    )


def url_for(case: Case, world) -> str:
    target = {
        "none": None,
        "program": world.program,
        "draft": world.draft,
        "submitted": world.submitted,
    }[case.target]
    args = [] if target is None else [target.pk]
    if case.dimension:
        args.append(case.dimension)
    return reverse(case.name, args=args)


def post_data(case: Case, world) -> dict:
    if case.name == "assessments:start":
        return {"cycle": "2030", "framework": world.framework.pk}
    if case.name == "assessments:dimension":
        data = {"version": world.draft.version}
        dimension = world.framework.dimensions.get(key=case.dimension)
        for indicator in dimension.indicators.all():
            data[f"i-{indicator.key}-level"] = str(levels.INTEGRATIVE)
            data[f"i-{indicator.key}-evidence"] = "Access check"
            data[f"i-{indicator.key}-confidence"] = "high"
        return data
    if case.name == "assessments:submit":
        return {"version": world.draft.version}
    if case.name == "assessments:reopen":
        return {"reason": "Access check"}
    raise AssertionError(f"no POST data for {case.name}")


def post_took_effect(case: Case, world) -> bool:
    if case.name == "assessments:start":
        return Assessment.objects.filter(cycle="2030").exists()
    if case.name == "assessments:dimension":
        return Answer.objects.filter(assessment=world.draft, evidence="Access check").exists()
    if case.name == "assessments:submit":
        return Assessment.objects.get(pk=world.draft.pk).status == Assessment.Status.SUBMITTED
    if case.name == "assessments:reopen":
        return Assessment.objects.get(pk=world.submitted.pk).is_draft
    raise AssertionError(f"no effect known for {case.name}")


def send(client, case: Case, world, role: str):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = url_for(case, world)
    if case.method == "POST":
        return url, client.post(url, post_data(case, world))
    return url, client.get(url)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_it_gives_each_role_exactly_the_access_its_membership_allows(client, world, case, role):
    url, response = send(client, case, world, role)
    expected = expected_status(case, role)
    if expected == "login":
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"
    else:
        assert response.status_code == expected
    if case.method == "POST":
        assert post_took_effect(case, world) is (expected == case.ok)


def _named_urls(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _named_urls(pattern.url_patterns, inner)
        elif pattern.name:
            yield prefix + pattern.name


def test_every_named_url_has_an_access_rule():
    named = set(_named_urls(get_resolver().url_patterns))
    assert {n.split(":")[0] for n in named if ":" in n} >= {"assessments", "reports"}
    assert named - NOT_APP_PAGES - {case.name for case in CASES} == set()


def test_the_table_names_only_urls_that_exist():
    named = set(_named_urls(get_resolver().url_patterns))
    assert {case.name for case in CASES} <= named


@pytest.mark.parametrize("name", POST_ONLY)
def test_a_post_only_action_rejects_get_with_405(client, world, name):
    case = next(c for c in POST_CASES if c.name == name)
    client.force_login(world.users["leader"])
    response = client.get(url_for(case, world))
    assert response.status_code == 405
    assert not post_took_effect(case, world)


def test_the_post_only_list_matches_the_table():
    """Every action in the table except the dimension page (GET and POST) is POST-only."""
    assert {c.name for c in POST_CASES} - {"assessments:dimension"} == set(POST_ONLY)


def _governance_post(draft) -> dict:
    data = {"version": draft.version}
    for indicator in draft.framework.dimensions.get(key="governance").indicators.all():
        data[f"i-{indicator.key}-level"] = str(levels.GENERATIVE)
        data[f"i-{indicator.key}-evidence"] = "Written by someone who may not"
    return data


@pytest.mark.parametrize("role", ["stranger", "viewer"])
def test_a_refused_answer_post_writes_no_answer_and_keeps_the_version(client, request, draft, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        reverse("assessments:dimension", args=[draft.pk, "governance"]), _governance_post(draft)
    )
    assert response.status_code == {"stranger": 404, "viewer": 403}[role]
    assert not Answer.objects.filter(assessment=draft).exists()
    draft.refresh_from_db()
    assert draft.version == 1


def test_an_autosave_from_a_stranger_is_refused_like_any_post(client, stranger, draft):
    client.force_login(stranger)
    response = client.post(
        reverse("assessments:dimension", args=[draft.pk, "governance"]),
        _governance_post(draft),
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 404
    assert not Answer.objects.filter(assessment=draft).exists()


def test_a_stranger_cannot_start_submit_or_reopen_and_nothing_is_recorded(client, world, stranger):
    events_before = AssessmentEvent.objects.count()
    client.force_login(stranger)
    for case in POST_CASES:
        response = client.post(url_for(case, world), post_data(case, world))
        assert response.status_code == 404, case.id
        assert not post_took_effect(case, world), case.id
    assert AssessmentEvent.objects.count() == events_before


def test_an_unknown_id_is_404_for_a_member_too(client, leader, db):
    client.force_login(leader)
    unknown = "00000000-0000-0000-0000-000000000000"
    assert client.get(reverse("assessments:program", args=[unknown])).status_code == 404
    assert client.get(reverse("assessments:review", args=[unknown])).status_code == 404
    assert client.get(reverse("reports:results", args=[unknown])).status_code == 404


def test_the_home_page_hides_other_organizations_programs(client, stranger, program):
    client.force_login(stranger)
    page = client.get(reverse("assessments:home")).content.decode()
    assert program.name not in page
    assert program.organization.name not in page


def test_a_viewer_sees_a_draft_read_only_with_no_start_form(client, viewer, draft):
    client.force_login(viewer)
    dimension = client.get(reverse("assessments:dimension", args=[draft.pk, "governance"]))
    program = client.get(reverse("assessments:program", args=[draft.program.pk]))
    assert 'data-autosave="off"' in dimension.content.decode()
    assert "only leaders and contributors can answer" in dimension.content.decode()
    assert reverse("assessments:start", args=[draft.program.pk]) not in program.content.decode()
