"""The facilitator's dashboard and the members' benchmarks, built from cached frames."""

from dataclasses import dataclass, field, replace

import pandas as pd
from django.core.cache import cache

from assessments.models import Organization
from cohorts import data, tables
from cohorts.sharing import Scope


@dataclass(frozen=True)
class Filters:
    cycle: str = ""
    compare: str = ""  # the earlier cycle of the change chart
    sector: str = ""
    region: str = ""
    service_area: str = ""

    @classmethod
    def from_query(cls, query, cycles: list[str]) -> "Filters":
        """Unknown values fall back to the defaults: a bad link shows the whole cohort."""
        cycle = query.get("cycle") if query.get("cycle") in cycles else ""
        cycle = cycle or (cycles[0] if cycles else "")
        earlier = [c for c in cycles if c < cycle]
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
    cycles: list[str]
    dimensions: dict[str, str]  # key -> name
    table: pd.DataFrame  # one row per organization
    rows: pd.DataFrame  # the comparable, filtered frame of the cycle
    distribution: dict[str, list[int]] | None
    spreads: dict[str, tables.Spread]
    change: pd.DataFrame
    reference: str = ""
    excluded: list[tables.Excluded] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)
    left_out: int = 0  # sharing members this session does not see (two-factor)


def dashboard(scope: Scope, query) -> Dashboard:
    cycles = data.cycles(scope)
    filters = Filters.from_query(query, cycles)
    if filters.cycle:
        filters = filters.known(data.cycle_options(scope, filters.cycle))
    key = scope.cache_key("dashboard", filters)
    result = cache.get(key)
    if result is None:
        result = _build(scope, filters, cycles)
        cache.set(key, result, data.CACHE_SECONDS)
    return result


def _build(scope: Scope, filters: Filters, cycles: list[str]) -> Dashboard:
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
        cycles=cycles,
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
    dimensions: dict[str, str]
    spreads: dict[str, tables.Spread]
    programs: list[dict]  # the member's own programs: name and index per dimension
    left_out: int = 0  # sharing members this session does not see (two-factor)


def benchmark(scope: Scope, organization_id) -> Benchmark | None:
    """Each of the member's programs against the cohort's programs, in the latest cycle."""
    cycles = data.cycles(scope)
    if not cycles:
        return None
    frame = data.cycle_frame(scope, cycles[0])
    shapes = data.framework_shapes(frame["framework"].unique()) if not frame.empty else {}
    frame, reference, _ = tables.comparable(frame, shapes)
    if reference is None:
        return None
    dimensions = shapes[reference].names
    own = frame[frame["organization"] == str(organization_id)]
    programs = [
        {"name": name, **dict(zip(rows["dimension"], rows["index"], strict=True))}
        for (_program, name), rows in own.groupby(["program", "program_name"])
    ]
    programs.sort(key=lambda p: p["name"])
    spreads = tables.program_spreads(frame, list(dimensions))
    return Benchmark(cycles[0], dimensions, spreads, programs, scope.left_out())
