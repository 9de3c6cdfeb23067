"""Round emails: member leaders hear when a round opens, and those whose organization has not
submitted get one reminder before the deadline; the daily run never sends one twice."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils.formats import date_format

from cohorts.models import CohortMember, CohortRound, RoundEmail
from cohorts.round_emails import round_emails_send
from cohorts.rounds import round_save
from tests.cohorts.conftest import add_member_org, org_leader, submitted_assessment

OPENS = date(2027, 3, 1)
DEADLINE = date(2027, 4, 30)


@pytest.fixture
def spring(cohort, facilitator, framework, settings):
    """Sharing Alder (two leaders), invited Birch, withdrawn Cedar, and the Spring round."""
    settings.SITE_URL = "https://valuecurve.example.org"
    settings.ROUND_REMINDER_DAYS = 7
    alder = add_member_org(cohort, framework, "Alder", 2, cycle="2026")
    birch = add_member_org(cohort, framework, "Birch", 2, status=CohortMember.Status.INVITED)
    cedar = add_member_org(cohort, framework, "Cedar", 2)
    for org, names in ((alder, ("ada", "abe")), (birch, ("bea",)), (cedar, ("cy",))):
        for name in names:
            org_leader(org, name)
    cohort_round = CohortRound(cohort=cohort, name="Spring", starts_on=OPENS, ends_on=DEADLINE)
    round_save(cohort_round=cohort_round, by=facilitator, today=OPENS)
    cohort.members.filter(organization=cedar).update(status=CohortMember.Status.WITHDRAWN)
    mail.outbox.clear()
    return {"alder": alder, "birch": birch, "round": cohort_round}


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_member_leaders_hear_once_when_a_round_opens(spring):
    assert round_emails_send(today=OPENS - timedelta(days=1)) == {"opened": 0, "reminder": 0}
    assert mail.outbox == []  # not open yet
    assert round_emails_send(today=OPENS) == {"opened": 2, "reminder": 0}
    assert recipients() == ["abe@example.org", "ada@example.org", "bea@example.org"]
    assert sorted(m.to for m in mail.outbox)[0] == ["abe@example.org", "ada@example.org"]
    message = next(m for m in mail.outbox if m.to == ["bea@example.org"])
    assert message.subject == "The Spring round of County consortium is open"
    assert (
        f"Assess the programs of Birch in your Spring cycle and submit by {date_format(DEADLINE)}"
        in (message.body)
    )
    assert "https://valuecurve.example.org/" in message.body
    mail.outbox.clear()
    assert round_emails_send(today=OPENS) == {"opened": 0, "reminder": 0}
    assert round_emails_send(today=OPENS + timedelta(days=1))["opened"] == 0
    assert mail.outbox == []
    assert RoundEmail.objects.filter(kind="opened").count() == 2


def test_leaders_of_members_that_have_not_submitted_get_one_reminder_before_the_deadline(
    spring, framework, settings
):
    round_emails_send(today=OPENS)
    submitted_assessment(spring["alder"].programs.get(), framework, 3, cycle="Spring")
    mail.outbox.clear()
    assert round_emails_send(today=DEADLINE - timedelta(days=8))["reminder"] == 0
    assert round_emails_send(today=DEADLINE - timedelta(days=7))["reminder"] == 1
    assert recipients() == ["bea@example.org"]  # Alder has submitted
    [message] = mail.outbox
    assert message.subject == (
        f"Reminder: the Spring round of County consortium closes on {date_format(DEADLINE)}"
    )
    assert "Birch has not submitted an assessment in the Spring round" in message.body
    mail.outbox.clear()
    for day in (DEADLINE - timedelta(days=6), DEADLINE):
        assert round_emails_send(today=day)["reminder"] == 0
    assert round_emails_send(today=DEADLINE + timedelta(days=1)) == {"opened": 0, "reminder": 0}
    assert mail.outbox == []


def test_the_reminder_day_is_a_setting(spring, settings):
    settings.ROUND_REMINDER_DAYS = 2
    round_emails_send(today=OPENS)
    assert round_emails_send(today=DEADLINE - timedelta(days=3))["reminder"] == 0
    assert round_emails_send(today=DEADLINE - timedelta(days=2))["reminder"] == 2


def test_a_failed_email_is_not_recorded_and_goes_on_the_next_run(spring, monkeypatch):
    from cohorts import round_emails

    def broken(*args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(round_emails, "send_mail", broken)
    assert round_emails_send(today=OPENS) == {"opened": 0, "reminder": 0}
    assert not RoundEmail.objects.exists()
    monkeypatch.undo()
    assert round_emails_send(today=OPENS)["opened"] == 2


def test_the_daily_command_sends_what_is_due_and_can_queue_it(spring):
    out = StringIO()
    call_command("send_round_reminders", "--date", OPENS.isoformat(), stdout=out)
    assert "sent to 2 organizations for opened rounds and 0 for deadlines" in out.getvalue()
    call_command("send_round_reminders", "--date", OPENS.isoformat(), stdout=StringIO())
    assert len(mail.outbox) == 2  # one email to each organization's leaders
    with pytest.raises(CommandError, match="--date must be a day"):
        call_command("send_round_reminders", "--date", "soon")
    queued = StringIO()
    call_command("send_round_reminders", "--enqueue", stdout=queued)  # the immediate backend
    assert "Queued" in queued.getvalue()
