"""Hardening: hostile text is shown escaped everywhere, and bad input on every POST endpoint
is refused without a 500 and without changing anything.

Part 1 stores each payload of `tests/payloads.py` in every text field the app accepts
(through its views where it has them, through the ORM where an admin enters it) and reads
every page that shows them. Part 2 generates mutations of a valid form for every POST
endpoint and compares the database before and after each refused request.
"""

import copy
import dataclasses
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assessments import levels, members, organizations
from assessments.framework_io import framework_create, parse_framework
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    DimensionScore,
    Indicator,
    Invitation,
    Membership,
    Organization,
    PriorAnswer,
    Program,
    Respondent,
    RespondentAnswer,
    Role,
)
from assessments.services import assessment_start, assessment_submit
from outcomes.groups import COMPARED_GROUPS
from outcomes.imports import MAX_BYTES
from outcomes.models import OutcomeCount, OutcomeMeasure
from surveys import questions as survey_questions
from surveys.models import Answer as SurveyAnswer
from surveys.models import OneTimeCode, ProgramQuestion, Survey
from surveys.models import Response as SurveyResponse
from tests.conftest import FRAMEWORK_FILE, PASSWORD, make_user
from tests.cycles import cycle_of, new_cycle
from tests.payloads import PAYLOADS, fit, live_markup
from valuecurve import chart_svg, two_factor

# --- Part 1: cross-site scripting -----------------------------------------------------------

# Stored fields and their length limits; each gets `field:payload`, cut to fit.
STORED = {
    "org_name": 200,
    "org_region": 100,
    "program_name": 200,
    "service_area": 100,
    "population": 300,
    "leader_first": 150,
    "leader_last": 150,
    "contributor_first": 150,
    "contributor_last": 150,
    "newcomer_first": 150,
    "evidence": 5000,
    "respondent_evidence": 5000,
    "draft_evidence": 5000,
    "consensus_evidence": 5000,
    "consensus_note": 2000,
    "reopen_reason": 1000,
    "framework_title": 200,
    "dimension_name": 100,
    "dimension_description": 4000,
    "statement": 4000,
    "descriptor": 4000,
    "evidence_guidance": 4000,
    "measure_name": 200,
    "measure_description": 2000,
    "measure_denominator": 100,
    "measure_phrase": 200,
}
# Fields the app refuses (`field payload`, in full): the page that refuses them shows them.
REFUSED = (
    "cycle",
    "invite_email",
    "signup_username",
    "open_signup_username",
    "login_username",
    "next_param",
)

ORG = {"org_name"}
PROGRAM = {"program_name"}
LEADER = {"leader_first", "leader_last"}
CONTRIBUTOR = {"contributor_first", "contributor_last"}
ANSWER_PAGE = {
    "statement",
    "descriptor",
    "evidence_guidance",
    "dimension_name",
    "dimension_description",
}
PROGRAM_PAGE = LEADER | ORG | PROGRAM | {"service_area", "population", "framework_title"}
MEMBERS_PAGE = LEADER | CONTRIBUTOR | ORG
RESULTS = ORG | PROGRAM | {"framework_title", "dimension_name", "statement"}
HISTORY = PROGRAM | {"statement"}
SINGLE = {"evidence", "reopen_reason"}
CONSENSUS = {"consensus_evidence", "consensus_note"}
CONSENSUS_PAGE = HISTORY | CONSENSUS | {"descriptor", "dimension_name", "respondent_evidence"}
MEASURE = {"measure_name", "measure_description", "measure_denominator", "measure_phrase"}
# Page -> the fields it must show (escaped). Every page is also checked for every other
# field: nowhere may a payload appear raw.
SHOWN = {
    "home": LEADER | ORG | PROGRAM | {"service_area"},
    "program": PROGRAM_PAGE | {"dimension_name"},
    "dimension": LEADER | PROGRAM | ANSWER_PAGE | {"evidence"},
    "review": LEADER | PROGRAM | {"dimension_name"},
    "results_single": LEADER | RESULTS | SINGLE,
    "history_single": LEADER | HISTORY | SINGLE,
    "dimension_respondent": CONTRIBUTOR | PROGRAM | ANSWER_PAGE | {"respondent_evidence"},
    "home_respondent": LEADER | ORG | PROGRAM,
    "consensus": LEADER | CONTRIBUTOR | CONSENSUS_PAGE | {"draft_evidence"},
    "review_team": LEADER | CONTRIBUTOR | PROGRAM | {"dimension_name", "draft_evidence"},
    "results_team": LEADER | CONTRIBUTOR | RESULTS | CONSENSUS,
    "history_team": LEADER | CONTRIBUTOR | HISTORY | CONSENSUS | {"draft_evidence"},
    "members": MEMBERS_PAGE,
    "about": LEADER,
    "account": LEADER,
    "two_factor_setup": LEADER,
    "accept_anonymous": ORG,
    "accept_signed_in": ORG | {"newcomer_first"},
    "start_refused": PROGRAM_PAGE | {"dimension_name", "cycle"},
    "invite_refused": MEMBERS_PAGE | {"invite_email"},
    "signup_refused": ORG | {"signup_username"},
    "login_refused": {"login_username"},
    "outcomes": PROGRAM | {"measure_name", "measure_denominator"},
    "measure": PROGRAM | MEASURE,
    "measure_edit": PROGRAM | MEASURE,
    "counts_entry": PROGRAM | {"measure_name", "measure_denominator"},
    "counts_import": PROGRAM | {"measure_name"},
    "programs": ORG | PROGRAM | {"service_area", "population"},
    "program_edit": PROGRAM | {"service_area", "population"},
    "program_archive": PROGRAM,
    "organization_profile": ORG | {"org_region"},
    "remove_member": CONTRIBUTOR | ORG,
    "open_signup_refused": {"open_signup_username"},
}
RESULTS_PAGES = ("results_single", "results_team")


def hostile_values(payload: str) -> dict[str, str]:
    values = {field: fit(field, payload, limit) for field, limit in STORED.items()}
    return values | {field: f"{field} {payload}" for field in REFUSED}


def xss_plan(values: dict[str, str]) -> list[tuple[str, str, str]]:
    """(page, field, check): "shown" where the page shows the field, "not raw" everywhere
    the raw text would differ from its escaped form."""
    plan = []
    for page, shown in SHOWN.items():
        for field, value in values.items():
            if field in shown:
                plan.append((page, field, "shown"))
            if escape(value) != value:
                plan.append((page, field, "not raw"))
    return plan


def hostile_framework(framework_data: dict, v: dict[str, str]):
    data = copy.deepcopy(framework_data)
    data.update(slug="hostile", version=1, title=v["framework_title"])
    for dimension in data["dimensions"]:
        dimension.update(name=v["dimension_name"], description=v["dimension_description"])
        for indicator in dimension["indicators"]:
            indicator.update(statement=v["statement"], evidence_guidance=v["evidence_guidance"])
            indicator["levels"] = dict.fromkeys(indicator["levels"], v["descriptor"])
    return framework_create(data)


def enter_as_admin(v: dict[str, str], org, program, leader, contributor, newcomer) -> None:
    org.name, org.region = v["org_name"], v["org_region"]
    org.save()
    program.name, program.service_area = v["program_name"], v["service_area"]
    program.population_served = v["population"]
    program.save()
    for user, role in ((leader, "leader"), (contributor, "contributor"), (newcomer, "newcomer")):
        user.first_name = v[f"{role}_first"]
        user.last_name = v.get(f"{role}_last", "")
        user.save()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def error_messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages if m.level_tag == "error"]


def ok_post(client: Client, url: str, data: dict) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.status_code)
    assert error_messages(response) == [], url


def fresh(assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


def page_data(dimension, version: int, **answer) -> dict:
    """A dimension (or consensus) page's form with one answer for each of its indicators."""
    data = {"version": version, "next": ""}
    for indicator in dimension.indicators.all():
        for name, value in answer.items():
            data[f"i-{indicator.key}-{name}"] = value
    return data


def run_single_cycle(lead: Client, assessment, v) -> dict:
    """One respondent: answered page by page, submitted, reopened with a reason."""
    for dimension in assessment.framework.dimensions.all():
        url = reverse("assessments:dimension", args=[assessment.pk, dimension.key])
        answer = {"level": levels.COLLABORATIVE, "evidence": v["evidence"], "confidence": "high"}
        ok_post(lead, url, page_data(dimension, fresh(assessment).version, **answer))
    version = {"version": fresh(assessment).version}
    ok_post(lead, reverse("assessments:submit", args=[assessment.pk]), version)
    reason = {"reason": v["reopen_reason"]}
    ok_post(lead, reverse("assessments:reopen", args=[assessment.pk]), reason)
    first = assessment.framework.dimensions.first()
    return {
        "dimension": lead.get(reverse("assessments:dimension", args=[assessment.pk, first.key])),
        "review": lead.get(reverse("assessments:review", args=[assessment.pk])),
        "results_single": lead.get(reverse("reports:results", args=[assessment.pk])),
        "history_single": lead.get(reverse("assessments:history", args=[assessment.pk])),
    }


def run_team_cycle(lead: Client, respond: Client, assessment, contributor, v) -> dict:
    """Several respondents: the leader drafts a page, assigns (the draft is set aside), one
    respondent answers a page, the round closes, the leader sets the consensus on every page
    and submits."""
    dimensions = list(assessment.framework.dimensions.all())
    url = reverse("assessments:dimension", args=[assessment.pk, dimensions[0].key])
    draft = {"level": levels.REGULATIVE, "evidence": v["draft_evidence"], "confidence": "high"}
    ok_post(lead, url, page_data(dimensions[0], fresh(assessment).version, **draft))
    ok_post(
        lead, reverse("assessments:respondents", args=[assessment.pk]), {"users": [contributor.pk]}
    )
    own = {"level": levels.INTEGRATIVE, "evidence": v["respondent_evidence"], "confidence": "low"}
    ok_post(respond, url, page_data(dimensions[0], assessment.respondents.get().version, **own))
    pages = {
        "dimension_respondent": respond.get(url),
        "home_respondent": respond.get(reverse("assessments:home")),
    }
    ok_post(lead, reverse("assessments:close_round", args=[assessment.pk]), {})
    consensus = {
        "level": levels.COLLABORATIVE,
        "evidence": v["consensus_evidence"],
        "note": v["consensus_note"],
        "confidence": "medium",
    }
    for dimension in dimensions:
        url = reverse("assessments:consensus", args=[assessment.pk, dimension.key])
        ok_post(lead, url, page_data(dimension, fresh(assessment).version, **consensus))
    first = reverse("assessments:consensus", args=[assessment.pk, dimensions[0].key])
    pages["consensus"] = lead.get(first)
    pages["review_team"] = lead.get(reverse("assessments:review", args=[assessment.pk]))
    version = {"version": fresh(assessment).version}
    ok_post(lead, reverse("assessments:submit", args=[assessment.pk]), version)
    pages["results_team"] = lead.get(reverse("reports:results", args=[assessment.pk]))
    pages["history_team"] = lead.get(reverse("assessments:history", args=[assessment.pk]))
    return pages


def run_outcomes(lead: Client, program, v) -> dict:
    """An outcome measure added, its counts entered and imported, its pages read."""
    ok_post(
        lead,
        reverse("outcomes:measure_create", args=[program.pk]),
        {
            "name": v["measure_name"],
            "description": v["measure_description"],
            "direction": "adverse",
            "denominator": v["measure_denominator"],
            "outcome_phrase": v["measure_phrase"],
            "granularity": "year",
            "reference": "total",
        },
    )
    measure = OutcomeMeasure.objects.get(program=program)
    # nhpi is small; the unknown group, always the first complement, hides enough with it
    # (15 events and non-events) for the compared groups to stay shown.
    counts = {
        "white": (200, 50),
        "black": (150, 60),
        "hispanic": (100, 30),
        "nhpi": (5, 1),
        "unknown": (40, 20),
    }
    data = {"period": "2026", "standard": "2024"}
    for group, (population, events) in counts.items():
        data |= {f"population_{group}": population, f"events_{group}": events}
    ok_post(lead, reverse("outcomes:counts_entry", args=[measure.pk]), data)
    csv = b"period,group,population,events\n2025,white,210,60\n2025,black,140,70\n"
    file = CsvFile(csv)
    data = {"file": file, "standard": "2024"}
    ok_post(lead, reverse("outcomes:counts_import", args=[measure.pk]), data)
    pages = {"outcomes": lead.get(reverse("outcomes:program_outcomes", args=[program.pk]))}
    for page in ("measure", "measure_edit", "counts_entry", "counts_import"):
        pages[page] = lead.get(reverse(f"outcomes:{page}", args=[measure.pk]))
    assert "Black or African American were" in pages["measure"].content.decode()
    return pages


class CsvFile:
    """An uploaded file for the test client, read whole every time it is sent."""

    def __init__(self, content: bytes, name: str = "counts.csv"):
        self.content, self.name = content, name

    def read(self, *args) -> bytes:
        return self.content


def refused_posts(lead: Client, org, program, framework, token: str, v) -> dict:
    """Text the forms refuse: the refusal creates nothing and shows the text back escaped."""
    counts = (Assessment.objects.count(), Invitation.objects.count())
    users = get_user_model().objects.count()
    start = reverse("assessments:start", args=[program.pk])
    invite = reverse("assessments:invite", args=[org.pk])
    accept = reverse("assessments:invitation_accept", args=[token])
    signup = {"username": v["signup_username"], "password1": PASSWORD, "password2": PASSWORD}
    pages = {
        "start_refused": lead.post(start, {"new_name": v["cycle"], "framework": framework.pk}),
        "invite_refused": lead.post(invite, {"email": v["invite_email"], "role": Role.VIEWER}),
        "signup_refused": Client().post(accept, signup),
        "login_refused": Client().post(
            reverse("login"), {"username": v["login_username"], "password": PASSWORD}
        ),
    }
    for page in ("start_refused", "invite_refused", "signup_refused"):
        assert pages[page].status_code == 400, page
    assert pages["login_refused"].context["form"].errors
    assert (Assessment.objects.count(), Invitation.objects.count()) == counts
    assert get_user_model().objects.count() == users
    assert Invitation.objects.pending().count() == 1
    return pages


def organization_pages(lead: Client, org, program, contributor, v) -> dict:
    """The organization's profile and programs, the confirmation pages, a refused sign-up."""
    membership = Membership.objects.get(user=contributor)
    signup = {
        "username": v["open_signup_username"],
        "email": "someone@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    pages = {
        "programs": lead.get(reverse("assessments:programs", args=[org.pk])),
        "program_edit": lead.get(reverse("assessments:program_edit", args=[program.pk])),
        "program_archive": lead.get(reverse("assessments:program_archive", args=[program.pk])),
        "organization_profile": lead.get(
            reverse("assessments:organization_profile", args=[org.pk])
        ),
        "remove_member": lead.get(reverse("assessments:remove_member", args=[membership.pk])),
        "open_signup_refused": Client().post(reverse("signup"), signup),
    }
    assert pages["open_signup_refused"].status_code == 400
    return pages


CHART = re.compile(r'<script id="profile-chart" type="application/json">(.*?)</script>', re.S)
# Every json_script block: quotes stay raw in JSON, so these are checked apart.
ANY_JSON = re.compile(r'<script id="[\w-]+" type="application/json">(.*?)</script>', re.S)


def chart_problems(page: str, html: str, dimension_name: str) -> list[str]:
    """The results chart's data is JSON in a script element: `<` must be escaped there
    (quotes need not be: the browser reads no attributes in there)."""
    match = CHART.search(html)
    if match is None:
        return [f"{page}: no chart data"]
    text = match.group(1)
    problems = [f"{page}: raw {c!r} in chart JSON" for c in "<>" if c in text]
    # The bars sit at positions; each bar's hover text names its dimension (the axis labels
    # wrap the same name over lines).
    hover = json.loads(text)["data"][0]["hovertext"]
    name = " ".join(dimension_name.split())
    if len(hover) != 4 or not all(" ".join(h.split()).startswith(name) for h in hover):
        problems.append(f"{page}: chart JSON does not hold the dimension names")
    return problems


def page_problems(pages: dict, v: dict[str, str]) -> list[str]:
    problems: list[str] = []
    plan = xss_plan(v)
    html = {}
    for page, response in pages.items():
        assert response.status_code != 500, page
        html[page] = response.content.decode()
        if page in RESULTS_PAGES:
            problems += chart_problems(page, html[page], v["dimension_name"])
            problems += [
                f"{page}: raw {c!r} in JSON data"
                for block in ANY_JSON.findall(html[page])
                for c in "<>"
                if c in block
            ]
            html[page] = ANY_JSON.sub("", html[page])
        problems += [f"{page}: live markup {p}" for p in live_markup(html[page])]
    for page, field, check in plan:
        escaped, raw = escape(v[field]), v[field]
        if check == "shown" and escaped not in html[page]:
            problems.append(f"{page}: {field} not shown escaped")
        if check == "not raw" and raw in html[page]:
            problems.append(f"{page}: {field} shown raw")
    return problems


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_hostile_text_is_shown_escaped_on_every_page(
    payload, framework_data, org, program, leader, contributor
):
    v = hostile_values(payload)
    newcomer = make_user("newcomer")
    enter_as_admin(v, org, program, leader, contributor, newcomer)
    framework = hostile_framework(framework_data, v)
    lead, respond = signed_in(leader), signed_in(contributor)
    single = assessment_start(
        program=program, cycle=cycle_of(program, "2025"), framework=framework, by=leader
    )
    team = assessment_start(
        program=program, cycle=cycle_of(program, "2026"), framework=framework, by=leader
    )
    pages = run_single_cycle(lead, single, v) | run_team_cycle(lead, respond, team, contributor, v)
    token = members.invitation_create(
        organization=org, email="newcomer@example.org", role=Role.CONTRIBUTOR, by=leader
    )
    accept = reverse("assessments:invitation_accept", args=[token])
    setup = reverse("two_factor_setup") + "?" + urlencode({"next": v["next_param"]})
    pages |= {
        "home": lead.get(reverse("assessments:home")),
        "program": lead.get(reverse("assessments:program", args=[program.pk])),
        "members": lead.get(reverse("assessments:members", args=[org.pk])),
        "about": lead.get(reverse("about")),
        "account": lead.get(reverse("account")),
        "two_factor_setup": lead.get(setup),
        "accept_anonymous": Client().get(accept),
        "accept_signed_in": signed_in(newcomer).get(accept),
    }
    pages |= refused_posts(lead, org, program, framework, token, v)
    pages |= run_outcomes(lead, program, v)
    pages |= organization_pages(lead, org, program, contributor, v)
    assert set(pages) == set(SHOWN)
    assert page_problems(pages, v) == []


def test_the_checks_catch_an_unescaped_payload():
    """The checks above would see a field rendered with `|safe`."""
    html = "<p>org_name:<script>alert(1)</script></p><img src=x onerror=alert(1)>"
    assert live_markup(html) == ["<script {}>", "<img onerror=…>", "<img src='x'>"]
    assert "org_name:<script>alert(1)</script>" in html


# --- Part 2: bad input on every POST endpoint -----------------------------------------------

MISSING = object()
HUGE = "x" * 100_000
# Applied to every field of every form.
VALUE_MUTATIONS = {
    "missing": MISSING,
    "empty": "",
    "blank": "   ",
    "text": "abc",
    "negative": "-1",
    "huge-number": "99999999999999999999",
    "decimal": "1.5",
    "huge-text": HUGE,
    "nul": "a\x00b",
    "unknown-choice": "not-a-choice",
}
REFUSE, UNCHANGED, ANY, ACCEPT = "refuse", "unchanged", "any", "accept"
_FRAMEWORK = parse_framework(FRAMEWORK_FILE.read_text(encoding="utf-8"))
GOVERNANCE = _FRAMEWORK["dimensions"][0]["key"]
FIRST = _FRAMEWORK["dimensions"][0]["indicators"][0]["key"]


def text(max_length: int, required: bool = True, pattern: str | None = None):
    """What a CharField (stripped, no NUL) accepts."""

    def accepts(value) -> bool:
        if value is MISSING or not value.strip():
            return not required
        value = value.strip()
        fits = len(value) <= max_length and "\x00" not in value
        return fits and (pattern is None or re.fullmatch(pattern, value) is not None)

    return accepts


def choice(*choices: str, required: bool = False):
    def accepts(value) -> bool:
        if value is MISSING or value == "":
            return not required
        return value in choices

    return accepts


def never(value) -> bool:
    """Fields whose one valid value is the one in the valid form (a version, a code)."""
    return False


def always(value) -> bool:
    """A checkbox: anything posted is "on", nothing posted is "off"."""
    return True


@dataclass(frozen=True)
class Field:
    name: str
    accepts: Callable
    # Extra values for this field: (mutation, value for the world, expectation).
    extra: tuple = ()


@dataclass(frozen=True)
class Request:
    url: str
    data: dict
    actor: object = None  # a user, or None: anonymous
    verified: object = None  # a device the session has passed, as after a full sign-in
    headers: dict = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Endpoint:
    name: str
    build: Callable  # (world) -> the valid Request, after setting up what it needs
    fields: tuple[Field, ...] = ()
    variants: tuple = ()  # (mutation, expectation, (request, world) -> request)
    # The valid form posted twice is taken twice, by design (two people can give the same
    # answers; a second survey or batch of codes is the leader's choice).
    repeatable: bool = False


@dataclass(frozen=True)
class Mutation:
    endpoint: str
    name: str
    expect: str
    apply: Callable  # (request, world) -> request

    @property
    def id(self) -> str:
        return f"{self.endpoint}:{self.name}"


def with_data(**changes):
    def apply(request: Request, world) -> Request:
        data = {k: v for k, v in {**request.data, **changes}.items() if v is not MISSING}
        return replace(request, data=data)

    return apply


def as_user(name: str | None):
    return lambda request, world: replace(
        request, actor=getattr(world, name) if name else None, verified=None
    )


def at(url: Callable):
    return lambda request, world: replace(request, url=url(world))


def guarded(need: str, foreign: Callable | None, unknown: Callable | None) -> tuple:
    """Who may not post, and objects that are not this organization's."""
    variants = [("anonymous", REFUSE, as_user(None)), ("stranger", REFUSE, as_user("stranger"))]
    if need in ("lead", "answer"):
        variants.append(("viewer", REFUSE, as_user("viewer")))
    if need == "lead":
        variants.append(("contributor", REFUSE, as_user("contributor")))
    if foreign:
        variants.append(("other-org-object", REFUSE, at(foreign)))
    if unknown:
        variants.append(("unknown-object", REFUSE, at(unknown)))
    return tuple(variants)


def url(name: str, *attrs: str):
    """A URL on objects of the world: url("x", "draft") -> reverse("x", [world.draft.pk])."""
    return lambda world: reverse(name, args=[_arg(world, a) for a in attrs])


# URL arguments that are not objects of the world.
LITERAL_ARGS = {
    "governance": GOVERNANCE,
    "nope": "no-such-dimension",
    "987654321": 987654321,
    "99999999999999999999": 99999999999999999999,
}


def _arg(world, attr: str):
    if attr == "random":
        return uuid.uuid4()
    if attr in LITERAL_ARGS:
        return LITERAL_ARGS[attr]
    return getattr(world, attr).pk


def set_version(assessment, version: int) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(version=version)


def answer_everything(world, assessment, level: int = levels.COLLABORATIVE) -> None:
    Answer.objects.bulk_create(
        (
            Answer(assessment=assessment, indicator=i, level=level, evidence="Minutes")
            for i in world.indicators
        ),
        ignore_conflicts=True,  # an answer someone saved meanwhile stays
    )


def add_respondent(world, user, answered: bool = False) -> Respondent:
    respondent = Respondent.objects.create(assessment=world.draft, user=user)
    if answered:
        RespondentAnswer.objects.bulk_create(
            RespondentAnswer(respondent=respondent, indicator=i, level=levels.REGULATIVE)
            for i in world.indicators
        )
    return respondent


def governance_page(version: int, **answer) -> dict:
    data = {"version": version, "next": ""}
    for key in _governance_keys():
        data |= {f"i-{key}-{name}": value for name, value in answer.items()}
    return data


def _governance_keys() -> list[str]:
    return [i["key"] for i in _FRAMEWORK["dimensions"][0]["indicators"]]


def totp_code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


# The valid request of each endpoint, with the state it needs.


def build_start(w) -> Request:
    data = {**new_cycle("2027"), "framework": w.framework.pk, "copy_previous": "on"}
    return Request(url("assessments:start", "program")(w), data, w.leader)


def saved_meanwhile(w, version: int) -> None:
    """Someone saved the first indicator at `version`: a page older than that, posting a
    different answer to it, is stale (conflicts are per indicator)."""
    indicator = next(i for i in w.indicators if i.key == FIRST)
    Answer.objects.create(
        assessment=w.draft, indicator=indicator, level=levels.REGULATIVE, changed_in_version=version
    )


def build_dimension(w) -> Request:
    set_version(w.draft, 3)
    saved_meanwhile(w, 3)
    data = governance_page(3, level="3", evidence="Minutes", confidence="high")
    return Request(url("assessments:dimension", "draft", "governance")(w), data, w.leader)


def build_submit(w) -> Request:
    answer_everything(w, w.draft)
    set_version(w.draft, 3)
    return Request(url("assessments:submit", "draft")(w), {"version": 3}, w.leader)


def build_reopen(w) -> Request:
    answer_everything(w, w.draft)
    assessment_submit(assessment=fresh(w.draft), expected_version=1, by=w.leader)
    return Request(url("assessments:reopen", "draft")(w), {"reason": "A typo"}, w.leader)


def build_respondents(w) -> Request:
    data = {"users": [w.contributor.pk]}
    return Request(url("assessments:respondents", "draft")(w), data, w.leader)


def build_respondent_submit(w) -> Request:
    respondent = add_respondent(w, w.contributor, answered=True)
    Respondent.objects.filter(pk=respondent.pk).update(version=3)
    data = {"version": 3}
    return Request(url("assessments:respondent_submit", "draft")(w), data, w.contributor)


def build_confirm_carried(w) -> Request:
    answer_everything(w, w.draft)
    w.draft.answers.update(carried_over=True)  # as if started from the last cycle
    return Request(url("assessments:confirm_carried", "draft", "governance")(w), {}, w.contributor)


def with_respondent(request: Request, world) -> Request:
    add_respondent(world, world.contributor)
    return request


def build_close_round(w) -> Request:
    add_respondent(w, w.contributor)
    return Request(url("assessments:close_round", "draft")(w), {}, w.leader)


def build_remind(w) -> Request:
    add_respondent(w, w.contributor)
    return Request(url("assessments:remind_respondents", "draft")(w), {}, w.leader)


def emailed_today(request: Request, world) -> Request:
    Respondent.objects.update(emailed_at=timezone.now() - timedelta(hours=23))
    return request


def round_closed(request: Request, world) -> Request:
    Assessment.objects.filter(pk=world.draft.pk).update(round_closed_at=timezone.now())
    return request


def everyone_submitted(request: Request, world) -> Request:
    Respondent.objects.update(submitted_at=timezone.now())
    return request


def build_consensus(w) -> Request:
    add_respondent(w, w.contributor, answered=True)
    Assessment.objects.filter(pk=w.draft.pk).update(version=3, round_closed_at=timezone.now())
    saved_meanwhile(w, 3)
    data = governance_page(3, level="2", evidence="Agreed", confidence="medium", note="Why")
    return Request(url("assessments:consensus", "draft", "governance")(w), data, w.leader)


def build_invite(w) -> Request:
    data = {"email": "new@example.org", "role": Role.CONTRIBUTOR}
    return Request(url("assessments:invite", "org")(w), data, w.leader)


def build_security(w) -> Request:
    data = {"require_two_factor": "on"}
    return Request(url("assessments:organization_security", "org")(w), data, w.leader)


def build_role(w) -> Request:
    data = {"role": Role.CONTRIBUTOR}
    return Request(url("assessments:role", "viewer_membership")(w), data, w.leader)


def build_remove(w) -> Request:
    return Request(url("assessments:remove_member", "viewer_membership")(w), {}, w.leader)


def build_revoke(w) -> Request:
    members.invitation_create(organization=w.org, email="x@example.org", role="viewer", by=w.leader)
    invitation = Invitation.objects.get(email="x@example.org")
    return Request(reverse("assessments:revoke_invitation", args=[invitation.pk]), {}, w.leader)


def build_accept(w) -> Request:
    token = members.invitation_create(
        organization=w.org, email="newcomer@example.org", role=Role.CONTRIBUTOR, by=w.leader
    )
    data = {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD}
    return Request(reverse("assessments:invitation_accept", args=[token]), data)


def build_two_factor_setup(w) -> Request:
    device = two_factor.totp_start(w.leader)
    return Request(reverse("two_factor_setup"), {"token": totp_code(device)}, w.leader)


def build_two_factor_verify(w) -> Request:
    confirmed_device(w.leader)
    code = two_factor.recovery_codes_renew(w.leader)[0]
    return Request(reverse("two_factor_verify"), {"token": code}, w.leader)


def build_two_factor_disable(w) -> Request:
    device = confirmed_device(w.leader)
    return Request(reverse("two_factor_disable"), {}, w.leader, verified=device)


def build_login(w) -> Request:
    return Request(reverse("login"), {"username": "leader", "password": PASSWORD})


ORGANIZATION = {"name": "New org", "sector": "nonprofit", "region": "North", "size": "small"}
PROGRAM_DATA = {"name": "New program", "service_area": "Housing", "population_served": "Families"}


def build_organization_create(w) -> Request:
    return Request(reverse("assessments:organization_create"), dict(ORGANIZATION), w.leader)


def build_organization_profile(w) -> Request:
    data = ORGANIZATION | {"name": "Renamed org"}
    return Request(url("assessments:organization_profile", "org")(w), data, w.leader)


def build_program_create(w) -> Request:
    return Request(url("assessments:program_create", "org")(w), dict(PROGRAM_DATA), w.leader)


def build_program_edit(w) -> Request:
    data = PROGRAM_DATA | {"name": "Renamed program"}
    return Request(url("assessments:program_edit", "program")(w), data, w.leader)


def build_program_archive(w) -> Request:
    return Request(url("assessments:program_archive", "program")(w), {}, w.leader)


def build_program_restore(w) -> Request:
    organizations.program_archive(program=w.program, by=w.leader)
    return Request(url("assessments:program_restore", "program")(w), {}, w.leader)


def build_signup(w) -> Request:
    data = {
        "username": "amara",
        "first_name": "Amara",
        "last_name": "",
        "email": "amara@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return Request(reverse("signup"), data)


def build_signup_resend(w) -> Request:
    return Request(reverse("signup_resend"), {"email": "leader@example.org"})


def archived(request: Request, world) -> Request:
    organizations.program_archive(program=world.program, by=world.leader)
    return request


def restored(request: Request, world) -> Request:
    organizations.program_restore(program=world.program, by=world.leader)
    return request


def build_password_reset(w) -> Request:
    return Request(reverse("password_reset"), {"email": "leader@example.org"})


SURVEY_DATA = {"title": "Spring check-in", "opens_on": "2026-04-01", "closes_on": "2026-04-30"}
SURVEY_ANSWERS = {
    "respect": "5",
    "recommend": "9",
    "works_well": "Kind staff",
    "p1": "1",
    "race": "black",
    "language": "es",
    "age_band": "25_34",
    "website": "",
}


def build_survey_create(w) -> Request:
    return Request(url("surveys:survey_create", "program")(w), dict(SURVEY_DATA), w.leader)


def build_survey_edit(w) -> Request:
    data = SURVEY_DATA | {"title": "Renamed survey"}
    return Request(url("surveys:survey_edit", "survey")(w), data, w.leader)


def build_question_add(w) -> Request:
    data = {"kind": "yes_no", "text": "Was it your first visit?", "options": ""}
    return Request(url("surveys:question_add", "survey")(w), data, w.leader)


def build_question_remove(w) -> Request:
    path = reverse("surveys:question_remove", args=[w.survey.pk, 1])
    return Request(path, {}, w.leader)


def build_paper_entry(w) -> Request:
    return Request(url("surveys:paper", "survey")(w), dict(SURVEY_ANSWERS), w.contributor)


def build_survey_answer(w) -> Request:
    path = reverse("surveys:answer", args=[w.survey.token]) + "?lang=es"
    return Request(path, dict(SURVEY_ANSWERS))


def build_codes_create(w) -> Request:
    Survey.objects.filter(pk=w.survey.pk).update(codes_required=True)
    return Request(url("surveys:codes", "survey")(w), {"count": "5"}, w.leader)


def with_answers(request: Request, world) -> Request:
    """The survey answered once: its questions are fixed."""
    client = Client()
    client.post(reverse("surveys:answer", args=[world.survey.token]), SURVEY_ANSWERS)
    return request


def survey_archived(request: Request, world) -> Request:
    organizations.program_archive(program=world.program, by=world.leader)
    return request


def survey_closed(request: Request, world) -> Request:
    Survey.objects.filter(pk=world.survey.pk).update(opens_on=date_of(-30), closes_on=date_of(-1))
    return request


def with_code(request: Request, world) -> Request:
    Survey.objects.filter(pk=world.survey.pk).update(codes_required=True)
    return with_data(code="ABCD-EFGH")(request, world)


def date_of(days: int):
    return timezone.localdate() + timedelta(days=days)


OUTCOME_MEASURE = {
    "name": "Exits to housing",
    "description": "",
    "direction": "favorable",
    "denominator": "families",
    "outcome_phrase": "exit to housing",
    "granularity": "year",
    "reference": "total",
}
COUNTS_CSV = b"period,group,population,events\n2026,white,120,30\n2026,black,90,40\n"


def build_measure_create(w) -> Request:
    return Request(url("outcomes:measure_create", "program")(w), dict(OUTCOME_MEASURE), w.leader)


def build_measure_edit(w) -> Request:
    data = OUTCOME_MEASURE | {"name": "Renamed", "description": "Edited"}
    return Request(url("outcomes:measure_edit", "measure")(w), data, w.leader)


def build_measure_delete(w) -> Request:
    return Request(url("outcomes:measure_delete", "measure")(w), {}, w.leader)


def build_counts_entry(w) -> Request:
    data = {"period": "2026", "standard": "2024", "population_white": "120", "events_white": "30"}
    return Request(url("outcomes:counts_entry", "measure")(w), data, w.contributor)


def build_counts_import(w) -> Request:
    data = {"file": CsvFile(COUNTS_CSV), "standard": "2024"}
    return Request(url("outcomes:counts_import", "measure")(w), data, w.contributor)


def with_counts(request: Request, world) -> Request:
    OutcomeCount.objects.create(
        measure=world.measure, period="2025", group="white", population=50, events=5
    )
    return request


def csv_file(content: bytes):
    return with_data(file=CsvFile(content))


def require_two_factor(request: Request, world) -> Request:
    Organization.objects.filter(pk=world.org.pk).update(require_two_factor=True)
    return request


def with_confirmed_device(verified: bool):
    def apply(request: Request, world) -> Request:
        device = confirmed_device(world.leader)
        return replace(request, verified=device if verified else None)

    return apply


def target(name: str):
    """Act on another membership: the leader's own (the last leader)."""
    return lambda request, world: replace(
        request, url=reverse(name, args=[world.leader_membership.pk])
    )


def autosave_invalid(request: Request, world) -> Request:
    """The page's background save, with a level that is not one."""
    request = with_data(**{f"i-{FIRST}-level": "abc"})(request, world)
    return replace(request, headers={"X-Autosave": "1"})


def already_submitted(request: Request, world) -> Request:
    answer_everything(world, world.draft)
    draft = fresh(world.draft)
    assessment_submit(assessment=draft, expected_version=draft.version, by=world.leader)
    return request


def one_answer_missing(request: Request, world) -> Request:
    Answer.objects.filter(assessment=world.draft).first().delete()
    return request


VERSION = Field("version", never)
STALE = (("stale-version", REFUSE, with_data(version="2")),)
STALE += (("future-version", REFUSE, with_data(version="4")),)
ANSWER_FIELDS = (
    Field(f"i-{FIRST}-level", choice(*[str(level) for level, _ in levels.ANSWER_CHOICES])),
    Field(f"i-{FIRST}-evidence", text(5000, required=False)),
    Field(f"i-{FIRST}-confidence", choice("low", "medium", "high")),
)
ROLES = choice(*Role.values, required=True)
MEASURE_FIELDS = (
    Field("name", text(200)),
    Field("description", text(2000, required=False)),
    Field("direction", choice("favorable", "adverse", required=True)),
    Field("denominator", text(100)),
    Field("outcome_phrase", text(200, required=False)),
    Field("granularity", choice("year", "quarter", "month", required=True)),
    Field("reference", choice("total", "best", *COMPARED_GROUPS, required=True)),
)
STANDARD = Field("standard", choice("2024", "1997", required=True))
ORGANIZATION_FIELDS = (
    Field("name", text(200)),
    Field("sector", choice(*Organization.Sector.values, required=True)),
    Field("region", text(100, required=False)),
    Field("size", choice(*Organization.Size.values)),
)
PROGRAM_FIELDS = (
    Field("name", text(200)),
    Field("service_area", text(100)),
    Field("population_served", text(300, required=False)),
)
SURVEY_FIELDS = (
    Field("title", text(120)),
    Field("opens_on", never),
    Field("closes_on", never),
    Field("codes_required", always),
)
QUESTION_KINDS = [kind for kind, _label in survey_questions.PROGRAM_KINDS]


def code_count(value) -> bool:
    """How many one-time codes: a whole number from 1 to 500."""
    return value is not MISSING and value.strip().isdigit() and 1 <= int(value) <= 500


# The answer form: every question optional, so a missing or empty answer is fine; only the
# answers shown are taken.
ANSWER_FORM_FIELDS = (
    Field("respect", choice("1", "2", "3", "4", "5")),
    Field("recommend", choice(*[str(n) for n in range(11)])),
    Field("works_well", text(survey_questions.TEXT_MAX, required=False)),
    Field("p1", choice("0", "1")),
    Field("race", choice(*[k for k, _label in survey_questions.RACE_CHOICES])),
    Field("language", choice(*[k for k, _label in survey_questions.LANGUAGE_CHOICES])),
    Field("age_band", choice(*[k for k, _label in survey_questions.AGE_BAND_CHOICES])),
)
ENDPOINTS = [
    Endpoint(
        "start",
        build_start,
        (
            Field("cycle", choice()),  # none of the organization's cycles is free
            Field("new_name", text(40, pattern=r"[\w .\-/]+")),
            Field("new_starts_on", never),
            Field("new_ends_on", never),
            Field("framework", never),
            Field("copy_previous", always),
        ),
        guarded(
            "lead", url("assessments:start", "other_program"), url("assessments:start", "random")
        ),
    ),
    Endpoint(
        "dimension",
        build_dimension,
        (VERSION, *ANSWER_FIELDS),
        guarded(
            "answer",
            url("assessments:dimension", "other_draft", "governance"),
            url("assessments:dimension", "random", "governance"),
        )
        + STALE
        + (
            ("unknown-dimension", UNCHANGED, at(url("assessments:dimension", "draft", "nope"))),
            ("unknown-indicator", REFUSE, with_data(**{"i-no-such-indicator-level": "2"})),
            ("autosave-invalid", REFUSE, autosave_invalid),
            ("submitted", REFUSE, already_submitted),
        ),
    ),
    Endpoint(
        "confirm_carried",
        build_confirm_carried,
        (),
        guarded(
            "answer",
            url("assessments:confirm_carried", "other_draft", "governance"),
            url("assessments:confirm_carried", "random", "governance"),
        )
        + (
            (
                "unknown-dimension",
                UNCHANGED,
                at(url("assessments:confirm_carried", "draft", "nope")),
            ),
            ("unknown-indicator", REFUSE, with_data(indicator="no-such-indicator")),
            ("one-indicator", ACCEPT, with_data(indicator=FIRST)),
            ("extra-field", ANY, with_data(junk=HUGE)),
            ("submitted", REFUSE, already_submitted),
            ("several-respondents", REFUSE, with_respondent),
        ),
    ),
    Endpoint(
        "submit",
        build_submit,
        (VERSION,),
        guarded(
            "lead", url("assessments:submit", "other_draft"), url("assessments:submit", "random")
        )
        + STALE
        + (("incomplete", REFUSE, one_answer_missing),),
    ),
    Endpoint(
        "reopen",
        build_reopen,
        (Field("reason", text(1000)),),
        guarded(
            "lead", url("assessments:reopen", "other_draft"), url("assessments:reopen", "random")
        ),
    ),
    Endpoint(
        "respondents",
        build_respondents,
        (
            Field(
                "users",
                never,
                (
                    ("other-org-user", lambda w: w.stranger.pk, REFUSE),
                    ("viewer", lambda w: w.viewer.pk, REFUSE),
                    ("mixed", lambda w: [w.contributor.pk, w.stranger.pk], REFUSE),
                ),
            ),
        ),
        guarded(
            "lead",
            url("assessments:respondents", "other_draft"),
            url("assessments:respondents", "random"),
        ),
    ),
    Endpoint(
        "respondent_submit",
        build_respondent_submit,
        (VERSION,),
        guarded(
            "answer",
            url("assessments:respondent_submit", "other_draft"),
            url("assessments:respondent_submit", "random"),
        )
        + STALE
        + (("not-a-respondent", REFUSE, as_user("leader")),),
    ),
    Endpoint(
        "close_round",
        build_close_round,
        (),
        guarded(
            "lead",
            url("assessments:close_round", "other_draft"),
            url("assessments:close_round", "random"),
        )
        + (("extra-field", ANY, with_data(junk=HUGE)),),
    ),
    Endpoint(
        "remind_respondents",
        build_remind,
        (),
        guarded(
            "lead",
            url("assessments:remind_respondents", "other_draft"),
            url("assessments:remind_respondents", "random"),
        )
        + (
            ("emailed-today", REFUSE, emailed_today),
            ("round-closed", REFUSE, round_closed),
            ("everyone-submitted", REFUSE, everyone_submitted),
            ("extra-field", ANY, with_data(junk=HUGE)),
        ),
    ),
    Endpoint(
        "consensus",
        build_consensus,
        (VERSION, *ANSWER_FIELDS, Field(f"i-{FIRST}-note", text(2000, required=False))),
        guarded(
            "lead",
            url("assessments:consensus", "other_draft", "governance"),
            url("assessments:consensus", "random", "governance"),
        )
        + STALE
        + (("unknown-dimension", UNCHANGED, at(url("assessments:consensus", "draft", "nope"))),),
    ),
    Endpoint(
        "invite",
        build_invite,
        (
            Field("email", never, (("existing-member", lambda w: "viewer@example.org", REFUSE),)),
            Field("role", ROLES),
        ),
        guarded(
            "lead", url("assessments:invite", "other_org"), url("assessments:invite", "random")
        ),
    ),
    Endpoint(
        "organization_security",
        build_security,
        (Field("require_two_factor", always),),
        guarded(
            "lead",
            url("assessments:organization_security", "other_org"),
            url("assessments:organization_security", "random"),
        ),
    ),
    Endpoint(
        "role",
        build_role,
        (Field("role", ROLES),),
        guarded(
            "lead",
            url("assessments:role", "other_membership"),
            url("assessments:role", "987654321"),
        )
        + (
            ("huge-id", REFUSE, at(url("assessments:role", "99999999999999999999"))),
            (
                "last-leader",
                REFUSE,
                lambda r, w: with_data(role="viewer")(target("assessments:role")(r, w), w),
            ),
        ),
    ),
    Endpoint(
        "remove_member",
        build_remove,
        (),
        guarded(
            "lead",
            url("assessments:remove_member", "other_membership"),
            url("assessments:remove_member", "987654321"),
        )
        + (
            ("huge-id", REFUSE, at(url("assessments:remove_member", "99999999999999999999"))),
            ("last-leader", REFUSE, target("assessments:remove_member")),
        ),
    ),
    Endpoint(
        "revoke_invitation",
        build_revoke,
        (),
        guarded(
            "lead",
            url("assessments:revoke_invitation", "other_invitation"),
            url("assessments:revoke_invitation", "random"),
        ),
    ),
    Endpoint(
        "invitation_accept",
        build_accept,
        (
            Field("username", text(150, pattern=r"[\w.@+-]+")),
            Field("password1", never),
            Field("password2", never),
        ),
        (
            (
                "unknown-token",
                REFUSE,
                at(lambda w: reverse("assessments:invitation_accept", args=["nope"])),
            ),
            (
                "huge-token",
                REFUSE,
                at(lambda w: reverse("assessments:invitation_accept", args=[HUGE])),
            ),
            ("signed-in", ACCEPT, lambda r, w: replace(r, actor=w.stranger, data={})),
        ),
    ),
    Endpoint(
        "two_factor_setup",
        build_two_factor_setup,
        (Field("token", never),),
        (
            ("anonymous", REFUSE, as_user(None)),
            ("replacing-verified", ACCEPT, with_confirmed_device(verified=True)),
            ("replacing-unverified", REFUSE, with_confirmed_device(verified=False)),
        ),
    ),
    Endpoint(
        "two_factor_verify",
        build_two_factor_verify,
        (Field("token", never),),
        (("anonymous", REFUSE, as_user(None)),),
    ),
    Endpoint(
        "two_factor_disable",
        build_two_factor_disable,
        (),
        (
            ("anonymous", REFUSE, as_user(None)),
            ("required-by-org", REFUSE, require_two_factor),
            ("unverified-session", REFUSE, lambda r, w: replace(r, verified=None)),
        ),
    ),
    Endpoint(
        "measure_create",
        build_measure_create,
        MEASURE_FIELDS,
        guarded(
            "lead",
            url("outcomes:measure_create", "other_program"),
            url("outcomes:measure_create", "random"),
        )
        + (("same-name", REFUSE, with_data(name=" Housing ")),),
    ),
    Endpoint(
        "measure_edit",
        build_measure_edit,
        MEASURE_FIELDS,
        guarded(
            "lead",
            url("outcomes:measure_edit", "other_measure"),
            url("outcomes:measure_edit", "random"),
        )
        + (
            (
                "granularity-with-counts",
                REFUSE,
                lambda r, w: with_data(granularity="month")(with_counts(r, w), w),
            ),
        ),
    ),
    Endpoint(
        "measure_delete",
        build_measure_delete,
        (),
        guarded(
            "lead",
            url("outcomes:measure_delete", "other_measure"),
            url("outcomes:measure_delete", "random"),
        ),
    ),
    Endpoint(
        "counts_entry",
        build_counts_entry,
        (
            Field("period", text(20, pattern=r"[0-9]{4}")),
            STANDARD,
            Field("population_white", never),
            Field("events_white", never, (("above-population", lambda w: "121", REFUSE),)),
        ),
        guarded(
            "answer",
            url("outcomes:counts_entry", "other_measure"),
            url("outcomes:counts_entry", "random"),
        )
        + (
            ("quarter-period", REFUSE, with_data(period="2026-Q1")),
            ("unknown-group", REFUSE, with_data(population_martian="5", events_martian="1")),
        ),
    ),
    Endpoint(
        "counts_import",
        build_counts_import,
        (Field("file", never), STANDARD),
        guarded(
            "answer",
            url("outcomes:counts_import", "other_measure"),
            url("outcomes:counts_import", "random"),
        )
        + (
            ("bad-row", REFUSE, csv_file(COUNTS_CSV + b"2026,martian,1,0\n")),
            ("duplicate-row", REFUSE, csv_file(COUNTS_CSV + b"2026,White,1,0\n")),
            ("events-above", REFUSE, csv_file(COUNTS_CSV + b"2026,asian,1,2\n")),
            ("latin-1", REFUSE, csv_file(COUNTS_CSV + "2026,Blé,1,0\n".encode("latin-1"))),
            ("utf-16", REFUSE, csv_file(COUNTS_CSV.decode().encode("utf-16"))),
            ("too-large", REFUSE, csv_file(COUNTS_CSV + b" " * MAX_BYTES)),
            ("empty-file", REFUSE, csv_file(b"")),
            ("no-columns", REFUSE, csv_file(b"a,b\n1,2\n")),
        ),
    ),
    Endpoint(
        "organization_create",
        build_organization_create,
        ORGANIZATION_FIELDS,
        (("anonymous", REFUSE, as_user(None)),),
    ),
    Endpoint(
        "organization_profile",
        build_organization_profile,
        ORGANIZATION_FIELDS,
        guarded(
            "lead",
            url("assessments:organization_profile", "other_org"),
            url("assessments:organization_profile", "random"),
        ),
    ),
    Endpoint(
        "program_create",
        build_program_create,
        PROGRAM_FIELDS,
        guarded(
            "lead",
            url("assessments:program_create", "other_org"),
            url("assessments:program_create", "random"),
        ),
    ),
    Endpoint(
        "program_edit",
        build_program_edit,
        PROGRAM_FIELDS,
        guarded(
            "lead",
            url("assessments:program_edit", "other_program"),
            url("assessments:program_edit", "random"),
        ),
    ),
    Endpoint(
        "program_archive",
        build_program_archive,
        (),
        guarded(
            "lead",
            url("assessments:program_archive", "other_program"),
            url("assessments:program_archive", "random"),
        )
        + (("already-archived", REFUSE, archived),),
    ),
    Endpoint(
        "program_restore",
        build_program_restore,
        (),
        guarded(
            "lead",
            url("assessments:program_restore", "other_program"),
            url("assessments:program_restore", "random"),
        )
        + (("not-archived", REFUSE, restored),),
    ),
    Endpoint(
        "survey_create",
        build_survey_create,
        SURVEY_FIELDS,
        guarded(
            "lead",
            url("surveys:survey_create", "other_program"),
            url("surveys:survey_create", "random"),
        )
        + (
            ("archived-program", REFUSE, survey_archived),
            ("closes-before-opening", REFUSE, with_data(closes_on="2026-03-01")),
            ("markup-title", REFUSE, with_data(title="<b>Spring</b>")),
        ),
        repeatable=True,
    ),
    Endpoint(
        "survey_edit",
        build_survey_edit,
        SURVEY_FIELDS,
        guarded(
            "lead", url("surveys:survey_edit", "other_survey"), url("surveys:survey_edit", "random")
        )
        + (("archived-program", REFUSE, survey_archived),),
    ),
    Endpoint(
        "question_add",
        build_question_add,
        (
            Field("kind", choice(*QUESTION_KINDS, required=True)),
            Field("text", text(survey_questions.PROGRAM_TEXT_MAX)),
            Field("options", lambda v: v is MISSING or not v.strip()),
        ),
        guarded(
            "lead",
            url("surveys:question_add", "other_survey"),
            url("surveys:question_add", "random"),
        )
        + (
            ("answered-survey", REFUSE, with_answers),
            ("archived-program", REFUSE, survey_archived),
            ("one-option", REFUSE, with_data(kind="choice", options="Only one")),
            ("same-options", REFUSE, with_data(kind="choice", options="North\nNorth")),
            ("markup-option", REFUSE, with_data(kind="choice", options="<i>a</i>\nb")),
        ),
        repeatable=True,
    ),
    Endpoint(
        "question_remove",
        build_question_remove,
        (),
        guarded("lead", None, None)
        + (
            ("answered-survey", REFUSE, with_answers),
            ("archived-program", REFUSE, survey_archived),
            (
                "unknown-position",
                REFUSE,
                at(lambda w: reverse("surveys:question_remove", args=[w.survey.pk, 99])),
            ),
        ),
    ),
    Endpoint(
        "paper_entry",
        build_paper_entry,
        ANSWER_FORM_FIELDS,
        guarded("answer", url("surveys:paper", "other_survey"), url("surveys:paper", "random"))
        + (
            ("archived-program", REFUSE, survey_archived),
            ("nothing-answered", REFUSE, lambda r, w: replace(r, data={"website": ""})),
            ("prefer-not-and-a-group", REFUSE, with_data(race=["prefer_not", "black"])),
        ),
        repeatable=True,
    ),
    Endpoint(
        "survey_answer",
        build_survey_answer,
        ANSWER_FORM_FIELDS,
        (
            # A robot that fills the hidden field is thanked and nothing is stored.
            ("honeypot-filled", UNCHANGED, with_data(website="http://spam.example")),
            ("archived-program", REFUSE, survey_archived),
            ("closed-survey", REFUSE, survey_closed),
            ("unknown-code", REFUSE, with_code),
            ("nothing-answered", REFUSE, lambda r, w: replace(r, data={"website": ""})),
            ("prefer-not-and-a-group", REFUSE, with_data(race=["prefer_not", "black"])),
            (
                "unknown-token",
                REFUSE,
                at(lambda w: reverse("surveys:answer", args=["no-such-token"])),
            ),
            ("huge-token", REFUSE, at(lambda w: reverse("surveys:answer", args=[HUGE[:5000]]))),
        ),
        repeatable=True,
    ),
    Endpoint(
        "codes_create",
        build_codes_create,
        (Field("count", code_count),),
        guarded("lead", url("surveys:codes", "other_survey"), url("surveys:codes", "random"))
        + (("archived-program", REFUSE, survey_archived),),
        repeatable=True,
    ),
    Endpoint(
        "signup",
        build_signup,
        (
            Field("username", text(150, pattern=r"[\w.@+-]+")),
            Field("first_name", text(150, required=False)),
            Field("last_name", text(150, required=False)),
            Field("email", never),
            Field("password1", never),
            Field("password2", never),
        ),
        (
            ("weak-password", REFUSE, with_data(password1="password", password2="password")),
            ("taken-username", REFUSE, with_data(username="leader")),
        ),
    ),
    Endpoint("signup_resend", build_signup_resend, (Field("email", never),)),
    Endpoint("login", build_login, (Field("username", never), Field("password", never))),
    Endpoint("password_reset", build_password_reset, (Field("email", never),)),
]
# Cases that fail today, left out of the main test with the reason (none at the moment).
KNOWN_BUGS: dict[str, str] = {}


def mutations(endpoint: Endpoint) -> list[Mutation]:
    """Every mutation of the endpoint's valid form: each field x each bad value, then the
    endpoint's own (other actors, other organizations' objects, stale versions), the
    valid form itself and the valid form posted twice."""
    found = [Mutation(endpoint.name, "valid", ACCEPT, lambda r, w: r)]
    for f in endpoint.fields:
        for name, value in VALUE_MUTATIONS.items():
            expect = ANY if f.accepts(value) else REFUSE
            found.append(
                Mutation(endpoint.name, f"{f.name}={name}", expect, with_data(**{f.name: value}))
            )
        for name, value_of, expect in f.extra:
            apply = _with_value(f.name, value_of)
            found.append(Mutation(endpoint.name, f"{f.name}={name}", expect, apply))
    for name, expect, apply in endpoint.variants:
        found.append(Mutation(endpoint.name, name, expect, apply))
    replay = "repeat" if endpoint.repeatable else "replay"
    found.append(Mutation(endpoint.name, "replay", replay, lambda r, w: r))
    return found


def _with_value(name: str, value_of: Callable):
    return lambda request, world: with_data(**{name: value_of(world)})(request, world)


ALL_MUTATIONS = [m for endpoint in ENDPOINTS for m in mutations(endpoint)]
ENDPOINT_BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}


# Running a case: the database before and after, compared.


def snapshot() -> dict[str, list]:
    """Counts and key fields of everything a POST may change."""
    tables = {
        "assessments": Assessment.objects.values_list(
            "id", "status", "version", "cycle", "round_closed_at", "submitted_at"
        ),
        "answers": Answer.objects.values_list(
            "assessment_id", "indicator_id", "level", "evidence", "confidence", "consensus_note"
        ),
        "respondent_answers": RespondentAnswer.objects.values_list(
            "respondent_id", "indicator_id", "level", "evidence", "confidence"
        ),
        "respondents": Respondent.objects.values_list(
            "assessment_id", "user_id", "submitted_at", "version", "emailed_at", "reminded_at"
        ),
        "prior_answers": PriorAnswer.objects.values_list(
            "assessment_id", "indicator_id", "level", "evidence"
        ),
        "memberships": Membership.objects.values_list("user_id", "organization_id", "role"),
        "invitations": Invitation.objects.values_list(
            "organization_id", "email", "role", "accepted_at", "revoked_at"
        ),
        "events": AssessmentEvent.objects.values_list("assessment_id", "kind", "note"),
        "scores": DimensionScore.objects.values_list("assessment_id", "dimension_id", "level"),
        "organizations": Organization.objects.values_list(
            "id", "require_two_factor", "name", "sector", "region", "size"
        ),
        "programs": Program.objects.values_list(
            "id", "name", "service_area", "population_served", "archived_at"
        ),
        "users": get_user_model().objects.values_list("username", "email", "password"),
        "devices": TOTPDevice.objects.filter(confirmed=True).values_list("user_id", "key"),
        "recovery_codes": StaticToken.objects.values_list("device__user_id", "token"),
        "outcome_measures": OutcomeMeasure.objects.values_list(
            "id", "name", "description", "direction", "denominator", "granularity", "reference"
        ),
        "outcome_counts": OutcomeCount.objects.values_list(
            "measure_id", "period", "group", "population", "events", "standard"
        ),
        "surveys": Survey.objects.values_list(
            "id", "program_id", "title", "opens_on", "closes_on", "codes_required", "kept_hidden"
        ),
        "program_questions": ProgramQuestion.objects.values_list(
            "survey_id", "position", "kind", "text", "choices"
        ),
        "survey_responses": SurveyResponse.objects.values_list(
            "survey_id", "source", "race", "age_band", "preferred_language", "language"
        ),
        "survey_answers": SurveyAnswer.objects.values_list(
            "response__survey_id", "question", "number", "text"
        ),
        "survey_codes": OneTimeCode.objects.values_list("survey_id", "code_hash", "used"),
    }
    return {name: sorted(map(str, rows)) for name, rows in tables.items()}


def changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def send(request: Request):
    """POST as the request's actor; an exception in the view is a 500."""
    client = Client()
    if request.actor is not None:
        client.force_login(request.actor)
    if request.verified is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = request.verified.persistent_id
        session.save()
    try:
        return client.post(request.url, request.data, headers=request.headers)
    except Exception as exc:  # noqa: BLE001 - reported as the 500 it would be
        return SimpleNamespace(status_code=500, exception=exc)


REFUSAL_REDIRECTS = ("login", "two_factor_verify", "two_factor_setup")


def refused(response, request: Request) -> bool:
    """Refused: an error status, a redirect to sign in, an error message, or form errors."""
    if response.status_code >= 400:
        return True
    if response.status_code == 302:
        paths = [reverse(name) for name in REFUSAL_REDIRECTS if reverse(name) != request.url]
        if response.url.startswith(tuple(paths)):
            return True
    if error_messages(response):
        return True
    # The form shown again: with errors, or empty (a POST with no data at all).
    context = response.context
    forms = [context.get(k) for k in ("form", "signup")] if context is not None else []
    return any(f is not None and (f.errors or not f.is_bound) for f in forms)


def check(mutation: Mutation, world) -> str | None:
    """Run one case and say what is wrong with it, if anything."""
    endpoint = ENDPOINT_BY_NAME[mutation.endpoint]
    valid = endpoint.build(world)
    if mutation.expect in ("replay", "repeat"):
        first = send(valid)
        if first.status_code == 500 or refused(first, valid):
            return f"the valid form was refused ({first.status_code})"
        request, response, before = valid, None, snapshot()
    else:
        request = mutation.apply(valid, world)
        before = snapshot()
    response = send(request)
    if response.status_code == 500:
        return f"500: {getattr(response, 'exception', '')!r}"[:300]
    after, is_refused = snapshot(), refused(response, request)
    if mutation.expect == REFUSE and not is_refused:
        return f"accepted ({response.status_code}), changed {changed(before, after)}"
    if mutation.expect in (ACCEPT, "repeat") and is_refused:
        return f"refused ({response.status_code}): {error_messages(response)}"
    must_not_change = is_refused or mutation.expect in (REFUSE, UNCHANGED, "replay")
    if must_not_change and before != after:
        outcome = "refused" if is_refused else "accepted"
        return f"{outcome} ({response.status_code}) but changed {changed(before, after)}"
    return None


def run(mutation: Mutation, world) -> str | None:
    with transaction.atomic():
        try:
            return check(mutation, world)
        finally:
            transaction.set_rollback(True)


@pytest.fixture
def world(
    framework, org, other_org, leader, contributor, viewer, stranger, program, draft, settings
):
    settings.SIGNUP_RATE_PER_HOUR = 10_000  # the limit has its own test
    settings.SURVEY_BURST = settings.SURVEY_PER_MINUTE = 100_000  # so has the survey's
    other_program = Program.objects.create(
        organization=other_org, name="Elsewhere", service_area="Health"
    )
    other_draft = assessment_start(
        program=other_program,
        cycle=cycle_of(other_program, "2026"),
        framework=framework,
        by=stranger,
    )
    other_member = make_user("other-member")
    members.invitation_create(
        organization=other_org, email="theirs@example.org", role=Role.VIEWER, by=stranger
    )
    return SimpleNamespace(
        framework=framework,
        indicators=list(Indicator.objects.filter(dimension__framework=framework)),
        org=org,
        other_org=other_org,
        leader=leader,
        contributor=contributor,
        viewer=viewer,
        stranger=stranger,
        program=program,
        draft=draft,
        other_program=other_program,
        other_draft=other_draft,
        viewer_membership=Membership.objects.get(user=viewer),
        leader_membership=Membership.objects.get(user=leader),
        other_membership=Membership.objects.create(
            user=other_member, organization=other_org, role=Role.VIEWER
        ),
        other_invitation=Invitation.objects.get(email="theirs@example.org"),
        measure=OutcomeMeasure.objects.create(
            program=program, name="Housing", direction="favorable", denominator="families"
        ),
        other_measure=OutcomeMeasure.objects.create(
            program=other_program, name="Theirs", direction="adverse", denominator="people"
        ),
        survey=_open_survey(program),
        other_survey=_open_survey(other_program),
    )


def _open_survey(program) -> Survey:
    survey = Survey.objects.create(
        program=program, title="How did we do?", opens_on=date_of(-1), closes_on=date_of(30)
    )
    ProgramQuestion.objects.create(survey=survey, position=1, kind="yes_no", text="First visit?")
    return survey


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_bad_input_is_refused_without_a_500_or_a_change(endpoint, world):
    cases = [m for m in mutations(endpoint) if m.id not in KNOWN_BUGS]
    problems = [f"{m.id}: {problem}" for m in cases if (problem := run(m, world))]
    assert problems == []


KEEP = object()  # leave the valid value
FUZZ = st.one_of(
    st.just(KEEP),
    st.sampled_from(list(VALUE_MUTATIONS.values())),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
)
FUZZ_EXAMPLES = 15


@pytest.mark.parametrize("endpoint", ["dimension", "consensus", "survey_answer", "paper_entry"])
@hypothesis_settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_text_in_an_answer_page_is_refused_whole_or_saved(endpoint, world, data):
    """Random text in every field of one indicator (and the version) at once."""
    fields = ENDPOINT_BY_NAME[endpoint].fields
    values = {f.name: data.draw(FUZZ, label=f.name) for f in fields}
    values = {name: value for name, value in values.items() if value is not KEEP}
    accepted = all(f.accepts(values[f.name]) for f in fields if f.name in values)
    mutation = Mutation(endpoint, "fuzz", ANY if accepted else REFUSE, with_data(**values))
    assert run(mutation, world) is None


def xss_check_count() -> int:
    per_payload = [len(xss_plan(hostile_values(p))) + len(RESULTS_PAGES) for p in PAYLOADS.values()]
    return sum(per_payload)


def test_the_hardening_plan_is_as_large_as_reported(capsys):
    fuzzed = 4 * FUZZ_EXAMPLES
    with capsys.disabled():
        print(
            f"\nhardening: {xss_check_count()} XSS (page x field) checks over "
            f"{len(PAYLOADS)} payloads; {len(ALL_MUTATIONS)} generated bad-input cases "
            f"({len(KNOWN_BUGS)} known bugs) + {fuzzed} fuzzed"
        )
    assert len(ALL_MUTATIONS) > 400


def test_the_live_markup_check_tells_a_drawn_chart_from_a_payload():
    chart = chart_svg.figure_svg(
        {"data": [{"type": "bar", "x": [1], "y": ["A"]}], "layout": {"height": 100}},
        360,
        attributes=' class="chart-static w360" aria-hidden="true"',
    )
    assert live_markup(chart) == []
    assert live_markup("<svg>") == ["<svg>"]
    assert live_markup('<svg class="chart-static w360">') == ["<svg>"]
    assert live_markup(PAYLOADS["svg-onload"]) != []
