"""The usual cast: an organization with a leader, a contributor and a viewer; a stranger
from another organization; the v1 framework; a program; a draft assessment."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from assessments import levels
from assessments.framework_io import framework_create, parse_framework
from assessments.models import Answer, Membership, Organization, Program, Role
from assessments.services import assessment_start
from tests.cycles import cycle_of

# The browser tests' `page` fixture (the system Chromium through Playwright).
pytest_plugins = ["tests.chromium", "tests.pseudo"]

FRAMEWORK_FILE = Path(__file__).parent.parent / "fixtures/frameworks/value-curve-equity-v1.yaml"
PASSWORD = "a-long-test-password-42"


def make_user(username: str):
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD
    )


@pytest.fixture
def framework_data() -> dict:
    return parse_framework(FRAMEWORK_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def framework(db, framework_data):
    return framework_create(framework_data)


@pytest.fixture
def org(db):
    return Organization.objects.create(name="Riverside County DSS", sector="public")


@pytest.fixture
def other_org(db):
    return Organization.objects.create(name="Hillview Housing", sector="nonprofit")


def _member(org, username: str, role: str):
    user = make_user(username)
    Membership.objects.create(user=user, organization=org, role=role)
    return user


@pytest.fixture
def leader(org):
    return _member(org, "leader", Role.LEADER)


@pytest.fixture
def contributor(org):
    return _member(org, "contributor", Role.CONTRIBUTOR)


@pytest.fixture
def viewer(org):
    return _member(org, "viewer", Role.VIEWER)


@pytest.fixture
def stranger(other_org):
    """A leader, but of another organization."""
    return _member(other_org, "stranger", Role.LEADER)


@pytest.fixture
def program(org):
    return Program.objects.create(organization=org, name="Family Stability", service_area="Housing")


@pytest.fixture
def draft(program, framework, leader):
    return assessment_start(
        program=program, cycle=cycle_of(program, "2026"), framework=framework, by=leader
    )


def answer_all(assessment, level: int = levels.COLLABORATIVE, evidence: str = "Minutes 2026-03"):
    """Answer every indicator of the assessment's framework at one level."""
    from assessments.models import Indicator

    for indicator in Indicator.objects.filter(dimension__framework=assessment.framework):
        Answer.objects.update_or_create(
            assessment=assessment,
            indicator=indicator,
            defaults={"level": level, "evidence": evidence},
        )


@pytest.fixture(autouse=True)
def empty_cache():
    """Sign-up's rate limits and email pauses live in the cache: each test starts afresh."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


ACTION_STEPS_FILE = (
    Path(__file__).parent.parent / "fixtures/action_steps/value-curve-equity-v1.yaml"
)


@pytest.fixture
def action_steps(framework):
    """The shipped action-step library, on the v1 framework."""
    from assessments.action_steps import action_steps_import, parse_action_steps

    steps = parse_action_steps(ACTION_STEPS_FILE.read_text(encoding="utf-8"), framework)
    action_steps_import(framework, steps)
    return framework.action_steps.all()
