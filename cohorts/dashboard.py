"""The facilitator's dashboard and the members' benchmarks, built from cached frames."""

from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd
from django.core.cache import cache

from assessments.models import Organization
from cohorts import data, tables
from cohorts.rounds import RoundProgress, default_round
from cohorts.sharing import Scope


@dataclass(frozen=True)
class Filters:
    cycle: str = ""
    compare: str = ""  # the earlier cycle of the change chart
    sector: str = ""
    region: str = ""
    service_area: str = ""

    @classmethod
    def from_query(cls, query, rounds: list[RoundProgress], today: date) -> "Filters":
        """Unknown values fall back to the defaults: a bad link shows the whole cohort, in the
        round `default_round` picks. The change chart compares with the round before."""
        names = [r.name for r in rounds]  # newest first
        default = default_round(rounds, today)
        cycle = query.get("cycle") if query.get("cycle") in names else ""
        cycle = cycle or (default.name if default else "")
        earlier = names[names.index(cycle) + 1 :] if cycle else []
        compare = query.get("compare") if query.get("compare") in earlier else ""
        compare = compare or (earlier[0] if earlier else "")
        values = {name: str(query.get(name, ""))[:100] for name in ("sector", "region")}
        return cls(cycle, compare, service_area=str(query.get("service_area", ""))[:100], **values)

    def known(self, options: dict[str, list[str]]) -> "Filters":
        """Only values that can match: an unknown sector, region or service area is dropped,
        so a bad link shows the whole cohort and cannot fill the cache with variants."""
        return replace(
            self,
            sector=self.sector if self.sector in Organization.Sector.values else "",
            region=self.region if self.region in options["region"] else "",
            service_area=self.service_area if self.service_area in options["service_area"] else "",
        )

    def select(self, frame: pd.DataFrame) -> pd.DataFrame:
        return tables.filter_frame(
            frame, sector=self.sector, region=self.region, service_area=self.service_area
        )


@dataclass
class Dashboard:
    filters: Filters
    rounds: list[RoundProgress]  # newest first, for the picker
    dimensions: dict[str, str]  # key -> name
    table: pd.DataFrame  # one row per organization
    rows: pd.DataFrame  # the comparable, filtered frame of the cycle
    distribution: dict[str, list[int] | None] | None
    spreads: dict[str, tables.Spread]
    change: pd.DataFrame
    reference: str = ""
    excluded: list[tables.Excluded] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)
    left_out: int = 0  # sharing members this session does not see (two-factor)

    @property
    def cycles(self) -> list[str]:
        """The rounds with submitted assessments, newest first."""
        return [r.name for r in self.rounds if r.submitted]

    @property
    def earlier(self) -> list[str]:
        """The rounds with submissions before the one shown: what it can be compared with."""
        names = [r.name for r in self.rounds]
        if self.filters.cycle not in names:
            return []
        older = {r.name for r in self.rounds[names.index(self.filters.cycle) + 1 :]}
        return [name for name in self.cycles if name in older]

    def open_round(self, today: date) -> RoundProgress | None:
        """The round open today, when it is not the one shown (too few submitted yet)."""
        current = next((r for r in self.rounds if r.is_open(today)), None)
        return current if current and current.name != self.filters.cycle else None


def dashboard(scope: Scope, query, today: date) -> Dashboard:
    rounds = data.rounds(scope)
    filters = Filters.from_query(query, rounds, today)
    if filters.cycle:
        filters = filters.known(data.cycle_options(scope, filters.cycle))
    key = scope.cache_key("dashboard", filters)
    result = cache.get(key)
    if result is None:
        result = _build(scope, filters, rounds)
        cache.set(key, result, data.CACHE_SECONDS)
    return result


def _build(scope: Scope, filters: Filters, rounds: list[RoundProgress]) -> Dashboard:
    current = data.cycle_frame(scope, filters.cycle) if filters.cycle else tables.empty_frame()
    before = data.cycle_frame(scope, filters.compare) if filters.compare else tables.empty_frame()
    both = pd.concat([current, before], ignore_index=True)
    shapes = data.framework_shapes(both["framework"].unique()) if not both.empty else {}
    # The cycle shown decides the reference; the earlier cycle is read against it.
    reference = tables.reference_framework(current, shapes)
    both, reference, excluded = tables.comparable(both, shapes, reference)
    dimensions = shapes[reference].names if reference is not None else {}
    selected = filters.select(both)
    now = selected[selected["cycle"] == filters.cycle]
    table = tables.organization_levels(now, list(dimensions))
    return Dashboard(
        filters=filters,
        rounds=rounds,
        dimensions=dimensions,
        table=table,
        rows=now,
        distribution=tables.level_distribution(table, list(dimensions)),
        spreads=tables.organization_spreads(table, list(dimensions)),
        change=tables.change_between(selected[selected["cycle"] == filters.compare], now),
        reference=shapes[reference].label if reference is not None else "",
        excluded=excluded,
        options=data.cycle_options(scope, filters.cycle) if filters.cycle else {},
        left_out=scope.left_out(),
    )


@dataclass
class Benchmark:
    cycle: str
    rounds: list[RoundProgress]
    dimensions: dict[str, str]
    spreads: dict[str, tables.Spread]
    programs: list[dict]  # the member's own programs: name and index per dimension
    left_out: int = 0  # sharing members this session does not see (two-factor)


def benchmark(scope: Scope, organization_id, query, today: date) -> Benchmark | None:
    """Each of the member's programs against the cohort's programs, in the round chosen
    (`?cycle=`) or the one `default_round` picks, as on the facilitator's dashboard. With no
    organization (None), only the cohort's side: the programs' spreads, no member's own."""
    rounds = [r for r in data.rounds(scope) if r.submitted]
    names = [r.name for r in rounds]
    chosen = query.get("cycle") if query.get("cycle") in names else None
    default = default_round(rounds, today)
    cycle = chosen or (default.name if default else None)
    if cycle is None:
        return None
    frame = data.cycle_frame(scope, cycle)
    shapes = data.framework_shapes(frame["framework"].unique()) if not frame.empty else {}
    frame, reference, _ = tables.comparable(frame, shapes)
    if reference is None:
        return None
    dimensions = shapes[reference].names
    own = frame[frame["organization"] == str(organization_id)] if organization_id else frame[:0]
    programs = [
        {"name": name, **dict(zip(rows["dimension"], rows["index"], strict=True))}
        for (_program, name), rows in own.groupby(["program", "program_name"])
    ]
    programs.sort(key=lambda p: p["name"])
    spreads = tables.program_spreads(frame, list(dimensions))
    return Benchmark(cycle, rounds, dimensions, spreads, programs, scope.left_out())
