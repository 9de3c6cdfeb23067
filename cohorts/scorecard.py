"""The cohort's implementation scorecard: members' action steps by shared goal and workgroup.

Plain data in, plain data out. The caller passes only the steps of members whose consent
covers their action plans (`CohortMember.shares_plans`): nothing here checks consent.

Rules:
- A goal's steps are the steps tied to it (a `GoalLink`); a step may be tied to several.
- A workgroup's steps are its member organizations' steps tied to the workgroup's goal, or
  all their steps when the workgroup has no goal.
- The done share counts the steps still in the plans (dropped ones are left out).
- A step is overdue when it is open (not started or in progress) and due before today.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from assessments.models import PlanStep
from reports.scorecard import OPEN, STATUSES

STEP_FIELDS = (
    "organization",
    "organization_name",
    "step",
    "title",
    "dimension",
    "status",
    "due_date",
    "owner",
    "goals",
)


@dataclass(frozen=True)
class Goal:
    id: object
    title: str
    target_year: int | None = None
    measure: str = ""
    target: str = ""
    target_date: date | None = None


@dataclass(frozen=True)
class Workgroup:
    id: object
    name: str
    goal_id: object | None
    organizations: frozenset


@dataclass(frozen=True)
class Step:
    organization: object
    organization_name: str
    step: object
    title: str
    dimension: str
    status: str
    due_date: date | None
    owner: str
    goals: frozenset

    def is_overdue(self, today: date) -> bool:
        return self.status in OPEN and self.due_date is not None and self.due_date < today

    @property
    def status_label(self) -> str:
        return _status_label(self.status)


@dataclass(frozen=True)
class Counts:
    by_status: dict[str, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def done_share(self) -> float | None:
        """Share of the steps still in the plans (not dropped) that are done."""
        active = self.total - self.by_status["dropped"]
        return round(self.by_status["done"] / active, 2) if active else None


@dataclass(frozen=True)
class GoalCard:
    goal: Goal
    steps: list[Step]
    counts: Counts
    organizations: int  # members with at least one step tied to the goal


@dataclass(frozen=True)
class WorkgroupCard:
    workgroup: Workgroup
    goal: Goal | None
    members: int
    reporting: int  # members with at least one step counted here
    counts: Counts


@dataclass(frozen=True)
class CohortScorecard:
    today: date
    goals: list[GoalCard]
    workgroups: list[WorkgroupCard]
    overdue: list[Step]
    totals: Counts
    untied: int  # steps tied to no goal


def count(steps: Iterable[Step], today: date) -> Counts:
    steps = list(steps)
    statuses = Counter(s.status for s in steps)
    return Counts(
        {status: statuses.get(status, 0) for status in STATUSES},
        sum(1 for s in steps if s.is_overdue(today)),
    )


def build_scorecard(
    *,
    goals: Iterable[Goal | Mapping],
    workgroups: Iterable[Workgroup | Mapping],
    steps: pd.DataFrame | Iterable[Step | Mapping],
    today: date,
) -> CohortScorecard:
    """The scorecard, goals and workgroups in the order given.

    `steps` has the fields of `STEP_FIELDS` (`goals`: the ids of the goals the step is tied
    to). Rows with the same step id are merged, their goals joined: one row per goal link,
    as a join gives them, is fine.
    """
    goal_list: list[Goal] = [_as(Goal, g) for g in goals]
    workgroup_list: list[Workgroup] = [_as(Workgroup, w) for w in workgroups]
    steps = parse_steps(steps)
    by_id = {g.id: g for g in goal_list}
    return CohortScorecard(
        today=today,
        goals=[_goal_card(goal, steps, today) for goal in goal_list],
        workgroups=[_workgroup_card(w, by_id.get(w.goal_id), steps, today) for w in workgroup_list],
        overdue=overdue_steps(steps, today),
        totals=count(steps, today),
        untied=sum(1 for s in steps if not s.goals & by_id.keys()),
    )


def overdue_steps(steps: list[Step], today: date) -> list[Step]:
    """Open steps due before today, the longest overdue first."""
    late = (s for s in steps if s.is_overdue(today))
    return sorted(late, key=lambda s: (s.due_date, s.organization_name, s.title))


def workgroup_steps(workgroup: Workgroup, steps: list[Step]) -> list[Step]:
    return [
        s
        for s in steps
        if s.organization in workgroup.organizations
        and (workgroup.goal_id is None or workgroup.goal_id in s.goals)
    ]


def _goal_card(goal: Goal, steps: list[Step], today: date) -> GoalCard:
    tied = sorted(
        (s for s in steps if goal.id in s.goals),
        key=lambda s: (s.organization_name, s.dimension, s.title),
    )
    return GoalCard(goal, tied, count(tied, today), len({s.organization for s in tied}))


def _workgroup_card(
    workgroup: Workgroup, goal: Goal | None, steps: list[Step], today: date
) -> WorkgroupCard:
    counted = workgroup_steps(workgroup, steps)
    return WorkgroupCard(
        workgroup=workgroup,
        goal=goal,
        members=len(workgroup.organizations),
        reporting=len({s.organization for s in counted}),
        counts=count(counted, today),
    )


# --- Parsing plain data -----------------------------------------------------------------------


def _as(kind, value):
    if isinstance(value, kind):
        return value
    if kind is Workgroup:
        value = {**value, "organizations": frozenset(value.get("organizations") or ())}
        value.setdefault("goal_id", None)
    return kind(**{k: v for k, v in value.items() if k in kind.__dataclass_fields__})


def parse_steps(steps: pd.DataFrame | Iterable[Step | Mapping]) -> list[Step]:
    """Steps from a frame, mappings or `Step`s; rows of the same step merged."""
    if isinstance(steps, pd.DataFrame):
        steps = steps.to_dict("records")
    merged: dict[object, Step] = {}
    for row in steps:
        step = row if isinstance(row, Step) else _step(row)
        seen = merged.get(step.step)
        merged[step.step] = step if seen is None else _with_goals(seen, step.goals)
    return list(merged.values())


def _step(row: Mapping) -> Step:
    values = {field: _missing_as_none(row.get(field)) for field in STEP_FIELDS}
    goals = values["goals"]
    if goals is None:
        goals = ()
    elif isinstance(goals, str) or not isinstance(goals, Iterable):
        goals = (goals,)  # a single goal id, as one row per link gives it
    values["goals"] = frozenset(g for g in goals if _missing_as_none(g) is not None)
    values["owner"] = values["owner"] or ""
    if isinstance(values["due_date"], pd.Timestamp):
        values["due_date"] = values["due_date"].date()
    return Step(**values)


def _with_goals(step: Step, goals: frozenset) -> Step:
    return Step(**{**step.__dict__, "goals": step.goals | goals})


def _missing_as_none(value):
    if value is None or value is pd.NaT:
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):  # a list or a set: not a missing scalar
        return value


def _status_label(status: str) -> str:
    try:
        return str(PlanStep.Status(status).label)
    except ValueError:
        return status
