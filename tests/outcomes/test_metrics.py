"""Disparity statistics: worked examples checked on paper, scipy's reference implementations,
the edge cases, and properties (no database)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.stats.contingency import association, chi2_contingency

from outcomes.groups import COMPARED_GROUPS
from outcomes.metrics import (
    REFERENCE_BEST,
    REFERENCE_TOTAL,
    RELATIVE_METRICS,
    Z,
    clopper_pearson_interval,
    cohort_trend,
    headline,
    many_measures,
    measure_metrics,
    rate_difference,
    rate_ratio,
    reading,
    reliable_rate,
    wilson_interval,
    worse_off,
)

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal, from a table


def counts(table: dict, period="2024") -> pd.DataFrame:
    """{group: (population, events)} -> counts rows, or {period: {group: ...}}."""
    if table and isinstance(next(iter(table.values())), dict):
        return pd.concat([counts(groups, period) for period, groups in table.items()])
    return pd.DataFrame(
        [
            {"period": period, "group": g, "population": n, "events": e}
            for g, (n, e) in table.items()
        ]
    )


def row(metrics, group, period="2024") -> pd.Series:
    rates = metrics.rates
    return rates[(rates["period"] == period) & (rates["group"] == group)].iloc[0]


def summary(metrics, period="2024") -> pd.Series:
    return metrics.summary[metrics.summary["period"] == period].iloc[0]


TWO_GROUPS = {"black": (100, 10), "white": (100, 30)}


# --- A worked example: 10 of 100 against 30 of 100 --------------------------------------------


def test_rates_ratio_and_difference_of_the_worked_example():
    metrics = measure_metrics(counts(TWO_GROUPS), favorable=True, reference="black")
    white = row(metrics, "white")
    assert white["rate"] == pytest.approx(0.3)
    assert white["ratio"] == pytest.approx(3.0)
    assert white["difference"] == pytest.approx(0.2)
    # Katz: se(ln RR) = sqrt(1/30 - 1/100 + 1/10 - 1/100)
    se = math.sqrt(1 / 30 - 1 / 100 + 1 / 10 - 1 / 100)
    assert white["ratio_low"] == pytest.approx(3 * math.exp(-Z_95 * se))
    assert white["ratio_high"] == pytest.approx(3 * math.exp(Z_95 * se))
    assert (white["ratio_low"], white["ratio_high"]) == pytest.approx((1.5508, 5.8033), abs=1e-4)
    black = row(metrics, "black")
    assert (black["ratio"], black["difference"]) == (1.0, 0.0)
    assert np.isnan(black["ratio_low"]) and np.isnan(black["difference_high"])


def test_shares_and_disproportionality_of_the_worked_example():
    metrics = measure_metrics(counts(TWO_GROUPS), favorable=True)
    black, white = row(metrics, "black"), row(metrics, "white")
    assert black["share_population"] == pytest.approx(0.5)
    assert black["share_events"] == pytest.approx(10 / 40)
    assert black["disproportionality"] == pytest.approx(0.5)
    assert white["disproportionality"] == pytest.approx(1.5)


def test_summary_of_the_worked_example_by_hand():
    # Adverse, so that the relative indices are on the rates themselves (see the framing tests).
    result = summary(measure_metrics(counts(TWO_GROUPS), favorable=False))
    # Expected events 20 and 20, non-events 80 and 80:
    # chi2 = 100/20 + 100/20 + 100/80 + 100/80 = 12.5, V = sqrt(12.5 / 200) = 0.25.
    assert result["chi2"] == pytest.approx(12.5)
    assert result["dof"] == 1
    assert result["cramers_v"] == pytest.approx(0.25)
    assert result["p_value"] == pytest.approx(stats.chi2.sf(12.5, 1))
    assert result["p_value"] == pytest.approx(0.000407, abs=1e-6)
    # mu = 0.2; BGV = 0.5 * 0.1^2 + 0.5 * 0.1^2; Theil = 0.5 * 0.5 ln 0.5 + 0.5 * 1.5 ln 1.5
    assert result["between_group_variance"] == pytest.approx(0.01)
    assert result["theil"] == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5))
    # Against the compared groups together (0.2): mean |gap| = 0.1, i.e. 50% of 0.2.
    assert result["total_rate"] == pytest.approx(0.2)
    assert result["index_of_disparity"] == pytest.approx(50.0)
    assert result["maximal_rate_ratio"] == pytest.approx(3.0)
    assert result["groups_compared"] == 2


# The worked example's rates with ten times the people: both rates reliable (20+ events).
TWO_GROUPS_LARGE = {"black": (1000, 100), "white": (1000, 300)}


def test_the_best_reference_depends_on_the_framing():
    table = counts(TWO_GROUPS_LARGE)
    favorable = measure_metrics(table, favorable=True, reference=REFERENCE_BEST)
    adverse = measure_metrics(table, favorable=False, reference=REFERENCE_BEST)
    good, bad = summary(favorable), summary(adverse)
    assert good["reference_group"] == "white"  # highest rate: the best for a good outcome
    assert bad["reference_group"] == "black"  # lowest rate: the best for a bad outcome
    assert (good["best_group"], good["worst_group"]) == ("white", "black")
    assert (bad["best_group"], bad["worst_group"]) == ("black", "white")
    # Index of disparity on adverse rates, over the one other group: favorable, the shares
    # without the outcome are 0.9 and 0.7 against the best 0.7; adverse, 0.3 against 0.1.
    assert good["index_of_disparity"] == pytest.approx(100 * 0.2 / 0.7)
    assert bad["index_of_disparity"] == pytest.approx(200.0)
    # The maximal rate ratio (adverse rates) reads > 1 as disparity in both framings.
    assert good["maximal_rate_ratio"] == pytest.approx(0.9 / 0.7)
    assert bad["maximal_rate_ratio"] == pytest.approx(3.0)
    assert row(favorable, "black")["ratio"] == pytest.approx(1 / 3)
    assert row(adverse, "white")["ratio"] == pytest.approx(3.0)


def test_worse_off_follows_the_framing():
    table = counts({"black": (1000, 300), "white": (1000, 100), "asian": (1000, 200)})
    favorable = measure_metrics(table, favorable=True)
    adverse = measure_metrics(table, favorable=False)
    assert worse_off(favorable, "2024") == ["white"]  # the lowest rate of a good outcome
    assert worse_off(adverse, "2024") == ["black"]  # the highest rate of a bad outcome
    assert worse_off(adverse, "2024", significant=True) == ["black"]
    small = counts({"black": (30, 12), "white": (30, 9)})
    assert worse_off(measure_metrics(small, favorable=False), "2024") == ["black"]
    assert worse_off(measure_metrics(small, favorable=False), "2024", significant=True) == []


# --- Against scipy's reference implementations --------------------------------------------


@pytest.mark.parametrize(
    ("events", "population"), [(0, 10), (1, 10), (10, 10), (7, 31), (512, 1000)]
)
def test_wilson_interval_matches_scipy(events, population):
    expected = stats.binomtest(events, population).proportion_ci(method="wilson")
    low, high = wilson_interval([events], [population])
    assert low[0] == pytest.approx(expected.low, abs=1e-12)
    assert high[0] == pytest.approx(expected.high, abs=1e-12)


def test_wilson_interval_is_undefined_without_population():
    low, high = wilson_interval([0], [0])
    assert np.isnan(low[0]) and np.isnan(high[0])


def test_z_is_the_normal_quantile_for_95_percent():
    assert pytest.approx(Z_95) == Z


def test_newcombe_interval_matches_the_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 - 48/80, method 10.
    difference, low, high = rate_difference([56], [70], [48], [80])
    assert difference[0] == pytest.approx(0.2)
    assert (low[0], high[0]) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_newcombe_interval_is_built_from_the_two_wilson_intervals():
    a = stats.binomtest(3, 40).proportion_ci(method="wilson")
    b = stats.binomtest(11, 50).proportion_ci(method="wilson")
    d = 3 / 40 - 11 / 50
    difference, low, high = rate_difference([3], [40], [11], [50])
    assert low[0] == pytest.approx(d - math.sqrt((3 / 40 - a.low) ** 2 + (b.high - 11 / 50) ** 2))
    assert high[0] == pytest.approx(d + math.sqrt((a.high - 3 / 40) ** 2 + (11 / 50 - b.low) ** 2))


def test_rate_ratio_with_zero_events_is_zero_without_an_interval():
    ratio, low, high = rate_ratio([0, 5], [50, 50], [10, 0], [100, 100])
    assert ratio[0] == 0.0
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert np.isnan(ratio[1]) and np.isnan(low[1])  # against a reference rate of 0


tables = st.lists(
    st.tuples(st.integers(1, 500), st.floats(0, 1)), min_size=2, max_size=len(COMPARED_GROUPS)
).map(lambda cells: {COMPARED_GROUPS[i]: (n, round(n * f)) for i, (n, f) in enumerate(cells)})


@settings(max_examples=60, deadline=None)
@given(tables)
def test_chi_square_and_cramers_v_match_scipy(table):
    populations = np.array([n for n, _e in table.values()])
    events = np.array([e for _n, e in table.values()])
    if events.sum() in (0, populations.sum()):
        return  # an empty row: scipy refuses, we give NaN (tested below)
    observed = np.vstack([events, populations - events])
    expected = chi2_contingency(observed, correction=False)
    result = summary(measure_metrics(counts(table), favorable=True))
    assert result["chi2"] == pytest.approx(expected.statistic, rel=1e-9, abs=1e-9)
    assert result["p_value"] == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-12)
    assert result["dof"] == expected.dof
    cramer = association(observed, method="cramer", correction=False)
    assert result["cramers_v"] == pytest.approx(cramer, rel=1e-9, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(tables, st.booleans(), st.sampled_from([REFERENCE_TOTAL, REFERENCE_BEST, "black"]))
def test_the_indices_stay_in_their_ranges(table, favorable, reference):
    result = summary(measure_metrics(counts(table), favorable=favorable, reference=reference))
    for name in ("between_group_variance", "theil", "index_of_disparity"):
        assert np.isnan(result[name]) or result[name] >= -1e-12, name
    assert np.isnan(result["cramers_v"]) or 0 <= result["cramers_v"] <= 1 + 1e-12
    assert np.isnan(result["p_value"]) or 0 <= result["p_value"] <= 1
    assert np.isnan(result["maximal_rate_ratio"]) or result["maximal_rate_ratio"] >= 1


# --- Edge cases -------------------------------------------------------------------------------


def test_a_group_with_zero_events():
    metrics = measure_metrics(counts({"black": (50, 0), "white": (100, 30)}), favorable=True)
    black = row(metrics, "black")
    assert black["rate"] == 0.0
    assert black["ci_low"] == 0.0 and 0 < black["ci_high"] < 0.1
    assert black["ratio"] == 0.0
    assert np.isnan(black["ratio_low"]) and np.isnan(black["ratio_high"])
    assert black["difference_low"] < black["difference"] < black["difference_high"]
    assert black["unreliable"]
    result = summary(metrics)
    assert np.isnan(result["maximal_rate_ratio"])  # one reliable rate: nothing to divide
    assert result["theil"] >= 0 and result["chi2"] > 0


def test_a_group_with_zero_population_is_left_out_of_comparisons():
    table = {"black": (100, 10), "white": (100, 30), "asian": (0, 0)}
    metrics = measure_metrics(counts(table), favorable=True)
    asian = row(metrics, "asian")
    assert np.isnan(asian["rate"]) and np.isnan(asian["ci_low"]) and np.isnan(asian["ratio"])
    assert np.isnan(asian["disproportionality"])
    result = summary(metrics)
    assert result["groups_compared"] == 2
    assert result["chi2"] == pytest.approx(12.5)
    # Favorable: adverse rates 0.9 and 0.7 against 0.8, mean gap 0.1, i.e. 12.5% of 0.8.
    assert result["index_of_disparity"] == pytest.approx(12.5)


def test_one_group_only_gives_no_disparity_measures():
    metrics = measure_metrics(counts({"black": (100, 10)}), favorable=True)
    result = summary(metrics)
    assert result["groups_compared"] == 1
    assert result["dof"] == 0
    for name in ("chi2", "p_value", "cramers_v", "index_of_disparity", "maximal_rate_ratio"):
        assert np.isnan(result[name]), name
    assert np.isnan(result["between_group_variance"]) and np.isnan(result["theil"])
    assert result["worst_group"] is None and result["best_group"] is None
    assert result["total_rate"] == pytest.approx(0.1)


def test_all_equal_rates_mean_no_disparity():
    table = {"black": (1000, 100), "white": (2000, 200), "asian": (500, 50)}
    result = summary(measure_metrics(counts(table), favorable=False, reference=REFERENCE_BEST))
    assert result["index_of_disparity"] == 0
    assert result["between_group_variance"] == 0
    assert result["theil"] == pytest.approx(0, abs=1e-15)
    assert result["chi2"] == 0 and result["cramers_v"] == 0 and result["p_value"] == 1
    assert result["maximal_rate_ratio"] == 1
    assert result["worst_group"] is None and result["best_group"] is None
    assert result["reference_group"] == "asian"  # ties go to the first in GROUP_KEYS order


def test_no_events_at_all_gives_nan_or_zero_without_warnings():
    metrics = measure_metrics(counts({"black": (100, 0), "white": (80, 0)}), favorable=False)
    result = summary(metrics)
    assert result["total_rate"] == 0
    assert result["between_group_variance"] == 0
    for name in ("chi2", "p_value", "cramers_v", "theil", "index_of_disparity"):
        assert np.isnan(result[name]), name
    assert np.isnan(row(metrics, "black")["ratio"])
    assert np.isnan(row(metrics, "black")["share_events"])
    # A favorable outcome nobody had: everyone is on the adverse side, equally, so the
    # relative indices (on adverse rates) are 0, while the test stays undefined.
    favorable = summary(
        measure_metrics(counts({"black": (100, 0), "white": (80, 0)}), favorable=True)
    )
    assert favorable["theil"] == 0 and favorable["index_of_disparity"] == 0
    assert np.isnan(favorable["chi2"]) and np.isnan(favorable["cramers_v"])


def test_everybody_having_the_outcome_leaves_the_test_undefined():
    result = summary(
        measure_metrics(counts({"black": (10, 10), "white": (20, 20)}), favorable=True)
    )
    assert np.isnan(result["chi2"]) and np.isnan(result["cramers_v"])
    # 10 and 20 people: neither rate is reliable (fewer than 30), so no index either.
    assert np.isnan(result["index_of_disparity"])


def test_no_counts_at_all_give_empty_frames():
    empty = pd.DataFrame(columns=["period", "group", "population", "events"])
    metrics = measure_metrics(empty, favorable=True)
    assert metrics.rates.empty and metrics.summary.empty
    assert metrics.trend["direction"].isna().all()


def test_unknown_counts_are_in_the_total_but_never_compared():
    table = {"black": (100, 10), "white": (100, 30), "unknown": (50, 10)}
    metrics = measure_metrics(counts(table), favorable=True)
    assert "unknown" not in set(metrics.rates["group"])
    total = row(metrics, "total")
    assert (total["population"], total["events"]) == (250, 50)
    result = summary(metrics)
    assert result["total_rate"] == pytest.approx(0.2)
    assert result["unknown_share"] == pytest.approx(0.2)
    assert result["chi2"] == pytest.approx(12.5)  # the same test as without unknown


def test_a_named_reference_absent_in_a_period_gives_no_ratios():
    table = {"2023": {"black": (100, 10), "asian": (50, 20)}, "2024": TWO_GROUPS}
    metrics = measure_metrics(counts(table), favorable=True, reference="asian")
    assert summary(metrics, "2024")["reference_group"] == "asian"
    assert metrics.rates.query("period == '2024'")["ratio"].isna().all()
    assert row(metrics, "black", "2023")["ratio"] == pytest.approx(0.25)


def test_repeated_rows_are_added_up():
    table = pd.concat([counts(TWO_GROUPS), counts({"black": (100, 10)})])
    assert row(measure_metrics(table, favorable=True), "black")["rate"] == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"black": (10, 11)}, "events <= population"),
        ({"black": (-1, 0)}, "events <= population"),
        ({"martian": (10, 1)}, "Unknown group"),
        ({"black": (10.5, 1)}, "whole number"),
    ],
)
def test_impossible_counts_are_refused(table, message):
    with pytest.raises(ValueError, match=message):
        measure_metrics(counts(table), favorable=True)


def test_unknown_is_not_a_reference():
    with pytest.raises(ValueError, match="Reference"):
        measure_metrics(counts(TWO_GROUPS), favorable=True, reference="unknown")


# --- Across periods -------------------------------------------------------------------------

SHRINKING = {
    "2022": {"black": (1000, 300), "white": (1000, 100)},
    "2023": {"black": (1000, 250), "white": (1000, 120)},
    "2024": {"black": (1000, 200), "white": (1000, 140)},
    "2025": {"black": (1000, 180), "white": (1000, 150)},
}


def trend(metrics, metric) -> pd.Series:
    return metrics.trend.set_index("metric").loc[metric]


def test_the_trend_is_a_regression_on_the_period_order():
    metrics = measure_metrics(counts(SHRINKING), favorable=False)
    index = trend(metrics, "index_of_disparity")
    values = metrics.summary["index_of_disparity"].to_numpy()
    fit = stats.linregress(range(4), values)
    assert index["slope"] == pytest.approx(fit.slope)
    assert index["p_value"] == pytest.approx(fit.pvalue)
    assert index["first"] == pytest.approx(50.0)  # 0.2 against 0.1 and 0.3 at 2022
    assert index["change"] == pytest.approx(values[-1] - values[0])
    assert index["direction"] == "narrowing"
    assert (index["first_period"], index["last_period"]) == ("2022", "2025")
    assert trend(metrics, "cramers_v")["direction"] == "narrowing"


def test_the_total_rate_trend_reads_by_the_framing():
    # Total rate: 0.2, 0.185, 0.17, 0.165: falling.
    assert (
        trend(measure_metrics(counts(SHRINKING), favorable=True), "total_rate")["direction"]
        == "worsening"
    )
    assert (
        trend(measure_metrics(counts(SHRINKING), favorable=False), "total_rate")["direction"]
        == "improving"
    )


def test_a_trend_needs_three_periods_for_a_slope_and_two_for_a_direction():
    two = {p: SHRINKING[p] for p in ("2022", "2023")}
    index = trend(measure_metrics(counts(two), favorable=True), "index_of_disparity")
    assert np.isnan(index["slope"]) and np.isnan(index["p_value"])
    assert index["direction"] == "narrowing"
    one = trend(measure_metrics(counts(SHRINKING["2022"]), favorable=True), "index_of_disparity")
    assert one["direction"] is None and np.isnan(one["change"])


def test_small_changes_are_steady():
    table = {"2022": TWO_GROUPS, "2023": {"black": (100, 10), "white": (100, 29)}}
    assert (
        trend(measure_metrics(counts(table), favorable=False), "index_of_disparity")["direction"]
        == "steady"
    )


# --- Many measures at once -------------------------------------------------------------------


def test_many_measures_agrees_with_one_measure_at_a_time():
    rng = np.random.default_rng(6)
    frames = []
    for measure in ("employed", "removed", "housed"):
        for period in ("2023", "2024", "2025"):
            population = rng.integers(0, 400, len(COMPARED_GROUPS) + 1)
            events = rng.binomial(population, rng.uniform(0.05, 0.6))
            frame = pd.DataFrame(
                {"group": [*COMPARED_GROUPS, "unknown"], "population": population, "events": events}
            )
            frames.append(frame.assign(measure=measure, period=period))
    table = pd.concat(frames, ignore_index=True)
    favorable = {"employed": True, "removed": False, "housed": True}
    for reference in (REFERENCE_TOTAL, REFERENCE_BEST, "white"):
        many = many_measures(table, favorable=pd.Series(favorable), reference=reference)
        assert len(many) == 9
        for measure, framing in favorable.items():
            one = measure_metrics(
                table[table["measure"] == measure], favorable=framing, reference=reference
            ).summary
            mine = many[many["measure"] == measure].drop(columns=["measure", "favorable"])
            pd.testing.assert_frame_equal(mine.reset_index(drop=True), one)
            assert (many.loc[many["measure"] == measure, "favorable"] == framing).all()


def test_the_cohort_trend_summarizes_each_period_across_measures():
    tables = []
    for measure, black_events in (("a", 10), ("b", 20), ("c", 30), ("d", 0)):
        for period, white_events in (("2024", 30), ("2025", 20)):
            groups = {"black": (100, black_events), "white": (100, white_events)}
            tables.append(counts(groups, period).assign(measure=measure))
    many = many_measures(pd.concat(tables), favorable=dict.fromkeys("abcd", False))
    trend = cohort_trend(many, "maximal_rate_ratio").set_index("period")
    # 2024: ratios 3, 1.5, 1 and none (a rate of 0); 2025: 2, 1, 1.5 and none.
    assert trend.loc["2024", "measures"] == 3
    assert trend.loc["2024", "median"] == pytest.approx(1.5)
    assert trend.loc["2025", "median"] == pytest.approx(1.5)
    assert trend.loc["2025", "q1"] == pytest.approx(1.25)


def test_many_measures_needs_a_framing_for_every_measure():
    table = counts(TWO_GROUPS).assign(measure="employed")
    with pytest.raises(ValueError, match="employed"):
        many_measures(table, favorable={"housed": True})


# --- Plain language ---------------------------------------------------------------------------

READING_TABLE = {
    "2025": {"black": (1000, 150), "white": (1000, 100), "asian": (100, 5), "unknown": (50, 5)},
    "2026": {"black": (1000, 180), "white": (1000, 100), "asian": (100, 5), "unknown": (50, 5)},
}


def sentences(reference=REFERENCE_TOTAL, favorable=False, period="2026", **kwargs):
    metrics = measure_metrics(counts(READING_TABLE), favorable=favorable, reference=reference)
    return reading(
        metrics, period, outcome="be removed from home", population_noun="children", **kwargs
    )


def test_reading_says_how_many_times_as_likely_against_the_reference():
    text = sentences()
    # The groups compared (unknown left out): 285 of 2100 (0.1357); Black 0.18 -> 1.33 times,
    # Katz interval exp(+-1.96 sqrt(1/180 - 1/1000 + 1/285 - 1/2100)) -> 1.12 to 1.57;
    # White 0.10 -> 0.74 times.
    se = math.sqrt(1 / 180 - 1 / 1000 + 1 / 285 - 1 / 2100)
    ratio = 0.18 / (285 / 2100)
    assert (ratio * math.exp(-Z_95 * se), ratio * math.exp(Z_95 * se)) == pytest.approx(
        (1.118, 1.573), abs=1e-3
    )
    assert text[0] == (
        "In 2026, children recorded as Black or African American were 1.3 times as likely as "
        "all children in the groups compared to be removed from home (95% interval 1.1 to 1.6): "
        "18% against 14%, 4 points higher."
    )
    assert text[1].startswith("In 2026, children recorded as White were 0.74 times as likely")
    assert text[1].endswith("10% against 14%, 4 points lower.")
    assert "could be due to chance" not in text[0]


def test_reading_leaves_out_unreliable_and_hidden_cells_and_says_so():
    text = sentences()
    assert not any("Asian" in sentence for sentence in text)  # 5 events: unreliable
    assert "The rate of 1 group is not compared" in text[2]
    hidden = sentences(hidden={("2026", "black")})
    assert not any("Black" in sentence for sentence in hidden)
    assert "The rates of 2 groups are not compared" in " ".join(hidden)


def test_reading_names_the_reference_group_and_hides_ratios_when_it_is_hidden():
    text = sentences(reference="white")
    assert "as likely as children recorded as White to be removed" in text[0]
    hidden = sentences(reference="white", hidden={("2026", "white")})
    assert not any("times as likely" in sentence for sentence in hidden)


def test_reading_says_what_the_test_of_all_groups_says_and_the_trend():
    text = sentences()
    overall = next(s for s in text if "chi-square" in s)
    assert overall == (
        "Taken together, the groups' rates differ by more than chance alone would explain "
        "(chi-square test, p < 0.001): race and ethnicity still predict this outcome."
    )
    assert not any("Cramér" in sentence for sentence in text)  # left to the details
    assert text[-1].startswith("From 2025 to 2026, the index of disparity")
    assert "computed on the rate of this adverse outcome" in text[-1]
    assert "widened" in text[-1]


def test_reading_an_unknown_period_says_nothing():
    assert sentences(period="1999") == []


def test_reading_a_period_with_a_zero_reference_says_groups_cannot_be_compared():
    table = counts({"black": (100, 0), "white": (100, 30)})
    metrics = measure_metrics(table, favorable=False, reference="black")
    text = reading(metrics, "2024", outcome="be removed", population_noun="children")
    assert text[0] == (
        "In 2024 the reference rate is zero or unknown, so groups cannot be compared with it."
    )
    assert "chi-square test" in text[1]


def test_the_reading_survives_an_index_of_disparity_undefined_in_every_period():
    # The reference (total) rate is zero everywhere: no index of disparity, no trend direction.
    counts = pd.DataFrame(
        [(p, g, 100, 0) for p in ("2024", "2025", "2026") for g in ("black", "white")],
        columns=["period", "group", "population", "events"],
    )
    result = measure_metrics(counts, favorable=False)
    sentences = reading(result, "2026", outcome="be referred again", population_noun="families")
    assert sentences and all(isinstance(s, str) for s in sentences)


def test_the_best_reference_is_a_group_with_a_reliable_rate():
    # Adverse: 15 Asian families with no events would be "best" at rate 0 and make every
    # ratio undefined; the best reliable group (20+ events) is the reference instead.
    table = {"white": (400, 100), "black": (300, 150), "hispanic": (250, 80), "asian": (15, 0)}
    result = summary(measure_metrics(counts(table), favorable=False, reference=REFERENCE_BEST))
    assert result["reference_group"] == "white"
    assert result["index_of_disparity"] > 0  # defined: the reference rate is not zero
    # With no reliable group at all, the best of all is still the reference.
    few = {"white": (40, 10), "black": (30, 15)}
    assert (
        summary(measure_metrics(counts(few), favorable=False, reference=REFERENCE_BEST))[
            "reference_group"
        ]
        == "white"
    )


def test_the_trend_slope_is_per_year_and_counts_gaps():
    frame = pd.DataFrame(
        [
            (period, group, 1000, events)
            for period, black in (("2016", 300), ("2017", 250), ("2024", 150))
            for group, events in (("black", black), ("white", 100))
        ],
        columns=["period", "group", "population", "events"],
    )
    trend = measure_metrics(frame, favorable=False).trend.set_index("metric")
    by_position = measure_metrics(frame.replace({"2024": "2018"}), favorable=False).trend.set_index(
        "metric"
    )
    # The same values over eight years fall more slowly per year than over three.
    assert abs(trend.loc["total_rate", "slope"]) < abs(by_position.loc["total_rate", "slope"])


# --- The reference "total" is the groups compared together -----------------------------------


def test_the_total_reference_is_the_groups_compared_without_unknown_people():
    # Two groups with the same rate and many people of unknown race with a higher one: against
    # everyone (30%) both read "0.33 times as likely" while every index said 0.
    table = {"black": (200, 20), "white": (300, 30), "unknown": (500, 250)}
    metrics = measure_metrics(counts(table), favorable=False)
    result = summary(metrics)
    assert result["reference_group"] == "compared"
    assert result["reference_rate"] == pytest.approx(50 / 500)
    assert (result["compared_population"], result["compared_events"]) == (500, 50)
    assert row(metrics, "black")["ratio"] == pytest.approx(1.0)
    assert row(metrics, "white")["ratio"] == pytest.approx(1.0)
    assert row(metrics, "compared")["ratio"] == 1.0  # the reference's own row
    assert np.isnan(row(metrics, "total")["ratio"])  # everyone: shown, compared with no one
    assert row(metrics, "total")["rate"] == pytest.approx(0.3)
    assert result["index_of_disparity"] == 0 and result["cramers_v"] == 0
    assert result["theil"] == pytest.approx(0, abs=1e-12)
    text = reading(metrics, "2024", outcome="be removed", population_noun="children")
    assert text[0].startswith(
        "In 2024, children recorded as Black or African American were about as likely as all "
        "children in the groups compared to be removed: 10% against 10%"
    )


# --- Reliability: the NCHS standard for proportions --------------------------------------------


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed by hand."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def test_the_clopper_pearson_interval_matches_its_definition_and_closed_forms():
    n = 40
    low, high = clopper_pearson_interval([0, n, 1, 7], [n, n, n, n])
    assert high[0] == pytest.approx(1 - 0.025 ** (1 / n))  # (1 - p)^n = 0.025
    assert low[1] == pytest.approx(0.025 ** (1 / n))  # p^n = 0.025
    assert low[2] == pytest.approx(1 - 0.975 ** (1 / n))  # 1 - (1 - p)^n = 0.025
    # The lower bound is the p at which 7 or more of 40 has probability 2.5%; the upper, the p
    # at which 7 or fewer has.
    assert binomial_tail(7, n, low[3]) == pytest.approx(0.025, abs=1e-9)
    assert 1 - binomial_tail(8, n, high[3]) == pytest.approx(0.025, abs=1e-9)


@pytest.mark.parametrize(
    ("events", "population", "reliable"),
    [
        (21, 22, False),  # fewer than 30 people, whatever the rate
        (15, 30, False),  # 31.3% to 68.7%: wider than 30 points
        (3, 40, False),  # 1.6% to 20.4%: 18.8 points, 251% of 7.5%
        (3, 60, False),  # 5%: 1.0% to 13.9%, 258% of the rate
        (57, 60, False),  # 95%: the same interval mirrored, 258% of the complement
        (12, 60, True),  # 20%: 10.8% to 32.3%, 108% of the rate
        (10, 100, True),  # 10%: 4.9% to 17.6%, 127% of the rate
        (0, 72, True),  # 0 to 4.99%: within 5 points
        (0, 71, False),  # 0 to 5.06%
        (8, 1000, True),  # 0.35% to 1.57%: within 5 points
    ],
)
def test_reliability_follows_the_nchs_standard_for_proportions(events, population, reliable):
    assert bool(reliable_rate([events], [population])[0]) is reliable


def test_the_reliability_test_agrees_with_both_bounds_for_every_count_up_to_400():
    # reliable_rate finds one bound and tests the other with a CDF: check it against the
    # definition (both Clopper-Pearson bounds, then the widths) on every (events, people).
    n = np.repeat(np.arange(401), np.arange(401) + 1)
    e = np.concatenate([np.arange(k + 1) for k in range(401)])
    low, high = clopper_pearson_interval(e, n)
    width = high - low
    smaller = np.minimum(e, n - e) / np.maximum(n, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(smaller > 0, width / smaller, np.inf)
    expected = (n >= 30) & ((width <= 0.05) | ((width < 0.30) & (relative <= 1.30)))
    assert (reliable_rate(e, n) == expected).all()
    assert expected.sum() > 50_000  # most of them are reliable: the test is not vacuous


def test_a_ratio_built_on_an_unreliable_rate_is_flagged_and_not_read():
    # 21 of 22 against 8 of 1000: "119.3 times as likely" from 22 people.
    table = {"black": (22, 21), "white": (1000, 8), "hispanic": (500, 30)}
    metrics = measure_metrics(counts(table), favorable=False, reference="white")
    black = row(metrics, "black")
    assert black["ratio"] == pytest.approx((21 / 22) / (8 / 1000))
    assert black["unreliable"] and black["ratio_unreliable"]
    assert not row(metrics, "hispanic")["ratio_unreliable"]
    text = reading(metrics, "2024", outcome="be removed", population_noun="children")
    assert not any("Black" in sentence for sentence in text)
    assert "The rate of 1 group is not compared: it has too few people" in " ".join(text)
    assert "Black" not in headline(metrics, "2024", population_noun="children")


def test_a_ratio_against_an_unreliable_reference_is_flagged_and_not_read():
    table = {"asian": (25, 5), "white": (1000, 100), "black": (800, 200)}
    metrics = measure_metrics(counts(table), favorable=False, reference="asian")
    assert row(metrics, "white")["ratio_unreliable"] and not row(metrics, "white")["unreliable"]
    assert not summary(metrics)["reference_reliable"]
    assert np.isnan(summary(metrics)["index_of_disparity"])
    text = reading(metrics, "2024", outcome="be removed", population_noun="children")
    assert text[0] == (
        "In 2024 the rate of children recorded as Asian is not reliable (too few people), so "
        "groups are not compared with it."
    )


# --- The maximal rate ratio: Healthy People 2030's name and definition --------------------------


def test_the_maximal_rate_ratio_divides_the_extreme_reliable_rates():
    # 0 of 20 Asian children would be the lowest rate and make the ratio infinite: unreliable.
    table = {"white": (400, 40), "black": (300, 90), "asian": (20, 0)}
    metrics = measure_metrics(counts(table), favorable=False, reference=REFERENCE_BEST)
    result = summary(metrics)
    assert "summary_rate_ratio" not in result.index
    assert result["maximal_rate_ratio"] == pytest.approx(0.3 / 0.1)
    assert result["groups_reliable"] == 2
    assert (result["best_group"], result["worst_group"]) == ("white", "black")
    assert result["reference_group"] == "white"  # the best-off reliable group: the same rule
    # The index of disparity leaves the unreliable rate out too: |0.3 - 0.1| / 0.1.
    assert result["index_of_disparity"] == pytest.approx(200.0)


def test_no_reliable_group_means_no_best_reference():
    few = {"white": (20, 10), "black": (25, 15)}
    metrics = measure_metrics(counts(few), favorable=False, reference=REFERENCE_BEST)
    assert summary(metrics)["reference_group"] is None
    assert metrics.rates["ratio"].isna().all()
    text = reading(metrics, "2024", outcome="be removed", population_noun="children")
    assert text[0].startswith("In 2024 no group has a rate reliable enough to be the reference")


# --- Framing: relative measures on the adverse rate ----------------------------------------------


@settings(max_examples=80, deadline=None)
@given(tables, st.sampled_from([REFERENCE_TOTAL, REFERENCE_BEST, "black"]))
def test_the_indices_do_not_depend_on_which_side_of_the_outcome_is_recorded(table, reference):
    """ "Housed" recorded as favorable and "not housed" as adverse are the same facts."""
    complement = {group: (n, n - e) for group, (n, e) in table.items()}
    housed = summary(measure_metrics(counts(table), favorable=True, reference=reference))
    not_housed = summary(measure_metrics(counts(complement), favorable=False, reference=reference))
    for name in (*RELATIVE_METRICS, "between_group_variance", "chi2", "cramers_v"):
        assert housed[name] == pytest.approx(not_housed[name], rel=1e-9, abs=1e-12, nan_ok=True)
    for name in ("reference_group", "best_group", "worst_group", "groups_reliable"):
        assert housed[name] == not_housed[name], name


def test_the_relative_indices_of_a_favorable_outcome_use_the_share_without_it():
    # 70% and 90% housed: 30% and 10% not housed, against the best-off group (10%).
    table = {"black": (1000, 700), "white": (1000, 900)}
    result = summary(measure_metrics(counts(table), favorable=True, reference=REFERENCE_BEST))
    assert result["reference_group"] == "white"
    assert result["maximal_rate_ratio"] == pytest.approx(0.3 / 0.1)
    assert result["index_of_disparity"] == pytest.approx(100 * (0.3 - 0.1) / 0.1)
    # Theil on the adverse rates, mu = 0.2: 0.5 (1.5 ln 1.5) + 0.5 (0.5 ln 0.5).
    assert result["theil"] == pytest.approx(0.75 * math.log(1.5) + 0.25 * math.log(0.5))


# --- A named reference with nobody counted -----------------------------------------------------


def test_a_named_reference_with_no_population_has_no_ratio_of_its_own():
    table = {"black": (100, 10), "white": (100, 30), "asian": (0, 0)}
    metrics = measure_metrics(counts(table), favorable=False, reference="asian")
    asian = row(metrics, "asian")
    assert np.isnan(asian["ratio"]) and np.isnan(asian["difference"])
    assert metrics.rates["ratio"].isna().all()
    text = reading(metrics, "2024", outcome="be removed", population_noun="children")
    assert text[0] == (
        "In 2024 no children recorded as Asian were counted (or their counts are hidden), so no "
        "group is compared with them."
    )


# --- The reading never contradicts the ratios --------------------------------------------------


def test_a_rare_outcome_with_a_threefold_ratio_reads_as_a_threefold_ratio():
    # 3% against 1%: rate ratio 3.0 (2.4 to 3.8), yet Cramér's V is only 0.07.
    table = {"black": (10_000, 300), "white": (10_000, 100)}
    metrics = measure_metrics(counts(table), favorable=False, reference="white")
    black = row(metrics, "black")
    se = math.sqrt(1 / 300 - 1 / 10_000 + 1 / 100 - 1 / 10_000)
    assert (black["ratio_low"], black["ratio_high"]) == pytest.approx(
        (3 * math.exp(-Z_95 * se), 3 * math.exp(Z_95 * se))
    )
    assert (round(black["ratio_low"], 1), round(black["ratio_high"], 1)) == (2.4, 3.8)
    # chi2 = n BGV / (mu (1 - mu)) with mu = 0.02, BGV = 0.01^2: 20000 * 1e-4 / 0.0196.
    v = math.sqrt(20_000 * 1e-4 / (0.02 * 0.98) / 20_000)
    assert summary(metrics)["cramers_v"] == pytest.approx(v) and v < 0.1
    text = " ".join(reading(metrics, "2024", outcome="be removed", population_noun="children"))
    assert "3.0 times as likely" in text and "(95% interval 2.4 to 3.8)" in text
    assert "3.0% against 1.0%, 2.0 points higher" in text
    assert "race and ethnicity still predict this outcome" in text
    for word in ("barely", "negligible", "weak", "Cramér"):
        assert word not in text


# --- The headline --------------------------------------------------------------------------------


def test_the_headline_gives_both_rates_in_percent_and_the_gap_in_points():
    table = {"black": (300, 201), "white": (400, 328), "hispanic": (250, 190)}
    metrics = measure_metrics(counts(table), favorable=True, reference=REFERENCE_BEST)
    assert headline(metrics, "2024", population_noun="households") == (
        "In 2024, 67% of households recorded as Black or African American vs 82% of households "
        "recorded as White: 15 points lower."
    )


def test_the_headline_compares_with_the_chosen_group_or_the_groups_together():
    table = {"black": (300, 201), "white": (400, 328), "hispanic": (250, 190)}
    chosen = measure_metrics(counts(table), favorable=True, reference="hispanic")
    assert headline(chosen, "2024", population_noun="households") == (
        "In 2024, 67% of households recorded as Black or African American vs 76% of households "
        "recorded as Hispanic or Latino: 9 points lower."
    )
    pooled = measure_metrics(counts(table), favorable=True)
    # 719 of 950 together: 76%.
    assert headline(pooled, "2024", population_noun="households").endswith(
        "vs 76% of all households in the groups compared: 9 points lower."
    )
    # The chosen group fares worst: it is compared with the best-off group instead.
    worst = measure_metrics(counts(table), favorable=True, reference="black")
    assert headline(worst, "2024", population_noun="households").endswith(
        "vs 82% of households recorded as White: 15 points lower."
    )


def test_the_headline_says_when_a_gap_could_be_chance_and_when_nothing_compares():
    def text(table, **kwargs):
        metrics = measure_metrics(counts(table), favorable=False, reference=REFERENCE_BEST)
        return headline(metrics, "2024", population_noun="children", **kwargs)

    close = {"black": (100, 30), "white": (100, 25)}
    assert text(close) == (
        "In 2024, 30% of children recorded as Black or African American vs 25% of children "
        "recorded as White: 5 points higher. A gap this size could be due to chance."
    )
    alone = {"black": (100, 30), "white": (20, 5)}
    assert text(alone) == "In 2024, fewer than two groups have a rate reliable enough to compare."
    assert "White" not in text(close, hidden={("2024", "white")})
