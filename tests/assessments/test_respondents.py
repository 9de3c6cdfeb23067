"""Several respondents who know they were asked: the email and the to-do, reminders, the
draft before assignment kept, the consensus suggested from the respondents, counters that
say what they count, and viewers told why they are not offered."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments import levels
from assessments.consensus import suggest
from assessments.models import (
    Answer,
    AssessmentEvent,
    Membership,
    PriorAnswer,
    Respondent,
)
from assessments.respondents import respondent_to_do
from assessments.services import respondents_assign, round_close
from tests.assessments.test_team import answer_everything, answer_own, submit_own
from tests.conftest import answer_all, make_user

pytestmark = pytest.mark.django_db


def assign(client, assessment, *users):
    url = reverse("assessments:respondents", args=[assessment.pk])
    return client.post(url, {"users": [u.pk for u in users]}, follow=True)


def remind(client, assessment):
    url = reverse("assessments:remind_respondents", args=[assessment.pk])
    return client.post(url, follow=True)


def review(client, assessment) -> str:
    return client.get(reverse("assessments:review", args=[assessment.pk])).content.decode()


def consensus_page(client, assessment, dimension="governance") -> str:
    url = reverse("assessments:consensus", args=[assessment.pk, dimension])
    return client.get(url).content.decode()


def checked_levels(html: str) -> list[int]:
    return [int(v) for v in re.findall(r'value="(-?\d)" id="[^"]*" checked', html)]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Told they were asked --------------------------------------------------------------------


def test_assigning_emails_each_respondent_the_link(client, leader, contributor, draft):
    client.force_login(leader)
    response = assign(client, draft, contributor)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["contributor@example.org"]
    assert message.subject == "leader asks you to answer the 2026 assessment of Family Stability"
    link = "http://testserver" + reverse("assessments:detail", args=[draft.pk])
    assert link in message.body
    assert "nobody sees your answers before you submit" in message.body
    assert draft.respondents.get().emailed_at is not None
    assert "emailed the link" in messages_of(response)[0]


def test_a_leader_who_assigns_themselves_is_not_emailed_nor_reminded(
    client, leader, contributor, draft
):
    client.force_login(leader)
    assign(client, draft, leader, contributor)
    assert [m.to for m in mail.outbox] == [["contributor@example.org"]]
    assert "assigned themselves" in review(client, draft)
    Respondent.objects.update(emailed_at=timezone.now() - timedelta(days=2))
    remind(client, draft)
    assert [m.to for m in mail.outbox][1:] == [["contributor@example.org"]]
    assert draft.respondents.get(user=leader).reminded_at is None
    client.force_login(contributor)
    answer_everything(client, draft, levels.REGULATIVE, "Done")
    submit_own(client, draft)
    client.force_login(leader)
    assert "Remind those who have not submitted" not in review(client, draft)  # only them left


def test_a_respondent_without_an_email_address_is_named_to_the_leader(client, leader, org, draft):
    silent = make_user("silent")
    silent.email = ""
    silent.save()
    Membership.objects.create(user=silent, organization=org, role="contributor")
    client.force_login(leader)
    response = assign(client, draft, silent)
    assert mail.outbox == []
    assert "No email address for silent: tell them yourself." in messages_of(response)
    assert "not emailed" in review(client, draft)


def test_the_home_page_lists_the_respondents_open_assignments(client, leader, contributor, draft):
    respondents_assign(assessment=draft, users=[contributor], by=leader)
    client.force_login(contributor)
    home = client.get(reverse("assessments:home")).content.decode()
    assert "To do: 1 assessment waits for your answers" in home
    assert "Answer Family Stability, cycle 2026" in home
    assert "asked by leader on" in home
    assert reverse("assessments:detail", args=[draft.pk]) in home
    assert "0 of 24 indicators answered" in home


def test_the_to_do_leaves_once_submitted_closed_or_no_longer_a_member(
    client, leader, contributor, draft, framework, program
):
    respondents_assign(assessment=draft, users=[leader, contributor], by=leader)
    client.force_login(contributor)
    answer_everything(client, draft, levels.REGULATIVE, "Done")
    submit_own(client, draft)
    assert not respondent_to_do(contributor).exists()
    assert respondent_to_do(leader).count() == 1
    Membership.objects.filter(user=leader).update(role="viewer")
    assert not respondent_to_do(leader).exists()
    Membership.objects.filter(user=leader).update(role="leader")
    round_close(assessment=draft, by=leader)
    assert not respondent_to_do(leader).exists()
    home = client.get(reverse("assessments:home")).content.decode()
    assert "To do" not in home


# --- Reminders ---------------------------------------------------------------------------------


def test_the_leader_sees_who_submitted_and_reminds_the_others_once_a_day(
    client, leader, contributor, org, draft
):
    third = make_user("third")
    Membership.objects.create(user=third, organization=org, role="contributor")
    client.force_login(leader)
    assign(client, draft, contributor, third)
    mail.outbox.clear()
    client.force_login(third)
    answer_everything(client, draft, levels.REGULATIVE, "Mine")
    submit_own(client, draft)
    client.force_login(leader)
    page = review(client, draft)
    assert "1 of 2 respondents submitted" in page
    assert "0 of 24 indicators answered, not submitted" in page
    assert "No reminder sent yet." in page

    # The assignment email counts: a reminder waits a day after it.
    response = remind(client, draft)
    assert "emailed less than a day ago" in messages_of(response)[0]
    assert mail.outbox == []
    Respondent.objects.update(emailed_at=timezone.now() - timedelta(days=1, minutes=1))
    response = remind(client, draft)
    assert messages_of(response) == ["Reminder emailed to contributor."]
    assert [m.to for m in mail.outbox] == [["contributor@example.org"]]
    assert mail.outbox[0].subject.startswith("Reminder: your answers to the 2026 assessment")
    reminded = draft.respondents.get(user=contributor)
    assert reminded.reminded_at is not None
    assert draft.respondents.get(user=third).reminded_at is None
    event = AssessmentEvent.objects.get(assessment=draft, kind="reminded")
    assert event.note == "contributor" and event.by == leader
    assert "Last reminder sent: " in review(client, draft)

    again = remind(client, draft)
    assert "emailed less than a day ago" in messages_of(again)[0]
    assert len(mail.outbox) == 1
    assert AssessmentEvent.objects.filter(kind="reminded").count() == 1


def test_a_reminder_is_refused_when_nobody_waits(client, leader, contributor, draft):
    respondents_assign(assessment=draft, users=[contributor], by=leader)
    round_close(assessment=draft, by=leader)
    client.force_login(leader)
    response = remind(client, draft)
    assert "The round is closed" in messages_of(response)[0]
    assert mail.outbox == []
    assert "Remind those who have not submitted" not in review(client, draft)


# --- The draft before assignment ------------------------------------------------------------


def test_assigning_warns_what_happens_to_the_drafts_answers(client, leader, draft):
    answer_all(draft, levels.COLLABORATIVE)
    client.force_login(leader)
    page = review(client, draft)
    assert "This draft has 24 answers. Assigning respondents sets them aside" in page
    assert 'aria-describedby="assign-draft-note"' in page


def test_the_drafts_answers_are_kept_beside_the_respondents_and_never_preset(
    client, leader, contributor, draft
):
    """Found: both respondents said Regulative, the draft's Collaborative was preset."""
    answer_all(draft, levels.COLLABORATIVE, evidence="Last year's minutes")
    client.force_login(leader)
    assign(client, draft, leader, contributor)
    assert not Answer.objects.filter(assessment=draft).exists()
    assert PriorAnswer.objects.filter(assessment=draft, level=levels.COLLABORATIVE).count() == 24
    event = AssessmentEvent.objects.get(assessment=draft, kind="assigned")
    assert "24 draft answers kept as “Draft before assignment”" in event.note
    page = review(client, draft)
    assert "The draft held 24 answers before respondents were assigned" in page
    assert page.count("Last year&#x27;s minutes") == 24  # the leader reads it during the round
    for user in (contributor, leader):
        client.force_login(user)
        answer_everything(client, draft, levels.REGULATIVE, f"{user.username} says basics")
        submit_own(client, draft)

    page = consensus_page(client, draft)
    assert checked_levels(page) == [levels.REGULATIVE] * 6
    assert page.count("Draft before assignment") == 6
    assert page.count("(not counted in the suggestion)") == 6
    assert "Last year&#x27;s minutes" in page
    assert page.count("All 2 respondents answered Regulative.") == 6
    assert "suggested-badge" not in page  # they agree: simply preset
    history = client.get(reverse("assessments:history", args=[draft.pk])).content.decode()
    assert history.count("Set aside as draft before assignment") == 24
    assert 'Collaborative</span> → <span class="evidence">Not answered' in history


def test_where_respondents_differ_the_rounded_down_median_is_suggested(
    client, leader, contributor, draft
):
    respondents_assign(assessment=draft, users=[leader, contributor], by=leader)
    for user, level in ((contributor, levels.REGULATIVE), (leader, levels.GENERATIVE)):
        client.force_login(user)
        answer_everything(client, draft, level, "Seen")
        submit_own(client, draft)
    page = consensus_page(client, draft)
    assert checked_levels(page) == [levels.COLLABORATIVE] * 6  # median 2.5, rounded down
    label = re.search(r'for="[^"]*_2"><strong>Collaborative</strong>(.*?)</label>', page, re.S)
    assert 'suggested</span><span class="visually-hidden"> (the median' in label.group(1)
    assert page.count("Suggested: Collaborative, the median of 2 respondents") == 6


def test_a_saved_consensus_is_shown_instead_of_the_suggestion(client, leader, contributor, draft):
    respondents_assign(assessment=draft, users=[contributor], by=leader)
    client.force_login(contributor)
    answer_everything(client, draft, levels.REGULATIVE, "Seen")
    submit_own(client, draft)
    client.force_login(leader)
    dimension = draft.framework.dimensions.get(key="governance")
    data = {"version": draft.version}
    for indicator in dimension.indicators.all():
        data[f"i-{indicator.key}-level"] = str(levels.INTEGRATIVE)
        data[f"i-{indicator.key}-evidence"] = "Agreed"
    client.post(reverse("assessments:consensus", args=[draft.pk, "governance"]), data)
    assert checked_levels(consensus_page(client, draft)) == [levels.INTEGRATIVE] * 6
    assert "6 of 24 indicators with a consensus" in review(client, draft)


def test_the_migration_sets_aside_drafts_assigned_before(leader, contributor, draft):
    """Drafts assigned before this change: answers older than the first assignment."""
    from importlib import import_module

    answer_all(draft, levels.COLLABORATIVE)
    Answer.objects.filter(assessment=draft).update(updated_at=timezone.now() - timedelta(days=2))
    respondent = Respondent.objects.create(assessment=draft, user=contributor)
    consensus = Answer.objects.filter(assessment=draft).first()
    Answer.objects.filter(pk=consensus.pk).update(updated_at=timezone.now() + timedelta(hours=1))
    migration = import_module("assessments.migrations.0005_respondent_notices")
    migration.set_aside_stale_drafts(apps, None)
    assert list(Answer.objects.filter(assessment=draft)) == [consensus]
    assert PriorAnswer.objects.filter(assessment=draft).count() == 23
    assert respondent.assessment_id == draft.pk


# --- Counters and viewers -----------------------------------------------------------------------


def test_every_counter_says_what_it_counts(client, leader, contributor, draft):
    respondents_assign(assessment=draft, users=[leader, contributor], by=leader)
    client.force_login(contributor)
    governance = draft.framework.dimensions.get(key="governance")
    answer_own(client, draft, governance, levels.REGULATIVE, "Mine")
    page = review(client, draft)
    assert "6 of 6 answered by you" in page
    assert "indicators are not answered by you yet" in page
    assert "0 of 2 respondents submitted" in page
    assert "6 of 24 indicators answered, not submitted" in page
    answer_everything(client, draft, levels.REGULATIVE, "Mine")
    submit_own(client, draft)
    page = review(client, draft)
    assert "0 of 6 with a consensus" in page
    assert "indicators have no consensus yet" in page
    assert "1 of 2 respondents submitted" in page


def test_the_review_page_says_why_viewers_are_not_offered(client, leader, viewer, draft):
    viewer.first_name = "Vera"
    viewer.save()
    client.force_login(leader)
    page = review(client, draft)
    assert "Not offered: Vera, a viewer. Viewers read assessments but do not answer them" in page
    assert reverse("assessments:members", args=[draft.program.organization_id]) in page


def test_the_suggestion_rule_presets_agreement_and_suggests_otherwise():
    assert suggest([1, 1]).agreed and suggest([1, 1]).level == 1
    assert not suggest([1, 2]).agreed and suggest([1, 2]).level == 1
    assert suggest([1, 4, None]).level == 2 and suggest([1, 4, None]).answers == 2
    assert suggest([-1, -1]).agreed and suggest([-1, -1]).level == levels.DONT_KNOW
    assert not suggest([None]).agreed and suggest([None]).level is None
