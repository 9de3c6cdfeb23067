"""The implementation scorecard: plan steps by status and dimension, overdue steps.

Plain data in, plain data out."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

OPEN = ("not_started", "in_progress")
STATUSES = ("not_started", "in_progress", "done", "dropped")


@dataclass(frozen=True)
class StepRow:
    dimension: str
    status: str
    due_date: date | None
    title: str
    program: str = ""

    def is_overdue(self, today: date) -> bool:
        return self.status in OPEN and self.due_date is not None and self.due_date < today


@dataclass
class Scorecard:
    rows: list[tuple[str, dict[str, int], int]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    overdue: list[StepRow] = field(default_factory=list)

    @property
    def done_share(self) -> float | None:
        """Share of the steps still in the plan (not dropped) that are done."""
        active = sum(self.totals.get(s, 0) for s in ("not_started", "in_progress", "done"))
        return round(self.totals.get("done", 0) / active, 2) if active else None


def build_scorecard(steps: list[StepRow], dimensions: list[str], today: date) -> Scorecard:
    rows = []
    for dimension in dimensions:
        mine = [s for s in steps if s.dimension == dimension]
        counts = Counter(s.status for s in mine)
        overdue = sum(1 for s in mine if s.is_overdue(today))
        rows.append((dimension, {status: counts.get(status, 0) for status in STATUSES}, overdue))
    totals = Counter(s.status for s in steps)
    return Scorecard(
        rows=rows,
        totals={status: totals.get(status, 0) for status in STATUSES},
        # An overdue step has a due date.
        overdue=sorted(
            (s for s in steps if s.is_overdue(today)), key=lambda s: s.due_date or today
        ),
    )
