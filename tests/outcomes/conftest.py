"""The outcomes cast: a measure with two periods of counts, some of them small."""

import pytest

from outcomes.models import OutcomeCount, OutcomeMeasure

# Per group: (population, events) of one period. nhpi's 6 people and mena's 4 events are
# small counts: they are hidden, and so is the smallest other cell that would reveal them.
PERIOD = {
    "white": (400, 100),
    "black": (300, 150),
    "hispanic": (250, 80),
    "asian": (60, 12),
    "nhpi": (6, 2),
    "mena": (57, 4),
    "unknown": (31, 9),
}


def add_period(measure, period: str, counts: dict = PERIOD) -> None:
    OutcomeCount.objects.bulk_create(
        OutcomeCount(measure=measure, period=period, group=g, population=n, events=e)
        for g, (n, e) in counts.items()
    )


@pytest.fixture
def measure(program, leader):
    measure = OutcomeMeasure.objects.create(
        program=program,
        name="Re-referral within 6 months",
        direction="adverse",
        denominator="families served",
        outcome_phrase="be referred again",
        created_by=leader,
    )
    add_period(measure, "2025")
    add_period(measure, "2026")
    return measure
