"""Pure helpers for several respondents: the spread of their answers and a suggested
consensus. Plain data in, plain data out."""

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
    """The lower median of the levels given, a cautious starting point for the consensus.

    "Don't know" is suggested only when nobody gave a level.
    """
    given = sorted(level for level in levels if level is not None and level != DONT_KNOW)
    if given:
        return given[(len(given) - 1) // 2]
    return DONT_KNOW if any(level == DONT_KNOW for level in levels) else None
