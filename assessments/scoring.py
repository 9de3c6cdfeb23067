"""Scoring: from answers to a level per dimension and a program profile.

Pure functions on plain data: no database, no requests. The same rules serve the
results page, the reports and the exports. In plain language:

1. Each answer counts at the level chosen, except that
   - a claim at Integrative or Generative with no evidence counts as Collaborative
     and is shown as unsupported;
   - "don't know" and an unanswered indicator count as "not yet in place"
     ("don't know" is shown as a knowledge gap).
2. A dimension reaches level L when at least 80% of its indicators count at L or above.
   If no level qualifies, the dimension is "not yet".
3. The dimension index is the mean of the counted answers, from 0.0 to 4.0.
4. What holds a dimension back: the indicators counted below the next level up.
5. The program profile is the four dimension levels side by side; its headline is the
   lowest of them, because each level builds on the ones before it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from assessments.levels import (
    COLLABORATIVE,
    DONT_KNOW,
    EVIDENCE_REQUIRED_FROM,
    GENERATIVE,
    LEVELS,
    NOT_YET,
)

THRESHOLD = Fraction(4, 5)


@dataclass(frozen=True)
class AnswerInput:
    """One indicator's answer: level 0-4, DONT_KNOW, or None when unanswered."""

    level: int | None
    evidence: str = ""

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence and self.evidence.strip())


@dataclass(frozen=True)
class DimensionResult:
    key: str
    level: int
    index: float
    counted: dict[str, int]
    unsupported: tuple[str, ...] = ()
    knowledge_gaps: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()
    holding_back: tuple[str, ...] = ()

    @property
    def next_level(self) -> int | None:
        return self.level + 1 if self.level < GENERATIVE else None


@dataclass(frozen=True)
class Profile:
    dimensions: dict[str, DimensionResult] = field(default_factory=dict)

    @property
    def headline_level(self) -> int:
        return min((d.level for d in self.dimensions.values()), default=NOT_YET)

    @property
    def mean_index(self) -> float:
        if not self.dimensions:
            return 0.0
        return round(sum(d.index for d in self.dimensions.values()) / len(self.dimensions), 2)


def counted_level(answer: AnswerInput | None) -> int:
    """The level an answer counts at, after the evidence and don't-know rules."""
    if answer is None or answer.level is None or answer.level == DONT_KNOW:
        return NOT_YET
    if answer.level >= EVIDENCE_REQUIRED_FROM and not answer.has_evidence:
        return COLLABORATIVE
    return answer.level


def is_unsupported(answer: AnswerInput | None) -> bool:
    return (
        answer is not None
        and answer.level is not None
        and answer.level >= EVIDENCE_REQUIRED_FROM
        and not answer.has_evidence
    )


def level_reached(counted: Iterable[int]) -> int:
    """The highest level that at least 80% of the indicators count at or above."""
    values = list(counted)
    if not values:
        return NOT_YET
    reached = NOT_YET
    for level in LEVELS:
        at_or_above = sum(1 for value in values if value >= level)
        if Fraction(at_or_above, len(values)) >= THRESHOLD:
            reached = level
    return reached


def score_dimension(
    key: str, indicator_keys: Iterable[str], answers: Mapping[str, AnswerInput]
) -> DimensionResult:
    keys = sorted(indicator_keys)
    counted = {k: counted_level(answers.get(k)) for k in keys}
    level = level_reached(counted.values())
    index = round(sum(counted.values()) / len(keys), 2) if keys else 0.0
    holding_back = tuple(k for k in keys if level < GENERATIVE and counted[k] <= level)
    return DimensionResult(
        key=key,
        level=level,
        index=index,
        counted=counted,
        unsupported=tuple(k for k in keys if is_unsupported(answers.get(k))),
        knowledge_gaps=tuple(k for k in keys if _level_of(answers.get(k)) == DONT_KNOW),
        unanswered=tuple(k for k in keys if _level_of(answers.get(k)) is None),
        holding_back=holding_back,
    )


def score_profile(
    dimensions: Mapping[str, Iterable[str]], answers: Mapping[str, AnswerInput]
) -> Profile:
    """Score every dimension: `dimensions` maps a dimension key to its indicator keys."""
    return Profile(
        dimensions={key: score_dimension(key, keys, answers) for key, keys in dimensions.items()}
    )


def _level_of(answer: AnswerInput | None) -> int | None:
    return None if answer is None else answer.level
