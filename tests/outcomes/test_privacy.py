"""Small-number suppression: the primary rules at their boundaries, complementary suppression,
the total, and masking computed rates (no database)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.groups import COMPARED_GROUPS, GROUP_KEYS
from outcomes.metrics import measure_metrics
from outcomes.privacy import MARGIN, hidden_pairs, mask, suppress

BIG = {"asian": (500, 100), "white": (800, 200), "hispanic": (600, 150)}


def counts(table: dict, period="2024", measure=None) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {"period": period, "group": g, "population": n, "events": e}
            for g, (n, e) in table.items()
        ]
    )
    return frame if measure is None else frame.assign(measure=measure)


def flags(suppressed: pd.DataFrame, group: str) -> tuple[bool, bool]:
    row = suppressed[suppressed["group"] == group].iloc[0]
    return bool(row["population_hidden"]), bool(row["events_hidden"])


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ((100, 0), (False, False)),  # 0 is not a small count
        ((100, 1), (False, True)),
        ((100, 10), (False, True)),
        ((100, 11), (False, False)),
        ((10, 0), (True, True)),  # a small population hides its events too
        ((11, 0), (False, False)),
        ((11, 11), (False, False)),
        ((100, 90), (False, True)),  # 10 non-events: the events would give them away
        ((100, 89), (False, False)),
    ],
)
def test_primary_rules_at_their_boundaries(cell, expected):
    suppressed = suppress(counts({"black": cell} | BIG))
    assert flags(suppressed, "black") == expected


def test_nothing_small_means_nothing_hidden():
    suppressed = suppress(counts({"black": (100, 11)} | BIG))
    assert not suppressed["hidden"].any()
    assert list(suppressed.columns[-5:]) == [
        "population_hidden",
        "events_hidden",
        "hidden",
        "total_hidden",
        "kept_hidden",
    ]


def test_a_lone_hidden_cell_takes_the_smallest_other_with_events_with_it():
    suppressed = suppress(counts({"black": (100, 4)} | BIG))
    assert flags(suppressed, "black") == (False, True)
    assert flags(suppressed, "asian") == (False, True)  # 100 events, the smallest above 0
    assert flags(suppressed, "white") == (False, False)
    assert suppressed["events_hidden"].sum() == 2


def test_complements_are_added_until_the_hidden_cells_hold_fifteen_events_and_non_events():
    suppressed = suppress(counts({"black": (100, 4), "asian": (100, 0), "white": (100, 50)}))
    hidden = suppressed[suppressed["events_hidden"]]
    assert hidden["events"].sum() >= MARGIN
    assert (hidden["population"] - hidden["events"]).sum() >= MARGIN
    assert not suppressed["population_hidden"].any()


def test_a_table_that_cannot_be_protected_hides_its_whole_year():
    only_zeros = {"black": (100, 4), "asian": (100, 0), "white": (100, 0), "mena": (0, 0)}
    table = pd.concat([counts(only_zeros), counts(BIG, period="2025")], ignore_index=True)
    suppressed = suppress(table)
    year = suppressed["period"] == "2024"
    assert suppressed.loc[year, "hidden"].all() and suppressed.loc[year, "total_hidden"].all()
    assert not suppressed.loc[~year, "hidden"].any()  # another year is another table


def test_a_lone_hidden_population_takes_another_population_with_it():
    suppressed = suppress(counts({"black": (8, 2)} | BIG))
    assert flags(suppressed, "black") == (True, True)
    assert flags(suppressed, "asian") == (True, True)  # smallest population; smallest events
    assert suppressed["population_hidden"].sum() == 2


def test_two_small_cells_holding_fifteen_events_need_no_complement():
    suppressed = suppress(counts({"black": (100, 7), "aian": (100, 8)} | BIG))
    assert suppressed["events_hidden"].sum() == 2
    assert not suppressed["population_hidden"].any()


def test_each_measure_and_period_is_its_own_table():
    table = pd.concat(
        [
            counts({"black": (100, 4)} | BIG, measure="removed"),
            counts({"black": (100, 40)} | BIG, measure="housed"),
            counts({"black": (100, 40)} | BIG, period="2025", measure="removed"),
        ]
    )
    suppressed = suppress(table)
    hidden = suppressed[suppressed["hidden"]]
    assert set(zip(hidden["measure"], hidden["period"], strict=True)) == {("removed", "2024")}


def test_the_total_is_shown_unless_its_table_cannot_be_protected():
    shown = suppress(counts({"total": (2000, 454), "black": (100, 4)} | BIG))
    assert flags(shown, "total") == (False, False)
    alone = suppress(counts({"total": (100, 40), "black": (100, 40)}))
    assert flags(alone, "total") == (False, False)
    all_hidden = suppress(counts({"total": (16, 7), "black": (8, 3), "white": (8, 4)}))
    assert flags(all_hidden, "total") == (True, True)
    small_total = suppress(counts({"total": (200, 6), "black": (100, 6), "white": (100, 0)}))
    assert flags(small_total, "total") == (True, True)


def test_the_input_is_not_changed():
    table = counts({"black": (100, 4)} | BIG)
    before = table.copy()
    suppress(table)
    pd.testing.assert_frame_equal(table, before)


cells = st.tuples(st.integers(0, 60), st.floats(0, 1)).map(lambda c: (c[0], round(c[0] * c[1])))
tables = st.lists(cells, min_size=1, max_size=len(GROUP_KEYS)).map(
    lambda cs: {GROUP_KEYS[i]: cell for i, cell in enumerate(cs)}
)


@settings(max_examples=150, deadline=None)
@given(st.lists(tables, min_size=1, max_size=4))
def test_no_table_is_left_with_a_single_hidden_cell(periods):
    table = pd.concat(
        [counts(groups, period=f"202{i}") for i, groups in enumerate(periods)], ignore_index=True
    )
    suppressed = suppress(table)
    suppressed["non_events_hidden"] = suppressed["hidden"]  # unknown unless both are shown
    pairs = hidden_pairs(suppressed.drop(columns="non_events_hidden"))
    for period, cells_ in suppressed.groupby("period"):
        for column in ("population_hidden", "events_hidden", "non_events_hidden"):
            count = int(cells_[column].sum())
            # One hidden cell could be recomputed from the total, unless the total is hidden.
            assert count != 1 or (period, "total") in pairs, (period, column)
        shown = cells_[~cells_["hidden"]]
        for values in (shown["population"], shown["events"], shown["population"] - shown["events"]):
            assert not values.between(1, 10).any()


def test_hidden_cells_cannot_be_recomputed_from_the_total():
    table = counts({"black": (100, 4), "white": (300, 60), "asian": (200, 25), "mena": (40, 0)})
    suppressed = suppress(table)
    shown = suppressed[~suppressed["events_hidden"]]
    hidden = suppressed[suppressed["events_hidden"]]
    total_events = int(table["events"].sum())
    left_over = total_events - int(shown["events"].sum())
    # Every split of what is left over that fits the hidden populations is possible.
    bounds = hidden["population"].tolist()
    splits = [(a, left_over - a) for a in range(bounds[0] + 1) if 0 <= left_over - a <= bounds[1]]
    assert len(hidden) == 2 and len(splits) > 1


def test_hidden_pairs_lists_hidden_cells_and_a_hidden_total():
    suppressed = suppress(counts({"black": (5, 2)}, period="2025"))
    assert hidden_pairs(suppressed) == {("2025", "black"), ("2025", "total")}
    assert hidden_pairs(suppress(counts({"black": (100, 50)} | BIG))) == set()
    with pytest.raises(ValueError, match="one measure"):
        hidden_pairs(pd.concat([counts(BIG, measure="a"), counts(BIG, measure="b")]))


def test_mask_blanks_hidden_cells_and_ratios_against_a_hidden_reference():
    table = counts({"black": (100, 4)} | BIG)
    metrics = measure_metrics(table, favorable=True, reference="asian")
    hidden = hidden_pairs(suppress(table))
    assert hidden == {("2024", "black"), ("2024", "asian")}
    masked = mask(metrics.rates, hidden)
    black = masked[masked["group"] == "black"].iloc[0]
    assert black["hidden"]
    assert np.isnan(black["events"]) and np.isnan(black["rate"]) and np.isnan(black["ci_high"])
    white = masked[masked["group"] == "white"].iloc[0]
    assert not white["hidden"]
    assert white["rate"] == pytest.approx(0.25)
    # The reference (asian) is hidden: a ratio against it would reveal its rate.
    assert masked["ratio"].isna().all() and masked["difference_low"].isna().all()
    assert not metrics.rates["rate"].isna().any()  # the original is untouched


def test_mask_blanks_shares_when_the_unknown_group_is_hidden():
    table = counts({"black": (100, 9), "unknown": (30, 8)} | BIG)
    metrics = measure_metrics(table, favorable=True)
    hidden = hidden_pairs(suppress(table))
    assert hidden == {("2024", "black"), ("2024", "unknown")}
    masked = mask(metrics.rates, hidden)
    # Shares among compared groups would reveal unknown's events (total - compared).
    assert masked["share_events"].isna().all() and masked["disproportionality"].isna().all()
    white = masked[masked["group"] == "white"].iloc[0]
    # Against the groups compared together (unknown left out): 459 of 2000.
    assert white["ratio"] == pytest.approx(0.25 / (459 / 2000))


def test_mask_keeps_everything_when_nothing_is_hidden():
    rates = measure_metrics(counts(BIG), favorable=True).rates
    masked = mask(rates, set())
    assert not masked["hidden"].any()
    pd.testing.assert_frame_equal(masked.drop(columns="hidden"), rates, check_dtype=False)


def test_when_every_group_is_hidden_so_is_the_total():
    table = counts(dict.fromkeys(COMPARED_GROUPS, (5, 1)))
    suppressed = suppress(table)
    assert suppressed["hidden"].all()
    assert ("2024", "total") in hidden_pairs(suppressed)


def test_secondary_suppression_hides_one_whole_group_chosen_regardless_of_the_counts():
    table = {"white": (400, 240), "black": (300, 90), "hispanic": (200, 100), "nhpi": (7, 3)}
    flagged = suppress(counts(table)).set_index("group")
    hidden = list(flagged.index[flagged["hidden"]])
    assert len(hidden) == 2 and "nhpi" in hidden
    (complement,) = set(hidden) - {"nhpi"}
    assert flagged.loc[complement, "events_hidden"] and flagged.loc[complement, "population_hidden"]
    # The complement is not picked by size: other shown counts do not move it.
    for group in set(table) - {"nhpi", complement}:
        resized = table | {group: (table[group][0] * 3, table[group][1])}
        again = suppress(counts(resized)).set_index("group")
        assert list(again.index[again["hidden"]]) == hidden


def test_linked_measures_hide_the_same_populations():
    families = {"white": 400, "black": 300, "hispanic": 250, "asian": 60, "nhpi": 6, "mena": 57}
    rows = [("A", "2025", g, n, n // 3) for g, n in {**families, "unknown": 31}.items()]
    rows += [("B", "2025", g, n, n // 3) for g, n in families.items()]
    counts = pd.DataFrame(rows, columns=["measure", "period", "group", "population", "events"])
    counts["program"] = 1

    def hidden(flagged, measure):
        return set(flagged[(flagged["measure"] == measure) & flagged["population_hidden"]].group)

    alone = suppress(counts)
    assert hidden(alone, "A") != hidden(alone, "B") - {"unknown"}  # the leak, unlinked
    linked = suppress(counts, link="program")
    assert hidden(linked, "A") - {"unknown"} == hidden(linked, "B")
    assert {"nhpi"} < hidden(linked, "B")
    for measure in "AB":  # every table still has 0 or 2+ hidden populations
        assert len(hidden(linked, measure)) >= 2


# --- A table of people only (a survey's respondents per group) --------------------------------


def _people_and_answers(black_people: int, black_answered: int) -> pd.DataFrame:
    people = counts(
        {"black": (black_people, 0), "asian": (40, 0), "white": (300, 0), "hispanic": (200, 0)},
        measure="people",
    ).assign(population_only=True)
    answered = counts(
        {
            "black": (black_answered, 0),
            "asian": (40, 20),
            "white": (300, 150),
            "hispanic": (200, 90),
        },
        measure="agree",
    ).assign(population_only=False)
    return pd.concat([people, answered], ignore_index=True).assign(program=0)


def test_a_table_of_people_only_hides_its_small_populations_without_darkening_the_year():
    flagged = suppress(_people_and_answers(black_people=6, black_answered=0), link="program")
    people = flagged[flagged["measure"] == "people"]
    assert people.loc[people["group"] == "black", "population_hidden"].all()
    # Its events (all 0) are never shown: they neither fall short of a margin nor darken.
    assert not flagged["total_hidden"].any()
    assert people["population_hidden"].sum() >= 2  # a complement, as for any table
    agree = flagged[flagged["measure"] == "agree"]
    assert agree.loc[agree["group"] == "black", "population_hidden"].all()  # the same block


def test_without_the_flag_a_table_with_no_events_darkens_its_year():
    frame = _people_and_answers(black_people=6, black_answered=0).drop(columns="population_only")
    assert suppress(frame, link="program")["total_hidden"].all()
