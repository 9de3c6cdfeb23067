"""Disparity statistics for outcome counts disaggregated by race and ethnicity.

Plain data in, plain data out: no database. The seeds define racial equity as the condition in
which racial identity no longer predicts, statistically, how one fares; these are the standard,
documented ways of measuring how far a program is from it.

Input (`counts`): one row per period and group, with columns `period` (sortable text such as
"2024", "2024-Q1", "2024-03"), `group` (a key of `outcomes.groups.GROUP_KEYS`), `population`
(people, the denominator) and `events` (people with the outcome). `many_measures` also takes a
`measure` column. Rows repeated for the same (measure, period, group) are added up. Negative
counts, events above the population or an unknown group key raise ValueError.

Who is compared: every group except "unknown" (its counts stay in the total, but an unknown
group is not a racial identity), and only groups with a population above zero in that period.

Favorable or adverse: each measure is one or the other, and it changes how numbers read. For a
favorable outcome (employment, reunification) the worse-off group has the *lower* rate and the
best-off group the highest; for an adverse outcome (removal, re-entry) the worse-off group has
the *higher* rate. The framing decides `best_group`, `worst_group`, the "best" reference,
`worse_off()`, the direction of the `total_rate` trend and the reading. Ratios themselves are
never inverted: a rate ratio of 2 always means "twice the rate of the reference".

Per group and period (`Metrics.rates`):
- rate = events / population (NaN when the population is 0), with a 95% Wilson score interval
  (defined for 0 events too); `unreliable` when events < 20 (UNRELIABLE_EVENTS);
- disproportionality = share of the events / share of the population, among compared groups;
- ratio = rate / reference rate, with a 95% interval on the log scale (Katz). A group with 0
  events has ratio 0 and no interval (the log is undefined); against a reference rate of 0 or an
  empty reference the ratio is NaN;
- difference = rate - reference rate, with a 95% Newcombe hybrid score interval (method 10 of
  Newcombe 1998, built from the two Wilson intervals; unlike Wald it stays sensible at 0 events).
  The reference's own row has ratio 1 and difference 0 with no interval. The intervals treat the
  group and the reference as independent; against the total, which contains the group, they are
  somewhat wider than they need to be (conservative).

Reference (`reference`): "total" (everyone in the period, unknown included), "best" (the group
with the best rate: highest if favorable, lowest if adverse, among the groups with a reliable
rate (UNRELIABLE_EVENTS events or more), or among all groups with a population when none is
reliable; ties go to the first in GROUP_KEYS order) or a compared group's key. A named group with no
population in a period gives NaN ratios for that period.

Per period (`Metrics.summary`), over compared groups with a population:
- index_of_disparity (Pearcy & Keppel 2002): mean |rate - reference rate| over the groups other
  than the reference group (all of them when the reference is the total), as a % of the
  reference rate; NaN when the reference rate is 0;
- summary_rate_ratio: the worst-off group's rate / the best-off group's rate for an adverse
  outcome, and its inverse (best / worst) for a favorable one, so that in both framings it is
  >= 1 and 1 means no disparity (numerically: highest rate / lowest rate). NaN when the lowest
  rate is 0. (Healthy People 2020 defines a variant on the mean of the other groups; we use the
  extremes because it is the figure people can check against the table.)
- between_group_variance (Harper & Lynch): sum p_j (r_j - mu)^2, and theil:
  sum p_j (r_j / mu) ln(r_j / mu) with 0 ln 0 = 0. Here p_j is the group's share of the compared
  population and mu the rate of the compared groups together (unknown left out), so that p_j and
  mu describe the same people: BGV is then a variance and Theil is >= 0. Theil is NaN when mu = 0;
- chi2, p_value, dof, cramers_v: the chi-square test of independence on the 2 x k table of
  events and non-events (no continuity correction). chi2 = sum_j n_j (r_j - mu)^2 / (mu (1 - mu)),
  which equals the usual sum over cells; V = sqrt(chi2 / n). Undefined (NaN) when nobody or
  everybody had the outcome (a row of the table is empty); equal rates give chi2 0, p 1, V 0;
- worst_group, best_group: by the framing, ties to the first in GROUP_KEYS order; None when
  fewer than two groups are compared or all their rates are equal.
With fewer than two groups compared, every disparity measure (index, ratio, BGV, Theil, chi2,
p, V) is NaN: there is nothing to compare, which is not the same as "no disparity".

Across periods (`Metrics.trend`), for each summary metric: first and last values, change, and
the slope (per year: periods are placed on a time axis, so gaps count) and p-value of a linear
regression (scipy linregress; NaN with fewer than 3 periods with a value). Direction compares
the last value with the first: "steady" when they differ by no more than 5% of the first
(STEADY_TOLERANCE); otherwise "narrowing"/"widening" for disparity metrics (lower is narrower)
and "improving"/"worsening" for total_rate (up is better for a favorable outcome, worse for an
adverse one); None with fewer than two periods with a value. The direction describes the
data; the p-value says whether a steady linear trend is distinguishable from noise.

Privacy: everything here is computed from the counts it is given. Blank small cells before
showing them (`outcomes.privacy`) and pass the hidden cells to `reading`; since the indices and
the chi-square use every group's counts, compute them on counts whose hidden cells have been
moved into "unknown" (kept in the total, compared with no one), or show them rounded.

Also here: `wilson_interval`, `rate_ratio` and `rate_difference` on arrays, `worse_off`, and
`cohort_trend` (median and quartiles of a summary metric per period across many measures).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils import formats
from django.utils.translation import gettext, ngettext
from scipy import stats

from outcomes.groups import COMPARED_GROUPS, GROUP_KEYS, UNKNOWN, group_label

REFERENCE_TOTAL = "total"
REFERENCE_BEST = "best"
TOTAL = "total"  # the group name of the total row in Metrics.rates
UNRELIABLE_EVENTS = 20
CONFIDENCE = 0.95
Z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
STEADY_TOLERANCE = 0.05
# Conventional (Cohen-style) reading of Cramér's V for a 2 x k table.
V_NEGLIGIBLE, V_WEAK, V_MODERATE = 0.1, 0.3, 0.5

DISPARITY_METRICS = (
    "index_of_disparity",
    "summary_rate_ratio",
    "between_group_variance",
    "theil",
    "cramers_v",
)
TREND_METRICS = (*DISPARITY_METRICS, "total_rate")
SUMMARY_COLUMNS = (
    "period",
    "reference_group",
    "reference_rate",
    "total_population",
    "total_events",
    "total_rate",
    "unknown_share",
    "index_of_disparity",
    "summary_rate_ratio",
    "between_group_variance",
    "theil",
    "chi2",
    "p_value",
    "dof",
    "cramers_v",
    "groups_compared",
    "worst_group",
    "best_group",
)
RATE_COLUMNS = (
    "period",
    "group",
    "population",
    "events",
    "rate",
    "ci_low",
    "ci_high",
    "unreliable",
    "share_population",
    "share_events",
    "disproportionality",
    "ratio",
    "ratio_low",
    "ratio_high",
    "difference",
    "difference_low",
    "difference_high",
    "reference_group",
)
_GROUP_INDEX = {key: i for i, key in enumerate(GROUP_KEYS)}
_COMPARED_INDEX = [GROUP_KEYS.index(key) for key in COMPARED_GROUPS]
# Codes for the reference in the vectorised code: a compared group's column, or one of these.
_REF_TOTAL, _REF_NONE = -1, -2


@dataclass(frozen=True)
class Metrics:
    favorable: bool
    reference: str
    rates: pd.DataFrame
    summary: pd.DataFrame
    trend: pd.DataFrame


# --- Interval estimates (vectorised, usable on their own) -----------------------------------


def _divide(numerator, denominator) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 (silently)."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator != 0, numerator / denominator, np.nan)


def wilson_interval(events, population, z: float = Z) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for events / population; NaN where the population is 0."""
    events, population = np.asarray(events, float), np.asarray(population, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = population + z * z
        centre = (events + z * z / 2) / denominator
        half = z / denominator * np.sqrt(events * (population - events) / population + z * z / 4)
    # The bounds are exactly 0 and 1 at the extremes; rounding would leave 1e-18 there.
    low = np.where(events > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
    high = np.where(events < population, np.clip(centre + half, 0.0, 1.0), 1.0)
    empty = population <= 0
    low, high = np.where(empty, np.nan, low), np.where(empty, np.nan, high)
    return low, high


def rate_ratio(events, population, ref_events, ref_population, z: float = Z):
    """(ratio, low, high): rate ratio with the Katz log interval. 0 events give ratio 0 and NaN
    bounds; a reference rate of 0 (or no reference population) gives NaN throughout."""
    e, n = np.asarray(events, float), np.asarray(population, float)
    er, nr = np.asarray(ref_events, float), np.asarray(ref_population, float)
    ratio = _divide(_divide(e, n), _divide(er, nr))
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * np.sqrt(1 / e - 1 / n + 1 / er - 1 / nr)
        low, high = ratio * np.exp(-spread), ratio * np.exp(spread)
    defined = (e > 0) & (er > 0) & (n > 0) & (nr > 0)
    return ratio, np.where(defined, low, np.nan), np.where(defined, high, np.nan)


def rate_difference(events, population, ref_events, ref_population, z: float = Z):
    """(difference, low, high): rate difference with the Newcombe hybrid score interval."""
    rate, ref = _divide(events, population), _divide(ref_events, ref_population)
    low1, high1 = wilson_interval(events, population, z)
    low2, high2 = wilson_interval(ref_events, ref_population, z)
    difference = rate - ref
    low = difference - np.sqrt((rate - low1) ** 2 + (high2 - ref) ** 2)
    high = difference + np.sqrt((high1 - rate) ** 2 + (ref - low2) ** 2)
    return difference, low, high


# --- Dense layout: one row per (measure, period), one column per group ----------------------


@dataclass(frozen=True)
class _Table:
    keys: pd.DataFrame  # measure, period: one row per slice, sorted
    population: np.ndarray  # (slices, compared groups)
    events: np.ndarray
    present: np.ndarray  # the group had a row in the input
    total_population: np.ndarray  # (slices,), unknown included
    total_events: np.ndarray
    unknown_population: np.ndarray
    favorable: np.ndarray  # (slices,) bool


def _checked(counts: pd.DataFrame) -> pd.DataFrame:
    missing = {"period", "group", "population", "events"} - set(counts.columns)
    if missing:
        raise ValueError(f"Outcome counts lack the columns: {', '.join(sorted(missing))}.")
    frame = counts.copy()
    for column in ("population", "events"):
        frame[column] = pd.to_numeric(frame[column], errors="raise")
        if frame[column].isna().any() or (frame[column] % 1 != 0).any():
            raise ValueError(f"Outcome counts need a whole number of {column} on every row.")
    unknown_keys = set(frame["group"]) - set(GROUP_KEYS)
    if unknown_keys:
        raise ValueError(f"Unknown group keys: {', '.join(sorted(map(str, unknown_keys)))}.")
    bad = (frame["population"] < 0) | (frame["events"] < 0)
    bad |= frame["events"] > frame["population"]
    if bad.any():
        row = frame[bad].iloc[0]
        raise ValueError(
            f"Counts must satisfy 0 <= events <= population: {row['period']} {row['group']} "
            f"has {row['events']} events for a population of {row['population']}."
        )
    return frame


def _table(counts: pd.DataFrame, favorable: Mapping) -> _Table:
    frame = _checked(counts)
    if "measure" not in frame.columns:
        frame["measure"] = ""
    grouped = frame.groupby(["measure", "period"], sort=True)
    slices = grouped.ngroup().to_numpy()
    keys = grouped.size().index.to_frame(index=False)
    width = len(GROUP_KEYS)
    cells = slices * width + frame["group"].map(_GROUP_INDEX).to_numpy(int)
    size = len(keys) * width

    def dense(weights=None) -> np.ndarray:
        return np.bincount(cells, weights=weights, minlength=size).reshape(len(keys), width)

    population = dense(frame["population"].to_numpy(float))
    events = dense(frame["events"].to_numpy(float))
    framing = keys["measure"].map(lambda m: favorable.get(m))
    if framing.isna().any():
        unframed = keys["measure"][framing.isna()].iloc[0]
        raise ValueError(f"No favorable/adverse framing for measure {unframed!r}.")
    return _Table(
        keys=keys,
        population=population[:, _COMPARED_INDEX],
        events=events[:, _COMPARED_INDEX],
        present=(dense() > 0)[:, _COMPARED_INDEX],
        total_population=population.sum(axis=1),
        total_events=events.sum(axis=1),
        unknown_population=population[:, _GROUP_INDEX[UNKNOWN]],
        favorable=framing.to_numpy(bool),
    )


def _reference_columns(table: _Table, rate: np.ndarray, valid: np.ndarray, reference: str):
    """(code, population, events) of the reference in each slice; code as in _REF_*."""
    slices = len(table.keys)
    if reference == REFERENCE_TOTAL:
        code = np.full(slices, _REF_TOTAL)
        return code, table.total_population, table.total_events
    if reference == REFERENCE_BEST:
        # The best-off group among those with a reliable rate (enough events), so that a
        # handful of people with no events cannot become everyone's yardstick; when no
        # group is reliable, the best among all.
        signed = np.where(table.favorable[:, None], rate, -rate)
        reliable = valid & (table.events >= UNRELIABLE_EVENTS)
        pool = np.where(reliable.any(axis=1)[:, None], reliable, valid)
        code = np.where(pool, signed, -np.inf).argmax(axis=1)
        code = np.where(valid.any(axis=1), code, _REF_NONE)
    elif reference in COMPARED_GROUPS:
        code = np.full(slices, COMPARED_GROUPS.index(reference))
    else:
        raise ValueError(
            f"Reference must be 'total', 'best' or a compared group, not {reference!r}."
        )
    rows, columns = np.arange(slices), np.clip(code, 0, None)
    chosen = code >= 0
    return (
        code,
        np.where(chosen, table.population[rows, columns], 0.0),
        np.where(chosen, table.events[rows, columns], 0.0),
    )


def _group_name(code: int) -> str | None:
    if code == _REF_TOTAL:
        return TOTAL
    return None if code == _REF_NONE else COMPARED_GROUPS[code]


@dataclass(frozen=True)
class _Analysis:
    table: _Table
    rate: np.ndarray
    valid: np.ndarray
    ref_code: np.ndarray
    ref_population: np.ndarray
    ref_events: np.ndarray
    summary: pd.DataFrame


def _analyse(table: _Table, reference: str) -> _Analysis:
    rate = _divide(table.events, table.population)
    valid = table.population > 0
    code, ref_population, ref_events = _reference_columns(table, rate, valid, reference)
    summary = _summary(table, rate, valid, code, _divide(ref_events, ref_population))
    return _Analysis(table, rate, valid, code, ref_population, ref_events, summary)


def _summary(table, rate, valid, ref_code, ref_rate) -> pd.DataFrame:
    several = valid.sum(axis=1) >= 2
    index = _index_of_disparity(rate, valid, ref_code, ref_rate)
    columns = {
        "period": table.keys["period"].to_numpy(),
        "reference_group": [_group_name(c) for c in ref_code],
        "reference_rate": ref_rate,
        "total_population": table.total_population.astype(np.int64),
        "total_events": table.total_events.astype(np.int64),
        "total_rate": _divide(table.total_events, table.total_population),
        "unknown_share": _divide(table.unknown_population, table.total_population),
        "index_of_disparity": np.where(several, index, np.nan),
        **_spread(table, rate, valid),
        **_extremes(table, rate, valid),
    }
    return pd.DataFrame(columns, columns=list(SUMMARY_COLUMNS))


def _spread(table: _Table, rate, valid) -> dict:
    """Between-group variance, Theil index and the chi-square test, per slice."""
    compared = valid.sum(axis=1)
    several = compared >= 2
    n = table.population.sum(axis=1)
    mu = _divide(table.events.sum(axis=1), n)
    share = _divide(table.population, n[:, None])
    bgv = np.where(valid, share * (rate - mu[:, None]) ** 2, 0.0).sum(axis=1)
    relative = _divide(rate, mu[:, None])
    positive = valid & (relative > 0)  # 0 ln 0 = 0
    theil = np.where(positive, share * relative * np.log(np.where(positive, relative, 1)), 0)
    defined = several & (mu > 0) & (mu < 1)  # else a row of the 2 x k table is empty
    chi2 = np.where(defined, n * bgv / np.where(defined, mu * (1 - mu), 1), np.nan)
    dof = np.maximum(compared - 1, 0)
    p_value = stats.chi2.sf(np.where(defined, chi2, 0), np.maximum(dof, 1))
    return {
        "between_group_variance": np.where(several, bgv, np.nan),
        "theil": np.where(several & (mu > 0), theil.sum(axis=1), np.nan),
        "chi2": chi2,
        "p_value": np.where(defined, p_value, np.nan),
        "dof": dof,
        "cramers_v": np.sqrt(_divide(chi2, n)),
        "groups_compared": compared,
    }


def _extremes(table: _Table, rate, valid) -> dict:
    """Summary rate ratio, worst-off and best-off groups by the framing, per slice."""
    high = np.where(valid, rate, -np.inf)
    low = np.where(valid, rate, np.inf)
    highest, lowest = high.max(axis=1, initial=-np.inf), low.min(axis=1, initial=np.inf)
    distinct = (valid.sum(axis=1) >= 2) & (highest > lowest)
    top, bottom = high.argmax(axis=1), low.argmin(axis=1)  # ties: the first in group order

    def names(codes) -> list[str | None]:
        return [COMPARED_GROUPS[c] if d else None for c, d in zip(codes, distinct, strict=True)]

    return {
        "summary_rate_ratio": np.where(
            (valid.sum(axis=1) >= 2) & (lowest > 0), _divide(highest, lowest), np.nan
        ),
        "worst_group": names(np.where(table.favorable, bottom, top)),
        "best_group": names(np.where(table.favorable, top, bottom)),
    }


def _index_of_disparity(rate, valid, ref_code, ref_rate) -> np.ndarray:
    """Pearcy & Keppel: mean |r_j - r_ref| over the other groups, as % of r_ref."""
    others = valid & (np.arange(valid.shape[1]) != ref_code[:, None])
    gaps = np.where(others, np.abs(rate - ref_rate[:, None]), 0.0).sum(axis=1)
    mean_gap = _divide(gaps, others.sum(axis=1))
    return np.where(ref_rate > 0, 100 * _divide(mean_gap, ref_rate), np.nan)


# --- Per-group rows ---------------------------------------------------------------------------


def _cells(table: _Table):
    """(slice, column, population, events) of each row of Metrics.rates: the compared groups
    that had a row in the input, then the slice's total (column = number of compared groups)."""
    slices, width = table.population.shape
    s, g = np.nonzero(table.present)
    s = np.concatenate([s, np.arange(slices)])
    g = np.concatenate([g, np.full(slices, width)])
    order = np.lexsort((g, s))
    s, g = s[order], g[order]
    is_total, column = g == width, np.minimum(g, width - 1)
    population = np.where(is_total, table.total_population[s], table.population[s, column])
    events = np.where(is_total, table.total_events[s], table.events[s, column])
    return s, g, population, events


def _comparisons(analysis: _Analysis, s, g, population, events) -> dict:
    """Ratio and difference against the reference; the reference's own row is 1 and 0."""
    ref_n, ref_e = analysis.ref_population[s], analysis.ref_events[s]
    ratio, ratio_low, ratio_high = rate_ratio(events, population, ref_e, ref_n)
    difference, difference_low, difference_high = rate_difference(events, population, ref_e, ref_n)
    code = analysis.ref_code[s]
    own = np.where(g == len(COMPARED_GROUPS), code == _REF_TOTAL, code == g)
    return {
        "ratio": np.where(own, 1.0, ratio),
        "ratio_low": np.where(own, np.nan, ratio_low),
        "ratio_high": np.where(own, np.nan, ratio_high),
        "difference": np.where(own, 0.0, difference),
        "difference_low": np.where(own, np.nan, difference_low),
        "difference_high": np.where(own, np.nan, difference_high),
    }


def _rates(analysis: _Analysis) -> pd.DataFrame:
    table = analysis.table
    s, g, population, events = _cells(table)
    is_total = g == len(COMPARED_GROUPS)
    share_population = np.where(is_total, np.nan, _divide(population, table.population.sum(1)[s]))
    share_events = np.where(is_total, np.nan, _divide(events, table.events.sum(1)[s]))
    ci_low, ci_high = wilson_interval(events, population)
    columns = {
        "period": table.keys["period"].to_numpy()[s],
        "group": np.array((*COMPARED_GROUPS, TOTAL), dtype=object)[g],
        "population": population.astype(np.int64),
        "events": events.astype(np.int64),
        "rate": _divide(events, population),
        "ci_low": ci_low,
        "ci_high": ci_high,
        "unreliable": events < UNRELIABLE_EVENTS,
        "share_population": share_population,
        "share_events": share_events,
        "disproportionality": _divide(share_events, share_population),
        **_comparisons(analysis, s, g, population, events),
        "reference_group": analysis.summary["reference_group"].to_numpy()[s],
    }
    return pd.DataFrame(columns, columns=list(RATE_COLUMNS))


# --- Trend --------------------------------------------------------------------------------------


def period_years(period: str) -> float:
    """A period on a time axis in years ("2026", "2026-Q2", "2026-03"), so that a trend's
    slope is per year and gaps between periods count; a period of another shape keeps its
    order only (NaN makes the caller fall back to positions)."""
    text = str(period)
    try:
        if len(text) == 4:
            return float(text)
        year, part = text.split("-")
        if part.upper().startswith("Q"):
            return int(year) + (int(part[1:]) - 1) / 4
        return int(year) + (int(part) - 1) / 12
    except ValueError:
        return float("nan")


def _direction(metric: str, first: float, last: float, favorable: bool) -> str | None:
    if np.isnan(first) or np.isnan(last):
        return None
    change = last - first
    if abs(change) <= STEADY_TOLERANCE * abs(first):
        return "steady"
    if metric == "total_rate":
        return "improving" if (change > 0) == favorable else "worsening"
    return "widening" if change > 0 else "narrowing"


def _trend(summary: pd.DataFrame, favorable: bool) -> pd.DataFrame:
    rows = []
    periods = summary["period"].to_numpy()
    times = np.array([period_years(p) for p in periods])
    if np.isnan(times).any():
        times = np.arange(len(periods), dtype=float)
    for metric in TREND_METRICS:
        values = summary[metric].to_numpy(float)
        known = np.flatnonzero(~np.isnan(values))
        first = values[known[0]] if len(known) else np.nan
        last = values[known[-1]] if len(known) >= 2 else np.nan
        slope = p_value = np.nan
        if len(known) >= 3:
            fit = stats.linregress(times[known], values[known])
            slope, p_value = float(fit.slope), float(fit.pvalue)
        rows.append(
            {
                "metric": metric,
                "first": first,
                "last": last,
                "change": last - first,
                "slope": slope,
                "p_value": p_value,
                "direction": _direction(metric, first, last, favorable),
                "first_period": periods[known[0]] if len(known) >= 2 else None,
                "last_period": periods[known[-1]] if len(known) >= 2 else None,
            }
        )
    return pd.DataFrame(rows)


# --- Public API -----------------------------------------------------------------------------


def measure_metrics(
    counts: pd.DataFrame, *, favorable: bool, reference: str = REFERENCE_TOTAL
) -> Metrics:
    """Every statistic for one measure: per group, per period, and across periods."""
    if "measure" in counts.columns and counts["measure"].nunique() > 1:
        raise ValueError("measure_metrics takes one measure; use many_measures for several.")
    counts = counts.drop(columns="measure", errors="ignore")
    analysis = _analyse(_table(counts, {"": bool(favorable)}), reference)
    summary = analysis.summary
    return Metrics(
        favorable=bool(favorable),
        reference=reference,
        rates=_rates(analysis),
        summary=summary,
        trend=_trend(summary, bool(favorable)),
    )


def many_measures(
    counts: pd.DataFrame, *, favorable: pd.Series | dict, reference: str = REFERENCE_TOTAL
) -> pd.DataFrame:
    """The per-period summary of many measures at once (vectorised): one row per
    (measure, period), sorted, with `measure`, `favorable` and the summary columns."""
    if "measure" not in counts.columns:
        raise ValueError("many_measures needs a measure column.")
    framing = dict(favorable.items()) if isinstance(favorable, pd.Series) else dict(favorable)
    table = _table(counts, framing)
    summary = _analyse(table, reference).summary
    summary.insert(0, "measure", table.keys["measure"].to_numpy())
    summary.insert(1, "favorable", table.favorable)
    return summary


def cohort_trend(summary: pd.DataFrame, metric: str = "index_of_disparity") -> pd.DataFrame:
    """Per period, across the measures of `many_measures` (say, a cohort's programs): how many
    have a value of `metric`, and its median and quartiles. One row per period, sorted."""
    values = summary.groupby("period", sort=True)[metric]
    return pd.DataFrame(
        {
            "measures": values.count(),
            "q1": values.quantile(0.25),
            "median": values.median(),
            "q3": values.quantile(0.75),
        }
    ).reset_index()


def worse_off(metrics: Metrics, period, *, significant: bool = False) -> list[str]:
    """Compared groups faring worse than the reference in `period`, worst first: a lower rate
    for a favorable outcome, a higher one for an adverse outcome. With `significant`, only those
    whose 95% ratio interval excludes 1."""
    rows = metrics.rates[(metrics.rates["period"] == period) & (metrics.rates["group"] != TOTAL)]
    rows = rows[rows["ratio"].notna()]
    if metrics.favorable:
        rows = rows[rows["ratio"] < 1]
        if significant:
            rows = rows[rows["ratio_high"] < 1]
        return rows.sort_values("ratio", kind="stable")["group"].tolist()
    rows = rows[rows["ratio"] > 1]
    if significant:
        rows = rows[rows["ratio_low"] > 1]
    return rows.sort_values("ratio", ascending=False, kind="stable")["group"].tolist()


# --- Plain language ---------------------------------------------------------------------------


def _number(value: float, decimals: int = 1) -> str:
    return formats.number_format(round(float(value), decimals), decimals)


def _reference_phrase(reference_group: str, population_noun: str) -> str:
    if reference_group == TOTAL:
        return gettext("all %(population)s") % {"population": population_noun}
    return gettext("%(population)s recorded as %(group)s") % {
        "population": population_noun,
        "group": group_label(reference_group),
    }


def _ratio_sentence(row, period, reference: str, *, outcome: str, population_noun: str) -> str:
    values = {
        "period": period,
        "population": population_noun,
        "group": group_label(row.group),
        "reference": reference,
        "outcome": outcome,
        "ratio": _number(row.ratio, 1 if row.ratio >= 1 else 2),
    }
    chance = not (row.ratio_low > 1 or row.ratio_high < 1)
    if round(row.ratio, 1) == 1.0:
        return (
            gettext(
                "In %(period)s, %(population)s recorded as %(group)s were about as likely as "
                "%(reference)s to %(outcome)s."
            )
            % values
        )
    if chance:
        return (
            gettext(
                "In %(period)s, %(population)s recorded as %(group)s were %(ratio)s times as "
                "likely as %(reference)s to %(outcome)s; a difference this size could be due to "
                "chance."
            )
            % values
        )
    return (
        gettext(
            "In %(period)s, %(population)s recorded as %(group)s were %(ratio)s times as likely "
            "as %(reference)s to %(outcome)s."
        )
        % values
    )


def _strength_sentence(row, *, outcome: str, population_noun: str) -> str:
    values = {"period": row.period, "population": population_noun, "outcome": outcome}
    if np.isnan(row.cramers_v):
        return (
            gettext(
                "In %(period)s there are too few groups or events to test whether race and "
                "ethnicity predict whether %(population)s would %(outcome)s."
            )
            % values
        )
    values["v"] = _number(row.cramers_v, 2)
    v = round(float(row.cramers_v), 2)
    if v < V_NEGLIGIBLE:
        message = gettext(
            "In %(period)s, race and ethnicity barely predicted whether %(population)s would "
            "%(outcome)s: Cramér's V was %(v)s (by convention, below 0.1 is negligible, below "
            "0.3 weak, below 0.5 moderate, and above that strong)."
        )
    elif v < V_WEAK:
        message = gettext(
            "In %(period)s, race and ethnicity weakly predicted whether %(population)s would "
            "%(outcome)s: Cramér's V was %(v)s (by convention, below 0.1 is negligible, below "
            "0.3 weak, below 0.5 moderate, and above that strong)."
        )
    elif v < V_MODERATE:
        message = gettext(
            "In %(period)s, race and ethnicity moderately predicted whether %(population)s would "
            "%(outcome)s: Cramér's V was %(v)s (by convention, below 0.1 is negligible, below "
            "0.3 weak, below 0.5 moderate, and above that strong)."
        )
    else:
        message = gettext(
            "In %(period)s, race and ethnicity strongly predicted whether %(population)s would "
            "%(outcome)s: Cramér's V was %(v)s (by convention, below 0.1 is negligible, below "
            "0.3 weak, below 0.5 moderate, and above that strong)."
        )
    return message % values


def _trend_sentence(trend: pd.DataFrame) -> str | None:
    row = trend.set_index("metric").loc["index_of_disparity"]
    if pd.isna(row["direction"]):  # None, or NaN once pandas fills a text column
        return None
    values = {
        "first_period": row["first_period"],
        "last_period": row["last_period"],
        "first": _number(row["first"], 0),
        "last": _number(row["last"], 0),
    }
    messages = {
        "narrowing": gettext(
            "From %(first_period)s to %(last_period)s, the index of disparity (the average gap "
            "between each group's rate and the reference rate, as a share of the reference "
            "rate) narrowed from %(first)s%% to %(last)s%%."
        ),
        "widening": gettext(
            "From %(first_period)s to %(last_period)s, the index of disparity (the average gap "
            "between each group's rate and the reference rate, as a share of the reference "
            "rate) widened from %(first)s%% to %(last)s%%."
        ),
        "steady": gettext(
            "From %(first_period)s to %(last_period)s, the index of disparity (the average gap "
            "between each group's rate and the reference rate, as a share of the reference "
            "rate) stayed about the same, from %(first)s%% to %(last)s%%."
        ),
    }
    return messages[row["direction"]] % values


def _comparison_sentences(metrics: Metrics, summary_row, hidden: set, **words) -> list[str]:
    """One sentence per group shown against the reference, worst-off first, then a count of
    the groups left out."""
    period, reference_group = summary_row.period, summary_row.reference_group
    if reference_group is None or not summary_row.reference_rate > 0:
        return [
            gettext(
                "In %(period)s the reference rate is zero or unknown, so groups cannot be "
                "compared with it."
            )
            % {"period": period}
        ]
    rates = metrics.rates
    groups = rates[(rates["period"] == period) & (rates["group"] != TOTAL)]
    groups = groups[(groups["population"] > 0) & (groups["group"] != reference_group)]
    visible = np.array([(period, group) not in hidden for group in groups["group"]], bool)
    shown = groups[visible & ~groups["unreliable"].to_numpy(bool) & groups["ratio"].notna()]
    if (period, reference_group) in hidden:
        shown = shown.iloc[0:0]  # any ratio would reveal the reference's rate
    shown = shown.sort_values("ratio", ascending=metrics.favorable, kind="stable")
    reference = _reference_phrase(reference_group, words["population_noun"])
    sentences = [_ratio_sentence(row, period, reference, **words) for row in shown.itertuples()]
    left_out = len(groups) - len(shown)
    if left_out:
        sentences.append(
            ngettext(
                "The rate of %(count)d group is not compared: it has too few events to be "
                "reliable, or is hidden to protect privacy.",
                "The rates of %(count)d groups are not compared: they have too few events to be "
                "reliable, or are hidden to protect privacy.",
                left_out,
            )
            % {"count": left_out}
        )
    return sentences


def reading(
    metrics: Metrics,
    period,
    *,
    outcome: str,
    population_noun: str,
    hidden: Iterable[tuple] = (),
) -> list[str]:
    """Plain-language sentences for one period: each shown group's rate ratio against the
    reference (worst-off first), how many groups are not shown, how strongly race and ethnicity
    predict the outcome (Cramér's V), and the trend of the index of disparity.

    `outcome` is a verb phrase ("exit to stable housing"), `population_noun` a plural noun
    ("families"). Groups whose rate is unreliable (< 20 events) or whose cell is in `hidden`
    (pairs of (period, group), as from `outcomes.privacy.hidden_pairs`) get no ratio sentence;
    if the reference's cell is hidden, no group does (a ratio would reveal it). An unknown
    period gives an empty list.
    """
    summary = metrics.summary[metrics.summary["period"] == period]
    if summary.empty:
        return []
    words = {"outcome": outcome, "population_noun": population_noun}
    summary_row = next(summary.itertuples())
    sentences = _comparison_sentences(metrics, summary_row, set(hidden), **words)
    sentences.append(_strength_sentence(summary_row, **words))
    trend = _trend_sentence(metrics.trend)
    if trend:
        sentences.append(trend)
    return sentences
