"""The cohort's pure tables: levels per organization, spreads, suppression, change, versions."""

import math
from datetime import date

import pandas as pd
import pytest

from cohorts import sheets, tables
from cohorts.rounds import RoundProgress
from cohorts.tables import FrameworkShape

DIMS = {"governance": "Governance", "insight": "Insight"}
ROUNDS = [RoundProgress("2026", date(2026, 3, 1), date(2026, 4, 30), 1)]


def rows(org: str, program: str, levels: dict[str, int], cycle="2026", framework=1, **extra):
    return [
        {
            "organization": org,
            "organization_name": org.title(),
            "sector": extra.get("sector", "public"),
            "region": extra.get("region", "North"),
            "program": program,
            "program_name": program.title(),
            "service_area": extra.get("service_area", "Housing"),
            "assessment": f"{program}-{cycle}",
            "cycle": cycle,
            "framework": framework,
            "dimension": key,
            "level": level,
            "index": float(level),
        }
        for key, level in levels.items()
    ]


def frame(*groups) -> pd.DataFrame:
    return pd.DataFrame([row for group in groups for row in group], columns=tables.COLUMNS)


def test_an_organizations_level_is_the_median_of_its_programs_rounded_down():
    data = frame(
        rows("a", "p1", {"governance": 1, "insight": 4}),
        rows("a", "p2", {"governance": 2, "insight": 4}),
    )
    table = tables.organization_levels(data, list(DIMS)).set_index("organization")
    assert table.loc["a", "governance_level"] == 1  # median 1.5, rounded down
    assert table.loc["a", "governance_index"] == 1.5
    assert table.loc["a", "insight_level"] == 4
    assert table.loc["a", "level"] == 1  # the lowest dimension
    assert table.loc["a", "programs"] == 2


def test_a_dimension_not_assessed_is_blank_not_zero():
    data = frame(rows("a", "p1", {"governance": 3}))
    table = tables.organization_levels(data, list(DIMS))
    assert math.isnan(table.iloc[0]["insight_level"])
    assert table.iloc[0]["level"] == 3


def org_table(count: int) -> pd.DataFrame:
    data = frame(
        *[rows(f"o{n}", f"p{n}", {"governance": n % 5, "insight": 2}) for n in range(count)]
    )
    return tables.organization_levels(data, list(DIMS))


def test_aggregates_over_four_organizations_are_suppressed():
    table = org_table(4)
    assert tables.level_distribution(table, list(DIMS)) is None
    spreads = tables.organization_spreads(table, list(DIMS))
    assert all(s.suppressed for s in spreads.values())
    assert spreads["overall"].organizations == 4


def test_aggregates_over_five_organizations_are_shown():
    table = org_table(5)
    distribution = tables.level_distribution(table, list(DIMS))
    assert distribution == {"governance": [1, 1, 1, 1, 1], "insight": [0, 0, 5, 0, 0]}
    spread = tables.organization_spreads(table, list(DIMS))["governance"]
    assert (spread.q1, spread.median, spread.q3) == (1.0, 2.0, 3.0)


def test_program_benchmarks_count_organizations_not_programs():
    many_programs = frame(*[rows("a", f"p{n}", {"governance": n % 4}) for n in range(10)])
    assert tables.program_spreads(many_programs, ["governance"])["governance"].suppressed
    five_orgs = frame(*[rows(f"o{n}", f"p{n}", {"governance": n}) for n in range(5)])
    assert tables.program_spreads(five_orgs, ["governance"])["governance"].median == 2.0


def test_change_lists_the_most_improved_first_and_only_organizations_in_both_cycles():
    before = frame(
        rows("a", "pa", {"governance": 1}, cycle="2025"),
        rows("b", "pb", {"governance": 3}, cycle="2025"),
        rows("c", "pc", {"governance": 2}, cycle="2025"),
    )
    after = frame(
        rows("a", "pa", {"governance": 3}),
        rows("b", "pb", {"governance": 2}),
        rows("d", "pd", {"governance": 4}),
    )
    change = tables.change_between(before, after)
    assert list(change["organization"]) == ["a", "b"]
    assert list(change["change"]) == [2.0, -1.0]


SHAPES = {
    1: FrameworkShape(
        "Equity v1", "equity", 1, {"governance": frozenset("ab"), "insight": frozenset("cd")}, DIMS
    ),
    2: FrameworkShape(
        "Equity v2", "equity", 2, {"governance": frozenset("ab"), "insight": frozenset("ce")}, DIMS
    ),
    3: FrameworkShape("Other v1", "other", 1, {"governance": frozenset("ab")}, DIMS),
}


def test_versions_are_compared_only_in_dimensions_with_the_same_indicators():
    data = frame(
        rows("a", "pa", {"governance": 1, "insight": 1}, framework=1),
        rows("b", "pb", {"governance": 2, "insight": 2}, framework=1),
        rows("c", "pc", {"governance": 3, "insight": 3}, framework=2),
    )
    kept, reference, excluded = tables.comparable(data, SHAPES)
    assert reference == 1  # most assessments
    assert len(kept) == 5  # c's insight row is left out
    assert not ((kept["organization"] == "c") & (kept["dimension"] == "insight")).any()
    assert [(e.framework, e.dimensions, e.assessments) for e in excluded] == [
        ("Equity v2", ["Insight"], 1)
    ]


def test_another_framework_is_not_compared_at_all():
    data = frame(
        rows("a", "pa", {"governance": 1}, framework=1),
        rows("b", "pb", {"governance": 2}, framework=3),
    )
    kept, reference, excluded = tables.comparable(data, SHAPES)
    assert reference == 1  # a tie goes to the newest version; both are version 1 here
    assert list(kept["organization"]) == ["a"]
    assert excluded[0].framework == "Other v1"


def test_filters_keep_matching_rows_and_ignore_empty_values():
    data = frame(
        rows("a", "pa", {"governance": 1}, region="North"),
        rows("b", "pb", {"governance": 2}, region="South"),
    )
    assert list(tables.filter_frame(data, region="South", sector="")["organization"]) == ["b"]


@pytest.mark.parametrize("count", [0, 1])
def test_the_export_tables_have_a_header_even_when_empty(count):
    data = frame(*[rows(f"o{n}", f"p{n}", {"governance": 2, "insight": 3}) for n in range(count)])
    columns, program_rows = sheets.program_rows(data, DIMS, ROUNDS)
    assert columns[-1].name == "insight_index" and str(columns[-1].header) == "Insight index"
    assert len(program_rows) == count
    if count:
        assert program_rows[0][-4:] == [2, 2.0, 3, 3.0]
        assert program_rows[0][5:8] == ["2026", date(2026, 3, 1), date(2026, 4, 30)]


def test_the_programs_sheet_sorts_each_programs_cycles_in_the_order_of_cycles():
    # "2026-27" sorts before "2027" by its dates, after it by its text.
    rounds = [
        RoundProgress("2027", date(2027, 1, 1), date(2027, 12, 31), 1),
        RoundProgress("2026-27", date(2026, 7, 1), date(2027, 6, 30), 1),
    ]
    data = frame(
        rows("a", "pa", {"governance": 2}, cycle="2027"),
        rows("a", "pa", {"governance": 1}, cycle="2026-27"),
    )
    _columns, program_rows = sheets.program_rows(data, DIMS, rounds)
    assert [row[5:8] for row in program_rows] == [
        ["2026-27", date(2026, 7, 1), date(2027, 6, 30)],
        ["2027", date(2027, 1, 1), date(2027, 12, 31)],
    ]


def test_change_compares_only_dimensions_assessed_in_both_cycles():
    before = frame(rows("a", "pa", {"governance": 4, "insight": 1}, cycle="2025"))
    after = frame(rows("a", "pa", {"insight": 1}))  # governance not compared in 2026
    change = tables.change_between(before, after)
    assert list(change["change"]) == [0.0]


def test_the_reference_framework_can_be_given():
    data = frame(
        rows("a", "pa", {"governance": 1, "insight": 1}, framework=1),
        rows("b", "pb", {"governance": 2, "insight": 2}, framework=1),
        rows("c", "pc", {"governance": 3, "insight": 3}, framework=2),
    )
    kept, reference, excluded = tables.comparable(data, SHAPES, reference=2)
    assert reference == 2
    assert [(e.framework, e.dimensions) for e in excluded] == [("Equity v1", ["Insight"])]
    assert len(kept) == 4


def test_an_empty_selection_has_every_column():
    table = tables.organization_levels(frame(), list(DIMS))
    assert {"governance_index", "insight_level", "programs"} <= set(table.columns)
    spreads = tables.organization_spreads(table, list(DIMS))
    assert spreads["overall"].suppressed


def test_a_dimension_compared_for_fewer_than_five_organizations_is_suppressed_alone():
    data = frame(
        *[rows(f"o{n}", f"p{n}", {"governance": 2, "insight": 3}) for n in range(4)],
        rows("o4", "p4", {"governance": 2}),
    )
    table = tables.organization_levels(data, list(DIMS))
    assert tables.level_distribution(table, list(DIMS)) == {
        "governance": [0, 0, 5, 0, 0],
        "insight": None,
    }
