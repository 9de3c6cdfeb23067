"""Emails are written in their reader's language: the recipient's own choice if they have an
account and made one, else the language of the organization that writes (for an invitation to
someone new, the inviting organization's; from a cohort, the facilitator's).

A tiny catalog, compiled for the test, translates the subjects; the dates of a reminder use
Django's own Spanish (month names), which needs no catalog of ours."""

import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core import mail
from django.test import RequestFactory
from django.utils import translation

from assessments import members, respondents
from assessments.models import Respondent
from assessments.services import respondents_assign
from cohorts import services as cohort_services
from cohorts.models import Cohort
from tests.conftest import make_user
from valuecurve import signup
from valuecurve.models import Preferences

pytestmark = pytest.mark.skipif(
    not shutil.which("msgfmt"), reason="gettext is not installed (make test installs it)"
)

SUBJECTS = {
    "%(inviter)s invites you to %(org)s on Value Curve": "ES invitación a %(org)s",
    "%(asker)s asks you to answer the %(cycle)s assessment of %(program)s": (
        "ES responder %(program)s"
    ),
    "%(org)s is invited to the cohort %(cohort)s": "ES %(org)s a la cohorte %(cohort)s",
    "%(inviter)s invites %(org)s to the cohort %(cohort)s": "ES cohorte %(cohort)s para %(org)s",
    "Confirm your email for Value Curve": "ES confirme su correo",
}


@pytest.fixture
def spanish_subjects(settings, tmp_path):
    """A catalog translating the subjects, ahead of the project's in LOCALE_PATHS (Django
    reloads catalogs when the setting changes)."""
    folder = tmp_path / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    entries = "".join(
        f'\n#, python-format\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n'
        for msgid, msgstr in SUBJECTS.items()
    )
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    (folder / "django.po").write_text(header + entries, encoding="utf-8")
    subprocess.run(
        ["msgfmt", "-o", str(folder / "django.mo"), str(folder / "django.po")], check=True
    )
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def request_():
    return RequestFactory().get("/")


def choose(user, language: str) -> None:
    Preferences.objects.update_or_create(user=user, defaults={"language": language})


# --- Invitations to an organization ------------------------------------------------------------


def test_an_invitation_to_someone_new_is_in_the_organizations_language(
    spanish_subjects, org, leader, request_
):
    org.language = "es"
    members.invitation_send(
        organization=org, email="new@example.org", token="t", request=request_, by=leader
    )
    assert mail.outbox[0].subject == f"ES invitación a {org.name}"


def test_an_invitation_to_someone_with_an_account_is_in_their_language(
    spanish_subjects, org, leader, request_
):
    reader = make_user("reader")
    choose(reader, "es")
    members.invitation_send(
        organization=org, email="READER@example.org", token="t", request=request_, by=leader
    )
    assert mail.outbox[0].subject == f"ES invitación a {org.name}"


def test_the_readers_own_choice_wins_over_the_organizations(
    spanish_subjects, org, leader, request_
):
    org.language = "es"
    reader = make_user("reader")
    choose(reader, settings.LANGUAGE_CODE)
    members.invitation_send(
        organization=org, email=reader.email, token="t", request=request_, by=leader
    )
    assert mail.outbox[0].subject.endswith("invites you to Riverside County DSS on Value Curve")


def test_the_senders_page_keeps_its_language_after_the_email(
    spanish_subjects, org, leader, request_
):
    org.language = "es"
    with translation.override(settings.LANGUAGE_CODE):
        members.invitation_send(
            organization=org, email="new@example.org", token="t", request=request_, by=leader
        )
        assert translation.get_language() == settings.LANGUAGE_CODE


# --- Respondents -------------------------------------------------------------------------------


def test_a_respondent_is_asked_in_their_language(
    spanish_subjects, leader, contributor, draft, request_
):
    choose(contributor, "es")
    assigned = respondents_assign(assessment=draft, users=[contributor], by=leader)
    mail.outbox.clear()
    respondents.assignment_notify(respondents=assigned, request=request_, by=leader)
    assert mail.outbox[0].subject == f"ES responder {draft.program.name}"


def test_a_reminder_gives_its_dates_in_the_readers_language(
    settings, leader, contributor, draft, request_
):
    settings.TIME_ZONE = "UTC"
    choose(contributor, "es")
    respondents_assign(assessment=draft, users=[contributor], by=leader)
    Respondent.objects.filter(user=contributor).update(
        assigned_at=datetime(2026, 3, 4, 15, 30, tzinfo=UTC), emailed_at=None
    )
    mail.outbox.clear()
    respondents.respondents_remind(assessment=draft, request=request_, by=leader)
    # Django's Spanish date format and month names: "4 de marzo de 2026".
    assert "4 de marzo de 2026" in mail.outbox[0].body


# --- Cohorts -----------------------------------------------------------------------------------


def test_a_cohort_invitation_reaches_each_leader_in_their_language(
    spanish_subjects, org, leader, request_
):
    facilitator = make_user("facilitator")
    second = make_user("second")
    org.memberships.create(user=second, role="leader")
    choose(second, "es")
    cohort = cohort_services.cohort_create(name="State association", description="", by=facilitator)
    invited = cohort_services.members_invite(cohort=cohort, organizations=[org], by=facilitator)
    mail.outbox.clear()
    sent = cohort_services.invitations_send(members=invited, request=request_, by=facilitator)
    assert sent == 1
    subjects = {tuple(m.to): m.subject for m in mail.outbox}
    assert subjects[(second.email,)] == f"ES {org.name} a la cohorte State association"
    assert subjects[(leader.email,)] == f"{org.name} is invited to the cohort State association"


def test_a_newcomer_is_invited_in_the_facilitators_language(spanish_subjects, request_, db):
    facilitator = make_user("facilitator")
    cohort = Cohort.objects.create(name="State association")
    token = cohort_services.newcomer_invite(
        cohort=cohort, email="noor@example.org", organization_name="Northside", by=facilitator
    )
    invitation = cohort_services.newcomer_invitation_for_token(token)
    with translation.override("es"):
        cohort_services.newcomer_invitation_send(
            invitation=invitation, token=token, request=request_, by=facilitator
        )
    assert mail.outbox[0].subject == "ES cohorte State association para Northside"


# --- Sign-up -----------------------------------------------------------------------------------


def test_the_sign_up_confirmation_is_in_the_language_of_the_sign_up_page(
    spanish_subjects, request_, db
):
    user = make_user("noor")
    with translation.override("es"):
        assert signup.confirmation_send(user=user, request=request_)
    assert mail.outbox[0].subject == "ES confirme su correo"
