"""Suppression against an informed attacker: the attacks found on the earlier rule, each as
the auditor (tests/outcomes/audit.py) replays it from what the app publishes (no database)."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes.privacy import suppress
from tests.outcomes.audit import ENOUGH, ProgramData, audit

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


def test_an_empty_group_has_no_rate_to_pin():
    # Found by the generated programs below: White has no one in the first two quarters, its
    # populations are shown (0) and its events hidden with the rest of its year. Its 0 events
    # follow from the 0 people, and say nothing about anyone.
    quarters = [
        {"asian": (78, 16), "black": (0, 0), "white": (0, 0), "unknown": (0, 0)},
        {"asian": (81, 4), "black": (39, 37), "white": (0, 0), "unknown": (0, 0)},
        {"asian": (0, 0), "black": (81, 77), "white": (19, 4), "unknown": (6, 1)},
        {"asian": (40, 40), "black": (79, 0), "white": (81, 40), "unknown": (0, 0)},
    ]
    data = ProgramData([quarters_and_year(quarters)], nested=(("yearly", "quarterly"),))
    result = audit(data)
    empty = result.find(("quarterly", "2024-Q1", "white"), "events")
    assert (empty.low, empty.high, empty.can_have_people) == (0, 0, False)
    assert_safe(result)


@pytest.mark.xfail(strict=True, reason="open finding: a complement's hidden 0 is worked out")
def test_a_hidden_group_with_no_one_in_a_quarter_is_not_worked_out_to_be_empty():
    # Found by the generated programs: Black has no one in the first quarter and is hidden
    # whole for its year as a complement. Hiding says "0 to 10", but any count of 1 to 10
    # would have made Black a primary and changed the pattern: the attacker learns that
    # Black had no one that quarter, or more than 10.
    quarters = [
        {"asian": (66, 0), "black": (0, 0), "white": (3, 2), "unknown": (41, 20)},
        {"asian": (28, 1), "black": (59, 12), "white": (20, 16), "unknown": (0, 0)},
        {"asian": (6, 1), "black": (54, 11), "white": (5, 0), "unknown": (56, 11)},
        {"asian": (9, 9), "black": (67, 34), "white": (0, 0), "unknown": (0, 0)},
    ]
    result = audit(ProgramData([quarters_and_year(quarters)], nested=(("yearly", "quarterly"),)))
    empty = result.find(("quarterly", "2024-Q1", "black"), "population")
    assert empty.truth == 0
    assert empty.possible >= ENOUGH, empty
    assert_safe(result)


def test_the_auditor_finds_a_pinned_rate_of_a_group_with_people():
    # Events hidden alone, population shown: the total pins Black's 0 events of 30 people.
    counts = table({"black": (30, 0)} | LARGE)

    def events_only(frame):
        flagged = primaries_only(frame)
        black = (flagged["group"] == "black").to_numpy()
        flagged["events_hidden"] = flagged["hidden"] = black
        return flagged

    pinned = audit(ProgramData([counts], rule=events_only)).pinned_rates
    assert [(t.cell, t.kind) for t in pinned] == [(("exits", "2024", "black"), "events")]


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


# --- Generated programs: several measures, a year and its quarters, corrections ------------

GROUPS = ("asian", "black", "white", "unknown")
count = st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 90))
share = st.sampled_from([0.0, 0.05, 0.2, 0.5, 0.8, 0.95, 1.0])
cell = st.tuples(count, share).map(lambda c: (c[0], round(c[0] * c[1])))


def quarters_and_year(quarters: list[dict]) -> pd.DataFrame:
    """A quarterly measure and the yearly one that adds its quarters up (the same people)."""
    rows = [table(q, measure="quarterly", period=f"2024-Q{i}") for i, q in enumerate(quarters, 1)]
    year = {g: tuple(sum(q[g][k] for q in quarters) for k in (0, 1)) for g in quarters[0]}
    return program(*rows, table(year, measure="yearly"))


def three_exits(people: dict, housing: dict, shelter: dict) -> pd.DataFrame:
    """Exits to housing, to shelter, and any exit, counted on the same people."""
    any_exit = {g: housing[g] + shelter[g] for g in people}
    return program(
        table({g: (people[g], housing[g]) for g in people}, measure="housing"),
        table({g: (people[g], shelter[g]) for g in people}, measure="shelter"),
        table({g: (people[g], any_exit[g]) for g in people}, measure="any exit"),
    )


@st.composite
def nested_programs(draw) -> ProgramData:
    groups = draw(st.lists(st.sampled_from(GROUPS), min_size=3, max_size=4, unique=True))
    quarters = [{g: draw(cell) for g in groups} for _q in range(4)]
    releases = [quarters_and_year(quarters)]
    if draw(st.booleans()):  # a correction of one quarter's group, downloaded again
        q, group = draw(st.integers(0, 3)), draw(st.sampled_from(groups))
        corrected = [dict(c) for c in quarters]
        corrected[q][group] = draw(cell)
        releases.append(quarters_and_year(corrected))
    return ProgramData(releases, nested=(("yearly", "quarterly"),))


@st.composite
def linked_programs(draw) -> ProgramData:
    groups = draw(st.lists(st.sampled_from(GROUPS), min_size=3, max_size=4, unique=True))
    people = {g: draw(count) for g in groups}
    shares = {g: sorted([draw(share), draw(share)]) for g in groups}
    housing = {g: round(people[g] * shares[g][0]) for g in groups}
    shelter = {g: round(people[g] * shares[g][1]) - housing[g] for g in groups}
    releases = [three_exits(people, housing, shelter)]
    if draw(st.booleans()):
        group = draw(st.sampled_from(groups))
        releases.append(three_exits(people, housing | {group: 0}, shelter))
    sums = (("any exit", "housing", "shelter"),)
    return ProgramData(releases, same_people=True, event_sums=sums)


FIGURES = {"programs": 0, "tables": 0, "hidden small counts": 0, "fewest possible": ENOUGH}


def record(result) -> None:
    FIGURES["programs"] += 1
    FIGURES["tables"] += result.tables
    FIGURES["hidden small counts"] += sum(t.small for t in result.protected)
    if result.fewest_possible is not None:
        FIGURES["fewest possible"] = min(FIGURES["fewest possible"], result.fewest_possible)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # the same programs each run, so CI never depends on a seed
)
@given(nested_programs())
def test_no_hidden_count_of_a_year_and_its_quarters_can_be_worked_out(data):
    result = audit(data)
    record(result)
    assert_safe(result)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # the same programs each run, so CI never depends on a seed
)
@given(linked_programs())
def test_no_hidden_count_of_measures_on_the_same_people_can_be_worked_out(data):
    result = audit(data)
    record(result)
    assert_safe(result)


# --- Corrections the generated programs found narrowing a hidden count ---
# Each is a program downloaded, corrected in one count hidden in the first download, and
# downloaded again. Without the rule that darkens the program's year when a hidden count is
# corrected, the auditor ruled out all but four values of a hidden small count of the first
# download (five are required); the second download is now dark and adds nothing.


def corrected(rows: list[tuple], changes: dict) -> list[pd.DataFrame]:
    before = pd.DataFrame(rows, columns=["measure", "period", "group", "population", "events"])
    after = before.copy()
    for (measure, period, group), counts in changes.items():
        at = (after["measure"] == measure) & (after["period"] == period) & (after["group"] == group)
        after.loc[at, ["population", "events"]] = counts
    return [before, after]


def corrected_exits(people: dict, housing: dict, shelter: dict, changes: dict) -> ProgramData:
    """Three exits on the same people, downloaded, corrected and downloaded again."""
    rows = list(three_exits(people, housing, shelter).itertuples(index=False, name=None))
    sums = (("any exit", "housing", "shelter"),)
    return ProgramData(corrected(rows, changes), same_people=True, event_sums=sums)


def test_a_corrected_quarter_does_not_narrow_the_download_before_it():
    quarters = {
        "2024-Q1": {"asian": (7, 1), "black": (40, 8), "white": (5, 5), "unknown": (40, 2)},
        "2024-Q2": {"asian": (63, 13), "black": (16, 1), "white": (38, 30), "unknown": (0, 0)},
        "2024-Q3": {"asian": (41, 20), "black": (26, 13), "white": (8, 4), "unknown": (82, 41)},
        "2024-Q4": {"asian": (63, 50), "black": (40, 32), "white": (9, 4), "unknown": (32, 30)},
    }
    years = {"asian": (174, 84), "black": (122, 54), "white": (60, 43), "unknown": (154, 73)}
    rows = [("quarterly", p, g, n, e) for p, q in quarters.items() for g, (n, e) in q.items()]
    rows += [("yearly", "2024", g, n, e) for g, (n, e) in years.items()]
    changes = {("quarterly", "2024-Q1", "white"): (40, 2), ("yearly", "2024", "white"): (95, 40)}
    data = ProgramData(corrected(rows, changes), nested=(("yearly", "quarterly"),))
    assert_safe(audit(data))


def test_a_corrected_exit_does_not_narrow_the_download_before_it():
    people = {"unknown": 20, "black": 57, "asian": 20, "white": 11}
    housing = {"unknown": 19, "black": 0, "asian": 0, "white": 2}
    shelter = {"unknown": 1, "black": 28, "asian": 20, "white": 9}
    changes = {("housing", "2024", "unknown"): (20, 0), ("any exit", "2024", "unknown"): (20, 1)}
    assert_safe(audit(corrected_exits(people, housing, shelter, changes)))


def test_a_corrected_hidden_count_does_not_narrow_it_through_the_change_in_the_total():
    # Found by the generated programs with more examples. Unknown's 8 housing exits are
    # corrected to 0: the housing totals of the two downloads differ by 8, so its first count
    # was at least 8; Asian's population hidden as a second complement says Unknown's and
    # White's populations fell short of 15 together, so Unknown's was at most 11. A rule that
    # reads only the counts and what was kept hidden cannot tell the second download from one
    # with nothing corrected, whose totals it has to show: the correction is marked instead.
    people = {"black": 42, "unknown": 8, "asian": 52, "white": 3}
    housing = {"black": 40, "unknown": 8, "asian": 0, "white": 2}
    shelter = {"black": 2, "unknown": 0, "asian": 26, "white": 0}
    changes = {("housing", "2024", "unknown"): (8, 0), ("any exit", "2024", "unknown"): (8, 0)}
    assert_safe(audit(corrected_exits(people, housing, shelter, changes)))
