"""Demo outcome data: for each program, one or two measures with five years of counts.

Deterministic (a random.Random per program, seeded from `rng_seed` and the program's id; ids
by uuid5). The data show what the pages are for: a Black/white disparity that narrows from a
rate ratio near 2.0 in 2022 to near 1.3 in 2026, groups of every size, and two small groups
(Native Hawaiian or Pacific Islander; Middle Eastern or North African) of 3 to 9 people whose
counts the pages must suppress.
"""

import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from assessments.models import Program
from outcomes.models import Direction, Granularity, OutcomeCount, OutcomeMeasure

ID_NAMESPACE = uuid.UUID("3b0f7c52-5d7e-4a8e-9c61-0a2f6e1d2026")
YEARS = ("2022", "2023", "2024", "2025", "2026")
# The Black/white rate ratio of the adverse measure, year by year (the favorable one mirrors it).
DISPARITY = (2.0, 1.8, 1.6, 1.45, 1.3)
# People per group and year, before a +-10% yearly wobble; nhpi and mena are drawn in 3..9.
SIZES = {
    "white": 1400,
    "black": 1000,
    "hispanic": 800,
    "asian": 250,
    "aian": 160,
    "multiracial": 180,
    "other": 110,
    "unknown": 120,
}
SMALL_GROUPS = ("nhpi", "mena")
# How far each group's rate is from white's, as a power of the year's disparity
# (1: the full Black/white gap; 0: white's rate; negative: better than white).
EXPOSURE = {
    "white": 0.0,
    "black": 1.0,
    "aian": 1.1,
    "hispanic": 0.5,
    "multiracial": 0.4,
    "other": 0.2,
    "asian": -0.2,
    "unknown": 0.3,
    "nhpi": 0.8,
    "mena": 0.3,
}


@dataclass(frozen=True)
class DemoMeasure:
    key: str
    name: str
    direction: str
    outcome_phrase: str
    white_rate: float
    description: str


MEASURES = (
    DemoMeasure(
        "housing",
        "Stable housing at 12 months",
        Direction.FAVORABLE,
        "be stably housed 12 months after entry",
        0.72,
        "Families still in stable housing a year after they entered the program.",
    ),
    DemoMeasure(
        "re-referral",
        "Re-referral within 6 months",
        Direction.ADVERSE,
        "be referred again within 6 months",
        0.14,
        "Families referred to child protective services again within six months of closing.",
    ),
)


def seed_outcomes(programs: Iterable[Program], *, rng_seed: int = 2026) -> list[OutcomeMeasure]:
    """Measures and counts for these programs (even positions get both measures)."""
    measures, counts = [], []
    for position, program in enumerate(programs):
        rng = random.Random(f"{rng_seed}-{program.pk}")
        for demo in MEASURES[: 2 if position % 2 == 0 else 1]:
            measure = _measure(program, demo)
            measures.append(measure)
            counts += _counts(measure, demo, rng)
    OutcomeMeasure.objects.bulk_create(measures, batch_size=1000)
    OutcomeCount.objects.bulk_create(counts, batch_size=2000)
    return measures


def _measure(program: Program, demo: DemoMeasure) -> OutcomeMeasure:
    return OutcomeMeasure(
        id=uuid.uuid5(ID_NAMESPACE, f"{program.pk}:{demo.key}"),
        program=program,
        name=demo.name,
        description=demo.description,
        direction=demo.direction,
        denominator="families served",
        outcome_phrase=demo.outcome_phrase,
        granularity=Granularity.YEAR,
    )


def _counts(measure: OutcomeMeasure, demo: DemoMeasure, rng: random.Random) -> list:
    counts = []
    for year, disparity in zip(YEARS, DISPARITY, strict=True):
        for group, exposure in EXPOSURE.items():
            population = _population(group, rng)
            rate = _rate(demo, disparity**exposure)
            # The expected count, give or take 3%: noise enough to look real, too little to
            # hide the trend.
            events = min(population, round(population * rate * rng.uniform(0.97, 1.03)))
            counts.append(
                OutcomeCount(
                    measure=measure,
                    period=year,
                    group=group,
                    population=population,
                    events=events,
                )
            )
    return counts


def _population(group: str, rng: random.Random) -> int:
    if group in SMALL_GROUPS:
        return rng.randint(3, 9)
    return round(SIZES[group] * rng.uniform(0.9, 1.1))


def _rate(demo: DemoMeasure, factor: float) -> float:
    """An adverse outcome is `factor` times as likely as for white families; a favorable one
    is `factor` times less likely."""
    if demo.direction == Direction.ADVERSE:
        return min(demo.white_rate * factor, 0.95)
    return min(demo.white_rate / factor, 0.95)
