"""Suppression against an informed attacker: the attacks found on the earlier rule, each as
the auditor (tests/outcomes/audit.py) replays it from what the app publishes (no database)."""

import pandas as pd

from outcomes.privacy import suppress
from tests.outcomes.audit import ProgramData, audit

LARGE = {"hispanic": (300, 100), "white": (500, 200)}


def table(groups: dict, measure="exits", period="2024") -> pd.DataFrame:
    rows = [(measure, period, g, n, e) for g, (n, e) in groups.items()]
    return pd.DataFrame(rows, columns=["measure", "period", "group", "population", "events"])


def program(*tables: pd.DataFrame) -> pd.DataFrame:
    return pd.concat(tables, ignore_index=True)


def assert_safe(result) -> None:
    assert not result.exact_recoveries, result.exact_recoveries
    assert not result.narrowed, result.narrowed
    assert not result.pinned_rates, result.pinned_rates


def primaries_only(frame: pd.DataFrame) -> pd.DataFrame:
    """A rule without complements: a small cell hidden alone."""
    flagged = frame.copy()
    small = flagged[["population", "events"]].apply(lambda c: c.between(1, 10))
    flagged["population_hidden"] = small["population"]
    flagged["events_hidden"] = small["events"] | small["population"]
    flagged["hidden"] = flagged["events_hidden"]
    flagged["total_hidden"] = False
    return flagged


def test_the_auditor_recovers_a_cell_hidden_without_a_complement():
    data = ProgramData([table({"black": (100, 4)} | LARGE)], rule=primaries_only)
    recovered = audit(data).find(("exits", "2024", "black"), "events")
    assert (recovered.low, recovered.high, recovered.possible) == (4, 4, 1)


def test_the_complement_does_not_tell_which_hidden_cell_is_the_small_one():
    # Black's 10 is hidden with American Indian's 11, the smallest other population (a tie
    # with Asian's 11, broken by group order): knowing that, the total gives 10 back.
    counts = table({"aian": (11, 11), "asian": (11, 0), "black": (10, 4)} | LARGE)
    assert_safe(audit(ProgramData([counts])))


def test_hidden_cells_adding_up_to_a_small_number_are_not_pinned():
    counts = table({"asian": (1, 1), "black": (1, 0)} | LARGE)
    assert_safe(audit(ProgramData([counts])))


def test_a_hidden_groups_rate_is_not_pinned_to_zero():
    counts = table({"asian": (6, 0), "black": (5, 0)} | LARGE)
    assert_safe(audit(ProgramData([counts])))


def test_measures_on_the_same_people_do_not_subtract_to_a_hidden_count():
    people = {"black": 100, "asian": 200, **{g: n for g, (n, _e) in LARGE.items()}}
    housing = {"black": 4, "asian": 60, "hispanic": 100, "white": 200}
    shelter = {"black": 30, "asian": 40, "hispanic": 50, "white": 100}
    counts = program(
        *(
            table({g: (people[g], events[g]) for g in people}, measure=name)
            for name, events in (
                ("housing", housing),
                ("shelter", shelter),
                ("any exit", {g: housing[g] + shelter[g] for g in people}),
            )
        )
    )
    data = ProgramData([counts], same_people=True, event_sums=(("any exit", "housing", "shelter"),))
    assert_safe(audit(data))


def year_and_quarters(first_quarter: tuple) -> pd.DataFrame:
    quarters = [first_quarter, (20, 0), (20, 0), (20, 0)]
    rows = []
    for q, black in enumerate(quarters, start=1):
        groups = {"black": black, "hispanic": (80, 30), "white": (100, 40)}
        rows.append(table(groups, measure="quarterly", period=f"2024-Q{q}"))
    black = tuple(sum(c[i] for c in quarters) for i in (0, 1))
    rows.append(table({"black": black, "hispanic": (320, 120), "white": (400, 160)}, "yearly"))
    return program(*rows)


def test_a_year_and_its_quarters_do_not_subtract_to_a_hidden_quarter():
    data = ProgramData([year_and_quarters((6, 0))], nested=(("yearly", "quarterly"),))
    assert_safe(audit(data))


def test_a_correction_between_two_downloads_does_not_reveal_a_cell():
    before = table({"asian": (20, 0), "black": (5, 2), "hispanic": (30, 15), "white": (400, 100)})
    after = before.copy()
    after.loc[after["group"] == "hispanic", ["population", "events"]] = (15, 0)
    result = audit(ProgramData([before, after]))
    assert_safe(result)


def test_the_auditor_reads_what_the_rule_publishes():
    counts = table({"black": (100, 4)} | LARGE)
    flagged = suppress(counts)
    assert flagged.loc[flagged["group"] == "black", "events_hidden"].all()
    result = audit(ProgramData([counts]))
    black = result.find(("exits", "2024", "black"), "events")
    assert black.truth == 4 and black.low <= 4 <= black.high
    assert result.tables == 1
