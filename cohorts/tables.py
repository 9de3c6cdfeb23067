"""The cohort's tables, from plain data frames: no ORM here, so it is tested without a database.

A frame has one row per (submitted assessment, dimension) with the columns of `COLUMNS`.

Rules (also on the dashboard and in the README):
- An organization's level in a dimension is the median of its programs' levels, rounded
  down; its index is the mean of its programs' indexes. Its overall level is its lowest
  dimension level, as for a single assessment.
- Assessments on framework versions whose indicators differ in a dimension are not
  compared in that dimension: see `comparable`.
- An aggregate over fewer than `MIN_ORGANIZATIONS` organizations is suppressed (None).
"""

import math
from dataclasses import dataclass

import pandas as pd

MIN_ORGANIZATIONS = 5
COLUMNS = [
    "organization",
    "organization_name",
    "sector",
    "region",
    "program",
    "program_name",
    "service_area",
    "assessment",
    "cycle",
    "framework",
    "dimension",
    "level",
    "index",
]


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in COLUMNS}).astype(
        {"level": "int64", "index": "float64"}
    )


@dataclass(frozen=True)
class FrameworkShape:
    """What makes two framework versions comparable: each dimension's indicator keys."""

    label: str
    slug: str
    version: int
    dimensions: dict[str, frozenset[str]]
    names: dict[str, str]  # dimension key -> name, in the framework's order


@dataclass(frozen=True)
class Excluded:
    framework: str
    dimensions: list[str]
    assessments: int


def filter_frame(frame: pd.DataFrame, **values: str) -> pd.DataFrame:
    """Keep the rows whose columns equal the given non-empty values."""
    mask = pd.Series(True, index=frame.index)
    for column, value in values.items():
        if value:
            mask &= frame[column] == value
    return frame[mask]


def reference_framework(frame: pd.DataFrame, shapes: dict[object, FrameworkShape]):
    """The framework most assessments of the frame use (the newest on a tie), or None."""
    if frame.empty:
        return None
    counts = frame.groupby("framework")["assessment"].nunique()
    return max(counts.index, key=lambda f: (counts[f], shapes[f].version))


def comparable(
    frame: pd.DataFrame, shapes: dict[object, FrameworkShape], reference=None
) -> tuple[pd.DataFrame, object, list[Excluded]]:
    """Rows comparable with the reference framework (by default `reference_framework`).

    Another version is compared in a dimension only when it has the same slug and the same
    indicators there; its other dimensions are left out, and listed so the page can say so.
    """
    if frame.empty:
        return frame, reference, []
    counts = frame.groupby("framework")["assessment"].nunique()
    if reference is None:
        reference = reference_framework(frame, shapes)
    ref = shapes[reference]
    keep = pd.Series(True, index=frame.index)
    excluded = []
    for framework in sorted(counts.index, key=lambda f: shapes[f].version):
        if framework == reference:
            continue
        shape = shapes[framework]
        differing = [
            key
            for key, indicators in shape.dimensions.items()
            if shape.slug != ref.slug or ref.dimensions.get(key) != indicators
        ]
        if differing:
            keep &= ~((frame["framework"] == framework) & frame["dimension"].isin(differing))
            names = [shape.names.get(key, key) for key in differing]
            excluded.append(Excluded(shape.label, names, int(counts[framework])))
    return frame[keep], reference, excluded


def organization_levels(frame: pd.DataFrame, dimensions: list[str]) -> pd.DataFrame:
    """One row per organization: level and index per dimension, overall level and index.

    Columns `<dim>_level` (float, NaN where not assessed), `<dim>_index`, `level`, `index`,
    `programs`, plus name, sector and region.
    """
    if frame.empty:
        columns = [f"{key}_{part}" for key in dimensions for part in ("level", "index")]
        return pd.DataFrame(
            columns=[
                "organization",
                "organization_name",
                "sector",
                "region",
                "programs",
                "level",
                "index",
                *columns,
            ],
            dtype="float64",
        )
    grouped = frame.groupby(["organization", "dimension"])
    levels = grouped["level"].median().apply(math.floor).unstack("dimension")
    indexes = grouped["index"].mean().unstack("dimension")
    table = pd.DataFrame(index=levels.index)
    for key in dimensions:
        table[f"{key}_level"] = levels[key] if key in levels else float("nan")
        table[f"{key}_index"] = indexes[key] if key in indexes else float("nan")
    table["level"] = table[[f"{key}_level" for key in dimensions]].min(axis=1)
    table["index"] = table[[f"{key}_index" for key in dimensions]].mean(axis=1)
    table["programs"] = frame.groupby("organization")["program"].nunique()
    names = frame.drop_duplicates("organization").set_index("organization")
    table[["organization_name", "sector", "region"]] = names[
        ["organization_name", "sector", "region"]
    ]
    return table.reset_index().sort_values("organization_name", kind="stable")


def level_distribution(
    table: pd.DataFrame, dimensions: list[str]
) -> dict[str, list[int] | None] | None:
    """Per dimension, how many organizations stand at each level 0-4. A dimension with fewer
    than the minimum of organizations (some may not be compared in it) is None; the whole
    distribution is None when no dimension reaches the minimum."""
    distribution: dict[str, list[int] | None] = {}
    for key in dimensions:
        column = table[f"{key}_level"].dropna().astype(int)
        if len(column) < MIN_ORGANIZATIONS:
            distribution[key] = None
            continue
        counts = column.value_counts()
        distribution[key] = [int(counts.get(level, 0)) for level in range(5)]
    return distribution if any(v is not None for v in distribution.values()) else None


@dataclass(frozen=True)
class Spread:
    """The middle of the cohort in one dimension: its median and quartiles of the index."""

    organizations: int
    q1: float | None
    median: float | None
    q3: float | None

    @property
    def suppressed(self) -> bool:
        return self.median is None


def spread(values: pd.Series, organizations: int) -> Spread:
    values = values.dropna()
    if organizations < MIN_ORGANIZATIONS or values.empty:
        return Spread(organizations, None, None, None)
    q1, median, q3 = (round(float(values.quantile(q)), 2) for q in (0.25, 0.5, 0.75))
    return Spread(organizations, q1, median, q3)


def organization_spreads(table: pd.DataFrame, dimensions: list[str]) -> dict[str, Spread]:
    """Median and quartiles across organizations, per dimension and overall ("overall")."""
    spreads = {
        key: spread(table[f"{key}_index"], int(table[f"{key}_index"].notna().sum()))
        for key in dimensions
    }
    spreads["overall"] = spread(table["index"], len(table))
    return spreads


def program_spreads(frame: pd.DataFrame, dimensions: list[str]) -> dict[str, Spread]:
    """Median and quartiles across the programs of the cohort, per dimension: the benchmark a
    member sees. Suppressed when the programs come from fewer than five organizations."""
    result = {}
    for key in dimensions:
        rows = frame[frame["dimension"] == key]
        result[key] = spread(rows["index"], rows["organization"].nunique())
    return result


def change_between(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Each organization's overall index in two cycles, most improved first.

    Only organizations assessed in both cycles, and for each only the dimensions compared in
    both; the frames should already be comparable with one reference framework.
    """
    columns = ["organization", "organization_name", "before", "after", "change"]
    if before.empty or after.empty:
        return pd.DataFrame(columns=columns)
    # Per organization and dimension first, so both cycles average the same dimensions.
    keys = ["organization", "dimension"]
    first = before.groupby(keys)["index"].mean().rename("before")
    second = after.groupby(keys)["index"].mean().rename("after")
    pairs = pd.concat([first, second], axis=1, join="inner")
    both = pairs.groupby("organization")[["before", "after"]].mean()
    both["change"] = both["after"] - both["before"]
    names = after.drop_duplicates("organization").set_index("organization")["organization_name"]
    both["organization_name"] = names
    both = both.reset_index().sort_values(
        ["change", "organization_name"], ascending=[False, True], kind="stable"
    )
    return both[columns]


def choices(frame: pd.DataFrame, column: str) -> list[str]:
    return sorted(value for value in frame[column].dropna().unique() if value)
