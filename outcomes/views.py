"""Equity outcomes pages: a program's measures, one measure's disparities, entering counts."""

import copy
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.access import Need, program_for_user
from outcomes import charts, services, sheets, summary
from outcomes.access import outcome_measure_for_user
from outcomes.forms import CountsEntryForm, CountsImportForm, MeasureForm
from outcomes.groups import COMPARED_GROUPS, STANDARD_1997_NOTE, group_label
from outcomes.metrics import MIN_POPULATION, TREND_METRICS, adverse_framing_note
from outcomes.models import (
    REFERENCE_CHOICES,
    Granularity,
    OutcomeMeasure,
    Standard,
)
from valuecurve import exports, numbers

REFERENCES = dict(REFERENCE_CHOICES)

# --- A program's measures ----------------------------------------------------------------------


@login_required
@require_GET
def program_outcomes(request: HttpRequest, program_id) -> HttpResponse:
    program, membership = program_for_user(request.user, program_id)
    form = MeasureForm(program=program) if membership.can_lead else None
    return _render_program(request, program, membership, form)


def _render_program(request, program, membership, form, status=200) -> HttpResponse:
    context = {
        "program": program,
        "membership": membership,
        "form": form,
        "summaries": summary.program_disparity(program),
    }
    return render(request, "outcomes/program_outcomes.html", context, status=status)


@login_required
@require_POST
def measure_create(request: HttpRequest, program_id) -> HttpResponse:
    program, membership = program_for_user(request.user, program_id, Need.LEAD)
    form = MeasureForm(request.POST, program=program, instance=OutcomeMeasure(program=program))
    if not form.is_valid():
        return _render_program(request, program, membership, form, status=400)
    measure = services.measure_save(measure=form.save(commit=False), by=request.user)
    messages.success(request, _("Measure added. Enter or import its counts next."))
    return redirect("outcomes:measure", measure.pk)


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, measure_id) -> HttpResponse:
    measure, _membership = outcome_measure_for_user(request.user, measure_id, Need.LEAD)
    data = request.POST if request.method == "POST" else None
    # A copy: a refused form must not change the measure the page's heading shows.
    form = MeasureForm(data, instance=copy.copy(measure), program=measure.program)
    if data is not None and form.is_valid():
        services.measure_save(measure=form.save(commit=False), by=request.user)
        messages.success(request, _("Measure saved."))
        return redirect("outcomes:measure", measure.pk)
    context = {"measure": measure, "form": form, "count_rows": measure.counts.count()}
    status = 400 if form.errors else 200
    return render(request, "outcomes/measure_edit.html", context, status=status)


@login_required
@require_POST
def measure_delete(request: HttpRequest, measure_id) -> HttpResponse:
    measure, _membership = outcome_measure_for_user(request.user, measure_id, Need.LEAD)
    program_id, name = measure.program_id, measure.name
    services.measure_delete(measure=measure, by=request.user)
    messages.success(
        request,
        _("“%(name)s” and its counts were deleted. The history keeps a record.") % {"name": name},
    )
    return redirect("outcomes:program_outcomes", program_id)


# --- One measure --------------------------------------------------------------------------------


@login_required
@require_GET
def measure_detail(request: HttpRequest, measure_id) -> HttpResponse:
    measure, membership = outcome_measure_for_user(request.user, measure_id)
    reference = request.GET.get("reference")
    if reference not in REFERENCES:
        reference = measure.reference
    analysis = summary.analyse(
        measure, measure.counts.all(), reference, siblings=summary.sibling_counts(measure)
    )
    context = {
        "measure": measure,
        "membership": membership,
        "reference": reference,
        "reference_choices": REFERENCE_CHOICES,
        "min_population": MIN_POPULATION,
        "framing_note": adverse_framing_note(measure.favorable),
    }
    if analysis is not None:
        period = request.GET.get("period")
        if period not in analysis.periods:
            period = analysis.periods[-1]
        context |= _analysis_context(analysis, period)
    return render(request, "outcomes/measure.html", context)


def _analysis_context(analysis: summary.MeasureAnalysis, period: str) -> dict:
    rows = summary.period_rows(analysis, period)
    compared = [row for row in rows if row.compared]
    period_summary = analysis.period_summary(period)
    summaries = _summary_rows(analysis)
    # The dashed line is the groups compared, together: the "total" reference, which leaves
    # out unknown and hidden people (the row "All" counts them).
    pooled = summary.number(period_summary["compared_rate"]) if period_summary else None
    pooled_percent = None if pooled is None else 100 * pooled
    pooled_text = _("Groups compared: %(rate)s") % {"rate": _percent_text(pooled_percent)}
    return {
        "analysis": analysis,
        "period": period,
        "rows": rows,
        "compared": compared,
        "period_summary": period_summary,
        "reference_group_label": _reference_group_label(period_summary, analysis),
        "headline": analysis.headline(period) if period_summary else "",
        "reading": analysis.reading(period) if period_summary else [],
        "reference_missing": _reference_missing(analysis.reference, rows),
        "standard_1997_note": STANDARD_1997_NOTE if period in analysis.standard_1997 else "",
        "corrected_note": summary.corrected_note() if period in analysis.corrected else "",
        "summaries": summaries,
        "trend": _trend_rows(analysis),
        "rates_chart": charts.figure_json(
            charts.rates_figure(_points(compared, "rate"), pooled, pooled_text, _("Rate (%)"))
        ),
        "ratios_chart": charts.figure_json(
            charts.ratios_figure(
                _points(compared, "ratio"),
                _("1: same rate"),
                _("Rate ratio of the outcome as recorded (log scale)"),
            )
        ),
        "cramers_chart": charts.figure_json(
            charts.over_time_figure(
                [row["period"] for row in summaries],
                [row["cramers_v"] for row in summaries],
                _("Period"),
            )
        ),
    }


def _reference_missing(reference: str, rows: list[summary.GroupRow]) -> str:
    """The label of a group chosen as the reference that the period does not compare (its
    counts are hidden, missing, or count nobody)."""
    if reference not in COMPARED_GROUPS or any(
        r.key == reference and r.rate is not None for r in rows
    ):
        return ""
    return group_label(reference)


def _percent_text(value: float | None) -> str:
    return "–" if value is None else numbers.percent(value, 1)


def _reference_group_label(period_summary: dict | None, analysis) -> str:
    if not period_summary or period_summary["reference_group"] is None:
        return ""
    return summary.reference_label(period_summary["reference_group"], analysis.measure.denominator)


def _points(rows, value: str) -> list[charts.GroupPoint]:
    """Chart points of a statistic (`rate` or `ratio`) and its interval (`*_low`, `*_high`)."""
    if value == "rate":
        low, high, flag = "ci_low", "ci_high", "unreliable"
    else:
        low, high, flag = f"{value}_low", f"{value}_high", "ratio_unreliable"
    return [
        charts.GroupPoint(
            row.label,
            getattr(row, value),
            getattr(row, low),
            getattr(row, high),
            getattr(row, flag),
        )
        for row in rows
        if getattr(row, value) is not None
    ]


SUMMARY_FIELDS = (
    "total_rate",
    "index_of_disparity",
    "maximal_rate_ratio",
    "between_group_variance",
    "theil",
    "chi2",
    "p_value",
    "cramers_v",
)


def _summary_rows(analysis: summary.MeasureAnalysis) -> list[dict]:
    rows = []
    for record in analysis.metrics.summary.to_dict("records"):
        row: dict[str, Any] = {name: summary.number(record[name]) for name in SUMMARY_FIELDS}
        row["period"] = record["period"]
        row["total_percent"] = summary.number(100 * record["total_rate"])
        for side in ("worst_group", "best_group"):
            row[side] = group_label(record[side]) if record[side] else None
        rows.append(row)
    return rows


TREND_LABELS = {
    "index_of_disparity": gettext_lazy("Index of disparity (%, adverse rate)"),
    "maximal_rate_ratio": gettext_lazy("Maximal rate ratio (adverse rate)"),
    "between_group_variance": gettext_lazy("Between-group variance"),
    "theil": gettext_lazy("Theil index (adverse rate)"),
    "cramers_v": gettext_lazy("Cramér's V"),
    "total_rate": gettext_lazy("Rate of all (%)"),
}
TREND_DECIMALS = {
    "index_of_disparity": 1,
    "maximal_rate_ratio": 2,
    "between_group_variance": 5,
    "theil": 4,
    "cramers_v": 3,
    "total_rate": 1,
}
DIRECTIONS = {
    "narrowing": gettext_lazy("narrowing"),
    "widening": gettext_lazy("widening"),
    "steady": gettext_lazy("about the same"),
    "improving": gettext_lazy("improving"),
    "worsening": gettext_lazy("worsening"),
}


def _trend_rows(analysis: summary.MeasureAnalysis) -> list[dict]:
    trend = analysis.metrics.trend.set_index("metric")
    rows = []
    for metric in TREND_METRICS:
        record = trend.loc[metric]
        scale = 100 if metric == "total_rate" else 1
        decimals = TREND_DECIMALS[metric]
        values = {name: summary.number(record[name]) for name in ("first", "last", "slope")}
        values = {name: None if v is None else v * scale for name, v in values.items()}
        rows.append(
            {
                "key": metric,
                "label": TREND_LABELS[metric],
                "p_value": summary.number(record["p_value"]),
                "direction": DIRECTIONS.get(str(record["direction"]), ""),
                "widening": record["direction"] in ("widening", "worsening"),
                "periods": (record["first_period"], record["last_period"]),
                "decimals": decimals,
                **values,
            }
        )
    return rows


# --- Entering and importing counts --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def counts_entry(request: HttpRequest, measure_id) -> HttpResponse:
    measure, _membership = outcome_measure_for_user(request.user, measure_id, Need.ANSWER)
    if request.method == "POST":
        form = CountsEntryForm(request.POST, measure=measure)
        if form.is_valid():
            period = form.cleaned_data["period"]
            saved = services.counts_save_period(
                measure=measure,
                period=period,
                values=form.values(),
                standard=form.cleaned_data["standard"],
                by=request.user,
            )
            messages.success(request, _saved_message(saved, period))
            return redirect(_measure_url(measure, period))
    else:
        form = CountsEntryForm(initial=_entry_initial(measure, request.GET), measure=measure)
    context = {
        "measure": measure,
        "form": form,
        "periods": _periods(measure),
        "example": PERIOD_EXAMPLE[measure.granularity],
    }
    status = 400 if form.errors else 200
    return render(request, "outcomes/counts_entry.html", context, status=status)


PERIOD_EXAMPLE: dict[str, str] = {
    Granularity.YEAR: "2026",
    Granularity.QUARTER: "2026-Q1",
    Granularity.MONTH: "2026-03",
}


def _periods(measure: OutcomeMeasure) -> list[str]:
    return list(measure.counts.order_by("-period").values_list("period", flat=True).distinct())


def _entry_initial(measure: OutcomeMeasure, query) -> dict:
    """The period asked for, with its counts when it has some."""
    period = query.get("period", "")
    counts = list(measure.counts.filter(period=period)) if period else []
    if not counts:
        return {"standard": Standard.SPD_2024}
    initial = {"period": period, "standard": counts[0].standard}
    for count in counts:
        initial[f"population_{count.group}"] = count.population
        initial[f"events_{count.group}"] = count.events
    return initial


def _saved_message(saved: services.CountsSaved, period: str | None = None) -> str:
    parts = _("%(added)d rows added, %(updated)d updated") % {
        "added": saved.added,
        "updated": saved.updated,
    }
    if saved.removed:
        parts += _(", %(removed)d removed") % {"removed": saved.removed}
    if saved.unchanged:
        parts += _(", %(unchanged)d unchanged") % {"unchanged": saved.unchanged}
    if period:
        return _("Counts for %(period)s saved: %(parts)s.") % {"period": period, "parts": parts}
    return _("Counts imported: %(parts)s.") % {"parts": parts}


def _measure_url(measure: OutcomeMeasure, period: str | None = None) -> str:
    url = reverse("outcomes:measure", args=[measure.pk])
    return f"{url}?{urlencode({'period': period})}" if period else url


@login_required
@require_http_methods(["GET", "POST"])
def counts_import(request: HttpRequest, measure_id) -> HttpResponse:
    measure, _membership = outcome_measure_for_user(request.user, measure_id, Need.ANSWER)
    if request.method == "POST":
        form = CountsImportForm(request.POST, request.FILES, measure=measure)
        if form.is_valid():
            saved = services.counts_import(measure=measure, rows=form.rows(), by=request.user)
            messages.success(request, _saved_message(saved))
            return redirect(_measure_url(measure))
    else:
        form = CountsImportForm(measure=measure)
    context = {"measure": measure, "form": form, "example": PERIOD_EXAMPLE[measure.granularity]}
    status = 400 if form.errors else 200
    return render(request, "outcomes/counts_import.html", context, status=status)


# --- Downloads --------------------------------------------------------------------------------


def _stem(measure: OutcomeMeasure, what: str) -> str:
    return f"{slugify(measure.name)[:60] or 'measure'}-{what}"


def current_period(granularity: str, today: date) -> str:
    if granularity == Granularity.QUARTER:
        return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    if granularity == Granularity.MONTH:
        return f"{today.year}-{today.month:02d}"
    return str(today.year)


@login_required
@require_GET
def import_template(request: HttpRequest, measure_id) -> HttpResponse:
    measure, _membership = outcome_measure_for_user(request.user, measure_id)
    period = current_period(measure.granularity, timezone.localdate())
    sheet = sheets.template_sheet(measure, period)
    return exports.sheets_download([sheet], "csv", _stem(measure, "template"))


def _counts_sheet(request: HttpRequest, measure_id) -> tuple[exports.Sheet, str]:
    """Every period's counts and statistics, through the measure page's suppression."""
    measure, _membership = outcome_measure_for_user(request.user, measure_id)
    analysis = summary.analyse(
        measure, measure.counts.all(), siblings=summary.sibling_counts(measure)
    )
    return sheets.counts_sheet(analysis, measure), _stem(measure, "counts")


@login_required
@require_GET
def counts_export(request: HttpRequest, measure_id, fmt: str = "csv") -> HttpResponse:
    sheet, stem = _counts_sheet(request, measure_id)
    return exports.sheets_download([sheet], fmt, stem)


@login_required
@require_GET
def counts_export_dictionary(request: HttpRequest, measure_id) -> HttpResponse:
    sheet, stem = _counts_sheet(request, measure_id)
    return exports.dictionary_download([sheet], stem)
