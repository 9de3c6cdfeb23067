"""A measure's downloads as sheets, each column described once (valuecurve.exports writes
them as CSV, Excel and the data dictionary).

The counts come from `summary.every_period_rows`, already suppressed: a hidden count is None
there and stays an empty cell here. Nothing here decides what is hidden.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from outcomes import summary
from outcomes.groups import GROUP_KEYS, GROUPS
from outcomes.models import OutcomeMeasure, Standard
from valuecurve.exports import Column, Sheet

SUPPRESSED, CORRECTED, REFERENCE_EMPTY, UNRELIABLE_RATE, UNRELIABLE_RATIO = (
    "suppressed",
    "corrected",
    "reference_empty",
    "unreliable_rate",
    "unreliable_ratio",
)


def note_labels() -> dict[str, str]:
    return {
        SUPPRESSED: _("suppressed (1–10)"),
        CORRECTED: _("suppressed: a hidden count of this year was corrected"),
        REFERENCE_EMPTY: _("reference with no one counted: no ratios"),
        UNRELIABLE_RATE: _("unreliable rate (NCHS standard for proportions)"),
        UNRELIABLE_RATIO: _("unreliable ratio: the reference's rate is unreliable"),
    }


def group_labels(measure: OutcomeMeasure) -> dict[str, str | Promise]:
    """Each group, then the compared groups together and everyone, as the measure's page
    names them."""
    return {
        **dict(GROUPS),
        summary.POOLED: _("Groups compared, together"),
        summary.TOTAL: _("All %(population)s") % {"population": measure.denominator},
    }


def group_column(measure: OutcomeMeasure) -> Column:
    return Column(
        "group",
        _("Group"),
        _(
            "The race and ethnicity group (2024 federal standard), the groups compared "
            "together, or everyone counted."
        ),
        codes=group_labels(measure),
        code_header=_("Group code"),
    )


def counts_columns(measure: OutcomeMeasure) -> list[Column]:
    rate = _("Events per person counted, as a proportion from 0 to 1.")
    return [
        Column("measure", _("Measure"), _("The outcome measure's name.")),
        Column("period", _("Period"), _("The year, quarter (2026-Q1) or month (2026-03).")),
        group_column(measure),
        Column(
            "standard",
            _("Standard"),
            _("The federal standard the counts were recorded under."),
            codes=dict(Standard.choices),
            code_header=_("Standard code"),
        ),
        Column(
            "population",
            _("Population"),
            _("How many were counted; empty where hidden to protect small counts."),
        ),
        Column(
            "events",
            _("Events"),
            _("How many had the outcome; empty where hidden to protect small counts."),
        ),
        Column("rate", _("Rate"), rate),
        Column(
            "rate_ci_low",
            _("Rate, lower limit (95%)"),
            _("The low end of the rate's interval (95%)."),
        ),
        Column(
            "rate_ci_high",
            _("Rate, upper limit (95%)"),
            _("The high end of the rate's interval (95%)."),
        ),
        Column("ratio", _("Rate ratio"), _("The group's rate divided by the reference's rate.")),
        Column(
            "ratio_ci_low",
            _("Ratio, lower limit (95%)"),
            _("The low end of the ratio's interval (95%)."),
        ),
        Column(
            "ratio_ci_high",
            _("Ratio, upper limit (95%)"),
            _("The high end of the ratio's interval (95%)."),
        ),
        Column(
            "reference",
            _("Reference group"),
            _("The group each group's rate is compared with in this period."),
            codes=group_labels(measure),
            code_header=_("Reference group code"),
        ),
        Column(
            "note",
            _("Note"),
            _("Why a figure is hidden or should be read with care; empty when neither."),
            codes=note_labels(),
            code_header=_("Note code"),
        ),
    ]


def counts_sheet(analysis: summary.MeasureAnalysis | None, measure: OutcomeMeasure) -> Sheet:
    """Every period of the measure, oldest first, each group then the total."""
    rows = []
    if analysis is not None:
        for period, period_rows in summary.every_period_rows(analysis).items():
            rows += _period_rows(analysis, period, period_rows)
    return Sheet(_("Counts"), counts_columns(measure), rows)


def _period_rows(
    analysis: summary.MeasureAnalysis, period: str, period_rows: list[summary.GroupRow]
) -> list[list]:
    summary_row = analysis.period_summary(period)
    reference = summary_row["reference_group"] if summary_row else None
    standard = Standard.SPD_1997 if period in analysis.standard_1997 else Standard.SPD_2024
    return [
        [
            analysis.measure.name,
            period,
            row.key,
            str(standard),
            row.population,
            row.events,
            *(_rounded(v) for v in (row.rate, row.ci_low, row.ci_high)),
            *(_rounded(v) for v in (row.ratio, row.ratio_low, row.ratio_high)),
            reference or None,
            CORRECTED if period in analysis.corrected else _note(row),
        ]
        for row in period_rows
    ]


def _rounded(value):
    return round(value, 6) if isinstance(value, float) else value


def _note(row: summary.GroupRow) -> str | None:
    if row.hidden:
        return SUPPRESSED
    if row.is_reference and row.rate is None:
        return REFERENCE_EMPTY
    if row.unreliable:
        return UNRELIABLE_RATE
    if row.ratio_unreliable and row.ratio is not None and not row.is_reference:
        return UNRELIABLE_RATIO
    return None


def template_sheet(measure: OutcomeMeasure, period: str) -> Sheet:
    """The import file to fill in: the columns the import reads (outcomes.imports), one row
    per group with zero counts."""
    columns = [
        Column("period", _("Period"), _("The period the counts are for.")),
        Column(
            "group",
            _("Group"),
            _("The race and ethnicity group (2024 federal standard)."),
            codes=dict(GROUPS),
            code_header=_("Group code"),
        ),
        Column("population", _("Population"), _("How many were counted.")),
        Column("events", _("Events"), _("How many had the outcome.")),
    ]
    rows = [[period, key, 0, 0] for key in GROUP_KEYS]
    return Sheet(_("Counts"), columns, rows)
