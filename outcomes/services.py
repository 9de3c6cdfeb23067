"""Writing outcome measures and counts. Every change is recorded in the models' history."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from outcomes import signals
from outcomes.imports import CountRow
from outcomes.models import OutcomeCount, OutcomeMeasure, Standard
from outcomes.privacy import KEPT_CORRECTED, kept_after_correction, suppress

COUNT_FIELDS = ["population", "events", "standard"]
BATCH = 1000


@dataclass(frozen=True)
class CountsSaved:
    added: int
    updated: int
    removed: int = 0
    unchanged: int = 0


def measure_save(*, measure: OutcomeMeasure, by) -> OutcomeMeasure:
    """Create (recording who created it) or update a measure."""
    if measure._state.adding:
        measure.created_by = by
    measure._history_user = by
    measure.save()
    _changed(measure)
    return measure


def measure_delete(*, measure: OutcomeMeasure, by) -> None:
    """Delete a measure and its counts; the history keeps them (the counts' deletions are
    recorded with the request's user, by the history middleware)."""
    measure._history_user = by
    measure.delete()
    _changed(measure)


@transaction.atomic
def counts_import(*, measure: OutcomeMeasure, rows: list[CountRow], by) -> CountsSaved:
    """Add the rows' counts; a (period, group) the measure already has takes the new values."""
    # What pages show now is kept hidden after the change too (outcomes.privacy).
    suppression_remember(program_id=measure.program_id)
    existing = {
        (c.period, c.group): c
        for c in measure.counts.filter(period__in={r.period for r in rows}).select_for_update()
    }
    added, changed = [], []
    for row in rows:
        count = existing.get((row.period, row.group))
        if count is None:
            added.append(OutcomeCount(measure=measure, period=row.period, group=row.group))
            count = added[-1]
        elif _values(count) == (row.population, row.events, row.standard):
            continue
        else:
            changed.append(count)
            count.kept_hidden = _kept_after_correction(count, row)
        count.population, count.events, count.standard = row.population, row.events, row.standard
    if added:
        bulk_create_with_history(added, OutcomeCount, batch_size=BATCH, default_user=by)
    if changed:
        _update_counts(changed, by)
    if added or changed:
        _changed(measure)
    unchanged = len(rows) - len(added) - len(changed)
    return CountsSaved(added=len(added), updated=len(changed), unchanged=unchanged)


def _kept_after_correction(count: OutcomeCount, row: CountRow) -> int | None:
    """The count's kept level once corrected to the row's values: a hidden part corrected
    marks its program-year to go dark (outcomes.privacy)."""
    level = kept_after_correction(
        count.kept_hidden,
        count.population != row.population,
        count.events != row.events,
    )
    return None if np.isnan(level) else int(level)


def _changed(measure: OutcomeMeasure) -> None:
    suppression_remember(program_id=measure.program_id)
    signals.outcomes_changed.send(sender=OutcomeMeasure, program_id=measure.program_id)


def suppression_remember(*, program_id) -> int:
    """Store with each of the program's counts what of it stays hidden from now on: the
    program's measures suppressed together, hiding at least what they hid before. Returns
    how many counts changed."""
    columns = ["pk", "measure", "period", "group", "population", "events", "kept_hidden"]
    rows = OutcomeCount.objects.filter(measure__program_id=program_id).values_list(
        "pk", "measure_id", "period", "group", "population", "events", "kept_hidden"
    )
    frame = pd.DataFrame(list(rows), columns=columns)
    if frame.empty:
        return 0
    before = pd.to_numeric(frame["kept_hidden"], errors="coerce").fillna(-1).to_numpy(int)
    kept = suppress(frame.assign(program=0), link="program")["kept_hidden"].to_numpy(int)
    changed = [
        (int(level), int(pk))
        for level, pk, old in zip(kept, frame["pk"], before, strict=True)
        if level != old
    ]
    if changed:
        quote, meta = connection.ops.quote_name, OutcomeCount._meta
        column = _column(meta.get_field("kept_hidden"))
        sql = f"UPDATE {quote(meta.db_table)} SET {column} = %s WHERE {_column(meta.pk)} = %s"
        with connection.cursor() as cursor:
            cursor.executemany(sql, changed)
    return len(changed)


def _column(field) -> str:
    """A concrete field's column, quoted for raw SQL."""
    return connection.ops.quote_name(field.column)


def _values(count: OutcomeCount) -> tuple[int, int, str]:
    return count.population, count.events, count.standard


def _update_counts(counts: list[OutcomeCount], by) -> None:
    """Save the counts' new values and kept levels, with their history.

    Django's bulk_update builds a CASE expression per row and field, which takes tens of
    seconds for an import that changes tens of thousands of counts; one parameterised UPDATE
    run for every row takes a fraction of a second, on SQLite and PostgreSQL alike."""
    quote, meta = connection.ops.quote_name, OutcomeCount._meta
    fields = [*COUNT_FIELDS, "kept_hidden"]
    columns = ", ".join(f"{_column(meta.get_field(name))} = %s" for name in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {columns} WHERE {_column(meta.pk)} = %s"
    values = [(*_values(count), count.kept_hidden, count.pk) for count in counts]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    OutcomeCount.history.bulk_history_create(counts, update=True, default_user=by, batch_size=BATCH)


@transaction.atomic
def counts_save_period(
    *,
    measure: OutcomeMeasure,
    period: str,
    values: dict[str, tuple[int, int]],
    standard: str = Standard.SPD_2024,
    by,
) -> CountsSaved:
    """Set one period's counts: the groups given take these values, the others are removed."""
    rows = [
        CountRow(0, period, group, population, events, standard)
        for group, (population, events) in values.items()
    ]
    saved = counts_import(measure=measure, rows=rows, by=by)
    removed, hidden_removed = 0, False
    for count in measure.counts.filter(period=period).exclude(group__in=values):
        hidden_removed |= kept_after_correction(count.kept_hidden, True, True) == KEPT_CORRECTED
        count._history_user = by
        count.delete()
        removed += 1
    if hidden_removed:
        # A hidden count removed is corrected to nothing: its program-year (the rule's year
        # is the period's first four characters) goes dark through the counts left in it.
        OutcomeCount.objects.filter(
            measure__program_id=measure.program_id, period__startswith=period[:4]
        ).update(kept_hidden=KEPT_CORRECTED)
    if removed:
        _changed(measure)
    return CountsSaved(saved.added, saved.updated, removed, saved.unchanged)
