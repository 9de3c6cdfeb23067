"""Small-number suppression for outcome counts, so that shown tables do not identify people.

Public-health practice hides counts of 1 to 10 (SMALL_MIN..SMALL_MAX) and any count that could be
worked out from what is shown. `suppress` applies these rules to counts shaped like those of
`outcomes.metrics` (period, group, population, events, and optionally measure), separately for
each (measure, period), since each is a table with its own total:

Primary rules, cell by cell:
1. events of 1-10 are hidden;
2. a population of 1-10 is hidden, and then its events too (they are at most the population);
3. non-events (population - events) of 1-10 hide the events too, since subtracting them from
   the shown population would give the small count.
Zero is not a small count: a 0 is shown.

Secondary (complementary) rule: the total of each (measure, period) is shown, so a single hidden
cell could be recovered by subtraction. When exactly one group's population is hidden, the
smallest other population is hidden too. When exactly one group's events are hidden, the events
of a group whose population is already hidden are hidden too (its rate is gone anyway), else of
the smallest other group with events above 0 (or, if none has events, of another group with a
population, the first in group order). Every table then
has no hidden cell or at least two of them, for events, populations and non-events alike.

The total: it is shown, and only hidden when all groups' counts are hidden, when a lone hidden
cell could not be paired (a table with a single group), or when the total itself is a small
count (events, population or non-events of 1-10: it is a cell like any other). An input row whose
group is "total" is flagged by these rules; the rules use the sum of the groups.

Linked measures: a program's measures may count the same people, and each table's complement
could hide a different group; comparing two measures would then reveal a small population.
`suppress(..., link="program")` hides a population hidden in one of a program's measures in all
of them for that period (see `suppress`). Limits: periods that add up to a published yearly
figure can still be combined to recover a cell. Summary statistics computed from all counts
(index of disparity, Cramér's V) should be shown rounded.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from outcomes.groups import GROUP_KEYS, UNKNOWN

SMALL_MIN, SMALL_MAX = 1, 10
TOTAL = "total"

# Columns of `outcomes.metrics` rates that reveal a cell's counts.
COUNT_COLUMNS = (
    "population",
    "events",
    "rate",
    "ci_low",
    "ci_high",
    "share_population",
    "share_events",
    "disproportionality",
    "ratio",
    "ratio_low",
    "ratio_high",
    "difference",
    "difference_low",
    "difference_high",
)
COMPARISON_COLUMNS = (
    "ratio",
    "ratio_low",
    "ratio_high",
    "difference",
    "difference_low",
    "difference_high",
)
SHARE_COLUMNS = ("share_population", "share_events", "disproportionality")
_ORDER = {key: i for i, key in enumerate(GROUP_KEYS)}


def is_small(values) -> np.ndarray:
    values = np.asarray(values)
    return (values >= SMALL_MIN) & (values <= SMALL_MAX)


def _slice_keys(frame: pd.DataFrame) -> list[str]:
    return ["measure", "period"] if "measure" in frame.columns else ["period"]


@dataclass(frozen=True)
class _Cells:
    """The counts as arrays: one entry per input row, `table` numbering its (measure, period)."""

    table: np.ndarray
    is_group: np.ndarray  # False for a "total" row
    order: np.ndarray  # position in GROUP_KEYS, for ties
    population: np.ndarray
    events: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> "_Cells":
        return cls(
            table=frame.groupby(_slice_keys(frame), sort=False).ngroup().to_numpy(),
            is_group=(frame["group"] != TOTAL).to_numpy(),
            order=frame["group"].map(_ORDER).fillna(len(_ORDER)).to_numpy(int),
            population=frame["population"].to_numpy(np.int64),
            events=frame["events"].to_numpy(np.int64),
        )

    def per_table(self, values) -> np.ndarray:
        """Sum of `values` over the group rows of each table."""
        size = self.table.max() + 1 if len(self.table) else 0
        weights = np.asarray(values, float)[self.is_group]
        return np.bincount(self.table[self.is_group], weights=weights, minlength=size)


def _complement(cells: _Cells, hidden, values, eligible, prefer=None) -> np.ndarray:
    """Hide one more cell in each table where exactly one group cell is hidden: the smallest
    positive value among the eligible others, else the first eligible other in group order.
    Groups in `prefer` come first: a group whose population is already hidden has no rate to
    show, so hiding its events too costs nothing more."""
    lonely = cells.per_table(cells.is_group & hidden) == 1
    candidates = np.flatnonzero(cells.is_group & ~hidden & eligible & lonely[cells.table])
    if not len(candidates):
        return hidden
    value = values[candidates]
    preferred = np.zeros(len(candidates), bool) if prefer is None else prefer[candidates]
    ranked = candidates[
        np.lexsort(
            (cells.order[candidates], value, value <= 0, ~preferred, cells.table[candidates])
        )
    ]
    _tables, first = np.unique(cells.table[ranked], return_index=True)
    hidden = hidden.copy()
    hidden[ranked[first]] = True
    return hidden


def _totals_hidden(cells: _Cells, population_hidden, events_hidden):
    """Per table: whether its total's population, and its events, are hidden."""
    count = cells.per_table(np.ones(len(cells.table)))
    population, events = cells.per_table(cells.population), cells.per_table(cells.events)

    def lonely_or_all(hidden) -> np.ndarray:
        hidden_count = cells.per_table(hidden)
        return (hidden_count == 1) | ((count > 0) & (hidden_count == count))

    population_total = is_small(population) | lonely_or_all(population_hidden)
    events_total = is_small(population) | is_small(events) | is_small(population - events)
    return population_total, events_total | lonely_or_all(events_hidden)


LINK_ROUNDS = 10


def suppress(counts: pd.DataFrame, link: str | None = None) -> pd.DataFrame:
    """A copy of `counts` with boolean columns population_hidden, events_hidden and hidden
    (either), by the rules in the module docstring.

    `link` names a column (such as the program) whose measures may count the same people:
    a group's population hidden in one of its measures is hidden in all of them for that
    period, so that comparing two measures cannot reveal it (each measure's own complement
    could otherwise differ). Complements are then chosen again until nothing changes."""
    frame = counts.copy()
    cells = _Cells.of(frame)
    groups, population, events = cells.is_group, cells.population, cells.events
    population_hidden = groups & is_small(population)
    for _round in range(LINK_ROUNDS):
        population_hidden = _complement(cells, population_hidden, population, eligible=groups)
        if link is None:
            break
        linked = groups & _any_in_link(frame, population_hidden, link)
        if (linked == population_hidden).all():
            break
        population_hidden = linked
    events_hidden = groups & (is_small(events) | population_hidden | is_small(population - events))
    has_people = population_hidden | (population > 0)
    events_hidden = _complement(
        cells, events_hidden, events, eligible=has_people, prefer=population_hidden
    )
    total_population, total_events = _totals_hidden(cells, population_hidden, events_hidden)
    frame["population_hidden"] = population_hidden | (~groups & total_population[cells.table])
    frame["events_hidden"] = events_hidden | (~groups & total_events[cells.table])
    frame["hidden"] = frame["population_hidden"] | frame["events_hidden"]
    return frame


def _any_in_link(frame: pd.DataFrame, hidden: np.ndarray, link: str) -> np.ndarray:
    """Whether the same group is hidden in any table of the same link value and period."""
    keys = [frame[link].to_numpy(), frame["period"].to_numpy(), frame["group"].to_numpy()]
    marked = pd.Series(hidden, index=pd.MultiIndex.from_arrays(keys))
    return marked.groupby(level=[0, 1, 2]).transform("any").to_numpy(bool)


def hidden_pairs(suppressed: pd.DataFrame) -> set[tuple]:
    """(period, group) of every hidden cell of one measure's suppressed counts, with
    (period, "total") when the period's total is hidden (whether or not there is a total row),
    for `mask` and `outcomes.metrics.reading`."""
    if "measure" in suppressed.columns and suppressed["measure"].nunique() > 1:
        raise ValueError("hidden_pairs takes one measure's counts; filter them first.")
    frame = suppressed.drop(columns="measure", errors="ignore")
    hidden = frame[frame["hidden"].to_numpy(bool)]
    pairs = set(zip(hidden["period"], hidden["group"], strict=True))
    cells = _Cells.of(frame)
    population_total, events_total = _totals_hidden(
        cells, frame["population_hidden"].to_numpy(bool), frame["events_hidden"].to_numpy(bool)
    )
    period_of = dict(zip(cells.table, frame["period"], strict=True))
    pairs |= {(period_of[t], TOTAL) for t in np.flatnonzero(population_total | events_total)}
    return pairs


def mask(rates: pd.DataFrame, hidden: Iterable[tuple]) -> pd.DataFrame:
    """A copy of `outcomes.metrics` rates with the counts and every figure derived from them
    blanked (NaN) for hidden (period, group) cells, and a `hidden` column.

    Also blanked, for every group of a period: ratios and differences when the period's
    reference group (or total) is hidden, since they would reveal its rate; shares and
    disproportionality when the unknown group is hidden, since their denominators (the compared
    groups' sums) are the total minus the unknown counts.
    """
    hidden = set(hidden)
    masked = rates.copy()
    cells = list(zip(masked["period"], masked["group"], strict=True))
    own = np.array([cell in hidden for cell in cells], bool)
    references = masked.get("reference_group", pd.Series(None, index=masked.index))
    reference = np.array(
        [(p, r) in hidden for p, r in zip(masked["period"], references, strict=True)], bool
    )
    unknown = masked["period"].map(lambda p: (p, UNKNOWN) in hidden).to_numpy(bool)
    for column in COUNT_COLUMNS:
        masked[column] = masked[column].astype(float)
    masked.loc[own, list(COUNT_COLUMNS)] = np.nan
    masked.loc[reference, list(COMPARISON_COLUMNS)] = np.nan
    masked.loc[unknown, list(SHARE_COLUMNS)] = np.nan
    masked["hidden"] = own
    return masked
