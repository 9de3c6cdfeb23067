"""Equity outcomes: a program's measures and, per period and group, the counts behind them.

Counts are stored, never only rates: rates, ratios and intervals are computed from them
(outcomes/metrics.py), and small counts are hidden when shown (outcomes/privacy.py).
"""

import re
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.models import Program
from outcomes import groups

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# The same values as outcomes.metrics' (a test checks), kept here so loading the models does
# not load pandas and scipy.
REFERENCE_TOTAL, REFERENCE_BEST = "total", "best"

# Below PostgreSQL's integer limit, far above any program's caseload.
MAX_COUNT = 100_000_000
PERIOD_MAX_LENGTH = 7
FIRST_YEAR, LAST_YEAR = 1900, 2100


class Direction(models.TextChoices):
    FAVORABLE = "favorable", _("Favorable: higher is better (e.g. stable housing)")
    ADVERSE = "adverse", _("Adverse: lower is better (e.g. a child removed from home)")


class Granularity(models.TextChoices):
    YEAR = "year", _("Year (2026)")
    QUARTER = "quarter", _("Quarter (2026-Q1)")
    MONTH = "month", _("Month (2026-03)")


class Standard(models.TextChoices):
    SPD_2024 = "2024", _("2024 standard (one combined question, seven categories)")
    SPD_1997 = "1997", _("1997 standard (five races and Hispanic origin)")


PERIOD_PATTERNS = {
    Granularity.YEAR: re.compile(r"(?P<year>[0-9]{4})"),
    Granularity.QUARTER: re.compile(r"(?P<year>[0-9]{4})-Q[1-4]"),
    Granularity.MONTH: re.compile(r"(?P<year>[0-9]{4})-(0[1-9]|1[0-2])"),
}
PERIOD_EXAMPLES = {
    Granularity.YEAR: "2026",
    Granularity.QUARTER: "2026-Q1",
    Granularity.MONTH: "2026-03",
}


def normalize_period(text: str) -> str:
    """`2026-q1 ` -> `2026-Q1`: spaces and the quarter's case do not matter."""
    return text.strip().upper()


# One whole sentence per granularity, so each language can word it as its grammar needs.
PERIOD_MISMATCH = {
    Granularity.YEAR: _("“%(period)s” is not a year; write it like %(example)s."),
    Granularity.QUARTER: _("“%(period)s” is not a quarter; write it like %(example)s."),
    Granularity.MONTH: _("“%(period)s” is not a month; write it like %(example)s."),
}


def period_error(period: str, granularity: str) -> str | None:
    """Why `period` (normalized) is not a period of this granularity, or None if it is."""
    match = PERIOD_PATTERNS[Granularity(granularity)].fullmatch(period)
    if match is None:
        return PERIOD_MISMATCH[Granularity(granularity)] % {
            "period": period[:20],
            "example": PERIOD_EXAMPLES[Granularity(granularity)],
        }
    if not FIRST_YEAR <= int(match["year"]) <= LAST_YEAR:
        return _("%(year)s is not a year this tool accepts (%(first)s to %(last)s).") % {
            "year": match["year"],
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    return None


REFERENCE_CHOICES = [
    (REFERENCE_TOTAL, _("All groups compared, together (unknown race and hidden groups left out)")),
    (REFERENCE_BEST, _("The best-off group with a reliable rate, in each period")),
    *[(key, label) for key, label in groups.GROUPS if key in groups.COMPARED_GROUPS],
]


class OutcomeMeasure(models.Model):
    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("ID")
    )
    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="outcome_measures",
        verbose_name=_("program"),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("What happens to people, such as “Stable housing at 12 months”."),
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    outcome_phrase = models.CharField(
        _("the outcome, as a verb"),
        max_length=200,
        blank=True,
        help_text=_(
            "How a sentence says it: families were 1.5 times as likely to … "
            "“be stably housed at 12 months”."
        ),
    )
    direction = models.CharField(
        _("is this outcome good or bad for people?"), max_length=10, choices=Direction
    )
    denominator = models.CharField(
        _("who is counted"),
        max_length=100,
        help_text=_("What the population counts, in the plural: “families served”."),
    )
    granularity = models.CharField(
        _("periods"), max_length=10, choices=Granularity, default=Granularity.YEAR
    )
    reference = models.CharField(
        _("compare each group with"),
        max_length=20,
        choices=REFERENCE_CHOICES,
        default=REFERENCE_TOTAL,
        help_text=_("The rate ratios divide each group's rate by this one's."),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords()
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="unique_measure_name")
        ]
        verbose_name = _("outcome measure")
        verbose_name_plural = _("outcome measures")

    def __str__(self) -> str:
        return self.name

    @property
    def favorable(self) -> bool:
        return self.direction == Direction.FAVORABLE


class OutcomeCount(models.Model):
    """For one measure, period and group: how many people, and how many had the outcome."""

    measure = models.ForeignKey(
        OutcomeMeasure, on_delete=models.CASCADE, related_name="counts", verbose_name=_("measure")
    )
    period = models.CharField(_("period"), max_length=PERIOD_MAX_LENGTH)
    group = models.CharField(_("group"), max_length=20, choices=groups.GROUPS)
    population = models.PositiveIntegerField(_("people"))
    events = models.PositiveIntegerField(_("with the outcome"))
    # The standard the source recorded race and ethnicity under; 1997 groups are mapped.
    standard = models.CharField(
        _("standard"), max_length=4, choices=Standard, default=Standard.SPD_2024
    )
    # What of this count stays hidden because pages showed it hidden before (levels of
    # outcomes.privacy.KEPT_*); None until it is first suppressed. Kept by outcomes.services
    # so that a download after a correction cannot be compared with one before it; a count
    # whose hidden part is corrected is marked so that its program-year goes dark for good.
    kept_hidden = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, verbose_name=_("kept hidden")
    )
    history = HistoricalRecords(excluded_fields=["kept_hidden"])
    _history_user: "AbstractBaseUser | None"  # the author the next save records

    class Meta:
        ordering = ["period", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period", "group"], name="one_count_per_period_group"
            ),
            models.CheckConstraint(
                condition=Q(events__lte=F("population")), name="events_within_population"
            ),
        ]
        verbose_name = _("outcome count")
        verbose_name_plural = _("outcome counts")

    def __str__(self) -> str:
        return f"{self.measure} – {self.period} – {self.group}"


class OutcomesVersion(models.Model):
    """A token drawn afresh whenever a program's measures or counts change (outcomes.versions).
    It keys the program's cached disparity summaries, so a change is seen at once by every
    process and server; it lives in a table of its own so that saving a program, from a page
    opened before the change, cannot bring an old token back."""

    program = models.OneToOneField(
        Program,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("program"),
    )
    token = models.UUIDField(_("token"), default=uuid.uuid4)

    class Meta:
        verbose_name = _("outcome data version")
        verbose_name_plural = _("outcome data versions")

    def __str__(self) -> str:
        return str(self.token)
