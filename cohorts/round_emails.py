"""Emails about cohort rounds, sent by a daily run (`manage.py send_round_reminders`, or the
`send_round_emails` task): each member's leaders hear when a round opens, and the leaders of
members that have not submitted get one reminder `ROUND_REMINDER_DAYS` before the deadline.
Each email is recorded (`RoundEmail`) before it goes, in the same transaction, so a run
repeated the same day, or two at once, never sends one twice; one that fails is not recorded,
and the next run sends it."""

import logging
import smtplib
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.models import Membership, Role
from cohorts.models import RoundCycle, RoundEmail
from valuecurve import languages

Kind = RoundEmail.Kind
logger = logging.getLogger(__name__)


def round_emails_send(*, today: date) -> dict[str, int]:
    """Send the round emails due today; returns how many organizations got each kind."""
    return {k.value: sum(_send(link, k, today) for link in links_due(k, today)) for k in Kind}


def links_due(kind: str, today: date):
    """The members (their round links) due an email of this kind today and not sent one yet:
    rounds open today; for a reminder, within `ROUND_REMINDER_DAYS` of the deadline and the
    member has not submitted (`RoundCycleQuerySet.submitted`)."""
    sent = RoundEmail.objects.filter(
        round=OuterRef("round"), organization=OuterRef("organization"), kind=kind
    )
    links = (
        RoundCycle.objects.of_members()
        .filter(round__starts_on__lte=today, round__ends_on__gte=today)
        .exclude(Exists(sent))
    )
    if kind == Kind.REMINDER:
        near = today + timedelta(days=settings.ROUND_REMINDER_DAYS)
        links = links.filter(round__ends_on__lte=near).exclude(
            pk__in=RoundCycle.objects.submitted().values("pk")
        )
    return links.select_related("round__cohort", "organization").order_by("round__ends_on")


def _send(link: RoundCycle, kind: str, today: date) -> bool:
    leaders = [
        m.user
        for m in Membership.objects.filter(organization=link.organization, role=Role.LEADER)
        .select_related("user")
        .order_by("user__email")
        if m.user.email and m.user.is_active
    ]
    try:
        with transaction.atomic():
            RoundEmail.objects.create(
                round=link.round, organization=link.organization, kind=kind, recipients=len(leaders)
            )
            for language, emails in _by_language(leaders, link).items():
                with translation.override(language):
                    subject, body = _message(link, kind)
                send_mail(subject, body, None, emails)
    except IntegrityError:  # another run recorded it first
        return False
    except (OSError, smtplib.SMTPException):  # not recorded: the next run tries again
        logger.warning("Round email to %s not sent", link.organization_id, exc_info=True)
        return False
    return True


def _by_language(leaders: list, link: RoundCycle) -> dict[str, list[str]]:
    """The leaders' addresses by the language they read: one email to each group."""
    groups: dict[str, list[str]] = {}
    for user in leaders:
        language = languages.reader_language(user=user, organization=link.organization)
        groups.setdefault(language, []).append(user.email)
    return groups


def _message(link: RoundCycle, kind: str) -> tuple[str, str]:
    cohort_round = link.round
    values = {
        "cohort": cohort_round.cohort.name,
        "round": cohort_round.name,
        "org": link.organization.name,
        "deadline": date_format(cohort_round.ends_on),
        "link": settings.SITE_URL + reverse("assessments:home"),
    }
    if kind == Kind.OPENED:
        subject = _("The %(round)s round of %(cohort)s is open") % values
        body = _(
            "The cohort %(cohort)s has opened its %(round)s round. Assess the programs of "
            "%(org)s in your %(round)s cycle and submit by %(deadline)s: the cohort compares "
            "the assessments submitted in the round, as far as your organization chose to "
            "share them.\n\nYour home page shows the round, its deadline and each program's "
            "status in it:\n%(link)s\n"
        )
    else:
        subject = _("Reminder: the %(round)s round of %(cohort)s closes on %(deadline)s") % values
        body = _(
            "%(org)s has not submitted an assessment in the %(round)s round of the cohort "
            "%(cohort)s yet. The deadline is %(deadline)s; an assessment submitted after it "
            "still counts, marked late.\n\nYour home page shows each program's status in the "
            "round:\n%(link)s\n"
        )
    return subject, body % values


@task
def send_round_emails() -> dict[str, int]:
    """The daily run, for the task worker (see the README's deploy section)."""
    return round_emails_send(today=timezone.localdate())
