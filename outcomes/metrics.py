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

Reliable rates (NCHS Data Presentation Standards for Proportions, Parker et al. 2017,
Vital Health Stat 2(175)). A group's rate is reliable when all of these hold:
- at least 30 people (MIN_POPULATION; the standard's minimum sample size: our counts are a
  census of the people served, not a survey sample, so the effective sample size is the
  population and the Korn-Graubard interval is the Clopper-Pearson "exact" interval);
- the 95% Clopper-Pearson interval is narrower than 30 percentage points (MAX_WIDTH);
- and, when it is wider than 5 points (EXEMPT_WIDTH), no wider than 130% of the rate
  (MAX_RELATIVE_WIDTH). We apply this relative width test to the rate and to its complement
  (1 - rate), where NCHS applies it to the proportion published: the relative indices here use
  the adverse side of a favorable outcome, and a rate should be reliable or not whichever side
  a measure records (so 57 of 60, 95%, is unreliable like 3 of 60). A rate of 0 or 100% has an
  infinite relative width: it is reliable only when its interval is within 5 points (72 people
  or more).
The standard's degrees-of-freedom rule is about survey designs and does not apply here. The
intervals shown stay Wilson score intervals (closer to 95% coverage and shorter than Clopper-
Pearson); Clopper-Pearson is used for the reliability test only because the standard's
thresholds were set for it. The old "fewer than 20 events" rule is gone: 21 of 22 people is
unreliable (22 < 30), 12 of 60 is reliable. A ratio or difference is reliable when both rates it
is built from are (`ratio_unreliable`).

One rule for which groups count: a figure that picks groups out by their rate or averages their
rates with equal weight (the best-off and worst-off groups, the "best" reference, the maximal
rate ratio, the index of disparity, the reading and the headline) uses reliable rates only; the
figures that pool every person, weighting each group by its size (between-group variance,
Theil, chi-square, Cramér's V), use every compared group.

Favorable or adverse: each measure is one or the other. For a favorable outcome (employment,
reunification) the worse-off group has the *lower* rate; for an adverse outcome (removal,
re-entry) the *higher* rate. The framing decides `best_group`, `worst_group`, the "best"
reference, `worse_off()`, the direction of the `total_rate` trend and the reading.

Relative measures on the adverse rate. Ratios and relative indices change when the same fact is
recorded as "housed" instead of "not housed" (a gap of 10% against 30% is a ratio of 3, while
90% against 70% is 1.29). NCHS (Keppel et al. 2005) advises measuring relative disparity in
adverse terms, so the summary's relative indices (index of disparity, maximal rate ratio,
Theil) are computed on the adverse rate: the rate itself for an adverse outcome, 1 - rate for a
favorable one. They are then the same whichever way a measure records the outcome, and
comparable across measures. The per-group `ratio` column stays the ratio of the rates of the
outcome as recorded (the rates the page shows, so a reader can check it), and says so where
shown; differences are in points and do not depend on the framing beyond their sign.

Per group and period (`Metrics.rates`):
- rate = events / population (NaN when the population is 0), with a 95% Wilson score interval
  (defined for 0 events too); `unreliable` as above;
- disproportionality = share of the events / share of the population, among compared groups;
- ratio = rate / reference rate, with a 95% interval on the log scale (Katz). A group with 0
  events has ratio 0 and no interval (the log is undefined); against a reference rate of 0 or an
  empty reference the ratio is NaN;
- difference = rate - reference rate, with a 95% Newcombe hybrid score interval (method 10 of
  Newcombe 1998, built from the two Wilson intervals; unlike Wald it stays sensible at 0 events).
  The reference's own row has ratio 1 and difference 0 with no interval, when the reference
  has people; a named reference with none has no ratio in its own row either. The intervals
  treat the group and the reference as independent; against the compared groups together,
  which contain the group, they are somewhat wider than they need to be (conservative).
Besides the compared groups, each period has a `compared` row (the compared groups together:
the pooled reference) and a `total` row (everyone, unknown included); neither has a ratio.

Reference (`reference`):
- "total": the compared groups together (POOLED): every group with a racial identity that is
  compared, pooled. People of unknown race, and cells hidden for privacy (which the caller
  moves into unknown, see below), are not in it: comparing groups with a total that contains
  people compared with no one made two groups with equal rates both read "0.33 times as likely
  as all people" while every disparity index said 0. The key stays "total" for stored choices.
- "best": the group with the best reliable rate (highest if favorable, lowest if adverse; ties
  go to the first in GROUP_KEYS order); no reference when no group's rate is reliable;
- a compared group's key. A named group with no population in a period gives NaN ratios.

Per period (`Metrics.summary`), over compared groups with a population:
- reference_group (a group key, POOLED, or None), reference_rate (of the outcome as recorded),
  reference_reliable; compared_population / compared_events / compared_rate (the pool);
- index_of_disparity (Pearcy & Keppel 2002), on adverse rates: mean |a_j - a_ref| over the
  reliable groups other than the reference group, as a % of a_ref; NaN when the reference is
  unreliable or its adverse rate is 0;
- maximal_rate_ratio (Healthy People 2030's name): the highest adverse rate / the lowest, over
  reliable groups; >= 1, 1 means no gap between the extremes. NaN with fewer than two reliable
  groups or when the lowest adverse rate is 0. (Healthy People 2020's "summary rate ratio",
  the best group against the mean of the others, is not computed.)
- between_group_variance (Harper & Lynch): sum p_j (r_j - mu)^2 (the same on either framing),
  and theil: sum p_j (a_j / mu_a) ln(a_j / mu_a) on adverse rates, 0 ln 0 = 0. p_j is the group's
  share of the compared population and mu the compared groups' pooled rate, so that p_j and
  mu describe the same people: BGV is then a variance and Theil is >= 0. Theil is NaN when
  mu_a = 0;
- chi2, p_value, dof, cramers_v: the chi-square test of independence on the 2 x k table of
  events and non-events (no continuity correction). chi2 = sum_j n_j (r_j - mu)^2 / (mu (1 - mu)),
  which equals the usual sum over cells; V = sqrt(chi2 / n). Undefined (NaN) when nobody or
  everybody had the outcome (a row of the table is empty); equal rates give chi2 0, p 1, V 0.
  V is small for a rare outcome even when one group's rate is three times another's: the
  reading rests on the rates, differences and ratios with their intervals, never on V;
- worst_group, best_group: by the framing, among reliable groups, ties to the first in
  GROUP_KEYS order; None when fewer than two groups are reliable or their rates are equal.
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
showing them (`outcomes.privacy`) and pass the hidden cells to `reading` and `headline`; since
the indices and the chi-square use every group's counts, compute them on counts whose hidden
cells have been moved into "unknown" (kept in the total, compared with no one).

Also here: `wilson_interval`, `clopper_pearson_interval`, `reliable_rate`, `rate_ratio` and
`rate_difference` on arrays, `worse_off`, `headline` (the one-sentence gap in points that pages,
reports and posters lead with) and `cohort_trend` (median and quartiles of a summary metric
per period across many measures).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from django.utils import formats
from django.utils.translation import gettext, ngettext
from scipy import special, stats

from outcomes.groups import COMPARED_GROUPS, GROUP_KEYS, UNKNOWN, group_label
from valuecurve import numbers

REFERENCE_TOTAL = "total"
REFERENCE_BEST = "best"
TOTAL = "total"  # the group name of the everyone row in Metrics.rates
POOLED = "compared"  # the compared groups together: a row of Metrics.rates and a reference
CONFIDENCE = 0.95
Z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
# NCHS Data Presentation Standards for Proportions (2017), see the module's docstring.
MIN_POPULATION = 30
MAX_WIDTH = 0.30
EXEMPT_WIDTH = 0.05
MAX_RELATIVE_WIDTH = 1.30
STEADY_TOLERANCE = 0.05

# The relative indices, computed on the adverse rate (see the module's docstring).
RELATIVE_METRICS = ("index_of_disparity", "maximal_rate_ratio", "theil")
DISPARITY_METRICS = (
    "index_of_disparity",
    "maximal_rate_ratio",
    "between_group_variance",
    "theil",
    "cramers_v",
)
TREND_METRICS = (*DISPARITY_METRICS, "total_rate")
SUMMARY_COLUMNS = (
    "period",
    "reference_group",
    "reference_rate",
    "reference_reliable",
    "compared_population",
    "compared_events",
    "compared_rate",
    "total_population",
    "total_events",
    "total_rate",
    "unknown_share",
    "index_of_disparity",
    "maximal_rate_ratio",
    "between_group_variance",
    "theil",
    "chi2",
    "p_value",
    "dof",
    "cramers_v",
    "groups_compared",
    "groups_reliable",
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
    "ratio_unreliable",
    "reference_group",
)
_GROUP_INDEX = {key: i for i, key in enumerate(GROUP_KEYS)}
_COMPARED_INDEX = [GROUP_KEYS.index(key) for key in COMPARED_GROUPS]
# Codes for the reference in the vectorised code: a compared group's column, or one of these.
_REF_POOLED, _REF_NONE = -1, -2


@dataclass(frozen=True)
class Metrics:
    favorable: bool
    reference: str
    rates: pd.DataFrame
    summary: pd.DataFrame
    trend: pd.DataFrame


# --- Interval estimates and reliability (vectorised, usable on their own) -------------------


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


def clopper_pearson_interval(
    events, population, confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """The "exact" binomial interval from beta quantiles; NaN where the population is 0."""
    e, n = np.asarray(events, float), np.asarray(population, float)
    alpha = 1 - confidence
    with np.errstate(divide="ignore", invalid="ignore"):
        low = stats.beta.ppf(alpha / 2, e, n - e + 1)
        high = stats.beta.ppf(1 - alpha / 2, e + 1, n - e)
    low, high = np.where(e > 0, low, 0.0), np.where(e < n, high, 1.0)
    empty = n <= 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def reliable_rate(events, population, confidence: float = CONFIDENCE) -> np.ndarray:
    """True where events / population meets the NCHS 2017 standard for proportions.

    The interval may be at most `allowed` wide: 5 points always, else under 30 points and
    within 130% of the rate or of its complement (the smaller: a rate is then reliable or not
    whichever side of the outcome a measure records). Rather than both Clopper-Pearson bounds,
    it finds the lower one and asks whether the upper one lies below lower + allowed (a beta
    CDF, three times cheaper than a quantile): the same test, exactly, at half the cost."""
    e, n = np.broadcast_arrays(np.asarray(events, float), np.asarray(population, float))
    reliable = np.zeros(e.shape, bool)
    big = n >= MIN_POPULATION
    e, n = e[big], n[big]
    alpha = 1 - confidence
    smaller = np.minimum(e, n - e) / n
    widest = np.nextafter(MAX_WIDTH, 0)  # "30 points or more" is unreliable
    allowed = np.maximum(EXEMPT_WIDTH, np.minimum(MAX_RELATIVE_WIDTH * smaller, widest))
    low = np.zeros_like(e)
    some = e > 0
    low[some] = special.betaincinv(e[some], n[some] - e[some] + 1, alpha / 2)
    ceiling = low + allowed
    fits = ceiling >= 1  # the upper bound is at most 1
    check = ~fits & (e < n)
    fits[check] = (
        special.betainc(e[check] + 1, n[check] - e[check], ceiling[check]) >= 1 - alpha / 2
    )
    reliable[big] = fits
    return reliable


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


def _reference_columns(table: _Table, rate: np.ndarray, reliable: np.ndarray, reference: str):
    """(code, population, events) of the reference in each slice; code as in _REF_*."""
    slices = len(table.keys)
    if reference == REFERENCE_TOTAL:
        code = np.full(slices, _REF_POOLED)
        return code, table.population.sum(axis=1), table.events.sum(axis=1)
    if reference == REFERENCE_BEST:
        # The best-off group among those with a reliable rate, so that a handful of people
        # with no events cannot become everyone's yardstick; none when no rate is reliable.
        signed = np.where(table.favorable[:, None], rate, -rate)
        code = np.where(reliable, signed, -np.inf).argmax(axis=1)
        code = np.where(reliable.any(axis=1), code, _REF_NONE)
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
    if code == _REF_POOLED:
        return POOLED
    return None if code == _REF_NONE else COMPARED_GROUPS[code]


def adverse_rate(rate, favorable) -> np.ndarray:
    """The rate of the adverse side of the outcome: 1 - rate for a favorable outcome."""
    rate, favorable = np.asarray(rate, float), np.asarray(favorable, bool)
    if favorable.ndim < rate.ndim:
        favorable = favorable.reshape(favorable.shape + (1,) * (rate.ndim - favorable.ndim))
    return np.where(favorable, 1 - rate, rate)


@dataclass(frozen=True)
class _Analysis:
    table: _Table
    rate: np.ndarray
    valid: np.ndarray
    reliable: np.ndarray
    ref_code: np.ndarray
    ref_population: np.ndarray
    ref_events: np.ndarray
    ref_reliable: np.ndarray
    summary: pd.DataFrame


def _analyse(table: _Table, reference: str) -> _Analysis:
    rate = _divide(table.events, table.population)
    valid = table.population > 0
    reliable = valid & reliable_rate(table.events, table.population)
    code, ref_population, ref_events = _reference_columns(table, rate, reliable, reference)
    # The reference's reliability: a group's, read from the table, or the pool's.
    rows, columns = np.arange(len(code)), np.clip(code, 0, None)
    ref_reliable = np.where(code >= 0, reliable[rows, columns], False)
    pooled = code == _REF_POOLED
    ref_reliable[pooled] = reliable_rate(ref_events[pooled], ref_population[pooled])
    analysis = _Analysis(
        table, rate, valid, reliable, code, ref_population, ref_events, ref_reliable, pd.DataFrame()
    )
    return replace(analysis, summary=_summary(analysis))


def _summary(analysis: _Analysis) -> pd.DataFrame:
    table, valid = analysis.table, analysis.valid
    several = valid.sum(axis=1) >= 2
    ref_rate = _divide(analysis.ref_events, analysis.ref_population)
    index = _index_of_disparity(analysis, ref_rate)
    pooled_population, pooled_events = table.population.sum(axis=1), table.events.sum(axis=1)
    columns = {
        "period": table.keys["period"].to_numpy(),
        "reference_group": [_group_name(c) for c in analysis.ref_code],
        "reference_rate": ref_rate,
        "reference_reliable": analysis.ref_reliable,
        "compared_population": pooled_population.astype(np.int64),
        "compared_events": pooled_events.astype(np.int64),
        "compared_rate": _divide(pooled_events, pooled_population),
        "total_population": table.total_population.astype(np.int64),
        "total_events": table.total_events.astype(np.int64),
        "total_rate": _divide(table.total_events, table.total_population),
        "unknown_share": _divide(table.unknown_population, table.total_population),
        "index_of_disparity": np.where(several, index, np.nan),
        **_spread(table, analysis.rate, valid),
        **_extremes(table, analysis.rate, analysis.reliable),
    }
    return pd.DataFrame(columns, columns=list(SUMMARY_COLUMNS))


def _spread(table: _Table, rate, valid) -> dict:
    """Between-group variance, Theil index (adverse rates) and the chi-square test."""
    compared = valid.sum(axis=1)
    several = compared >= 2
    n = table.population.sum(axis=1)
    mu = _divide(table.events.sum(axis=1), n)
    share = _divide(table.population, n[:, None])
    bgv = np.where(valid, share * (rate - mu[:, None]) ** 2, 0.0).sum(axis=1)
    mu_adverse = adverse_rate(mu, table.favorable)
    relative = _divide(adverse_rate(rate, table.favorable), mu_adverse[:, None])
    positive = valid & (relative > 0)  # 0 ln 0 = 0
    theil = np.where(positive, share * relative * np.log(np.where(positive, relative, 1)), 0)
    defined = several & (mu > 0) & (mu < 1)  # else a row of the 2 x k table is empty
    chi2 = np.where(defined, n * bgv / np.where(defined, mu * (1 - mu), 1), np.nan)
    dof = np.maximum(compared - 1, 0)
    p_value = stats.chi2.sf(np.where(defined, chi2, 0), np.maximum(dof, 1))
    return {
        "between_group_variance": np.where(several, bgv, np.nan),
        "theil": np.where(several & (mu_adverse > 0), theil.sum(axis=1), np.nan),
        "chi2": chi2,
        "p_value": np.where(defined, p_value, np.nan),
        "dof": dof,
        "cramers_v": np.sqrt(_divide(chi2, n)),
        "groups_compared": compared,
    }


def _extremes(table: _Table, rate, reliable) -> dict:
    """Maximal rate ratio (adverse rates), worst-off and best-off groups, over reliable rates."""
    adverse = adverse_rate(rate, table.favorable)
    high = np.where(reliable, adverse, -np.inf)
    low = np.where(reliable, adverse, np.inf)
    highest, lowest = high.max(axis=1, initial=-np.inf), low.min(axis=1, initial=np.inf)
    two = reliable.sum(axis=1) >= 2
    distinct = two & (highest > lowest)
    worst, best = high.argmax(axis=1), low.argmin(axis=1)  # ties: the first in group order

    def names(codes) -> list[str | None]:
        return [COMPARED_GROUPS[c] if d else None for c, d in zip(codes, distinct, strict=True)]

    return {
        "maximal_rate_ratio": np.where(two & (lowest > 0), _divide(highest, lowest), np.nan),
        "groups_reliable": reliable.sum(axis=1),
        "worst_group": names(worst),
        "best_group": names(best),
    }


def _index_of_disparity(analysis: _Analysis, ref_rate) -> np.ndarray:
    """Pearcy & Keppel on adverse rates: mean |a_j - a_ref| over the other reliable groups,
    as % of a_ref; NaN when the reference's rate is unreliable or its adverse rate is 0."""
    favorable = analysis.table.favorable
    adverse, ref_adverse = adverse_rate(analysis.rate, favorable), adverse_rate(ref_rate, favorable)
    others = analysis.reliable & (np.arange(adverse.shape[1]) != analysis.ref_code[:, None])
    gaps = np.where(others, np.abs(adverse - ref_adverse[:, None]), 0.0).sum(axis=1)
    mean_gap = _divide(gaps, others.sum(axis=1))
    defined = analysis.ref_reliable & (ref_adverse > 0)
    return np.where(defined, 100 * _divide(mean_gap, np.where(defined, ref_adverse, 1)), np.nan)


# --- Per-group rows ---------------------------------------------------------------------------


def _cells(table: _Table):
    """(slice, column, population, events) of each row of Metrics.rates: the compared groups
    that had a row in the input, then the compared groups together (column = number of
    compared groups), then everyone (column + 1)."""
    slices, width = table.population.shape
    s, g = np.nonzero(table.present)
    s = np.concatenate([s, np.arange(slices), np.arange(slices)])
    g = np.concatenate([g, np.full(slices, width), np.full(slices, width + 1)])
    order = np.lexsort((g, s))
    s, g = s[order], g[order]
    column = np.minimum(g, width - 1)
    population = np.select(
        [g == width, g == width + 1],
        [table.population.sum(axis=1)[s], table.total_population[s]],
        table.population[s, column],
    )
    events = np.select(
        [g == width, g == width + 1],
        [table.events.sum(axis=1)[s], table.total_events[s]],
        table.events[s, column],
    )
    return s, g, population, events


def _comparisons(analysis: _Analysis, s, g, population, events, unreliable) -> dict:
    """Ratio and difference against the reference; the reference's own row is 1 and 0 (when
    the reference has people); the pooled and everyone rows of other references have none."""
    ref_n, ref_e = analysis.ref_population[s], analysis.ref_events[s]
    ratio, ratio_low, ratio_high = rate_ratio(events, population, ref_e, ref_n)
    difference, difference_low, difference_high = rate_difference(events, population, ref_e, ref_n)
    width, code = len(COMPARED_GROUPS), analysis.ref_code[s]
    pooled_reference = code == _REF_POOLED
    own = np.where(g == width, pooled_reference, code == g) & (ref_n > 0)
    none = (g == width + 1) | ((g == width) & ~pooled_reference)
    return {
        "ratio": np.where(own, 1.0, np.where(none, np.nan, ratio)),
        "ratio_low": np.where(own | none, np.nan, ratio_low),
        "ratio_high": np.where(own | none, np.nan, ratio_high),
        "difference": np.where(own, 0.0, np.where(none, np.nan, difference)),
        "difference_low": np.where(own | none, np.nan, difference_low),
        "difference_high": np.where(own | none, np.nan, difference_high),
        "ratio_unreliable": unreliable | ~analysis.ref_reliable[s],
    }


def _rates(analysis: _Analysis) -> pd.DataFrame:
    table = analysis.table
    s, g, population, events = _cells(table)
    is_group = g < len(COMPARED_GROUPS)
    share_population = np.where(is_group, _divide(population, table.population.sum(1)[s]), np.nan)
    share_events = np.where(is_group, _divide(events, table.events.sum(1)[s]), np.nan)
    ci_low, ci_high = wilson_interval(events, population)
    unreliable = ~reliable_rate(events, population)
    columns = {
        "period": table.keys["period"].to_numpy()[s],
        "group": np.array((*COMPARED_GROUPS, POOLED, TOTAL), dtype=object)[g],
        "population": population.astype(np.int64),
        "events": events.astype(np.int64),
        "rate": _divide(events, population),
        "ci_low": ci_low,
        "ci_high": ci_high,
        "unreliable": unreliable,
        "share_population": share_population,
        "share_events": share_events,
        "disproportionality": _divide(share_events, share_population),
        **_comparisons(analysis, s, g, population, events, unreliable),
        "reference_group": analysis.summary["reference_group"].to_numpy()[s],
    }
    return pd.DataFrame(columns, columns=list(RATE_COLUMNS))


def group_rows(rates: pd.DataFrame) -> pd.DataFrame:
    """The rows of Metrics.rates that are compared groups (not the pooled or everyone rows)."""
    return rates[~rates["group"].isin((POOLED, TOTAL))]


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
    rows = group_rows(metrics.rates[metrics.rates["period"] == period])
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
    if reference_group == POOLED:
        return gettext("all %(population)s in the groups compared") % {
            "population": population_noun
        }
    return _group_phrase(reference_group, population_noun)


def _group_phrase(group: str, population_noun: str) -> str:
    return gettext("%(population)s recorded as %(group)s") % {
        "population": population_noun,
        "group": group_label(group),
    }


def percent_decimals(*rates: float) -> int:
    """Whole percents, or one decimal when a rate is under 10% or over 90% (where a point
    is a large share of the rate or of its complement)."""
    return 1 if any(r < 0.1 or r > 0.9 for r in rates) else 0


def _points(rate: float, reference: float, decimals: int) -> float:
    """The gap in points between the two rates as shown, so that the sentence adds up."""
    return round(round(100 * rate, decimals) - round(100 * reference, decimals), decimals)


def _points_text(points: float, decimals: int) -> str:
    """ "15 points lower", "1 point higher"."""
    count = abs(points) if decimals else int(abs(points))
    values = {"points": _number(abs(points), decimals)}
    if points > 0:
        return ngettext("%(points)s point higher", "%(points)s points higher", count) % values
    return ngettext("%(points)s point lower", "%(points)s points lower", count) % values


def _gap_clause(rate: float, reference: float) -> str:
    decimals = percent_decimals(rate, reference)
    points = _points(rate, reference, decimals)
    values = {
        "rate": numbers.percent(100 * rate, decimals),
        "reference_rate": numbers.percent(100 * reference, decimals),
    }
    if points == 0:
        return gettext("%(rate)s against %(reference_rate)s, about the same") % values
    values["gap"] = _points_text(points, decimals)
    return gettext("%(rate)s against %(reference_rate)s, %(gap)s") % values


@dataclass(frozen=True)
class _Side:
    """A group (or the pooled groups) in a comparison: its key, counts and rate."""

    key: str
    population: float
    events: float

    @property
    def rate(self) -> float:
        return self.events / self.population


def _sides(metrics: Metrics, period, hidden: set) -> tuple[dict, list[_Side]]:
    """The period's reliable, shown rows as sides, by key (pooled included), and the
    compared groups among them in group order."""
    rows = metrics.rates[(metrics.rates["period"] == period) & ~metrics.rates["unreliable"]]
    rows = rows[[(period, group) not in hidden for group in rows["group"]]]
    sides = {
        row.group: _Side(row.group, float(row.population), float(row.events))
        for row in rows.itertuples()
        if row.group != TOTAL
    }
    return sides, [side for key, side in sides.items() if key in COMPARED_GROUPS]


def _worst(groups: list[_Side], favorable: bool) -> _Side | None:
    """The worst-off side, ties to the first in group order."""
    if not groups:
        return None
    return (min if favorable else max)(groups, key=lambda side: side.rate)


def _fares_worse(side: _Side, other: _Side, favorable: bool) -> bool:
    return side.rate < other.rate if favorable else side.rate > other.rate


def _headline_pair(metrics: Metrics, summary_row, sides: dict, groups: list[_Side]):
    """(worse-off side, side it is compared with): the worst-off reliable group against the
    chosen reference when some group fares worse than it, else against the best-off group."""
    favorable = metrics.favorable
    reference = sides.get(summary_row.reference_group)
    if reference is not None:
        subject = _worst([g for g in groups if g.key != reference.key], favorable)
        if subject is not None and _fares_worse(subject, reference, favorable):
            return subject, reference
    best = _worst(groups, not favorable)
    subject = _worst([g for g in groups if best is not None and g.key != best.key], favorable)
    return (subject, best) if subject is not None else None


def headline(metrics: Metrics, period, *, population_noun: str, hidden: Iterable = ()) -> str:
    """The one sentence a page, report or poster leads with: the worst-off reliable group's
    rate against the chosen reference's (or the best-off reliable group's) in percent, and
    the gap in points ("67% of families recorded as Black vs 82% of families recorded as
    White: 15 points lower"), with a warning when the gap could be due to chance."""
    summary = metrics.summary[metrics.summary["period"] == period]
    if summary.empty:
        return ""
    sides, groups = _sides(metrics, period, set(hidden))
    pair = _headline_pair(metrics, next(summary.itertuples()), sides, groups)
    if pair is None:
        return gettext(
            "In %(period)s, fewer than two groups have a rate reliable enough to compare."
        ) % {"period": period}
    subject, reference = pair
    decimals = percent_decimals(subject.rate, reference.rate)
    points = _points(subject.rate, reference.rate, decimals)
    values = {
        "period": period,
        "rate": numbers.percent(100 * subject.rate, decimals),
        "group": _group_phrase(subject.key, population_noun),
        "reference_rate": numbers.percent(100 * reference.rate, decimals),
        "reference": _reference_phrase(reference.key, population_noun),
        "gap": gettext("about the same"),
    }
    if points != 0:
        values["gap"] = _points_text(points, decimals)
    text = (
        gettext(
            "In %(period)s, %(rate)s of %(group)s vs %(reference_rate)s of %(reference)s: %(gap)s."
        )
        % values
    )
    _difference, low, high = rate_difference(
        [subject.events], [subject.population], [reference.events], [reference.population]
    )
    if points != 0 and low[0] <= 0 <= high[0]:
        text += " " + gettext("A gap this size could be due to chance.")
    return text


def _ratio_sentence(row, period, reference_row, **words) -> str:
    decimals = 1 if row.ratio >= 1 else 2
    values = {
        "period": period,
        "group": _group_phrase(row.group, words["population_noun"]),
        "reference": _reference_phrase(reference_row.reference_group, words["population_noun"]),
        "outcome": words["outcome"],
        "ratio": _number(row.ratio, decimals),
        "low": _number(row.ratio_low, decimals) if not np.isnan(row.ratio_low) else "",
        "high": _number(row.ratio_high, decimals) if not np.isnan(row.ratio_high) else "",
        "gap": _gap_clause(row.rate, reference_row.reference_rate),
    }
    if round(row.ratio, 1) == 1.0:
        sentence = gettext(
            "In %(period)s, %(group)s were about as likely as %(reference)s to %(outcome)s: "
            "%(gap)s."
        )
    elif values["low"]:
        sentence = gettext(
            "In %(period)s, %(group)s were %(ratio)s times as likely as %(reference)s to "
            "%(outcome)s (95%% interval %(low)s to %(high)s): %(gap)s."
        )
    else:
        sentence = gettext(
            "In %(period)s, %(group)s were %(ratio)s times as likely as %(reference)s to "
            "%(outcome)s: %(gap)s."
        )
    sentence %= values
    if round(row.ratio, 1) != 1.0 and not (row.ratio_low > 1 or row.ratio_high < 1):
        sentence += " " + gettext("A difference this size could be due to chance.")
    return sentence


def _overall_sentence(row, any_significant: bool, **words) -> str | None:
    """What the chi-square test of all groups says, in words that cannot contradict the
    ratios above (Cramér's V is left to the technical details: it is small for any rare
    outcome, however large the ratios)."""
    values = {"period": row.period, "population": words["population_noun"]}
    if np.isnan(row.p_value):
        return (
            gettext(
                "In %(period)s there are too few groups or events to test whether race and "
                "ethnicity predict the outcome for %(population)s."
            )
            % values
        )
    values["p"] = "p = " + _number(row.p_value, 3) if row.p_value >= 0.001 else "p < 0.001"
    if row.p_value < 0.05:
        return (
            gettext(
                "Taken together, the groups' rates differ by more than chance alone would "
                "explain (chi-square test, %(p)s): race and ethnicity still predict this "
                "outcome."
            )
            % values
        )
    if any_significant:
        return None  # a ratio above is clear of chance: the overall test would blur it
    return (
        gettext(
            "Taken together, the groups' rates do not differ by more than chance could explain "
            "(chi-square test, %(p)s)."
        )
        % values
    )


def adverse_framing_note(favorable: bool) -> str:
    """Which rate the relative indices are computed on, in words."""
    if favorable:
        return gettext("computed on the share without this favorable outcome (100% minus its rate)")
    return gettext("computed on the rate of this adverse outcome")


def _trend_sentence(trend: pd.DataFrame, favorable: bool) -> str | None:
    row = trend.set_index("metric").loc["index_of_disparity"]
    if pd.isna(row["direction"]):  # None, or NaN once pandas fills a text column
        return None
    values = {
        "first_period": row["first_period"],
        "last_period": row["last_period"],
        "first": _number(row["first"], 0),
        "last": _number(row["last"], 0),
        "framing": adverse_framing_note(favorable),
    }
    messages = {
        "narrowing": gettext(
            "From %(first_period)s to %(last_period)s, the index of disparity (the average gap "
            "between each group's rate and the reference rate, as a share of the reference "
            "rate, %(framing)s) narrowed from %(first)s%% to %(last)s%%."
        ),
        "widening": gettext(
            "From %(first_period)s to %(last_period)s, the index of disparity (the average gap "
            "between each group's rate and the reference rate, as a share of the reference "
            "rate, %(framing)s) widened from %(first)s%% to %(last)s%%."
        ),
        "steady": gettext(
            "From %(first_period)s to %(last_period)s, the index of disparity (the average gap "
            "between each group's rate and the reference rate, as a share of the reference "
            "rate, %(framing)s) stayed about the same, from %(first)s%% to %(last)s%%."
        ),
    }
    return messages[row["direction"]] % values


def _no_reference_sentence(summary_row, hidden: set, population_noun: str) -> str | None:
    """Why no group is compared with the reference, or None when they are."""
    period, group = summary_row.period, summary_row.reference_group
    values = {"period": period}
    if group is None:
        return (
            gettext(
                "In %(period)s no group has a rate reliable enough to be the reference, so "
                "groups are not compared with one."
            )
            % values
        )
    if (period, group) in hidden or not summary_row.reference_rate >= 0:
        values["reference"] = _reference_phrase(group, population_noun)
        return (
            gettext(
                "In %(period)s no %(reference)s were counted (or their counts are hidden), so "
                "no group is compared with them."
            )
            % values
        )
    if not summary_row.reference_reliable:
        values["reference"] = _reference_phrase(group, population_noun)
        return (
            gettext(
                "In %(period)s the rate of %(reference)s is not reliable (too few people), so "
                "groups are not compared with it."
            )
            % values
        )
    if not summary_row.reference_rate > 0:
        return (
            gettext(
                "In %(period)s the reference rate is zero or unknown, so groups cannot be "
                "compared with it."
            )
            % values
        )
    return None


def _comparison_sentences(metrics: Metrics, summary_row, hidden: set, **words) -> list[str]:
    """One sentence per reliable group shown against the reference, worst-off first, then a
    count of the groups left out."""
    period, reference_group = summary_row.period, summary_row.reference_group
    missing = _no_reference_sentence(summary_row, hidden, words["population_noun"])
    if missing:
        return [missing]
    rates = metrics.rates
    groups = group_rows(rates[rates["period"] == period])
    groups = groups[(groups["population"] > 0) & (groups["group"] != reference_group)]
    visible = np.array([(period, group) not in hidden for group in groups["group"]], bool)
    shown = groups[visible & ~groups["ratio_unreliable"].to_numpy(bool) & groups["ratio"].notna()]
    shown = shown.sort_values("ratio", ascending=metrics.favorable, kind="stable")
    sentences = [_ratio_sentence(row, period, summary_row, **words) for row in shown.itertuples()]
    left_out = len(groups) - len(shown)
    if left_out:
        sentences.append(
            ngettext(
                "The rate of %(count)d group is not compared: it has too few people to be "
                "reliable, or is hidden to protect privacy.",
                "The rates of %(count)d groups are not compared: they have too few people to "
                "be reliable, or are hidden to protect privacy.",
                left_out,
            )
            % {"count": left_out}
        )
    return sentences


def _any_significant(metrics: Metrics, period, hidden: set) -> bool:
    rows = group_rows(metrics.rates[metrics.rates["period"] == period])
    shown = np.array([(period, g) not in hidden for g in rows["group"]], bool)
    rows = rows[~rows["ratio_unreliable"].to_numpy(bool) & shown]
    return bool(((rows["ratio_low"] > 1) | (rows["ratio_high"] < 1)).any())


def reading(
    metrics: Metrics,
    period,
    *,
    outcome: str,
    population_noun: str,
    hidden: Iterable[tuple] = (),
) -> list[str]:
    """Plain-language sentences for one period: each reliable, shown group's rate ratio
    against the reference with its interval, the two rates and the gap in points (worst-off
    first), how many groups are not compared, what the chi-square test of all groups says, and
    the trend of the index of disparity.

    `outcome` is a verb phrase ("exit to stable housing"), `population_noun` a plural noun
    ("families"). Groups whose rate (or ratio) is unreliable or whose cell is in `hidden`
    (pairs of (period, group), as from `outcomes.privacy.hidden_pairs`) get no ratio sentence;
    if the reference's cell is hidden, no group does (a ratio would reveal it). An unknown
    period gives an empty list.
    """
    summary = metrics.summary[metrics.summary["period"] == period]
    if summary.empty:
        return []
    hidden = set(hidden)
    words = {"outcome": outcome, "population_noun": population_noun}
    summary_row = next(summary.itertuples())
    sentences = _comparison_sentences(metrics, summary_row, hidden, **words)
    overall = _overall_sentence(summary_row, _any_significant(metrics, period, hidden), **words)
    if overall:
        sentences.append(overall)
    trend = _trend_sentence(metrics.trend, metrics.favorable)
    if trend:
        sentences.append(trend)
    return sentences
