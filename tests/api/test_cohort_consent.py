"""Consent holds on every cohort endpoint of the API: the cohorts consent matrix, read through
a facilitator's cohort token instead of a session.

Each case is a member organization (the subject) alone in a cohort of its own beside five
filler members that share their levels, their outcome indices and their survey results, so
that the aggregates are shown (tests.cohorts.test_consent_matrix builds the same cast). The
subject's data carries markers: its name and its program's (its levels), a plan step's title
(its plan), an answer's evidence (its answers), an outcome measure's name (its outcomes) and
an open answer of its survey (never shared by anyone). Every endpoint of `OUTPUTS` is called
with the facilitator's token, made in a two-factor verified session or not: a marker of what
the subject does not share with that token must be absent; what it shares must be there, so
that the check itself can fail; and the body says how many members are left out.
"""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import product

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import get_resolver, reverse

from assessments.framework_io import framework_create, parse_framework
from cohorts.models import CohortMember, Sharing
from tests.api.conftest import bearer, make_token
from tests.api.test_access import _named_urls
from tests.cohorts import test_consent_matrix as pages
from tests.cohorts.conftest import empty_cache  # noqa: F401  (autouse: each test from cold)
from tests.conftest import FRAMEWORK_FILE
from tests.surveys.factories import stored_survey

FILLERS = pages.FILLERS


@dataclass(frozen=True)
class Case(pages.Case):
    """The pages' case (what the subject shares, two-factor), and its consent to share its
    survey results; `verified`: the token was made in a two-factor verified session."""

    surveys: bool = False

    @property
    def id(self) -> str:
        return f"{super().id}-{'surveys' if self.surveys else 'no-surveys'}"

    def allowed(self) -> set[str]:
        shared = super().allowed()
        return shared | {"surveys"} if shared and self.surveys else shared

    def left_out(self) -> int:
        return int(self.sharing != "invited" and self.required and not self.verified)


CASES = [
    Case(*values)
    for values in product(
        ["invited", Sharing.LEVELS, Sharing.PLANS, Sharing.EVERYTHING],
        (False, True),  # outcomes
        (False, True),  # two-factor required
        (False, True),  # token verified
        (False, True),  # surveys
    )
]


def open_text(subject) -> str:
    return f"Qopen{subject.number:02d}x"


def markers(subject) -> dict[str, tuple[str, ...]]:
    """Every marker of each kind of the subject's data."""
    found = {kind: (marker,) for kind, marker in subject.markers().items()}
    found["levels"] = (subject.name, subject.program_name)
    found["open text"] = (open_text(subject),)  # shared with no cohort, whatever the consent
    return found


# --- The endpoints -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    name: str  # the URL name
    shows: dict[str, Callable[[dict, str, object], bool]]  # kind -> (body, text, subject)


def has(kind: str) -> Callable:
    return lambda body, text, subject: subject.markers()[kind] in text


def counts(path: Callable[[dict], int]) -> Callable:
    """The subject is counted: the figure says the fillers and one more."""
    return lambda body, text, subject: path(body) == FILLERS + 1


OUTPUTS = [
    Output("api:cohorts", {"levels": counts(lambda b: b["results"][0]["rounds"][0]["submitted"])}),
    Output("api:cohort_organizations", {"levels": has("levels")}),
    Output(
        "api:cohort_programs",
        {"levels": lambda body, text, subject: subject.program_name in text},
    ),
    Output(
        "api:cohort_benchmark",
        {"levels": counts(lambda b: b["dimensions"][0]["programs"]["organizations"])},
    ),
    Output("api:cohort_scorecard", {"plans": has("plans")}),
    Output(
        "api:cohort_surveys",
        {"surveys": counts(lambda b: b["aggregates"][0]["spread"]["organizations"])},
    ),
]


def url(output: Output, subject) -> str:
    if output.name == "api:cohorts":
        return reverse(output.name)
    return reverse(output.name, args=[subject.cohort.pk])


# --- The world ---------------------------------------------------------------------------------


def survey_of(organization, agree: int, text: str = "") -> None:
    program = organization.programs.first()
    groups = {"white": (40, agree), "black": (40, agree)}
    stored_survey(program, groups, texts=(text,) if text else ())


def build_world() -> dict:
    framework = framework_create(parse_framework(FRAMEWORK_FILE.read_text(encoding="utf-8")))
    users = get_user_model().objects
    facilitator = users.create_user("api-facilitator", "api-facilitator@example.org", "x")
    fillers = [pages.filler(framework, n) for n in range(FILLERS)]
    for n, organization in enumerate(fillers):
        survey_of(organization, agree=20 + n)
    subjects = {}
    for number, case in enumerate(CASES):
        subject = pages.subject(framework, number, case, fillers, (facilitator,))
        survey_of(subject.organization, agree=30, text=open_text(subject))
        CohortMember.objects.filter(cohort=subject.cohort).exclude(
            organization=subject.organization
        ).update(shares_surveys=True)
        CohortMember.objects.filter(organization=subject.organization).update(
            shares_surveys=case.surveys
        )
        subjects[case] = subject
    return {"facilitator": facilitator, "subjects": subjects}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module and rolled back at its end (as the pages' matrix is)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# --- The matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("output", OUTPUTS, ids=lambda o: o.name)
def test_an_endpoint_gives_exactly_what_the_member_shares(client, db, world, output, case):
    subject = world["subjects"][case]
    secret = make_token(world["facilitator"], cohort=subject.cohort, verified=case.verified)
    response = client.get(url(output, subject), **bearer(secret))
    assert response.status_code == 200, response.content
    body, text = response.json(), response.content.decode()
    allowed = case.allowed()
    leaked = {
        kind
        for kind, found in markers(subject).items()
        if kind not in allowed and any(marker in text for marker in found)
    }
    assert leaked == set(), f"{output.name} gives the subject's {leaked}"
    shown = {kind for kind, found in output.shows.items() if found(body, text, subject)}
    assert shown == allowed & output.shows.keys()
    if "left_out" in body:
        assert body["left_out"] == case.left_out()
        assert (body["left_out_reason"] is None) is (case.left_out() == 0)


def test_every_cohort_endpoint_is_in_the_matrix():
    named = {n for n in _named_urls(get_resolver().url_patterns) if n.startswith("api:cohort")}
    assert named == {output.name for output in OUTPUTS}


def test_the_reason_a_member_is_left_out_is_given_in_words(client, db, world):
    case = Case(Sharing.EVERYTHING, True, required=True, verified=False, surveys=True)
    subject = world["subjects"][case]
    secret = make_token(world["facilitator"], cohort=subject.cohort, verified=False)
    url = reverse("api:cohort_organizations", args=[subject.cohort.pk])
    body = client.get(url, **bearer(secret)).json()
    assert body["left_out"] == 1 and body["count"] == FILLERS
    assert "1 member organization requires two-factor sign-in" in body["left_out_reason"]
