"""The cohort scorecard, from hand-built plain data: no database."""

import csv
import io
from datetime import date

import pandas as pd
import pytest

from cohorts.scorecard import Goal, Step, Workgroup, build_scorecard
from cohorts.sheets import scorecard_rows
from valuecurve.exports import Sheet, csv_bytes

TODAY = date(2026, 6, 1)
GOALS = [
    {"id": "g-hire", "title": "A workforce that reflects the county", "target_year": 2030},
    {"id": "g-data", "title": "Outcomes by race in every program", "target_year": 2028},
]
WORKGROUPS = [
    {"id": "w-data", "name": "Data workgroup", "goal_id": "g-data", "organizations": {"a", "b"}},
    {"id": "w-all", "name": "Steering", "goal_id": None, "organizations": {"a", "b", "c"}},
]


def step(n: int, org: str, status: str, due=None, goals=(), dimension="Insight & Evidence"):
    return {
        "organization": org,
        "organization_name": {"a": "Alder House", "b": "Birch Services", "c": "Cedar DSS"}[org],
        "step": f"s{n}",
        "title": f"Step {n}",
        "dimension": dimension,
        "status": status,
        "due_date": due,
        "owner": "Director" if n % 2 else None,
        "goals": goals,
    }


STEPS = [
    step(1, "a", "done", date(2026, 3, 1), goals=["g-data"]),
    step(2, "a", "in_progress", date(2026, 5, 1), goals=["g-data", "g-hire"]),
    step(3, "b", "not_started", date(2026, 2, 1), goals=["g-data"]),
    step(4, "b", "dropped", date(2026, 1, 1), goals=["g-data"]),
    step(5, "c", "not_started", date(2026, 4, 1)),  # overdue, tied to nothing
    step(6, "c", "done", None, goals=["g-hire"], dimension="People & Culture"),
    step(7, "a", "not_started", date(2026, 12, 1)),  # not due yet, tied to nothing
]


@pytest.fixture
def card():
    return build_scorecard(goals=GOALS, workgroups=WORKGROUPS, steps=STEPS, today=TODAY)


def test_each_goal_counts_its_tied_steps_by_status(card):
    hire, data = card.goals
    assert [s.step for s in hire.steps] == ["s2", "s6"]
    assert hire.counts.by_status == {"not_started": 0, "in_progress": 1, "done": 1, "dropped": 0}
    assert hire.organizations == 2 and hire.counts.done_share == 0.5
    assert [s.step for s in data.steps] == ["s1", "s2", "s3", "s4"]
    assert data.counts.by_status == {"not_started": 1, "in_progress": 1, "done": 1, "dropped": 1}


def test_the_done_share_leaves_dropped_steps_out(card):
    data = card.goals[1]
    assert data.counts.total == 4
    assert data.counts.done_share == pytest.approx(0.33)


def test_a_workgroup_counts_its_members_steps_toward_its_goal(card):
    data_group, steering = card.workgroups
    assert data_group.goal.title == "Outcomes by race in every program"
    assert (data_group.members, data_group.reporting) == (2, 2)
    assert data_group.counts.total == 4 and data_group.counts.overdue == 2
    # No goal: all its members' steps.
    assert steering.goal is None and steering.counts.total == len(STEPS)
    assert steering.counts.overdue == 3


def test_overdue_steps_are_open_and_due_before_today_oldest_first(card):
    assert [s.step for s in card.overdue] == ["s3", "s5", "s2"]
    assert all(s.is_overdue(TODAY) for s in card.overdue)


def test_totals_cover_every_step(card):
    assert card.totals.total == 7 and card.totals.overdue == 3
    assert card.totals.by_status["done"] == 2
    assert card.untied == 2


def test_nothing_to_count_has_no_done_share():
    card = build_scorecard(goals=GOALS, workgroups=[], steps=[], today=TODAY)
    assert all(g.counts.total == 0 and g.counts.done_share is None for g in card.goals)
    assert card.overdue == [] and card.totals.done_share is None


def test_one_row_per_goal_link_from_a_frame_is_merged():
    rows = []
    for s in STEPS:
        for goal in s["goals"] or [None]:
            rows.append({**s, "goals": goal})
    frame = pd.DataFrame(rows)
    frame["due_date"] = pd.to_datetime(frame["due_date"])
    card = build_scorecard(goals=GOALS, workgroups=WORKGROUPS, steps=frame, today=TODAY)
    assert card.totals.total == 7
    both = next(s for s in card.goals[0].steps if s.step == "s2")
    assert both.goals == {"g-data", "g-hire"} and both.due_date == date(2026, 5, 1)
    assert next(s for s in card.overdue if s.step == "s5").owner == "Director"


def test_dataclasses_are_accepted_as_they_are():
    goal = Goal("g", "One goal")
    group = Workgroup("w", "One group", "g", frozenset({"a"}))
    only = Step("a", "Alder House", "s", "Step", "Dim", "done", None, "", frozenset({"g"}))
    card = build_scorecard(goals=[goal], workgroups=[group], steps=[only], today=TODAY)
    assert card.goals[0].counts.done_share == 1.0 and card.workgroups[0].reporting == 1


def test_the_export_has_one_row_per_tied_or_overdue_step(card):
    columns, rows = scorecard_rows(card)
    assert [c.name for c in columns] == [
        "shared_goals",
        "workgroups",
        "organization_name",
        "action_step",
        "dimension",
        "status",
        "due_on",
        "owner",
        "overdue",
    ]
    assert [str(c.header) for c in columns][:4] == [
        "Shared goals",
        "Workgroups",
        "Organization",
        "Action step",
    ]
    by_step = {row[3]: row for row in rows}
    assert list(by_step) == ["Step 2", "Step 6", "Step 1", "Step 4", "Step 3", "Step 5"]
    assert by_step["Step 2"][:2] == [
        "A workforce that reflects the county; Outcomes by race in every program",
        "Data workgroup; Steering",
    ]
    assert by_step["Step 2"][5:] == ["in_progress", date(2026, 5, 1), "", True]
    assert by_step["Step 5"][:3] == ["", "Steering", "Cedar DSS"]
    assert by_step["Step 5"][8] is True and by_step["Step 1"][8] is False
    assert "Step 7" not in by_step  # neither tied nor overdue


def test_the_scorecard_csv_has_the_status_and_overdue_codes_with_their_labels(card):
    lines = list(
        csv.DictReader(
            io.StringIO(csv_bytes(Sheet("s", *scorecard_rows(card))).decode("utf-8-sig"))
        )
    )
    step2 = next(line for line in lines if line["action_step"] == "Step 2")
    assert (step2["status"], step2["status_name"]) == ("in_progress", "In progress")
    assert (step2["overdue"], step2["overdue_name"], step2["due_on"]) == (
        "true",
        "Yes",
        "2026-05-01",
    )
