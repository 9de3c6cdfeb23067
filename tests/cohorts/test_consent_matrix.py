"""Consent holds on every facilitator output: a matrix generated from one list of outputs.

Each case is a member organization (the subject) alone in a cohort of its own, beside five
filler members that share their levels and their outcome indices, so that the aggregates are
shown. The subject's data carries marker strings: its name (its levels), a plan step title
(its plan), an answer's evidence note (its answers), an outcome measure's name (its outcome
indices). Every output of `OUTPUTS` is fetched by the cohort's facilitator, two-factor
verified or not, and read as its reader would read it: the page, the CSV, the XLSX's cells, the
PDF's text, the zip's PDFs. A marker of anything the subject does not share with that session
must be absent; what it shares must be there, so that the check itself can fail.

A cohort URL that is in neither `OUTPUTS` nor `NOT_OUTPUTS` fails
`test_every_cohort_url_is_an_output_of_the_matrix_or_says_why_not`.
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import product

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import get_resolver, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook
from pypdf import PdfReader

from assessments.framework_io import framework_create, parse_framework
from assessments.models import (
    Answer,
    Assessment,
    DimensionScore,
    Framework,
    Indicator,
    Membership,
    Organization,
    PlanStep,
    Program,
    Role,
)
from cohorts.models import Cohort, CohortMember, Facilitator, GoalLink, SharedGoal, Sharing
from cohorts.views import EXPORT_FORMATS, EXPORT_TABLES
from outcomes.models import OutcomeCount, OutcomeMeasure
from reports import pdf
from tests.assessments.test_access import _named_urls
from tests.conftest import FRAMEWORK_FILE
from tests.cycles import cycle_of, round_of

FILLERS = 5
CYCLE = "2026"
PERIOD = "2025"
COUNTS = [("white", 400, 240), ("black", 300, 90), ("hispanic", 200, 100)]
KINDS = ("levels", "plans", "answers", "outcomes")


# --- The cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    sharing: str  # "invited" (not a member yet), or what the member shares
    outcomes: bool  # its consent to share outcome indices (set even on an invitation)
    required: bool  # the subject requires two-factor sign-in
    verified: bool  # the facilitator's session is two-factor verified

    @property
    def id(self) -> str:
        return "-".join(
            [
                self.sharing,
                "outcomes" if self.outcomes else "no-outcomes",
                "2fa-required" if self.required else "2fa-optional",
                "verified" if self.verified else "unverified",
            ]
        )

    def allowed(self) -> set[str]:
        """What the subject shares with this session."""
        if self.sharing == "invited" or (self.required and not self.verified):
            return set()
        shared = {"levels"}
        if self.sharing in (Sharing.PLANS, Sharing.EVERYTHING):
            shared.add("plans")
        if self.sharing == Sharing.EVERYTHING:
            shared.add("answers")
        if self.outcomes:
            shared.add("outcomes")
        return shared


CASES = [
    Case(*values)
    for values in product(
        ["invited", Sharing.LEVELS, Sharing.PLANS, Sharing.EVERYTHING],
        (False, True),
        (False, True),
        (False, True),
    )
]


@dataclass(frozen=True)
class Subject:
    """One case's cohort and the subject's ids and markers."""

    number: int
    cohort: object
    organization: object
    assessment: object
    filler_membership: object  # the first filler's membership, for its benchmark

    @property
    def name(self) -> str:
        return f"Zorg{self.number:02d} Agency"

    @property
    def program_name(self) -> str:
        return f"Qprogram{self.number:02d}x"

    def markers(self) -> dict[str, str]:
        """One marker per kind of data, the one an output shows it by."""
        return {
            "levels": self.name,
            "plans": f"Qstep{self.number:02d}x",
            "answers": f"Qevidence{self.number:02d}x",
            "outcomes": f"Qmeasure{self.number:02d}x",
        }

    def leak_markers(self, names_listed: bool) -> dict[str, tuple[str, ...]]:
        """Every marker of each kind; the organization's name left out where an output
        lists the cohort's member names as the facilitator's own choices."""
        found = {kind: (marker,) for kind, marker in self.markers().items()}
        found["levels"] = (self.program_name,) if names_listed else (self.name, self.program_name)
        return found


# --- Reading each kind of document -----------------------------------------------------------


def html(response) -> str:
    return response.content.decode()


def csv_text(response) -> str:
    rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    return "\n".join(" | ".join(row) for row in rows)


def xlsx_text(response) -> str:
    if response.status_code != 200:
        return html(response)
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(
        " | ".join("" if value is None else str(value) for value in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


# --- The outputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    name: str
    urls: tuple[str, ...]  # the URL names it covers
    read: Callable  # (client, subject) -> the text a reader sees
    shows: dict[str, Callable[[str, Subject], bool]]  # kind -> is the subject's one there
    # The page lists member organizations' names as choices (a workgroup's members): the
    # facilitator invited them, the names are not what members share.
    names_listed: bool = False
    # What the output needs before it shows anything of the subject (a poster shows a plan).
    needs: frozenset[str] = frozenset()

    def expected(self, allowed: set[str]) -> set[str]:
        return allowed & self.shows.keys() if self.needs <= allowed else set()


def has(kind: str) -> Callable[[str, Subject], bool]:
    return lambda text, subject: subject.markers()[kind] in text


def matches(pattern: str) -> Callable[[str, Subject], bool]:
    """The pattern, in any case (a poster's headings are upper case)."""
    return lambda text, subject: re.search(pattern, text, re.IGNORECASE) is not None


def get(client, name: str, *args, query: str = ""):
    return client.get(reverse(name, args=args) + query)


def export(table: str, fmt: str) -> Callable:
    reader = csv_text if fmt == "csv" else xlsx_text
    return lambda client, s: reader(get(client, "cohorts:export", s.cohort.pk, table, fmt))


def dictionary(table: str) -> Callable:
    return lambda client, s: csv_text(get(client, "cohorts:export_dictionary", s.cohort.pk, table))


def members_zip(client, subject: Subject) -> str:
    """The batch's page, then the zip's file names and the text of each of its PDFs."""
    start = client.post(reverse("cohorts:poster_batch_start", args=[subject.cohort.pk]))
    page = client.get(start.url)
    download = client.get(start.url + "download/")
    parts = [html(page)]
    if download.status_code == 200:
        archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
        for name in archive.namelist():
            parts += [name, pdf_text(archive.read(name))]
    return "\n".join(parts)


LEVEL_EXPORT_SHOWS = {"levels": has("levels")}
SCORECARD_SHOWS = {"plans": has("plans")}
OUTPUTS = [
    Output(
        "dashboard",
        ("cohorts:dashboard",),
        lambda client, s: html(get(client, "cohorts:dashboard", s.cohort.pk)),
        {
            "levels": has("levels"),
            # The disparity trend counts the organizations behind it: the fillers, and the
            # subject when it shares its outcome indices.
            "outcomes": matches(rf'<th scope="row">{PERIOD}</th><td>{FILLERS + 1}</td>'),
        },
    ),
    Output(
        "drill-down",
        ("cohorts:member_detail",),
        lambda client, s: html(
            get(client, "cohorts:member_detail", s.cohort.pk, s.organization.pk)
        ),
        {"levels": has("levels"), "plans": has("plans")},
    ),
    Output(
        "answers and evidence",
        ("cohorts:member_answers",),
        lambda client, s: html(get(client, "cohorts:member_answers", s.cohort.pk, s.assessment.pk)),
        {"answers": has("answers")},
    ),
    Output(
        "member benchmark",
        ("cohorts:membership",),
        lambda client, s: html(get(client, "cohorts:membership", s.filler_membership.pk)),
        {"levels": matches(rf"over {FILLERS + 1} organizations")},
    ),
    Output(
        "goals page",
        ("cohorts:goals",),
        lambda client, s: html(get(client, "cohorts:goals", s.cohort.pk)),
        {"plans": matches(r"\b1 member step tied")},
        names_listed=True,
    ),
    Output("levels CSV", ("cohorts:export",), export("levels", "csv"), LEVEL_EXPORT_SHOWS),
    Output("levels XLSX", ("cohorts:export",), export("levels", "xlsx"), LEVEL_EXPORT_SHOWS),
    Output(
        "scorecard page",
        ("cohorts:scorecard",),
        lambda client, s: html(get(client, "cohorts:scorecard", s.cohort.pk)),
        SCORECARD_SHOWS,
    ),
    Output("scorecard CSV", ("cohorts:export",), export("scorecard", "csv"), SCORECARD_SHOWS),
    Output("scorecard XLSX", ("cohorts:export",), export("scorecard", "xlsx"), SCORECARD_SHOWS),
    # The CSV's data dictionary names columns, dimensions and codes: nothing of a member.
    Output("levels CSV dictionary", ("cohorts:export_dictionary",), dictionary("levels"), {}),
    Output("scorecard CSV dictionary", ("cohorts:export_dictionary",), dictionary("scorecard"), {}),
    Output(
        "cohort poster PDF",
        ("cohorts:poster",),
        lambda client, s: pdf_text(get(client, "cohorts:poster", s.cohort.pk).content),
        {
            "levels": matches(rf"Members sharing levels\s*{FILLERS + 1}\b"),
            "plans": matches(r"Sharing action plans\s*1\b"),
        },
    ),
    Output(
        "cohort poster page",
        ("cohorts:poster_page",),
        lambda client, s: html(get(client, "cohorts:poster_page", s.cohort.pk)),
        {
            "levels": matches(rf"Members sharing levels</dt><dd>{FILLERS + 1}</dd>"),
            "plans": matches(r"Sharing action plans</dt><dd>1</dd>"),
        },
    ),
    Output(
        "members' posters zip",
        ("cohorts:poster_batch_start", "cohorts:poster_batch", "cohorts:poster_batch_download"),
        members_zip,
        {"plans": has("plans"), "outcomes": has("outcomes")},
        needs=frozenset({"plans"}),
    ),
]

# Cohort URLs that show nothing of a member's data, and why.
NOT_OUTPUTS = {
    "cohorts:list": "the user's cohorts and own memberships: names and counts of members",
    "cohorts:create": "creates a cohort (POST)",
    "cohorts:members": "membership administration: names and consent choices, no member data",
    "cohorts:invite": "sends invitations (POST)",
    "cohorts:invitation_cancel": "cancels an invitation (POST)",
    "cohorts:newcomer_invite": "invites a newcomer by email (POST)",
    "cohorts:newcomer_withdraw": "withdraws a newcomer's invitation: its email, no member data",
    "cohorts:join": "a newcomer's invitation link: creates the organization, shows no member data",
    "cohorts:statements": "the cohort's own commitment, vision and theory of change",
    "cohorts:rounds": "the cohort's rounds and dates; which members the session sees have "
    "submitted (Scope.members: sharing, two-factor), never their levels",
    "cohorts:round_edit": "the cohort's own round: its name and dates",
    "cohorts:goal_add": "the cohort's own goal (POST)",
    "cohorts:goal_edit": "the cohort's own goal: its title and description",
    "cohorts:goal_remove": "the cohort's own goal (POST)",
    "cohorts:workgroup_add": "the cohort's own workgroup (POST)",
    "cohorts:workgroup_edit": "the cohort's own workgroup: its name, goal and member names",
    "cohorts:workgroup_remove": "the cohort's own workgroup (POST)",
    "cohorts:membership_sharing": "the member's own consent (POST)",
    "cohorts:membership_end": "the member's own consent (POST)",
    "cohorts:step_goals": "the member's own ties of one of its steps to goals",
}
# Loaded through the organization access helpers: 404 to anyone who is not a member of the
# organization, a facilitator included (tests/assessments/test_access.py; and below).
# The surveys' pages and the API (a token reaches only its own organization) are the same;
# a survey's public answering page shows nothing of anyone's.
ORGANIZATION_ONLY = {"assessments", "reports", "scorecards", "posters", "outcomes"} | {
    "surveys",
    "survey_results",
    "api",
}


# --- The world, built once for the module ------------------------------------------------------


def build_world() -> dict:
    framework = framework_create(parse_framework(FRAMEWORK_FILE.read_text(encoding="utf-8")))
    users = get_user_model().objects
    plain = users.create_user("matrix-facilitator", "plain@example.org", "x")
    verified = users.create_user("matrix-verified", "verified@example.org", "x")
    device = TOTPDevice.objects.create(user=verified, name="app", confirmed=True)
    fillers = [filler(framework, n) for n in range(FILLERS)]
    for user in (plain, verified):  # both lead the first filler: they see its benchmark
        Membership.objects.create(user=user, organization=fillers[0], role=Role.LEADER)
    subjects = {
        case: subject(framework, number, case, fillers, (plain, verified))
        for number, case in enumerate(CASES)
    }
    return {
        "framework": framework,
        "users": {False: plain, True: verified},
        "device": device,
        "fillers": fillers,
        "subjects": subjects,
    }


def submitted(program: Program, framework: Framework, level: int) -> Assessment:
    assessment = Assessment.objects.create(
        program=program,
        framework=framework,
        cycle=cycle_of(program, CYCLE),
        status=Assessment.Status.SUBMITTED,
    )
    DimensionScore.objects.bulk_create(
        DimensionScore(assessment=assessment, dimension=d, level=level, index=Decimal(level))
        for d in framework.dimensions.all()
    )
    return assessment


def measure(program: Program, name: str) -> None:
    found = OutcomeMeasure.objects.create(
        program=program, name=name, direction="favorable", denominator="families"
    )
    OutcomeCount.objects.bulk_create(
        OutcomeCount(measure=found, period=PERIOD, group=g, population=p, events=e)
        for g, p, e in COUNTS
    )


def filler(framework: Framework, number: int) -> Organization:
    organization = Organization.objects.create(name=f"Filler {number}", sector="nonprofit")
    program = Program.objects.create(organization=organization, name="Filler program")
    submitted(program, framework, 1)
    measure(program, f"Filler measure {number}")
    return organization


def subject(framework: Framework, number: int, case: Case, fillers, facilitators) -> Subject:
    cohort = Cohort.objects.create(name=f"Matrix cohort {number:02d}")
    for user in facilitators:
        Facilitator.objects.create(cohort=cohort, user=user)
    memberships = [
        CohortMember.objects.create(
            cohort=cohort,
            organization=organization,
            status=CohortMember.Status.ACTIVE,
            sharing=Sharing.LEVELS,
            shares_outcomes=True,
        )
        for organization in fillers
    ]
    found = Subject(number, cohort, None, None, memberships[0])
    markers = found.markers()
    organization = Organization.objects.create(
        name=found.name, sector="nonprofit", require_two_factor=case.required
    )
    program = Program.objects.create(organization=organization, name=found.program_name)
    assessment = submitted(program, framework, 3)
    Answer.objects.bulk_create(
        Answer(assessment=assessment, indicator=i, level=3, evidence=markers["answers"])
        for i in Indicator.objects.filter(dimension__framework=framework)
    )
    step = PlanStep.objects.create(
        assessment=assessment,
        dimension=framework.dimensions.first(),
        title=markers["plans"],
        due_date=date(2026, 1, 15),  # overdue: the scorecard lists it
    )
    goal = SharedGoal.objects.create(cohort=cohort, title="Matrix goal")
    GoalLink.objects.create(goal=goal, plan_step=step)
    measure(program, markers["outcomes"])
    invited = case.sharing == "invited"
    CohortMember.objects.create(
        cohort=cohort,
        organization=organization,
        status=CohortMember.Status.INVITED if invited else CohortMember.Status.ACTIVE,
        sharing="" if invited else case.sharing,
        shares_outcomes=case.outcomes,
    )
    round_of(cohort, CYCLE)  # the round the members' cycle counts for
    return Subject(number, cohort, organization, assessment, memberships[0])


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end, so
    nothing of it (history rows included) reaches the tests that run after."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def levels_in_words(monkeypatch):
    """Charts drawn as words (as without Chromium): the PDFs' text then says every figure,
    and no browser is started for the matrix."""

    def unavailable(*args, **kwargs):
        raise pdf.ChartUnavailable("charts are not drawn in the consent matrix")

    monkeypatch.setattr(pdf, "figure_svg", unavailable)


def sign_in(client, world: dict, verified: bool) -> None:
    client.force_login(world["users"][verified])
    if verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = world["device"].persistent_id
        session.save()


# --- The matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("output", OUTPUTS, ids=lambda o: o.name)
def test_an_output_shows_exactly_what_the_member_shares(
    client, db, world, settings, tmp_path, output, case
):
    settings.MEDIA_ROOT = tmp_path
    subject = world["subjects"][case]
    sign_in(client, world, case.verified)
    text = output.read(client, subject)
    allowed = case.allowed()
    markers = subject.leak_markers(output.names_listed)
    leaked = {
        k for k, found in markers.items() if k not in allowed and any(m in text for m in found)
    }
    assert leaked == set(), f"{output.name} shows the subject's {leaked}"
    shown = {kind for kind, found in output.shows.items() if found(text, subject)}
    assert shown == output.expected(allowed)


def test_a_session_without_two_factor_is_told_how_many_members_are_left_out(
    client, db, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = Case(Sharing.EVERYTHING, True, required=True, verified=False)
    subject = world["subjects"][case]
    sign_in(client, world, verified=False)
    setup = reverse("two_factor_setup")
    for name in ("cohorts:dashboard", "cohorts:scorecard"):
        page = html(get(client, name, subject.cohort.pk))
        assert 'data-left-out="1"' in page and setup in page
    assert 'data-left-out="1"' in html(
        get(client, "cohorts:membership", subject.filler_membership.pk)
    )
    assert "1 member requiring two-factor sign-in is not counted" in (
        pdf_text(get(client, "cohorts:poster", subject.cohort.pk).content)
    )
    detail = get(client, "cohorts:member_detail", subject.cohort.pk, subject.organization.pk)
    assert detail.status_code == 403 and "requires two-factor sign-in" in html(detail)
    sign_in(client, world, verified=True)
    assert "data-left-out" not in html(get(client, "cohorts:dashboard", subject.cohort.pk))


def test_a_zip_built_for_a_verified_session_is_not_handed_to_one_without_two_factor(
    client, db, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    subject = world["subjects"][Case(Sharing.PLANS, False, required=True, verified=True)]
    sign_in(client, world, verified=True)
    start = client.post(reverse("cohorts:poster_batch_start", args=[subject.cohort.pk]))
    download = start.url + "download/"
    assert client.get(download).status_code == 200
    sign_in(client, world, verified=False)  # a co-facilitator without two-factor
    refused = client.get(download)
    assert refused.status_code == 302 and refused.url == start.url
    assert "no longer shared with you" in html(client.get(start.url))


def test_a_zip_is_refused_once_a_member_stops_sharing_what_is_in_it(
    client, db, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    subject = world["subjects"][Case(Sharing.PLANS, True, required=False, verified=False)]
    sign_in(client, world, verified=False)
    start = client.post(reverse("cohorts:poster_batch_start", args=[subject.cohort.pk]))
    assert client.get(start.url + "download/").status_code == 200
    # Changed behind the services' back, which would also delete the zip: the download
    # itself checks the zip's contents against consent.
    CohortMember.objects.filter(organization=subject.organization).update(shares_outcomes=False)
    assert client.get(start.url + "download/").status_code == 302


def test_every_cohort_url_is_an_output_of_the_matrix_or_says_why_not():
    named = set(_named_urls(get_resolver().url_patterns))
    covered = {url for output in OUTPUTS for url in output.urls}
    cohort_urls = {n for n in named if n.startswith("cohorts:")}
    assert cohort_urls - covered - NOT_OUTPUTS.keys() == set()
    assert covered | NOT_OUTPUTS.keys() <= named
    assert not covered & NOT_OUTPUTS.keys()
    assert {n.split(":")[0] for n in named if ":" in n} - {"cohorts"} <= ORGANIZATION_ONLY


def test_every_export_of_a_cohort_is_an_output_of_the_matrix():
    exported = {o.name for o in OUTPUTS if o.urls == ("cohorts:export",)}
    assert exported == {
        f"{table} {fmt.upper()}" for table, fmt in product(EXPORT_TABLES, EXPORT_FORMATS)
    }


def test_a_facilitator_reaches_no_organization_page_of_a_member(client, db, world):
    subject = world["subjects"][Case(Sharing.EVERYTHING, True, required=False, verified=True)]
    sign_in(client, world, verified=True)
    assessment, organization = subject.assessment.pk, subject.organization.pk
    for name, args in [
        ("reports:results", [assessment]),
        ("reports:report", [assessment]),
        ("reports:report_pdf", [assessment]),
        ("reports:poster_pdf", [assessment]),
        ("scorecards:organization", [organization]),
        ("outcomes:program_outcomes", [subject.assessment.program_id]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("posters:start", args=[organization])).status_code == 404
