"""The cohort's downloads as sheets: the dashboard's tables and the scorecard, each column
described once (valuecurve.exports writes them as CSV, Excel and the data dictionary).

Plain data in: the dashboard's frames and the scorecard, already limited to what the session
may see and already suppressed (cohorts.tables, cohorts.sharing). Nothing here decides who is
shown or which figure is hidden: it only lays out what it is given.

Cycles are the cohort's rounds: their names with their dates, in the order of cycles
(assessments.models.CYCLE_ORDER, as `rounds` gives them, newest first).
"""

from datetime import date
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from assessments.levels import LEVEL_NAMES
from assessments.models import Organization, PlanStep
from cohorts.rounds import RoundProgress
from cohorts.scorecard import CohortScorecard, Step, WorkgroupCard, workgroup_steps
from cohorts.tables import Spread
from valuecurve.exports import Column, Sheet

# --- Columns used by several sheets ------------------------------------------------------------


def organization_column() -> Column:
    return Column("organization_name", _("Organization"), _("The member organization's name."))


def sector_column() -> Column:
    return Column(
        "sector",
        _("Sector"),
        _("The kind of organization the member is."),
        codes=dict(Organization.Sector.choices),
        code_header=_("Sector code"),
    )


def region_column() -> Column:
    return Column("region", _("Region"), _("The region the organization gave in its profile."))


def cycle_columns() -> list[Column]:
    """The cycle shown: its name and dates."""
    return [
        Column("cycle", _("Cycle"), _("The cohort round: each member's cycle of that name.")),
        Column("cycle_starts_on", _("Cycle starts on"), _("The day the round opens.")),
        Column(
            "cycle_ends_on",
            _("Cycle ends on"),
            _("The round's deadline: the last day members can submit."),
        ),
    ]


def earlier_cycle_columns() -> list[Column]:
    return [
        Column("earlier_cycle", _("Earlier cycle"), _("The cohort round compared with.")),
        Column("earlier_cycle_starts_on", _("Earlier cycle starts on"), _("The day it opens.")),
        Column("earlier_cycle_ends_on", _("Earlier cycle ends on"), _("Its deadline.")),
    ]


def later_cycle_columns() -> list[Column]:
    return [
        Column("later_cycle", _("Later cycle"), _("The cohort round shown on the dashboard.")),
        Column("later_cycle_starts_on", _("Later cycle starts on"), _("The day it opens.")),
        Column("later_cycle_ends_on", _("Later cycle ends on"), _("Its deadline.")),
    ]


def cycle_values(rounds: list[RoundProgress], name: str) -> list:
    """A round's name and dates; a round no longer found keeps its name, with no dates."""
    found = next((r for r in rounds if r.name == name), None)
    return [name or None, found.starts_on if found else None, found.ends_on if found else None]


def cycle_positions(rounds: list[RoundProgress]) -> dict[str, int]:
    """Each round's place in the order of cycles, oldest first (`rounds` is newest first)."""
    return {r.name: n for n, r in enumerate(reversed(rounds))}


def level_column(key: str, name: str) -> Column:
    return Column(
        f"{key}_level",
        _("%(dimension)s level") % {"dimension": name},
        _("The level in %(dimension)s, from 0 (not yet in place) to 4 (generative).")
        % {"dimension": name},
        codes=LEVEL_NAMES,
        code_header=_("%(dimension)s level (0–4)") % {"dimension": name},
    )


def index_column(key: str, name: str) -> Column:
    return Column(
        f"{key}_index",
        _("%(dimension)s index") % {"dimension": name},
        _(
            "The index in %(dimension)s: a score from 0 to 4, two decimals; empty where not "
            "compared."
        )
        % {"dimension": name},
    )


def dimension_columns(dimensions: dict[str, str]) -> list[Column]:
    columns = []
    for key, name in dimensions.items():
        columns += [level_column(key, name), index_column(key, name)]
    return columns


# --- The levels export -------------------------------------------------------------------------


def level_sheets(board) -> list[Sheet]:
    """The dashboard's tables (a `cohorts.dashboard.Dashboard`), the programs first: the CSV
    download is that first sheet."""
    rounds, cycle, dimensions = board.rounds, board.filters.cycle, board.dimensions
    return [
        Sheet(_("Programs"), *program_rows(board.rows, dimensions, rounds)),
        Sheet(_("Organizations"), *organization_rows(board.table, dimensions, rounds, cycle)),
        Sheet(_("Cohort"), *spread_rows(board.spreads, dimensions, rounds, cycle)),
        Sheet(_("Change"), *change_rows(board.change, rounds, board.filters.compare, cycle)),
    ]


PROGRAM_KEYS = ["organization_name", "sector", "region", "program_name", "service_area", "cycle"]


def program_columns(dimensions: dict[str, str]) -> list[Column]:
    return [
        organization_column(),
        sector_column(),
        region_column(),
        Column("program_name", _("Program"), _("The program's name.")),
        Column("service_area", _("Service area"), _("The program's service area.")),
        *cycle_columns(),
        *dimension_columns(dimensions),
    ]


def program_rows(
    frame: pd.DataFrame, dimensions: dict[str, str], rounds: list[RoundProgress]
) -> tuple[list[Column], list[list]]:
    """One row per program and cycle, its level and index per dimension; by organization,
    program, then cycle in the order of cycles."""
    columns = program_columns(dimensions)
    if frame.empty:
        return columns, []
    wide = frame.pivot_table(
        index=[*PROGRAM_KEYS, "program"],
        columns="dimension",
        values=["level", "index"],
        aggfunc="first",
    ).reset_index()
    cycles = {name: cycle_values(rounds, name) for name in wide[("cycle", "")].unique()}
    rows = []
    for record in wide.itertuples(index=False):
        values: dict[Any, Any] = dict(zip(wide.columns, record, strict=True))
        row = [values[(key, "")] for key in PROGRAM_KEYS[:-1]]
        row += cycles[values[("cycle", "")]]
        for key in dimensions:
            row += [_int(values.get(("level", key))), _round(values.get(("index", key)))]
        rows.append(row)
    order = cycle_positions(rounds)
    return columns, sorted(rows, key=lambda r: (r[0], r[3], order.get(r[5], len(order))))


def organization_rows(
    table: pd.DataFrame, dimensions: dict[str, str], rounds: list[RoundProgress], cycle: str
) -> tuple[list[Column], list[list]]:
    columns = [
        organization_column(),
        sector_column(),
        region_column(),
        Column("programs", _("Programs"), _("How many of its programs were assessed.")),
        *cycle_columns(),
        *dimension_columns(dimensions),
        Column(
            "overall_level",
            _("Overall level"),
            _("The organization's lowest level across the dimensions, from 0 to 4."),
            codes=LEVEL_NAMES,
            code_header=_("Overall level (0–4)"),
        ),
        Column(
            "overall_index",
            _("Overall index"),
            _("The mean of the organization's dimension indexes, from 0 to 4, two decimals."),
        ),
    ]
    cycle_cells = cycle_values(rounds, cycle)
    rows = []
    for record in table.to_dict("records"):
        row = [record["organization_name"], record["sector"], record["region"]]
        row += [_int(record["programs"]), *cycle_cells]
        for key in dimensions:
            row += [_int(record[f"{key}_level"]), _round(record[f"{key}_index"])]
        rows.append([*row, _int(record["level"]), _round(record["index"])])
    return columns, rows


def spread_rows(
    spreads: dict[str, Spread], dimensions: dict[str, str], rounds: list[RoundProgress], cycle: str
) -> tuple[list[Column], list[list]]:
    """The middle of the cohort per dimension; a figure over fewer than five organizations
    is the word "suppressed", as the dashboard decided."""
    names = {**dimensions, "overall": _("Overall")}
    columns = [
        Column(
            "dimension",
            _("Dimension"),
            _("The dimension, or overall."),
            codes=names,
            code_header=_("Dimension code"),
        ),
        *cycle_columns(),
        Column("organizations", _("Organizations"), _("How many organizations are compared.")),
        Column(
            "lower_quartile",
            _("Lower quartile"),
            _(
                "A quarter of the organizations have an index below this; “suppressed” where "
                "fewer than five organizations are compared."
            ),
        ),
        Column(
            "median",
            _("Median"),
            _(
                "Half of the organizations have an index below this; “suppressed” where fewer "
                "than five organizations are compared."
            ),
        ),
        Column(
            "upper_quartile",
            _("Upper quartile"),
            _(
                "Three quarters of the organizations have an index below this; “suppressed” "
                "where fewer than five organizations are compared."
            ),
        ),
    ]
    cycle_cells = cycle_values(rounds, cycle)
    suppressed = (_("suppressed"),) * 3
    rows = [
        [
            key,
            *cycle_cells,
            s.organizations,
            *(suppressed if s.suppressed else (s.q1, s.median, s.q3)),
        ]
        for key, s in spreads.items()
    ]
    return columns, rows


def change_rows(
    change: pd.DataFrame, rounds: list[RoundProgress], before: str, after: str
) -> tuple[list[Column], list[list]]:
    """Each organization's overall index in the earlier and the later cycle, most improved
    first."""
    columns = [
        organization_column(),
        *earlier_cycle_columns(),
        Column(
            "earlier_index",
            _("Earlier index"),
            _("The overall index in the earlier cycle, over the dimensions compared in both."),
        ),
        *later_cycle_columns(),
        Column(
            "later_index",
            _("Later index"),
            _("The overall index in the later cycle, over the dimensions compared in both."),
        ),
        Column("change", _("Change"), _("The later index less the earlier one.")),
    ]
    before_cells, after_cells = cycle_values(rounds, before), cycle_values(rounds, after)
    rows = [
        [
            r.organization_name,
            *before_cells,
            _round(r.before),
            *after_cells,
            _round(r.after),
            _round(r.change),
        ]
        for r in change.itertuples()
    ]
    return columns, rows


# --- The scorecard export ----------------------------------------------------------------------


def scorecard_sheets(scorecard: CohortScorecard) -> list[Sheet]:
    return [Sheet(_("Scorecard"), *scorecard_rows(scorecard))]


def scorecard_columns() -> list[Column]:
    return [
        Column("shared_goals", _("Shared goals"), _("The cohort's goals the step is tied to.")),
        Column(
            "workgroups",
            _("Workgroups"),
            _("The workgroups whose members and goal the step is in."),
        ),
        organization_column(),
        Column("action_step", _("Action step"), _("The step's title in the member's plan.")),
        Column("dimension", _("Dimension"), _("The dimension the step belongs to.")),
        Column(
            "status",
            _("Status"),
            _("Where the step stands."),
            codes=dict(PlanStep.Status.choices),
            code_header=_("Status code"),
        ),
        Column("due_on", _("Due"), _("The day the step is due; empty when it has none.")),
        Column("owner", _("Owner"), _("Who in the member organization owns the step.")),
        Column(
            "overdue",
            _("Overdue"),
            _("Whether the step is open and due before the day of the download."),
            codes={True: _("Yes"), False: _("No")},
            code_header=_("Overdue (true or false)"),
        ),
    ]


def scorecard_rows(scorecard: CohortScorecard) -> tuple[list[Column], list[list]]:
    """One row per step tied to a goal or overdue, in goal order, then the overdue untied."""
    order = {card.goal.id: n for n, card in enumerate(scorecard.goals)}
    titles = {card.goal.id: card.goal.title for card in scorecard.goals}
    steps = {s.step: s for card in scorecard.goals for s in card.steps}
    steps.update({s.step: s for s in scorecard.overdue})
    rows = []
    for step in sorted(steps.values(), key=lambda s: _row_order(s, order)):
        goals = sorted((g for g in step.goals if g in order), key=lambda g: order[g])
        rows.append(
            [
                "; ".join(titles[g] for g in goals),
                "; ".join(_workgroups_of(step, scorecard.workgroups)),
                step.organization_name,
                step.title,
                step.dimension,
                step.status,
                step.due_date,
                step.owner,
                step.is_overdue(scorecard.today),
            ]
        )
    return scorecard_columns(), rows


def _row_order(step: Step, order: dict) -> tuple:
    first_goal = min((order[g] for g in step.goals if g in order), default=len(order))
    return (first_goal, step.organization_name, step.due_date or date.max, step.title)


def _workgroups_of(step: Step, cards: list[WorkgroupCard]) -> list[str]:
    return [c.workgroup.name for c in cards if workgroup_steps(c.workgroup, [step])]


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _round(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 2)
