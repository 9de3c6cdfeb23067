"""Dates read one way throughout: the locale's date format (and its date-and-time format for
moments), never a format written into a page. Machine attributes (datetime=, value= of a date
input) stay ISO."""

import re
from datetime import UTC, datetime
from pathlib import Path

from django.utils import formats, timezone

from assessments import respondents
from assessments.models import Respondent

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
DATE_FILTER = re.compile(r"\|date(?::(\"[^\"]*\"|'[^']*'))?")
LOCALE_FORMATS = {'"DATE_FORMAT"', '"DATETIME_FORMAT"'}


def test_every_template_formats_dates_with_the_locale_format():
    odd = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for match in DATE_FILTER.finditer(text):
            if match.group(1) not in LOCALE_FORMATS:
                odd.append(f"{template.relative_to(TEMPLATES)}: {match.group(0)}")
    assert odd == []


def test_the_filter_pattern_sees_hard_coded_formats():
    found = [m.group(1) for m in DATE_FILTER.finditer('{{ d|date:"M j, Y" }} {{ e|date }}')]
    assert found == ['"M j, Y"', None]


def test_a_reminder_refused_as_too_soon_says_when_in_the_locale_format(settings):
    settings.TIME_ZONE = "UTC"
    emailed = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
    later = emailed + respondents.REMIND_INTERVAL
    refusal = respondents._refusal([Respondent(emailed_at=emailed)], [])
    assert formats.date_format(timezone.localtime(later), "DATETIME_FORMAT") in refusal
    assert "March 5, 2026" in refusal
    assert "2026-03-05" not in refusal
