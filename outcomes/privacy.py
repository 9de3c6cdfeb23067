"""Small-number suppression for outcome counts, so that shown tables do not identify people.

Public-health practice hides counts of 1 to 10 (SMALL_MIN..SMALL_MAX) and any count that could be
worked out from what is shown. The rule is public, so it is built for an attacker who knows it
and sees everything the app publishes about a program over time: every measure and period,
totals, rates and intervals, each download before and after a correction. Such an attacker
solves for the hidden cells with every linear relation it knows (groups add up to the total;
measures on the same people share populations and their events can add up; a year is the sum
of its quarters). `suppress` takes counts shaped like those of `outcomes.metrics` (period, group,
population, events, and optionally measure); a table is one (measure, period).

The method, in a paragraph. Cells are hidden a whole block at a time: a block is one group in
one year of a program (every measure passed with the same `link` value, every period of that
year: the year, its quarters and months), so no measure or overlapping period shows what another
hides, and nothing can be subtracted across them. A group's population is hidden in its block
when it is 1-10 in any of the block's tables; its events (so its rate) when its population is
hidden, or its events or non-events (population - events) are 1-10 anywhere in the block.
Complements are then added, a whole block at a time, until every table's hidden cells add up to
at least MARGIN people, MARGIN events and MARGIN non-events over at least two groups: what an
attacker can subtract from a total then leaves each hidden count at least five possible values
(a protection interval) and every hidden rate strictly between 0% and 100%. The complement is
not the smallest group (the smallest would tell the attacker its value is near the smallest
shown one): it is the first helpful group in an order fixed per program and year that does not
depend on the counts (the unknown group first, since it is compared with no one, then the
groups in a rotation drawn from the program and year), so the pattern says nothing about the
hidden values. Where even hiding every group leaves a table short of the margin (a rare
outcome, a single group), the program's year is dark: every group's counts and every total of
that year are hidden.

Corrections: what was hidden stays hidden. The result says, per count, what to keep hidden
(`kept_hidden`, stored with the counts by outcomes.services before and after each change);
given back, it hides at least as much again, so a download after a correction hides everything
a download before it hid. A count shown before is known to the attacker even when hidden now,
so only counts not shown before (hidden then, or new) count towards the margin; a year whose
margin a correction breaks goes dark rather than lean on cells that were published. A count
whose hidden part is corrected (`kept_after_correction`, applied where counts are updated)
darkens its program's year for good (KEPT_CORRECTED): the change in the totals, with the
pattern, would otherwise narrow what was hidden before. A hidden count removed from a period
darkens the year too, through the counts left in it.

Zero is not a small count: a 0 is shown unless its block is hidden. An input row whose group is
"total" is flagged with its table; the rules use the sum of the groups. Limits: an attacker who
knows that exactly one count was corrected between two downloads learns the change from the
two totals (and so the new count, if the old one was shown); a period or measure deleted and
entered again is new to the rule unless the group stays hidden in another of the year's counts
(a year left with no counts keeps no mark); summary statistics computed from all counts (index
of disparity, Cramér's V) should be shown rounded.
One more is an open finding of the audit (a strict expected failure in its tests): a
complement's hidden counts are known not to be 1 to 10 (any would have made it a primary), so
a hidden 0 is known to be 0 or more than 10.

A table published without its events (a count of people only, such as a survey's respondents
per group) is passed with an input column `population_only` true on its rows: its populations
are hidden and protected with the others of their blocks, and its events, never shown, neither
hide anything nor need a margin.
"""

import zlib
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


def is_small(values) -> np.ndarray:
    values = np.asarray(values)
    return (values >= SMALL_MIN) & (values <= SMALL_MAX)


def _slice_keys(frame: pd.DataFrame) -> list[str]:
    return ["measure", "period"] if "measure" in frame.columns else ["period"]


MARGIN = 15
_ROTATION = [key for key in GROUP_KEYS if key != UNKNOWN]


@dataclass(frozen=True)
class _Cells:
    """The counts as arrays: one entry per input row. `table` numbers its (measure, period),
    `unit` its (link or measure, year), `block` its (unit, group)."""

    table: np.ndarray
    unit: np.ndarray
    block: np.ndarray
    group: np.ndarray  # codes of `groups`
    groups: np.ndarray
    unit_keys: list  # per row, the values that name its unit
    is_group: np.ndarray  # False for a "total" row
    population: np.ndarray
    events: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame, link: str | None) -> "_Cells":
        period, periods = pd.factorize(frame["period"].to_numpy())
        years = np.array([str(p)[:4] for p in periods], dtype=object)
        group, groups = pd.factorize(frame["group"].to_numpy())
        owner = [link] if link else (["measure"] if "measure" in frame.columns else [])
        owners = [frame[c].to_numpy() for c in owner]
        unit = _codes(*(pd.factorize(o)[0] for o in owners), pd.factorize(years)[0][period])
        table_keys = [pd.factorize(frame["measure"].to_numpy())[0]] if "measure" in frame else []
        return cls(
            table=_codes(*table_keys, period),
            unit=unit,
            block=_codes(unit, group),
            group=group,
            groups=np.asarray(groups),
            unit_keys=[*owners, years[period]],
            is_group=(groups != TOTAL)[group],
            population=frame["population"].to_numpy(np.int64),
            events=frame["events"].to_numpy(np.int64),
        )

    def priority(self, rows: np.ndarray) -> np.ndarray:
        """The rows' places in their units' order of complements: unknown first, then the
        other groups rotated by a number drawn from the unit's own keys (never the counts)."""
        units, first = np.unique(self.unit[rows], return_index=True)
        keys = [key[rows[first]] for key in self.unit_keys]
        names = ("|".join(str(value) for value in values) for values in zip(*keys, strict=True))
        shift = np.array([zlib.crc32(name.encode()) % len(_ROTATION) for name in names], int)
        rotation = {g: i for i, g in enumerate(_ROTATION)}
        place = np.array([rotation.get(g, 0) for g in self.groups], int)[self.group[rows]]
        rotated = (place + shift[np.searchsorted(units, self.unit[rows])]) % len(_ROTATION)
        return np.where(self.groups[self.group[rows]] == UNKNOWN, -1, rotated)

    def per_table(self, values) -> np.ndarray:
        """Sum of `values` over the group rows of each table."""
        size = self.table.max() + 1 if len(self.table) else 0
        weights = np.asarray(values, float)[self.is_group]
        return np.bincount(self.table[self.is_group], weights=weights, minlength=size)

    def in_block(self, flags: np.ndarray) -> np.ndarray:
        """Per row: whether any row of its block is flagged."""
        return (
            np.bincount(self.block, weights=flags, minlength=self.block.max() + 1)[self.block] > 0
        )

    def in_unit(self, table_flags: np.ndarray) -> np.ndarray:
        """Per row: whether any table of its unit is flagged."""
        return self.unit_has(table_flags[self.table])

    def unit_has(self, flags: np.ndarray) -> np.ndarray:
        """Per row: whether any row of its unit is flagged."""
        weights = flags.astype(float)
        return np.bincount(self.unit, weights=weights, minlength=self.unit.max() + 1)[self.unit] > 0


def _codes(*columns: np.ndarray) -> np.ndarray:
    """One number per distinct combination of the columns' codes (integers from 0), row by row."""
    code = np.zeros(len(columns[0]), np.int64)
    for column in columns:
        code = pd.factorize(code * (column.max(initial=0) + 1) + column)[0]
    return code


def _shortfalls(cells: _Cells, hidden: np.ndarray, parts: tuple) -> tuple[np.ndarray, list]:
    """Per table: whether fewer than two groups are hidden (with some hidden), and per part
    whether the hidden cells add up to less than MARGIN."""
    count = cells.per_table(hidden & cells.is_group)
    any_hidden = count > 0
    short = [any_hidden & (cells.per_table(np.where(hidden, part, 0)) < MARGIN) for part in parts]
    return any_hidden & (count < 2), short


def _protect(
    cells: _Cells, hidden: np.ndarray, parts: tuple, unknown: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Hidden blocks grown until every table is protected (see the module docstring), one
    complement block per unit and round; and per table, whether it still falls short. Only
    `unknown` rows (not shown before) count towards the protection: a count an earlier
    download showed is known whether or not it is hidden now."""
    for _round in range(len(GROUP_KEYS) + 1):
        few, short = _shortfalls(cells, hidden & unknown, parts)
        helpful = few[cells.table] & (cells.population > 0)
        for part, part_short in zip(parts, short, strict=True):
            helpful |= part_short[cells.table] & (part > 0)
        candidates = np.flatnonzero(cells.is_group & ~hidden & unknown & helpful)
        if not len(candidates):
            break
        ranked = candidates[np.lexsort((cells.priority(candidates), cells.unit[candidates]))]
        _units, first = np.unique(cells.unit[ranked], return_index=True)
        hidden = hidden | np.isin(cells.block, cells.block[ranked[first]])
    few, short = _shortfalls(cells, hidden & unknown, parts)
    return hidden, few | np.logical_or.reduce(short)


# What stays hidden of a count because it was hidden before (`kept_hidden`), in rising order;
# KEPT_CORRECTED: its year, because a hidden count of that year was corrected.
KEPT_NOTHING, KEPT_EVENTS, KEPT_POPULATION, KEPT_YEAR, KEPT_CORRECTED = 0, 1, 2, 3, 4


def kept_after_correction(kept_hidden, population_changed, events_changed) -> np.ndarray:
    """What to keep hidden of counts whose values change (arrays, or one count's values):
    KEPT_CORRECTED where a part kept hidden changes, so that `suppress` darkens the count's
    program-year from then on; the kept level unchanged otherwise (NaN or None: a count not
    published yet, which stays so)."""
    kept = np.asarray(kept_hidden, float)
    known = np.nan_to_num(kept)
    hidden_part_changed = ~np.isnan(kept) & (
        (np.asarray(population_changed, bool) & (known >= KEPT_POPULATION))
        | (np.asarray(events_changed, bool) & (known >= KEPT_EVENTS))
    )
    return np.where(hidden_part_changed, KEPT_CORRECTED, kept)


def corrected_periods(suppressed: pd.DataFrame) -> set[str]:
    """The periods of `suppress`'s result that are dark because a hidden count of their
    year was corrected (for pages and exports to say why)."""
    return set(suppressed.loc[suppressed["kept_hidden"] == KEPT_CORRECTED, "period"])


def suppress(counts: pd.DataFrame, link: str | None = None) -> pd.DataFrame:
    """A copy of `counts` with boolean columns population_hidden, events_hidden, hidden
    (either) and total_hidden (its table's total is hidden), by the rules in the module
    docstring, and kept_hidden: what of the row to keep hidden from now on (KEPT_*).

    `link` names a column (such as the program) whose measures may count the same people:
    they are suppressed together, year by year; without it each measure is on its own. An
    input column kept_hidden (from an earlier call, as stored with the counts) hides at least
    as much again: its block, or its whole year for KEPT_YEAR and KEPT_CORRECTED (given back
    to every count of the year, so the year stays dark)."""
    frame = counts.copy()
    if frame.empty:
        for column in ("population_hidden", "events_hidden", "hidden", "total_hidden"):
            frame[column] = pd.Series(dtype=bool)
        frame["kept_hidden"] = pd.Series(dtype=int)
        return frame
    cells = _Cells.of(frame, link)
    groups, population, events = cells.is_group, cells.population, cells.events
    people_only = np.zeros(len(frame), bool)
    if "population_only" in frame.columns:
        people_only = frame["population_only"].to_numpy(dtype=bool, na_value=False)
    # What an earlier call kept hidden; NaN (or no column): counts not published before.
    kept = frame.get("kept_hidden", pd.Series(np.nan, index=frame.index)).to_numpy(float)
    new, kept = np.isnan(kept), np.nan_to_num(kept)
    unknown_population = new | (kept >= KEPT_POPULATION)
    unknown_events = new | (kept >= KEPT_EVENTS)
    population_hidden = cells.in_block((groups & is_small(population)) | (kept >= KEPT_POPULATION))
    population_hidden, population_short = _protect(
        cells, population_hidden, (population,), unknown_population
    )
    small_events = groups & ~people_only & (is_small(events) | is_small(population - events))
    events_hidden = population_hidden | cells.in_block(small_events | (kept >= KEPT_EVENTS))
    # A table without events never falls short of events: its rows count as a full margin.
    event_parts = (
        np.where(people_only, MARGIN, events),
        np.where(people_only, MARGIN, population - events),
    )
    events_hidden, events_short = _protect(cells, events_hidden, event_parts, unknown_events)
    corrected = cells.unit_has(kept >= KEPT_CORRECTED)
    dark = cells.in_unit(population_short | events_short) | cells.unit_has(kept >= KEPT_YEAR)
    frame["population_hidden"] = (population_hidden & groups) | dark
    frame["events_hidden"] = (events_hidden & groups) | dark
    frame["hidden"] = frame["population_hidden"] | frame["events_hidden"]
    frame["total_hidden"] = dark
    frame["kept_hidden"] = np.select(
        [corrected, dark, frame["population_hidden"], frame["events_hidden"]],
        [KEPT_CORRECTED, KEPT_YEAR, KEPT_POPULATION, KEPT_EVENTS],
        KEPT_NOTHING,
    )
    return frame


def hidden_pairs(suppressed: pd.DataFrame) -> set[tuple]:
    """(period, group) of every hidden cell of one measure's suppressed counts, with
    (period, "total") when the period's total is hidden (whether or not there is a total row),
    for `mask` and `outcomes.metrics.reading`."""
    if "measure" in suppressed.columns and suppressed["measure"].nunique() > 1:
        raise ValueError("hidden_pairs takes one measure's counts; filter them first.")
    hidden = suppressed[suppressed["hidden"].to_numpy(bool)]
    pairs = set(zip(hidden["period"], hidden["group"], strict=True))
    dark = suppressed.loc[suppressed["total_hidden"].to_numpy(bool), "period"]
    return pairs | {(period, TOTAL) for period in dark}


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
