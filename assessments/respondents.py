"""Several respondents who know they were asked: the draft set aside at assignment, the
email that tells them, the leader's reminders and the to-do on their home page."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from assessments.models import (
    Assessment,
    AssessmentEvent,
    Indicator,
    PriorAnswer,
    Respondent,
)
from valuecurve import languages

# A respondent is emailed about one assessment at most once in this time.
REMIND_INTERVAL = timedelta(days=1)


class ReminderRefused(Exception):
    """Nobody could be reminded; the message is shown to the leader."""


def person(user) -> str:
    return user.get_full_name() or user.username


# --- The draft before assignment ----------------------------------------------------------------


def draft_set_aside(*, assessment: Assessment, by) -> int:
    """Move the draft's answers aside as "draft before assignment"; return how many.

    Called inside the first assignment's transaction: from then on the scored answers
    are the consensus only, which the leader sets from the respondents' answers. The
    deletions are recorded in the answers' history.
    """
    answers = list(assessment.answers.all())
    prior = [
        PriorAnswer(
            assessment=assessment,
            indicator_id=answer.indicator_id,
            level=answer.level,
            evidence=answer.evidence,
            confidence=answer.confidence,
            answered_by_id=answer.answered_by_id,
            answered_at=answer.updated_at,
        )
        for answer in answers
    ]
    # With history, so the set-aside answers are on record like every other change.
    bulk_create_with_history(prior, PriorAnswer, default_user=by)
    for answer in answers:
        answer._history_user = by
        answer.delete()
    return len(answers)


def answered_count(answers: dict) -> int:
    """Answers with a level (a blank one saved by a page is not an answer)."""
    return sum(1 for answer in answers.values() if answer.level is not None)


# --- Emails ---------------------------------------------------------------------------------------


def _values(respondent: Respondent, request, by) -> dict:
    assessment = respondent.assessment
    link = request.build_absolute_uri(reverse("assessments:detail", args=[assessment.pk]))
    return {
        "asker": person(by),
        "program": assessment.program.name,
        "org": assessment.program.organization.name,
        "cycle": assessment.cycle,
        "link": link,
    }


def _assignment_mail(respondent: Respondent, request, by) -> tuple[str, str]:
    values = _values(respondent, request, by)
    subject = _("%(asker)s asks you to answer the %(cycle)s assessment of %(program)s") % values
    body = (
        _(
            "%(asker)s asks you to answer the %(cycle)s equity self-assessment of %(program)s "
            "(%(org)s) on Value Curve, on your own: nobody sees your answers before you submit "
            "them, and you see the others' once you have.\n\nAnswer it here:\n%(link)s\n"
        )
        % values
    )
    return subject, body


def _reminder_mail(respondent: Respondent, request, by) -> tuple[str, str]:
    values = _values(respondent, request, by)
    values["assigned"] = formats.date_format(timezone.localtime(respondent.assigned_at))
    subject = _("Reminder: your answers to the %(cycle)s assessment of %(program)s") % values
    body = (
        _(
            "%(asker)s reminds you that the %(cycle)s equity self-assessment of %(program)s "
            "(%(org)s) waits for your answers; you were asked on %(assigned)s. The consensus "
            "can start when every respondent has submitted.\n\nAnswer it here:\n%(link)s\n"
        )
        % values
    )
    return subject, body


def _send(respondent: Respondent, compose, request, by) -> bool:
    """Send the mail `compose` writes, in the respondent's language."""
    if not respondent.user.email:
        return False
    organization = respondent.assessment.program.organization
    with languages.reading(user=respondent.user, organization=organization):
        subject, body = compose(respondent, request, by)
    subject = " ".join(subject.split())  # names are user text: never a header break
    send_mail(subject, body, None, [respondent.user.email])
    return True


def assignment_notify(*, respondents: list[Respondent], request, by) -> list[Respondent]:
    """Email each newly assigned respondent the link; return those with no address."""
    unreachable = []
    now = timezone.now()
    for respondent in respondents:
        if respondent.user_id == by.pk:
            continue  # a leader who assigns themselves knows
        if _send(respondent, _assignment_mail, request, by):
            Respondent.objects.filter(pk=respondent.pk).update(emailed_at=now)
            respondent.emailed_at = now
        else:
            unreachable.append(respondent)
    return unreachable


@dataclass(frozen=True)
class Reminded:
    sent: list[Respondent]
    too_soon: list[Respondent]
    unreachable: list[Respondent]


def awaited(respondents, user_id: int) -> list[Respondent]:
    """Whom a reminder from this user is for: the respondents not submitted, but them."""
    return [r for r in respondents if not r.has_submitted and r.user_id != user_id]


def may_remind(respondent: Respondent, now: datetime) -> bool:
    return respondent.emailed_at is None or respondent.emailed_at <= now - REMIND_INTERVAL


@transaction.atomic
def respondents_remind(*, assessment: Assessment, request, by) -> Reminded:
    """Email the respondents who have not submitted, each at most once a day; recorded."""
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not current.round_is_open:
        raise ReminderRefused(_("The round is closed; nobody is waiting to be reminded."))
    pending = awaited(current.respondents.select_related("user"), by.pk)
    if not pending:
        raise ReminderRefused(_("Nobody else is waiting to submit; nobody needs a reminder."))
    now = timezone.now()
    due = [r for r in pending if may_remind(r, now)]
    too_soon = [r for r in pending if not may_remind(r, now)]
    sent, unreachable = [], []
    for respondent in due:
        respondent.assessment = current
        if not _send(respondent, _reminder_mail, request, by):
            unreachable.append(respondent)
            continue
        respondent.emailed_at = respondent.reminded_at = now
        respondent._history_user = by
        respondent.save(update_fields=["emailed_at", "reminded_at"])
        sent.append(respondent)
    if not sent:
        raise ReminderRefused(_refusal(too_soon, unreachable))
    names = ", ".join(person(r.user) for r in sent)
    AssessmentEvent.objects.create(
        assessment=current, kind=AssessmentEvent.Kind.REMINDED, by=by, note=names
    )
    return Reminded(sent, too_soon, unreachable)


def _refusal(too_soon: list[Respondent], unreachable: list[Respondent]) -> str:
    if too_soon:
        soonest = min(r.emailed_at for r in too_soon if r.emailed_at) + REMIND_INTERVAL
        when = formats.date_format(timezone.localtime(soonest), "DATETIME_FORMAT")
        return _(
            "Everyone who has not submitted was emailed less than a day ago. "
            "You can remind them again from %(when)s."
        ) % {"when": when}
    names = ", ".join(person(r.user) for r in unreachable)
    return _("No reminder sent: %(names)s have no email address.") % {"names": names}


# --- Reading --------------------------------------------------------------------------------------


_indicator_total = (
    Indicator.objects.filter(dimension__framework=OuterRef("assessment__framework"))
    .order_by()
    .values("dimension__framework")
    .annotate(total=Count("pk"))
    .values("total")
)


def respondent_to_do(user) -> QuerySet[Respondent]:
    """The home page's to-do: the user's open assignments, with what the page shows."""
    return (
        Respondent.objects.to_do_for(user)
        .select_related("assessment__program__organization", "assessment__cycle", "assigned_by")
        .annotate(
            answered=Count("answers", filter=Q(answers__level__isnull=False)),
            indicator_total=Subquery(_indicator_total),
        )
        .order_by("assigned_at", "pk")
    )


def last_reminder(respondents: list[Respondent]) -> datetime | None:
    return max((r.reminded_at for r in respondents if r.reminded_at), default=None)
