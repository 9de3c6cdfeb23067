"""Every URL, every role: anonymous, stranger, viewer, contributor, leader.

The table below names every URL of the apps (and Django's sign-in pages) with the access it
needs. A new URL without a row makes `test_every_named_url_has_an_access_rule` fail, so no
page ships unchecked.
"""

import copy
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments import levels, members, organizations, plans
from assessments.framework_io import parse_framework
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Cycle,
    Indicator,
    Invitation,
    Membership,
    Organization,
    PlanStep,
    Program,
    Respondent,
    RespondentAnswer,
    Role,
)
from assessments.services import assessment_start, assessment_submit
from cohorts.models import Cohort, NewcomerInvitation
from cohorts.services import newcomer_invite, newcomer_withdraw
from outcomes.models import OutcomeCount, OutcomeMeasure
from reports.models import PosterBatch
from surveys.models import Finding, OneTimeCode, ProgramQuestion, Survey
from surveys.models import Response as SurveyResponse
from tests.conftest import FRAMEWORK_FILE, PASSWORD, make_user
from tests.cycles import cycle_of, new_cycle
from tests.surveys.factories import stored_survey
from valuecurve.models import Preferences
from valuecurve.signup import confirmation_tokens

ROLES = ["anonymous", "stranger", "viewer", "contributor", "leader"]
# Who may do what, once they are a member of the organization.
ALLOWED = {
    "read": {"viewer", "contributor", "leader"},
    "answer": {"contributor", "leader"},
    "lead": {"leader"},
}
# Named URLs that are not app pages: signing in and out is public by nature.
NOT_APP_PAGES = {"login", "logout"}
# A single sign-on provider, so its button, pages and the leader's setting are in the matrix;
# nothing here reaches it (its address is a closed port).
MATRIX_PROVIDER = {
    "provider_id": "matrix-idp",
    "name": "Matrix IdP",
    "client_id": "matrix",
    "secret": "matrix-secret",
    "settings": {"server_url": "http://127.0.0.1:9"},
}
OTHER_LANGUAGE = next(c for c, _name in settings.LANGUAGES if c != settings.LANGUAGE_CODE)
INVITED_EMAIL = "newcomer@example.org"
# POST actions whose only input is the URL.
NO_DATA = {
    "assessments:cycle_delete",
    "assessments:confirm_carried",
    "assessments:close_round",
    "assessments:remind_respondents",
    "assessments:program_archive",
    "assessments:program_restore",
    "assessments:remove_member",
    "assessments:revoke_invitation",
    "assessments:plan_step_remove",
    "two_factor_disable",
    "outcomes:measure_delete",
    "surveys:question_remove",
    "survey_results:finding_remove",
}


@dataclass(frozen=True)
class Case:
    """One URL and method: what it is called on, what it needs, what success looks like."""

    name: str
    method: str
    # What the URL is called on: "none", "program", "draft", "submitted", "organization",
    # "membership" (the viewer's), "cycle" (the draft's), "empty_cycle" (one with no
    # assessment), "invitation" (pending), "token" (of that invitation),
    # "bad_token" (unknown), "reset_link" (a password reset link of a user not signed in),
    # "measure" (an outcome measure of the program), "archived_program", "confirm_link" (the
    # emailed link of an account waiting for confirmation), "results_survey" (a survey of the
    # program with responses), "cohort_token" (the link of an invitation to a cohort for an
    # organization not in the app yet; "withdrawn_cohort_token" if the facilitator withdrew it)
    # or "sso_provider" (a single sign-on provider's id)
    target: str
    # "public", "guest" (for people not signed in: the signed-in go home), "own" (only the
    # user's own data), "read", "answer" or "lead"
    need: str
    ok: int  # the status an allowed user gets
    dimension: str | None = None

    @property
    def id(self) -> str:
        return f"{self.name}-{self.method}"


CASES = [
    Case("about", "GET", "none", "public", 200),
    Case("health_live", "GET", "none", "public", 200),
    Case("health_ready", "GET", "none", "public", 200),
    # Anyone chooses the language (signed out in a cookie, signed in saved for the user too).
    Case("set_language", "POST", "none", "public", 302),
    Case("assessments:home", "GET", "none", "own", 200),
    # Organizations and programs made in the app.
    Case("assessments:organization_create", "GET", "none", "own", 200),
    Case("assessments:organization_create", "POST", "none", "own", 302),
    Case("assessments:organization_profile", "GET", "organization", "lead", 200),
    Case("assessments:organization_profile", "POST", "organization", "lead", 302),
    Case("assessments:programs", "GET", "organization", "read", 200),
    Case("assessments:cycles", "GET", "organization", "read", 200),
    Case("assessments:cycles", "POST", "organization", "lead", 302),
    Case("assessments:cycle_edit", "GET", "cycle", "lead", 200),
    Case("assessments:cycle_edit", "POST", "cycle", "lead", 302),
    Case("assessments:cycle_delete", "GET", "empty_cycle", "lead", 200),  # confirmation
    Case("assessments:cycle_delete", "POST", "empty_cycle", "lead", 302),
    Case("assessments:program_create", "GET", "organization", "lead", 200),
    Case("assessments:program_create", "POST", "organization", "lead", 302),
    Case("assessments:program_edit", "GET", "program", "lead", 200),
    Case("assessments:program_edit", "POST", "program", "lead", 302),
    Case("assessments:program_archive", "GET", "program", "lead", 200),  # confirmation
    Case("assessments:program_archive", "POST", "program", "lead", 302),
    Case("assessments:program_restore", "POST", "archived_program", "lead", 302),
    Case("assessments:program", "GET", "archived_program", "read", 200),  # history kept
    Case("assessments:program", "GET", "program", "read", 200),
    Case("assessments:start", "POST", "program", "lead", 302),
    Case("assessments:detail", "GET", "draft", "read", 302),
    Case("assessments:dimension", "GET", "draft", "read", 200, dimension="governance"),
    Case("assessments:dimension", "POST", "draft", "answer", 302, dimension="governance"),
    Case("assessments:confirm_carried", "POST", "draft", "answer", 302, dimension="governance"),
    Case("assessments:review", "GET", "draft", "read", 200),
    Case("assessments:submit", "POST", "draft", "lead", 302),
    Case("assessments:reopen", "POST", "submitted", "lead", 302),
    Case("reports:results", "GET", "submitted", "read", 200),
    Case("reports:results", "GET", "draft", "read", 200),
    # Several respondents: the leader assigns them and sets the consensus.
    Case("assessments:respondents", "POST", "draft", "lead", 302),
    Case("assessments:respondent_submit", "POST", "draft", "answer", 302),
    Case("assessments:close_round", "POST", "draft", "lead", 302),
    Case("assessments:remind_respondents", "POST", "draft", "lead", 302),
    Case("assessments:consensus", "GET", "draft", "lead", 200, dimension="governance"),
    Case("assessments:history", "GET", "submitted", "lead", 200),
    # Members of an organization: only its leaders manage them.
    Case("assessments:members", "GET", "organization", "lead", 200),
    Case("assessments:invite", "POST", "organization", "lead", 302),
    Case("assessments:organization_security", "POST", "organization", "lead", 302),
    Case("assessments:role", "POST", "membership", "lead", 302),
    Case("assessments:remove_member", "GET", "membership", "lead", 200),  # confirmation
    Case("assessments:remove_member", "POST", "membership", "lead", 302),
    Case("assessments:revoke_invitation", "POST", "invitation", "lead", 302),
    Case("assessments:organization_export", "GET", "organization", "lead", 200),
    # The emailed link is the key: whoever holds it may use it, once.
    Case("assessments:invitation_accept", "GET", "token", "public", 200),
    Case("assessments:invitation_accept", "POST", "token", "public", 302),
    Case("assessments:invitation_accept", "GET", "bad_token", "public", 410),
    # The signed-in user's own account.
    # Action plans, statements and scorecards.
    Case("assessments:plan", "GET", "submitted", "read", 200),
    Case("assessments:plan_step_add", "POST", "submitted", "lead", 302, dimension="governance"),
    Case("assessments:plan_step_edit", "GET", "plan_step", "lead", 200),
    Case("assessments:plan_step_edit", "POST", "plan_step", "lead", 302),
    Case("assessments:plan_step_move", "POST", "plan_step", "lead", 302),
    Case("assessments:plan_step_remove", "GET", "plan_step", "lead", 200),  # confirmation
    Case("assessments:plan_step_remove", "POST", "plan_step", "lead", 302),
    Case("assessments:statements", "GET", "organization", "lead", 200),
    Case("assessments:statements", "POST", "organization", "lead", 302),
    Case("reports:report", "GET", "submitted", "read", 200),
    Case("reports:report", "GET", "draft", "read", 200),
    Case("reports:report_pdf", "GET", "submitted", "read", 200),
    Case("reports:poster_pdf", "GET", "submitted", "read", 200),
    Case("reports:poster", "GET", "submitted", "read", 200),
    Case("posters:start", "POST", "organization", "lead", 302),
    Case("posters:batch", "GET", "batch", "lead", 200),
    Case("posters:download", "GET", "batch", "lead", 200),
    Case("scorecards:program", "GET", "program", "read", 200),
    Case("scorecards:organization", "GET", "organization", "read", 200),
    Case("account", "GET", "none", "own", 200),
    Case("two_factor_setup", "GET", "none", "own", 200),
    Case("two_factor_verify", "GET", "none", "own", 302),  # nothing to verify: go on
    Case("two_factor_disable", "POST", "none", "own", 302),
    Case("password_change", "GET", "none", "own", 200),
    Case("password_change_done", "GET", "none", "own", 200),
    # Django's password reset by email.
    Case("password_reset", "GET", "none", "public", 200),
    Case("password_reset_done", "GET", "none", "public", 200),
    Case("password_reset_confirm", "GET", "reset_link", "public", 302),  # to set-password
    Case("password_reset_complete", "GET", "none", "public", 200),
    # Sign-up by email, and the link of a cohort's invitation to a new organization.
    Case("signup", "GET", "none", "guest", 200),
    Case("signup", "POST", "none", "guest", 302),
    Case("signup_sent", "GET", "none", "public", 200),
    Case("signup_resend", "GET", "none", "public", 200),
    Case("signup_resend", "POST", "none", "public", 302),
    Case("signup_confirm", "GET", "confirm_link", "public", 302),  # to sign in
    Case("signup_confirm", "GET", "bad_token", "public", 410),
    # Single sign-on (tests/sso has the whole flow against a real provider): the page that
    # sends to the provider, and its callback, refused without the state this session sent.
    Case("openid_connect_login", "GET", "sso_provider", "public", 200),
    Case("openid_connect_callback", "GET", "sso_provider", "public", 403),
    Case("cohorts:join", "GET", "cohort_token", "public", 200),
    Case("cohorts:join", "POST", "cohort_token", "public", 302),
    Case("cohorts:join", "GET", "bad_token", "public", 410),
    Case("cohorts:join", "GET", "withdrawn_cohort_token", "public", 410),
    # Equity outcomes: viewers read, contributors enter counts, leaders manage measures.
    Case("outcomes:program_outcomes", "GET", "program", "read", 200),
    Case("outcomes:measure_create", "POST", "program", "lead", 302),
    Case("outcomes:measure", "GET", "measure", "read", 200),
    Case("outcomes:measure_edit", "GET", "measure", "lead", 200),
    Case("outcomes:measure_edit", "POST", "measure", "lead", 302),
    Case("outcomes:measure_delete", "POST", "measure", "lead", 302),
    Case("outcomes:counts_entry", "GET", "measure", "answer", 200),
    Case("outcomes:counts_entry", "POST", "measure", "answer", 302),
    Case("outcomes:counts_import", "GET", "measure", "answer", 200),
    Case("outcomes:counts_import", "POST", "measure", "answer", 302),
    Case("outcomes:import_template", "GET", "measure", "read", 200),
    Case("outcomes:counts_export", "GET", "measure", "read", 200),
    Case("outcomes:counts_export_xlsx", "GET", "measure", "read", 200),
    Case("outcomes:counts_export_dictionary", "GET", "measure", "read", 200),
    # A survey's results: members read the protected tables; leaders the raw responses.
    Case("survey_results:results", "GET", "results_survey", "read", 200),
    Case("survey_results:results_csv", "GET", "results_survey", "read", 200),
    Case("survey_results:results_xlsx", "GET", "results_survey", "read", 200),
    Case("survey_results:responses_csv", "GET", "results_survey", "lead", 200),
    Case("survey_results:finding_add", "POST", "results_survey", "lead", 302),
    Case("survey_results:finding_remove", "POST", "results_survey", "lead", 302),
    # Surveys of the people served: viewers read, contributors enter paper forms, leaders
    # manage; the public link is for anyone who holds it.
    Case("surveys:survey_create", "GET", "program", "lead", 200),
    Case("surveys:survey_create", "POST", "program", "lead", 302),
    Case("surveys:survey", "GET", "survey", "read", 200),
    Case("surveys:survey_edit", "GET", "survey", "lead", 200),
    Case("surveys:survey_edit", "POST", "survey", "lead", 302),
    Case("surveys:question_add", "POST", "survey", "lead", 302),
    Case("surveys:question_remove", "POST", "survey", "lead", 302),
    Case("surveys:qr", "GET", "survey", "read", 200),
    Case("surveys:flyer", "GET", "survey", "read", 200),
    Case("surveys:paper", "GET", "survey", "answer", 200),
    Case("surveys:paper", "POST", "survey", "answer", 302),
    Case("surveys:codes", "POST", "coded_survey", "lead", 200),  # the codes, shown once
    Case("surveys:answer", "GET", "survey_token", "public", 200),
    Case("surveys:answer", "POST", "survey_token", "public", 302),
    Case("surveys:answer", "GET", "bad_token", "public", 404),
    Case("surveys:thanks", "GET", "survey_token", "public", 200),
]
POST_CASES = [case for case in CASES if case.method == "POST"]
# Rows of the matrix that answer with a file, not a page.
FILES = {
    "assessments:organization_export",
    "reports:report_pdf",
    "reports:poster_pdf",
    "posters:download",
    "outcomes:import_template",
    "outcomes:counts_export",
    "outcomes:counts_export_xlsx",
    "outcomes:counts_export_dictionary",
    "survey_results:results_csv",
    "survey_results:results_xlsx",
    "survey_results:responses_csv",
    "surveys:qr",
    "surveys:flyer",
    "health_live",
    "health_ready",
}
POST_ONLY = [
    "assessments:start",
    "assessments:confirm_carried",
    "assessments:submit",
    "assessments:reopen",
    "assessments:respondents",
    "assessments:respondent_submit",
    "assessments:close_round",
    "assessments:remind_respondents",
    "assessments:program_restore",
    "assessments:invite",
    "assessments:organization_security",
    "assessments:role",
    "assessments:revoke_invitation",
    "assessments:plan_step_add",
    "assessments:plan_step_move",
    "posters:start",
    "set_language",
    "two_factor_disable",
    "outcomes:measure_create",
    "outcomes:measure_delete",
    "surveys:question_add",
    "surveys:question_remove",
    "surveys:codes",
    "survey_results:finding_add",
    "survey_results:finding_remove",
]
# Actions on an organization's data, as opposed to public links and the user's own account.
ORG_POST_CASES = [case for case in POST_CASES if case.need not in ("public", "guest", "own")]


def expected_status(case: Case, role: str) -> int | str:
    if case.need == "public":
        return case.ok
    if case.need == "guest":
        return case.ok if role == "anonymous" else "home"
    if role == "anonymous":
        return "login"
    if case.need == "own":
        return case.ok
    if role == "stranger":
        return 404
    return case.ok if role in ALLOWED[case.need] else 403


ORGANIZATION_DATA = {
    "name": "Access organization",
    "sector": "nonprofit",
    "region": "Access",
    "size": "small",
}
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
def world(
    framework, org, leader, contributor, viewer, stranger, program, draft, settings, tmp_path
):
    """A complete draft (2026) and a submitted cycle (2025) of one program, a pending
    invitation to the organization, and a user who asked for a password reset link."""
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [MATRIX_PROVIDER]}}
    answer_everything(draft, levels.COLLABORATIVE)
    draft.answers.update(carried_over=True)  # as if started from the last cycle
    submitted = assessment_start(
        program=program, cycle=cycle_of(program, "2025"), framework=framework, by=leader
    )
    answer_everything(submitted, levels.REGULATIVE)
    assessment_submit(assessment=submitted, expected_version=submitted.version, by=leader)
    token = members.invitation_create(
        organization=org, email=INVITED_EMAIL, role=Role.CONTRIBUTOR, by=leader
    )
    users = {
        "anonymous": None,
        "stranger": stranger,
        "viewer": viewer,
        "contributor": contributor,
        "leader": leader,
    }
    steps = [
        plans.plan_step_add(
            assessment=submitted,
            dimension=framework.dimensions.get(key="governance"),
            values=plans.StepValues(title, "", "", "", None, "not_started", ""),
            by=leader,
        )
        for title in ("First step", "Second step")
    ]
    settings.MEDIA_ROOT = tmp_path
    batch = PosterBatch.objects.create(
        organization=org, requested_by=leader, size="tabloid", status="done", total=1, done=1
    )
    batch.archive.save("access.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    results_survey = stored_survey(program, {"white": (20, 12), "black": (15, 5)})
    archived_program = Program.objects.create(
        organization=org, name="Closed program", service_area="Health"
    )
    organizations.program_archive(program=archived_program, by=leader)
    unconfirmed = make_user("unconfirmed")
    get_user_model().objects.filter(pk=unconfirmed.pk).update(is_active=False)
    unconfirmed.refresh_from_db()
    cohort = Cohort.objects.create(name="Access cohort")
    cohort_token = newcomer_invite(
        cohort=cohort, email=INVITED_EMAIL, organization_name="", by=leader
    )
    withdrawn_cohort_token = newcomer_invite(
        cohort=cohort, email="withdrawn@example.org", organization_name="", by=leader
    )
    newcomer_withdraw(invitation=cohort.newcomers.get(email="withdrawn@example.org"), by=leader)
    return SimpleNamespace(
        withdrawn_cohort_token=withdrawn_cohort_token,
        archived_program=archived_program,
        empty_cycle=cycle_of(org, "2032"),
        unconfirmed=unconfirmed,
        cohort_token=cohort_token,
        batch=batch,
        plan_step=steps[0],
        framework=framework,
        organization=org,
        program=program,
        draft=draft,
        submitted=submitted,
        membership=Membership.objects.get(user=viewer, organization=org),
        invitation=Invitation.objects.get(email=INVITED_EMAIL),
        token=token,
        forgetful=make_user("forgetful"),
        users=users,
        measure=OutcomeMeasure.objects.create(
            program=program, name="Access measure", direction="adverse", denominator="people"
        ),
        results_survey=results_survey,
        finding=Finding.objects.create(survey=results_survey, question="respect", step=steps[0]),
        survey=_access_survey(program, codes_required=False),
        coded_survey=_access_survey(program, codes_required=True),
    )


def _access_survey(program, codes_required: bool) -> Survey:
    today = timezone.localdate()
    survey = Survey.objects.create(
        program=program,
        title="Coded survey" if codes_required else "Open survey",
        opens_on=today,
        closes_on=today,
        codes_required=codes_required,
    )
    ProgramQuestion.objects.create(survey=survey, position=1, kind="text", text="Anything else?")
    return survey


def url_args(target: str, world, case_name: str = "") -> list:
    if target == "none":
        return []
    if target == "token":
        return [world.token]
    if target == "bad_token":
        return ["not-a-token-anyone-was-sent"] * (2 if case_name == "signup_confirm" else 1)
    if target == "sso_provider":
        return [MATRIX_PROVIDER["provider_id"]]
    if target == "cohort_token":
        return [world.cohort_token]
    if target == "withdrawn_cohort_token":
        return [world.withdrawn_cohort_token]
    if target == "survey_token":
        return [world.survey.token]
    if target == "cycle":
        return [world.organization.pk, world.draft.cycle_id]
    if target == "empty_cycle":
        return [world.organization.pk, world.empty_cycle.pk]
    if target == "confirm_link":
        user = world.unconfirmed
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return [uid, confirmation_tokens.make_token(user)]
    if target == "reset_link":
        user = world.forgetful
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return [uid, default_token_generator.make_token(user)]
    return [getattr(world, target).pk]


def url_for(case: Case, world) -> str:
    args = url_args(case.target, world, case.name)
    if case.dimension:
        args.append(case.dimension)
    if case.name == "surveys:question_remove":
        args.append(1)  # the survey's first question
    if case.name == "survey_results:finding_remove":
        args.append(world.finding.pk)
    return reverse(case.name, args=args)


def post_data(case: Case, world) -> dict:
    if case.name == "assessments:start":
        return {**new_cycle("2030"), "framework": world.framework.pk}
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
    if case.name == "assessments:respondents":
        return {"users": [world.users["contributor"].pk]}
    if case.name == "assessments:respondent_submit":
        return {"version": 1}
    if case.name == "assessments:invite":
        return {"email": "access-check@example.org", "role": Role.VIEWER}
    if case.name == "assessments:organization_security":
        return {"require_two_factor": "on"}
    if case.name == "assessments:role":
        return {"role": Role.CONTRIBUTOR}
    if case.name == "assessments:plan_step_add":
        return {"governance-title": "Access step", "governance-status": "not_started"}
    if case.name == "assessments:plan_step_edit":
        return {"title": "Edited step", "status": "done"}
    if case.name == "assessments:plan_step_move":
        return {"direction": "down"}
    if case.name == "assessments:statements":
        return {"commitment_statement": "Access commitment"}
    if case.name == "posters:start":
        return {"size": "a3"}
    if case.name in ("assessments:invitation_accept", "cohorts:join"):
        # A signed-in user joins as themselves (creating the organization for a cohort);
        # anyone else signs up.
        signup = {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD}
        return signup | ORGANIZATION_DATA
    if case.name in ("assessments:organization_create", "assessments:organization_profile"):
        return ORGANIZATION_DATA
    if case.name in ("assessments:program_create", "assessments:program_edit"):
        return {"name": "Access program", "service_area": "Housing"}
    if case.name in ("assessments:cycles", "assessments:cycle_edit"):
        return {"name": "Access cycle", "starts_on": "2031-01-01", "ends_on": "2031-12-31"}
    if case.name == "signup":
        return {
            "username": "access-signup",
            "email": "access-signup@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
    if case.name == "signup_resend":
        return {"email": world.unconfirmed.email}
    if case.name == "set_language":
        return {"language": OTHER_LANGUAGE, "next": "/about/"}
    if case.name in ("outcomes:measure_create", "outcomes:measure_edit"):
        return {
            "name": "Access outcome",
            "direction": "favorable",
            "denominator": "people",
            "granularity": "year",
            "reference": "total",
        }
    if case.name == "outcomes:counts_entry":
        return {"period": "2026", "standard": "2024", "population_white": 9, "events_white": 4}
    if case.name == "outcomes:counts_import":
        csv = b"period,group,population,events\n2025,black,30,3\n"
        return {"file": SimpleUploadedFile("counts.csv", csv), "standard": "2024"}
    if case.name in ("surveys:survey_create", "surveys:survey_edit"):
        return {"title": "Access survey", "opens_on": "2031-01-01", "closes_on": "2031-01-31"}
    if case.name == "surveys:question_add":
        return {"kind": "yes_no", "text": "Access question"}
    if case.name in ("surveys:paper", "surveys:answer"):
        return {"respect": "5"}
    if case.name == "surveys:codes":
        return {"count": 3}
    if case.name == "survey_results:finding_add":
        return {"question": "ease", "step": world.plan_step.pk}
    if case.name in NO_DATA:
        return {}
    raise AssertionError(f"no POST data for {case.name}")


def post_took_effect(case: Case, world) -> bool:
    if case.name == "assessments:start":
        return Assessment.objects.filter(cycle__name="2030").exists()
    if case.name == "assessments:dimension":
        return Answer.objects.filter(assessment=world.draft, evidence="Access check").exists()
    if case.name == "assessments:confirm_carried":
        governance = world.draft.answers.filter(indicator__dimension__key="governance")
        return not governance.carried_unconfirmed().exists()
    if case.name == "assessments:submit":
        return Assessment.objects.get(pk=world.draft.pk).status == Assessment.Status.SUBMITTED
    if case.name == "assessments:reopen":
        return Assessment.objects.get(pk=world.submitted.pk).is_draft
    if case.name == "assessments:respondents":
        return world.draft.respondents.filter(user=world.users["contributor"]).exists()
    if case.name == "assessments:respondent_submit":
        return Respondent.objects.filter(submitted_at__isnull=False).exists()
    if case.name == "assessments:close_round":
        return Assessment.objects.get(pk=world.draft.pk).round_closed_at is not None
    if case.name == "assessments:remind_respondents":
        reminded = Respondent.objects.filter(reminded_at__isnull=False).exists()
        return reminded and [m.to for m in mail.outbox] == [["contributor@example.org"]]
    if case.name == "assessments:invite":
        sent = len(mail.outbox) == 1
        return Invitation.objects.filter(email="access-check@example.org").exists() and sent
    if case.name == "assessments:organization_security":
        return Organization.objects.get(pk=world.organization.pk).require_two_factor
    if case.name == "assessments:role":
        return Membership.objects.get(pk=world.membership.pk).role == Role.CONTRIBUTOR
    if case.name == "assessments:remove_member":
        return not Membership.objects.filter(pk=world.membership.pk).exists()
    if case.name == "assessments:revoke_invitation":
        return Invitation.objects.get(pk=world.invitation.pk).revoked_at is not None
    if case.name == "assessments:invitation_accept":
        return Invitation.objects.get(pk=world.invitation.pk).accepted_at is not None
    if case.name == "cohorts:join":
        # Anonymous: the account is made; signed in: the organization and its invitation.
        account = get_user_model().objects.filter(username="newcomer").exists()
        return account or NewcomerInvitation.objects.filter(accepted_at__isnull=False).exists()
    if case.name in ("assessments:organization_create", "assessments:organization_profile"):
        return Organization.objects.filter(name="Access organization", region="Access").exists()
    if case.name in ("assessments:program_create", "assessments:program_edit"):
        return Program.objects.filter(name="Access program").exists()
    if case.name in ("assessments:cycles", "assessments:cycle_edit"):
        return Cycle.objects.filter(name="Access cycle").exists()
    if case.name == "assessments:cycle_delete":
        return not Cycle.objects.filter(pk=world.empty_cycle.pk).exists()
    if case.name == "assessments:program_archive":
        return Program.objects.get(pk=world.program.pk).is_archived
    if case.name == "assessments:program_restore":
        return not Program.objects.get(pk=world.archived_program.pk).is_archived
    if case.name == "signup":
        created = get_user_model().objects.filter(username="access-signup", is_active=False)
        return created.exists() and len(mail.outbox) == 1
    if case.name == "signup_resend":
        return [m.to for m in mail.outbox] == [[world.unconfirmed.email]]
    if case.name == "set_language":
        if world.chooser is None:
            return True  # the cookie alone: tests/test_languages.py reads it
        return Preferences.objects.filter(user=world.chooser, language=OTHER_LANGUAGE).exists()
    if case.name == "two_factor_disable":
        return not TOTPDevice.objects.exists()
    if case.name == "assessments:plan_step_add":
        return PlanStep.objects.filter(title="Access step").exists()
    if case.name == "assessments:plan_step_edit":
        return PlanStep.objects.filter(title="Edited step", status="done").exists()
    if case.name == "assessments:plan_step_move":
        first = PlanStep.objects.filter(assessment=world.submitted).order_by("order").first()
        return first.title == "Second step"
    if case.name == "assessments:plan_step_remove":
        return not PlanStep.objects.filter(pk=world.plan_step.pk).exists()
    if case.name == "posters:start":
        return PosterBatch.objects.filter(size="a3").exists()
    if case.name == "assessments:statements":
        organization = Organization.objects.get(pk=world.organization.pk)
        return organization.commitment_statement == "Access commitment"
    if case.name in ("outcomes:measure_create", "outcomes:measure_edit"):
        return OutcomeMeasure.objects.filter(name="Access outcome").exists()
    if case.name == "outcomes:measure_delete":
        return not OutcomeMeasure.objects.filter(pk=world.measure.pk).exists()
    if case.name == "outcomes:counts_entry":
        return OutcomeCount.objects.filter(period="2026", group="white").exists()
    if case.name == "outcomes:counts_import":
        return OutcomeCount.objects.filter(period="2025", group="black").exists()
    if case.name in ("surveys:survey_create", "surveys:survey_edit"):
        return Survey.objects.filter(title="Access survey").exists()
    if case.name == "surveys:question_add":
        return ProgramQuestion.objects.filter(text="Access question").exists()
    if case.name == "surveys:question_remove":
        return not world.survey.program_questions.exists()
    if case.name == "surveys:paper":
        return SurveyResponse.objects.filter(source="paper").exists()
    if case.name == "surveys:answer":
        return SurveyResponse.objects.filter(source="web").exists()
    if case.name == "surveys:codes":
        return OneTimeCode.objects.filter(survey=world.coded_survey).count() == 3
    if case.name == "survey_results:finding_add":
        return Finding.objects.filter(question="ease").exists()
    if case.name == "survey_results:finding_remove":
        return not Finding.objects.filter(pk=world.finding.pk).exists()
    raise AssertionError(f"no effect known for {case.name}")


def prepare(client, case: Case, world, role: str) -> None:
    """Give the actor what the action needs (for anonymous, the leader gets it)."""
    user = world.users[role] or world.users["leader"]
    world.chooser = world.users[role]
    if case.name == "two_factor_disable":
        # An authenticator to turn off, verified in the session as after a full sign-in.
        device = TOTPDevice.objects.create(user=user)
        if world.users[role] is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    if case.name == "assessments:respondent_submit":
        # A respondent with every indicator answered. Being assigned grants no access.
        respondent = Respondent.objects.create(assessment=world.draft, user=user)
        RespondentAnswer.objects.bulk_create(
            RespondentAnswer(respondent=respondent, indicator=i, level=levels.REGULATIVE)
            for i in Indicator.objects.filter(dimension__framework=world.framework)
        )
    if case.name == "assessments:remind_respondents":
        # A respondent who has not submitted and was never emailed.
        Respondent.objects.create(assessment=world.draft, user=world.users["contributor"])
    if case.name == "assessments:consensus":
        # The consensus opens once the round is closed.
        Respondent.objects.create(assessment=world.draft, user=world.users["contributor"])
        Assessment.objects.filter(pk=world.draft.pk).update(round_closed_at=timezone.now())


def send(client, case: Case, world, role: str):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    prepare(client, case, world, role)
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
    elif expected == "home":
        assert response.status_code == 302
        assert response.url == reverse("assessments:home")
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
    # Cohort pages have a cast of their own: tests/cohorts/test_access.py walks them; the JSON
    # API and its token pages too: tests/api/test_access.py.
    named = {
        n
        for n in _named_urls(get_resolver().url_patterns)
        if not n.startswith(("cohorts:", "api:"))
    }
    assert {n.split(":")[0] for n in named if ":" in n} >= {"assessments", "reports"}
    assert {"password_reset", "account"} <= named  # names outside any namespace too
    assert named - NOT_APP_PAGES - {case.name for case in CASES} == set()


def test_the_table_names_only_urls_that_exist():
    named = set(_named_urls(get_resolver().url_patterns))
    assert {case.name for case in CASES} <= named


@pytest.mark.parametrize("name", POST_ONLY)
def test_a_post_only_action_rejects_get_with_405(client, world, name):
    case = next(c for c in POST_CASES if c.name == name)
    client.force_login(world.users["leader"])
    prepare(client, case, world, "leader")
    response = client.get(url_for(case, world))
    assert response.status_code == 405
    assert not post_took_effect(case, world)


def test_the_post_only_list_matches_the_table():
    """Every action in the table is POST-only, except pages that are also read with GET."""
    pages = {c.name for c in CASES if c.method == "GET"}
    assert {c.name for c in POST_CASES} - pages == set(POST_ONLY)


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


def test_a_stranger_cannot_act_on_the_organization_and_nothing_is_recorded(client, world, stranger):
    events_before = AssessmentEvent.objects.count()
    client.force_login(stranger)
    for case in ORG_POST_CASES:
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
    assert client.get(reverse("assessments:members", args=[unknown])).status_code == 404
    assert client.post(reverse("assessments:role", args=[987654])).status_code == 404
    assert client.post(reverse("assessments:revoke_invitation", args=[unknown])).status_code == 404


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
