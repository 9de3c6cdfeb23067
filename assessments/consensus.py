"""Pure helpers for several respondents: the spread of their answers and a suggested
consensus. Plain data in, plain data out."""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from assessments.levels import DONT_KNOW

DISAGREEMENT_GAP = 2  # levels apart before an indicator is flagged


@dataclass(frozen=True)
class Spread:
    lowest: int | None
    highest: int | None
    answered: int
    dont_know: int

    @property
    def disagreement(self) -> bool:
        """Two levels or more between the lowest and highest answer."""
        if self.lowest is None or self.highest is None:
            return False
        return self.highest - self.lowest >= DISAGREEMENT_GAP


def spread(levels: Sequence[int | None]) -> Spread:
    """The range of the levels given; "don't know" and blanks are counted, not ranged."""
    given = [level for level in levels if level is not None and level != DONT_KNOW]
    return Spread(
        lowest=min(given, default=None),
        highest=max(given, default=None),
        answered=sum(1 for level in levels if level is not None),
        dont_know=sum(1 for level in levels if level == DONT_KNOW),
    )


def suggested_level(levels: Sequence[int | None]) -> int | None:
    """The median of the levels given, rounded down: a cautious starting point for the
    consensus (the rule that places an organization from its programs, too).

    "Don't know" is suggested only when nobody gave a level.
    """
    given = [level for level in levels if level is not None and level != DONT_KNOW]
    if given:
        return math.floor(statistics.median(given))
    return DONT_KNOW if any(level == DONT_KNOW for level in levels) else None


@dataclass(frozen=True)
class Suggestion:
    """Where the consensus on one indicator starts: the respondents' suggested level, and
    whether everyone who answered gave that same answer (then it is simply preset)."""

    level: int | None
    agreed: bool
    answers: int


def suggest(levels: Sequence[int | None]) -> Suggestion:
    answered = [level for level in levels if level is not None]
    agreed = len(answered) >= 1 and len(set(answered)) == 1
    return Suggestion(suggested_level(levels), agreed, len(answered))
