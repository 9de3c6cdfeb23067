"""An attacker's audit of small-number suppression, for the tests.

The attacker knows the suppression rule and sees everything the app publishes about a program
over time: every measure, every period, each download ("release") before and after a
correction. From the published tables alone it sets every hidden count up as an integer
unknown bound by every linear relation it can know:

- a table's groups add up to its shown total; events are at most the population;
- measures on the same people have the same populations (`same_people`);
- a measure's events can be the sum of two others' (`event_sums`: any exit = housing + shelter);
- a yearly measure is the sum of a quarterly one on the same people (`nested`);
- survey tables: the people answering a question are among the respondents (`bounded`), the
  tables of one question have the same people (`same_population`), the answers of a question
  are each person's one answer (`exclusive`: events add up to at most the people; `exhaustive`:
  exactly), and a table of people only publishes no events (`people_only`);
- a count not corrected between two downloads has one value in both (the attacker is told
  which counts were corrected: the worst case);
- with `known_changes`, the attacker also knows by how much each count changed between two
  downloads (it sent the one more survey response itself, or watched a paper form entered);
- with `present`, the tables of these measures list only groups with someone in them, so each
  of their populations is at least 1.

Integer programming (scipy's `milp`) then gives each hidden count's least and greatest value.
Inside that range, a value is possible only if some full table with that value reproduces
everything published when run through the rule (the rule as an oracle: a value that would not
have been hidden, or would have hidden other cells, is impossible). The search for such a
witness starts from the assignment nearest to the truth and then tries random directions; a
value with no witness found counts as impossible, which can only make the attacker stronger.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from outcomes.privacy import SMALL_MAX, SMALL_MIN, kept_after_correction, suppress

KEY = ["measure", "period", "group"]
UPPER = 10**6  # no count is larger in the tests' programs
ENOUGH = 5  # a hidden small count needs at least this many possible values
TRIES = 24  # candidate values tried per hidden count, nearest to the truth first


def published_rule(frame: pd.DataFrame) -> pd.DataFrame:
    """What the app's pages and exports do: a program's measures suppressed together."""
    return suppress(frame.assign(program=0), link="program").drop(columns="program")


@dataclass
class ProgramData:
    """What the attacker audits: each download's true counts (measure, period, group,
    population, events; no total rows) and what it knows of how the measures relate."""

    releases: list[pd.DataFrame]
    same_people: bool = False
    event_sums: tuple[tuple[str, str, str], ...] = ()  # (sum, part, part)
    nested: tuple[tuple[str, str], ...] = ()  # (yearly measure, quarterly measure)
    bounded: tuple[tuple[str, str], ...] = ()  # (measure, measure whose people include its)
    same_population: tuple[tuple[str, ...], ...] = ()
    exclusive: tuple[tuple[str, ...], ...] = ()
    exhaustive: tuple[tuple[str, ...], ...] = ()
    people_only: tuple[str, ...] = ()
    known_changes: bool = False
    present: tuple[str, ...] = ()
    rule: Callable[[pd.DataFrame], pd.DataFrame] = published_rule


@dataclass(frozen=True)
class Target:
    """One hidden count of one release: what the attacker could learn of it."""

    release: int
    cell: tuple
    kind: str  # population, events or non-events
    truth: int
    low: int
    high: int
    possible: int  # values with a witness, up to ENOUGH (or all of them when fewer)
    # Corrected since a download that showed it: the two totals give the change, so the new
    # value is known to whoever knows which count was corrected (no pattern can prevent it).
    revealed_by_correction: bool = False
    # With known changes, a count the attacker knows whole: its group first appeared after the
    # first download, so every response in it is one whose change the attacker knows (its own).
    known_whole: bool = False
    # For events and non-events: whether the group can have anyone in it. A group known to
    # be empty (population 0, shown or worked out) has no rate to pin: its 0 events say
    # nothing about a person.
    can_have_people: bool = True

    @property
    def exact(self) -> bool:
        return self.possible == 1

    @property
    def small(self) -> bool:
        return SMALL_MIN <= self.truth <= SMALL_MAX


@dataclass
class Audit:
    targets: list[Target] = field(default_factory=list)
    tables: int = 0

    @property
    def protected(self) -> list[Target]:
        """The hidden counts suppression has to protect (see `revealed_by_correction`)."""
        return [t for t in self.targets if not (t.revealed_by_correction or t.known_whole)]

    @property
    def exact_recoveries(self) -> list[Target]:
        return [t for t in self.protected if t.small and t.exact]

    @property
    def narrowed(self) -> list[Target]:
        return [t for t in self.protected if t.small and t.possible < ENOUGH]

    @property
    def pinned_rates(self) -> list[Target]:
        """Hidden groups whose events (rate 0%) or non-events (100%) can only be 0."""
        return [
            t
            for t in self.protected
            if t.truth == 0 and t.kind != "population" and t.exact and t.can_have_people
        ]

    @property
    def fewest_possible(self) -> int | None:
        small = [t.possible for t in self.protected if t.small]
        return min(small) if small else None

    def find(self, cell: tuple, kind: str, release: int | None = None) -> Target:
        for target in self.targets:
            same_release = release is None or target.release == release
            if target.cell == cell and target.kind == kind and same_release:
                return target
        raise LookupError(f"{cell} {kind} is not hidden")


class _Model:
    """The unknowns and linear relations of everything published about a program."""

    def __init__(self, data: ProgramData):
        self.data = data
        self._place_cache: dict[int, dict] = {}
        self._base: tuple | None = None
        self.witnesses: list[np.ndarray] = []  # full assignments that reproduce everything
        self.truth: list[int] = []
        self.variables: dict[tuple, int] = {}
        self.rows: list[tuple[dict[int, float], float, float]] = []
        self.inputs: list[pd.DataFrame] = []
        self.releases: list[tuple[pd.DataFrame, dict]] = []
        for frame in data.releases:
            previous = self.releases[-1][0] if self.releases else None
            self.inputs.append(_remembering(frame, previous))
            self.releases.append(_published(data.rule, self.inputs[-1]))
        self.hidden = [
            flags.set_index(KEY)[["population_hidden", "events_hidden"]].to_dict("index")
            for flags, _totals in self.releases
        ]
        self.versions = _versions(data.releases)
        self.expressions: list[dict[tuple, tuple[dict[int, float], float]]] = []
        for index, (frame, flags) in enumerate(zip(data.releases, self.releases, strict=True)):
            self.expressions.append(self._cells(index, frame, flags[0]))
        for index in range(len(data.releases)):
            self._relations(index)
        if data.known_changes:
            for index in range(1, len(data.releases)):
                self._changes(index)

    def _cells(self, release: int, frame: pd.DataFrame, flags: pd.DataFrame) -> dict:
        cells = {}
        for row in flags.itertuples(index=False):
            cell = (row.measure, row.period, row.group)
            version = self.versions[release][cell]
            population = self._count(cell, version, "population", row.population, release)
            if row.measure in self.data.people_only:  # never published: nothing to learn
                cells[cell] = (population, ({}, float(row.events)))
                continue
            events = self._count(cell, version, "events", row.events, release)
            cells[cell] = (population, events)
        return cells

    def _count(self, cell, version, kind, value, release) -> tuple[dict[int, float], float]:
        hidden_everywhere = all(
            self.hidden[r][cell][f"{kind}_hidden"]
            for r, versions in enumerate(self.versions)
            if versions.get(cell) == version
        )
        if not hidden_everywhere:
            return {}, float(value)
        key = (cell, version, kind)
        if key not in self.variables:
            self.variables[key] = len(self.truth)
            self.truth.append(int(value))
        return {self.variables[key]: 1.0}, 0.0

    def _add(self, terms: list[tuple[tuple, float]], low: float, high: float) -> None:
        coefficients: dict[int, float] = {}
        constant = 0.0
        for (expression, offset), sign in terms:
            for variable, weight in expression.items():
                coefficients[variable] = coefficients.get(variable, 0.0) + sign * weight
            constant += sign * offset
        if coefficients:
            self.rows.append((coefficients, low - constant, high - constant))

    def _relations(self, release: int) -> None:
        cells = self.expressions[release]
        flags, totals = self.releases[release]
        for population, events in cells.values():
            self._add([(events, 1), (population, -1)], -np.inf, 0)
        for (measure, period), total in totals.items():
            if total is None:
                continue
            members = [c for c in cells if c[:2] == (measure, period)]
            for kind, value in enumerate(total):
                self._add([(cells[c][kind], 1) for c in members], value, value)
        if self.data.same_people:
            self._same_populations(cells)
        for whole, part, other in self.data.event_sums:
            for m, period, group in cells:
                parts = [(part, period, group), (other, period, group)]
                if m == whole and all(p in cells for p in parts):
                    terms = [(cells[(m, period, group)][1], 1)]
                    self._add(terms + [(cells[p][1], -1) for p in parts], 0, 0)
        self._survey_relations(cells)
        for yearly, quarterly in self.data.nested:
            for m, period, group in cells:
                if m != yearly:
                    continue
                quarters = [c for c in cells if c[0] == quarterly and c[2] == group]
                quarters = [c for c in quarters if c[1].startswith(f"{period}-")]
                for kind in (0, 1):
                    terms = [(cells[(m, period, group)][kind], 1)]
                    self._add(terms + [(cells[q][kind], -1) for q in quarters], 0, 0)

    def _changes(self, release: int) -> None:
        """Each count of this download is the one before plus its known change."""
        before, now = self.expressions[release - 1], self.expressions[release]
        old = self.data.releases[release - 1].set_index(KEY)[["population", "events"]]
        new = self.data.releases[release].set_index(KEY)[["population", "events"]]
        for cell in now:
            for kind, column in enumerate(("population", "events")):
                if cell not in before:  # a new group: all of it is change
                    value = float(new.loc[cell, column])
                    self._add([(now[cell][kind], 1)], value, value)
                    continue
                change = float(new.loc[cell, column] - old.loc[cell, column])
                self._add([(now[cell][kind], 1), (before[cell][kind], -1)], change, change)

    def _survey_relations(self, cells: dict) -> None:
        data = self.data
        for m, _period, _group in cells:
            if m in data.present:
                self._add([(cells[(m, _period, _group)][0], 1)], 1, np.inf)
        for measure, bound in data.bounded:
            for m, period, group in cells:
                other = (bound, period, group)
                if m == measure and other in cells:
                    terms = [(cells[(m, period, group)][0], 1), (cells[other][0], -1)]
                    self._add(terms, -np.inf, 0)
        for measures in data.same_population:
            for m, period, group in cells:
                if m != measures[0]:
                    continue
                for other in measures[1:]:
                    if (other, period, group) in cells:
                        terms = [(cells[(m, period, group)][0], 1)]
                        self._add(terms + [(cells[(other, period, group)][0], -1)], 0, 0)
        for measures, exact in [(m, False) for m in data.exclusive] + [
            (m, True) for m in data.exhaustive
        ]:
            for m, period, group in cells:
                if m != measures[0]:
                    continue
                parts = [(other, period, group) for other in measures]
                if not all(p in cells for p in parts):
                    continue
                terms = [(cells[p][1], 1) for p in parts] + [(cells[parts[0]][0], -1)]
                self._add(terms, 0 if exact else -np.inf, 0)

    def _same_populations(self, cells: dict) -> None:
        first: dict[tuple, tuple] = {}
        nested_quarterly = {q for _y, q in self.data.nested}
        for (m, period, group), (population, _events) in cells.items():
            if m in nested_quarterly:
                continue
            key = (period, group)
            if key in first:
                self._add([(population, 1), (first[key], -1)], 0, 0)
            else:
                first[key] = population

    def _places(self, release: int) -> dict:
        if release not in self._place_cache:
            self._place_cache[release] = _places_of(self, release)
        return self._place_cache[release]

    # --- solving -----------------------------------------------------------------------

    def constraints(self, extra: list | None = None) -> list[LinearConstraint]:
        rows = extra or []
        matrix, low, high = self._matrix(rows)
        if self._base is None:
            self._base = self._matrix(self.rows)
        base, base_low, base_high = self._base
        return [
            LinearConstraint(
                np.vstack([base, matrix]),
                np.concatenate([base_low, low]),
                np.concatenate([base_high, high]),
            )
        ]

    def _matrix(self, rows: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        matrix = np.zeros((len(rows), len(self.truth)))
        for i, (coefficients, _low, _high) in enumerate(rows):
            for variable, weight in coefficients.items():
                matrix[i, variable] = weight
        return matrix, np.array([r[1] for r in rows], float), np.array([r[2] for r in rows], float)

    def optimum(self, objective: np.ndarray, fixed: dict | None = None) -> float | None:
        extra = [({v: 1.0}, value, value) for v, value in (fixed or {}).items()]
        result = milp(
            objective,
            constraints=self.constraints(extra),
            integrality=np.ones(len(self.truth)),
            bounds=Bounds(0, UPPER),
        )
        return result.fun if result.status == 0 else None

    def witness(self, expression: dict[int, float], value: int, rng) -> bool:
        """Whether a full assignment with `expression` == value reproduces every release."""
        n = len(self.truth)
        fixed = [(expression, value, value)]
        # Nearest to the truth in L1: variables x then distances d, d >= |x - truth|.
        objectives = [np.concatenate([np.zeros(n), np.ones(n)])]
        objectives.append(np.concatenate([rng.uniform(-1, 1, n), np.zeros(n)]))
        for objective in objectives:
            solution = self._solve_with_distance(objective, fixed)
            if solution is None:
                return False  # no assignment at all has this value
            values = np.round(solution[:n]).astype(int)
            if self.reproduces(values):
                self.witnesses.append(values)
                return True
        return False

    def _solve_with_distance(self, objective: np.ndarray, fixed: list) -> np.ndarray | None:
        n = len(self.truth)
        truth = np.array(self.truth, float)
        base = self.constraints(fixed)[0]
        identity = np.eye(n)
        matrix = np.block(
            [
                [base.A, np.zeros((base.A.shape[0], n))],
                [identity, -identity],
                [-identity, -identity],
            ]
        )
        low = np.concatenate([base.lb, np.full(2 * n, -np.inf)])
        high = np.concatenate([base.ub, truth, -truth])
        result = milp(
            objective,
            constraints=[LinearConstraint(matrix, low, high)],
            integrality=np.concatenate([np.ones(n), np.zeros(n)]),
            bounds=Bounds(0, np.concatenate([np.full(n, UPPER), np.full(n, np.inf)])),
        )
        return result.x if result.status == 0 else None

    def reproduces(self, values: np.ndarray) -> bool:
        for release, frame in enumerate(self.inputs):
            candidate = frame.copy()
            for kind, (rows, variables) in self._places(release).items():
                column = candidate[kind].to_numpy(np.int64).copy()
                column[rows] = values[variables]
                candidate[kind] = column
            if (candidate["events"] > candidate["population"]).any():
                return False
            flags, totals = _published(self.data.rule, candidate)
            expected_flags, expected_totals = self.releases[release]
            columns = ["population_hidden", "events_hidden"]
            if not flags[columns].equals(expected_flags[columns]):
                return False
            if {k: v is None for k, v in totals.items()} != {
                k: v is None for k, v in expected_totals.items()
            }:
                return False
        return True


def _places_of(model: "_Model", release: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per kind, the rows of a release's input that are unknowns, and their variables."""
    frame = model.inputs[release]
    position = {cell: i for i, cell in enumerate(zip(*(frame[k] for k in KEY), strict=True))}
    places: dict[str, tuple[list, list]] = {"population": ([], []), "events": ([], [])}
    for (cell, version, kind), variable in model.variables.items():
        if model.versions[release].get(cell) == version:
            places[kind][0].append(position[cell])
            places[kind][1].append(variable)
    return {kind: (np.array(r, int), np.array(v, int)) for kind, (r, v) in places.items()}


def _remembering(frame: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """The counts of a download with what the app kept hidden from the one before, marked
    where a correction changed a hidden part as the app marks it (the attacker knows both:
    they follow from what that download showed and which counts were corrected)."""
    frame = frame[[*KEY, "population", "events"]]
    if previous is None or "kept_hidden" not in previous.columns:
        return frame
    before = previous[[*KEY, "population", "events", "kept_hidden"]]
    merged = frame.merge(before, on=KEY, how="left", suffixes=("", "_before"))
    # NaN kept_hidden: a count the earlier one did not have.
    merged["kept_hidden"] = kept_after_correction(
        merged["kept_hidden"].to_numpy(float),
        merged["population"].to_numpy(float) != merged["population_before"].to_numpy(float),
        merged["events"].to_numpy(float) != merged["events_before"].to_numpy(float),
    )
    return merged.drop(columns=["population_before", "events_before"])


def _published(rule, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The rule's flags per cell (in the frame's order), and per (measure, period) the shown
    total (population, events), or None where the total is hidden."""
    flagged = rule(frame).reset_index(drop=True)
    dark = set(zip(*(flagged.loc[flagged["total_hidden"], k] for k in KEY[:2]), strict=True))
    sums: dict[tuple, list[int]] = {}
    for measure, period, population, events in zip(
        *(flagged[k] for k in ("measure", "period", "population", "events")), strict=True
    ):
        total = sums.setdefault((measure, period), [0, 0])
        total[0] += int(population)
        total[1] += int(events)
    totals = {key: None if key in dark else tuple(total) for key, total in sums.items()}
    return flagged, totals


def _versions(releases: list[pd.DataFrame]) -> list[dict[tuple, int]]:
    """Per release, each cell's version: it goes up when the cell's counts are corrected."""
    versions, last, previous = [], {}, {}
    for frame in releases:
        current = {}
        for row in frame.itertuples(index=False):
            cell, counts = (row.measure, row.period, row.group), (row.population, row.events)
            if cell in previous and previous[cell] != counts:
                last[cell] = last.get(cell, 0) + 1
            current[cell] = last.get(cell, 0)
            previous[cell] = counts
        versions.append(current)
    return versions


def audit(data: ProgramData, seed: int = 0) -> Audit:
    """Every hidden count of 0 to 10 (population, events, non-events) and how many values
    the attacker cannot rule out."""
    model = _Model(data)
    rng = np.random.default_rng(seed)
    result = Audit(tables=sum(len(totals) for _flags, totals in model.releases))
    seen: set = set()
    for release, cells in enumerate(model.expressions):
        for cell, (population, events) in cells.items():
            non_events = _difference(population, events)
            for kind, expression in (
                ("population", population),
                ("events", events),
                ("non-events", non_events),
            ):
                terms, constant = expression
                if not terms:
                    continue
                truth = int(round(sum(w * model.truth[v] for v, w in terms.items()) + constant))
                key = (tuple(sorted(terms.items())), constant)
                if truth > SMALL_MAX or key in seen:
                    continue
                seen.add(key)
                target = _target(model, release, cell, kind, expression, truth, rng)
                if kind != "population":
                    target = replace(target, can_have_people=_can_be_positive(model, population))
                if _shown_before_correction(model, release, cell, kind):
                    target = replace(target, revealed_by_correction=True)
                if data.known_changes and cell not in model.expressions[0]:
                    target = replace(target, known_whole=True)
                result.targets.append(target)
    return result


def _shown_before_correction(model: _Model, release: int, cell: tuple, kind: str) -> bool:
    version = model.versions[release][cell]
    kinds = ("population", "events") if kind == "non-events" else (kind,)
    return any(
        model.versions[earlier].get(cell) == version - 1
        and not all(model.hidden[earlier][cell][f"{k}_hidden"] for k in kinds)
        for earlier in range(release)
    )


def _can_be_positive(model: _Model, expression) -> bool:
    """Whether the attacker cannot rule out a value above 0 for `expression`."""
    terms, constant = expression
    if not terms:
        return constant > 0
    objective = np.zeros(len(model.truth))
    for variable, weight in terms.items():
        objective[variable] = -weight
    return -model.optimum(objective) + constant > 0


def _difference(population, events):
    terms = dict(population[0])
    for variable, weight in events[0].items():
        terms[variable] = terms.get(variable, 0.0) - weight
    return {v: w for v, w in terms.items() if w}, population[1] - events[1]


def _target(model: _Model, release, cell, kind, expression, truth: int, rng) -> Target:
    terms, constant = expression
    objective = np.zeros(len(model.truth))
    for variable, weight in terms.items():
        objective[variable] = weight
    low = round(model.optimum(objective)) + constant
    high = -round(model.optimum(-objective)) + constant
    steps = (truth + d * sign for d in range(TRIES) for sign in ((1,) if d == 0 else (-1, 1)))
    candidates = [v for v in steps if low <= v <= high]
    known = {truth} | {
        round(sum(w * values[v] for v, w in terms.items()) + constant) for values in model.witnesses
    }
    possible = 0
    for value in candidates[:TRIES]:
        if value in known or model.witness(terms, value - constant, rng):
            possible += 1
            if possible >= ENOUGH:
                break
    return Target(release, cell, kind, truth, int(low), int(high), possible)
