"""Reading a measure's counts into what pages, reports and dashboards show.

Privacy comes first: small counts are hidden (outcomes.privacy), and a hidden group's rate
must not be shown or be computable from anything shown. So before any statistic is computed,
the counts of every hidden cell are moved into the "unknown" group: like people of unknown
race, they stay in the total (which privacy's secondary suppression makes safe to show) but
are compared with no one. Their rates, ratios and intervals then exist nowhere, the
best-off group is always a group that is shown, and the indices describe the shown groups.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import Program
from outcomes import metrics
from outcomes.groups import GROUP_KEYS, UNKNOWN, group_label
from outcomes.models import Direction, OutcomeCount, OutcomeMeasure, Standard
from outcomes.privacy import corrected_periods, hidden_pairs, suppress
from outcomes.versions import outcomes_version

# Cached summaries are keyed by the data's version: a day only bounds what the cache holds.
CACHE_SECONDS = 24 * 60 * 60
COUNT_COLUMNS = ["period", "group", "population", "events"]
# What suppression reads: the counts and what of them was kept hidden (outcomes.privacy).
SUPPRESSION_COLUMNS = [*COUNT_COLUMNS, "kept_hidden"]
REFERENCE_TOTAL, REFERENCE_BEST, TOTAL, POOLED = (
    metrics.REFERENCE_TOTAL,
    metrics.REFERENCE_BEST,
    metrics.TOTAL,
    metrics.POOLED,
)
# The cohort compares every member's measures on one definition: the index of disparity on the
# adverse rate (metrics' relative indices always are) against the best-off reliable group.
COHORT_REFERENCE = REFERENCE_BEST


def counts_frame(counts: Iterable[OutcomeCount]) -> pd.DataFrame:
    rows = [(c.period, c.group, c.population, c.events, c.kept_hidden, c.standard) for c in counts]
    return pd.DataFrame(rows, columns=[*SUPPRESSION_COLUMNS, "standard"])


def corrected_note() -> str:
    """Why a period is dark after a hidden count of its year was corrected."""
    return _(
        "Every count of this year is hidden: a count that was hidden to protect small numbers "
        "has been corrected, and comparing what was published before and after the "
        "correction could reveal it."
    )


def outcome_phrase(measure: OutcomeMeasure) -> str:
    """What the reading says people were as likely "to" do."""
    return measure.outcome_phrase or _("have “%(name)s”") % {"name": measure.name}


def reference_label(reference: str, population_noun: str) -> str:
    """The reference, as a choice (`total`, `best`, a group) or a period's reference group
    (POOLED, a group)."""
    if reference in (REFERENCE_TOTAL, POOLED):
        return _(
            "all %(population)s in the groups compared, together (people of unknown race and "
            "groups hidden for privacy left out)"
        ) % {"population": population_noun}
    if reference == REFERENCE_BEST:
        return _("the best-off group with a reliable rate")
    return group_label(reference)


@dataclass(frozen=True)
class MeasureAnalysis:
    """A measure's counts with their privacy flags, and the statistics of what may be shown."""

    measure: OutcomeMeasure
    reference: str
    counts: pd.DataFrame  # one row per (period, group): counts, standard, *_hidden flags
    metrics: metrics.Metrics
    periods: list[str]
    hidden: set[tuple[str, str]] = field(default_factory=set)  # (period, group)
    standard_1997: set[str] = field(default_factory=set)  # periods recorded under 1997
    # Periods dark because a hidden count of their year was corrected (outcomes.privacy).
    corrected: set[str] = field(default_factory=set)

    def headline(self, period: str) -> str:
        return metrics.headline(
            self.metrics, period, population_noun=self.measure.denominator, hidden=self.hidden
        )

    def reading(self, period: str) -> list[str]:
        sentences = metrics.reading(
            self.metrics,
            period,
            outcome=outcome_phrase(self.measure),
            population_noun=self.measure.denominator,
            hidden=self.hidden,
        )
        hidden = sum(1 for p, group in self.hidden if p == period and group != UNKNOWN)
        if hidden:
            sentences.append(
                ngettext(
                    "%(count)d group is left out of the comparison: it is hidden to protect a "
                    "small count, because 10 people or fewer could be recognised by someone "
                    "who knows the program.",
                    "%(count)d groups are left out of the comparison: they are hidden to "
                    "protect small counts, because 10 people or fewer could be recognised by "
                    "someone who knows the program.",
                    hidden,
                )
                % {"count": hidden}
            )
        return sentences

    def period_summary(self, period: str) -> dict | None:
        """The period's summary statistics; None for a period too small to compare."""
        return self._summaries.get(period)

    @cached_property
    def _summaries(self) -> dict[str, dict]:
        summary = self.metrics.summary
        return {record["period"]: record for record in summary.to_dict("records")}


@dataclass(frozen=True)
class GroupRow:
    """One line of a period's table. Counts are None where hidden; the statistics are None
    where hidden, not compared or not defined."""

    key: str
    label: str
    population: int | None
    events: int | None
    hidden: bool = False
    compared: bool = False
    is_total: bool = False
    is_pooled: bool = False  # the compared groups together, the "total" reference
    is_reference: bool = False
    unreliable: bool = False
    ratio_unreliable: bool = False
    rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ratio: float | None = None
    ratio_low: float | None = None
    ratio_high: float | None = None
    difference: float | None = None
    difference_low: float | None = None
    difference_high: float | None = None
    disproportionality: float | None = None

    # Rates and differences are proportions; pages show them as percents (points).
    @property
    def rate_percent(self) -> float | None:
        return _percent(self.rate)

    @property
    def ci_low_percent(self) -> float | None:
        return _percent(self.ci_low)

    @property
    def ci_high_percent(self) -> float | None:
        return _percent(self.ci_high)

    @property
    def difference_points(self) -> float | None:
        return _percent(self.difference)

    @property
    def difference_low_points(self) -> float | None:
        return _percent(self.difference_low)

    @property
    def difference_high_points(self) -> float | None:
        return _percent(self.difference_high)


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


STATISTICS = (
    "rate",
    "ci_low",
    "ci_high",
    "ratio",
    "ratio_low",
    "ratio_high",
    "difference",
    "difference_low",
    "difference_high",
    "disproportionality",
)


def period_rows(analysis: MeasureAnalysis, period: str) -> list[GroupRow]:
    """The groups of one period in the standard's order, then the total."""
    counts = analysis.counts[analysis.counts["period"] == period]
    rates = analysis.metrics.rates
    return _period_rows(analysis, period, counts, rates[rates["period"] == period])


def every_period_rows(analysis: MeasureAnalysis) -> dict[str, list[GroupRow]]:
    """`period_rows` of every period, reading the tables once."""
    rates = analysis.metrics.rates
    by_period = dict(tuple(rates.groupby("period", sort=False)))
    return {
        str(period): _period_rows(
            analysis, str(period), counts, by_period.get(period, rates.iloc[0:0])
        )
        for period, counts in analysis.counts.groupby("period", sort=True)
    }


def _period_rows(analysis, period: str, counts: pd.DataFrame, rates: pd.DataFrame) -> list:
    """The groups, then (when it is the reference) the compared groups together, then all."""
    cells = counts.set_index("group").to_dict("index")
    stats = rates.set_index("group").to_dict("index")
    summary = analysis.period_summary(period)
    reference = summary["reference_group"] if summary else None
    rows = [
        _group_row(
            key,
            group_label(key),
            cells[key],
            None if cells[key]["hidden"] else stats.get(key),
            is_reference=key == reference,
        )
        for key in GROUP_KEYS
        if key in cells
    ]
    total_hidden = (period, TOTAL) in analysis.hidden
    total = {
        "population": int(counts["population"].sum()),
        "events": int(counts["events"].sum()),
        "population_hidden": total_hidden,
        "events_hidden": total_hidden,
        "hidden": total_hidden,
    }
    if reference == POOLED and POOLED in stats:
        rows.append(_pooled_row(stats[POOLED]))
    label = _("All %(population)s") % {"population": analysis.measure.denominator}
    total_stats = None if total_hidden else stats.get(TOTAL)
    rows.append(_group_row(TOTAL, label, total, total_stats, is_total=True))
    return rows


def _pooled_row(stats: dict) -> "GroupRow":
    """The compared groups together: the sums of the rows shown above it, so it reveals
    nothing they do not."""
    cell = {
        "population": stats["population"],
        "events": stats["events"],
        "population_hidden": False,
        "events_hidden": False,
        "hidden": False,
    }
    label = _("Groups compared, together")
    row = _group_row(POOLED, label, cell, stats, is_reference=True)
    return replace(row, compared=False, is_pooled=True)


def _group_row(key, label, cell, stats, *, is_reference=False, is_total=False) -> GroupRow:
    values: dict[str, Any] = {}
    if stats is not None:
        values = {name: number(stats[name]) for name in STATISTICS}
        values["unreliable"] = bool(stats["unreliable"])
        values["ratio_unreliable"] = bool(stats["ratio_unreliable"])
    return GroupRow(
        key=key,
        label=label,
        population=None if cell["population_hidden"] else int(cell["population"]),
        events=None if cell["events_hidden"] else int(cell["events"]),
        hidden=bool(cell["hidden"]),
        compared=stats is not None and not is_total,
        is_total=is_total,
        is_reference=is_reference,
        **values,
    )


def analyse(
    measure: OutcomeMeasure,
    counts: Iterable[OutcomeCount],
    reference: str | None = None,
    siblings: Iterable[OutcomeCount] = (),
) -> MeasureAnalysis | None:
    """None when the measure has no counts yet. `siblings`: the counts of the program's other
    measures, which may count the same people: suppression hides the same populations in
    all of them (outcomes.privacy, linked measures)."""
    frame = counts_frame(counts)
    if frame.empty:
        return None
    reference = reference or measure.reference
    flagged = _suppressed_with_siblings(frame, siblings)
    flagged["standard"] = frame["standard"].to_numpy()
    hidden = hidden_pairs(flagged)
    # A period whose total is hidden has too few people to compare anyone: no statistics.
    comparable = ~flagged["period"].isin({p for p, group in hidden if group == TOTAL})
    statistics = metrics.measure_metrics(
        shareable(flagged[comparable]), favorable=measure.favorable, reference=reference
    )
    statistics = replace(statistics, trend=_missing_as_none(statistics.trend))
    return MeasureAnalysis(
        measure=measure,
        reference=reference,
        counts=flagged,
        metrics=statistics,
        periods=sorted(flagged["period"].unique()),
        hidden=hidden,
        standard_1997=set(flagged.loc[flagged["standard"] == Standard.SPD_1997, "period"]),
        corrected=corrected_periods(flagged),
    )


def _suppressed_with_siblings(frame: pd.DataFrame, siblings: Iterable[OutcomeCount]):
    """This measure's counts flagged, its populations linked with the sibling measures'."""
    others = [
        (c.measure_id, c.period, c.group, c.population, c.events, c.kept_hidden) for c in siblings
    ]
    own = frame[SUPPRESSION_COLUMNS].assign(measure="this")
    columns = ["measure", *SUPPRESSION_COLUMNS]
    if not others:
        return suppress(frame[SUPPRESSION_COLUMNS]).reset_index(drop=True)
    linked = pd.concat([own[columns], pd.DataFrame(others, columns=columns)], ignore_index=True)
    flagged = suppress(linked.assign(program=0), link="program")
    mine = flagged[flagged["measure"] == "this"].drop(columns=["measure", "program"])
    return mine.reset_index(drop=True)


def _missing_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """pandas 3 keeps a missing text (a trend's direction) as NaN; readers test for None."""
    return frame.astype(object).where(frame.notna(), None)


def shareable(flagged: pd.DataFrame) -> pd.DataFrame:
    """The counts to compute statistics on: hidden cells counted as unknown (see above)."""
    frame = flagged.copy()
    frame.loc[frame["hidden"], "group"] = UNKNOWN
    keys = [c for c in ("measure", "period", "group") if c in frame.columns]
    return frame.groupby(keys, as_index=False, sort=True)[["population", "events"]].sum()


# --- One line per measure: program pages, reports, posters ---------------------------------


@dataclass(frozen=True)
class MeasureSummary:
    measure_id: uuid.UUID
    name: str
    direction: str
    favorable: bool
    # The latest period with statistics (else with counts); None: no counts yet.
    period: str | None
    # The gap in percent and points that every output leads with (metrics.headline).
    headline: str = ""
    index_of_disparity: float | None = None  # on the adverse rate, see outcomes.metrics
    maximal_rate_ratio: float | None = None
    cramers_v: float | None = None
    reading: list[str] = field(default_factory=list)
    standard_1997: bool = False
    # Why the period is dark, when a hidden count of its year was corrected (corrected_note).
    corrected_note: str = ""


def program_disparity(program: Program, *, reading: bool = True) -> list[MeasureSummary]:
    """Each measure of the program, its latest period summarised. Cached by the program's
    outcome data version (outcomes.versions) and the language its sentences are in: one
    query when cached, three when not. `reading`: whether to write each summary's reading
    too (a poster prints only the headline, and the reading costs as much as the headline)."""
    version = outcomes_version(program.pk)
    language = translation.get_language()
    key = f"outcomes:disparity:{program.pk}:{version}:{language}:{int(reading)}"
    found = cache.get(key)
    if found is None:
        found = _program_disparity(program, reading=reading)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _program_disparity(program: Program, *, reading: bool) -> list[MeasureSummary]:
    measures = list(
        program.outcome_measures.prefetch_related(
            Prefetch("counts", queryset=OutcomeCount.objects.order_by("period", "group"))
        )
    )
    return [
        measure_summary(
            measure, measure.counts.all(), siblings=_siblings(measure, measures), reading=reading
        )
        for measure in measures
    ]


def sibling_counts(measure: OutcomeMeasure):
    """The program's other measures' counts: suppression links their populations."""
    return OutcomeCount.objects.filter(measure__program_id=measure.program_id).exclude(
        measure=measure
    )


def _siblings(measure: OutcomeMeasure, measures: list[OutcomeMeasure]) -> list[OutcomeCount]:
    return [count for other in measures if other.pk != measure.pk for count in other.counts.all()]


def measure_summary(
    measure: OutcomeMeasure,
    counts: Iterable[OutcomeCount],
    siblings: Iterable[OutcomeCount] = (),
    *,
    reading: bool = True,
) -> MeasureSummary:
    analysis = analyse(measure, counts, siblings=siblings)
    base: dict[str, Any] = {
        "measure_id": measure.pk,
        "name": measure.name,
        "direction": measure.direction,
        "favorable": measure.favorable,
    }
    if analysis is None:
        return MeasureSummary(**base, period=None)
    compared = analysis.metrics.summary["period"]
    if compared.empty:  # no period has people enough to compare groups
        period = analysis.periods[-1]
        return MeasureSummary(
            **base,
            period=period,
            standard_1997=period in analysis.standard_1997,
            corrected_note=corrected_note() if period in analysis.corrected else "",
        )
    period = str(compared.iloc[-1])
    row = analysis.period_summary(period)
    assert row is not None  # the period was compared
    return MeasureSummary(
        **base,
        period=period,
        headline=analysis.headline(period),
        index_of_disparity=number(row["index_of_disparity"]),
        maximal_rate_ratio=number(row["maximal_rate_ratio"]),
        cramers_v=number(row["cramers_v"]),
        reading=analysis.reading(period) if reading else [],
        standard_1997=period in analysis.standard_1997,
    )


def number(value) -> float | None:
    """A plain float, or None for a missing or undefined (NaN) value."""
    return None if value is None or pd.isna(value) else float(value)


# --- Many programs at once: the cohort dashboard --------------------------------------------

TREND_COLUMNS = [
    "measure",
    "measure_name",
    "program",
    "direction",
    "reference",
    "period",
    "cramers_v",
    "index_of_disparity",
    "maximal_rate_ratio",
]


def programs_disparity_trend(program_ids: Iterable) -> pd.DataFrame:
    """Per measure and period of these programs, the disparity summary; one query.

    Comparable across measures and organizations: every measure is read against the same
    reference definition (COHORT_REFERENCE, the best-off reliable group, whatever the
    measure's own page shows by default), and the relative indices are on the adverse rate
    whether the measure is favorable or adverse. `measure` and `program` are ids (text and
    UUID). Periods too small to compare are left out."""
    rows = list(
        OutcomeCount.objects.filter(measure__program_id__in=list(program_ids)).values_list(
            "measure_id",
            "measure__name",
            "measure__program_id",
            "measure__direction",
            *SUPPRESSION_COLUMNS,
        )
    )
    if not rows:
        return pd.DataFrame(columns=TREND_COLUMNS)
    frame = pd.DataFrame(rows, columns=[*TREND_COLUMNS[:4], *SUPPRESSION_COLUMNS])
    frame["measure"] = frame["measure"].astype(str)
    frame["reference"] = COHORT_REFERENCE
    measures = frame.drop_duplicates("measure").set_index("measure")[TREND_COLUMNS[1:5]]
    counts = _comparable_counts(frame[["measure", "program", *SUPPRESSION_COLUMNS]])
    if counts.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    favorable = measures["direction"].eq(Direction.FAVORABLE).to_dict()
    result = metrics.many_measures(counts, favorable=favorable, reference=COHORT_REFERENCE)
    result = result.join(measures, on="measure")
    order = ["program", "measure_name", "measure", "period"]
    return result[TREND_COLUMNS].sort_values(order, ignore_index=True)


def _comparable_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Many measures' counts, suppressed and made shareable, without the periods whose total
    is hidden (privacy flags a "total" row given with the groups)."""
    keys = ["measure", "period"]
    totals = frame.groupby([*keys, "program"], as_index=False)[["population", "events"]].sum()
    totals["group"] = TOTAL
    flagged = suppress(pd.concat([frame, totals], ignore_index=True), link="program")
    is_total = flagged["group"] == TOTAL
    hidden_totals = flagged.loc[is_total & flagged["hidden"], keys]
    groups = flagged[~is_total].merge(hidden_totals, on=keys, how="left", indicator=True)
    return shareable(groups[groups["_merge"] == "left_only"].drop(columns="_merge"))
