"""The charts are built as plain data (valuecurve/figures.py), not through plotly's
graph_objects: each chart's JSON is what graph_objects validates and would write itself."""

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from assessments import levels
from cohorts import charts as cohort_charts
from outcomes import charts as outcome_charts
from reports import charts as report_charts
from valuecurve import charts
from valuecurve.figures import Figure, Scatter

DIMENSIONS = {"governance": "Governance & Structures", "insight": "Insight & Evidence"}


def _members() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"organization_name": "North County", "governance_level": 2, "insight_level": None},
            {
                "organization_name": "A very long name indeed",
                "governance_level": 0.0,
                "insight_level": float("nan"),
            },
        ]
    )


def _change() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization_name": ["Up", "Down"],
            "before": [1.0, 2.5],
            "after": [2.0, 1.5],
            "change": [1.0, -1.0],
        }
    )


def _points() -> list:
    point = outcome_charts.GroupPoint
    return [point("Black", 0.25, 0.2, 0.3, True), point("White", 0.1, 0.05, 0.2, False)]


FIGURES = {
    "profile": lambda: report_charts.profile_figure(
        [report_charts.DimensionBar("Governance", levels.REGULATIVE, 1.25)]
    ),
    "curve": lambda: report_charts.curve_figure(
        [
            report_charts.CurveMarker("governance", "Governance", 1, 1.2),
            report_charts.CurveMarker("insight", "Insight", 1, 1.2),
        ]
    ),
    "trend": lambda: charts.trend_figure(
        ["2025", "2026"], [charts.TrendLine("governance", "Governance", [1.0, None])], ["A", "B"]
    ),
    "heatmap": lambda: cohort_charts.heatmap_figure(_members(), DIMENSIONS),
    "distribution": lambda: cohort_charts.distribution_figure(
        {"governance": [1, 2, 0, 0, 3], "insight": None}, DIMENSIONS
    ),
    "slope": lambda: cohort_charts.slope_figure(_change(), "2025", "2026"),
    "disparity trend": lambda: cohort_charts.disparity_trend_figure(
        pd.DataFrame(
            {"period": ["2025", "2026"], "q1": [0.1, None], "median": [0.2, 0.3], "q3": [0.4, 0.5]}
        ),
        "Index of disparity",
    ),
    "rates": lambda: outcome_charts.rates_figure(_points(), 0.2, "All", "Percent housed"),
    "ratios": lambda: outcome_charts.ratios_figure(_points(), "White", "Rate ratio"),
    "over time": lambda: outcome_charts.over_time_figure(["2025", "2026"], [0.1, None], "Year"),
}


@pytest.mark.parametrize("name", FIGURES)
def test_each_chart_is_what_plotly_graph_objects_would_write(name):
    ours = FIGURES[name]().to_plotly_json()
    # graph_objects raises on a property it does not know, or a value of the wrong kind.
    theirs = json.loads(go.Figure(ours).to_json())
    assert json.loads(json.dumps(ours)) == theirs


def test_a_layout_update_merges_into_what_was_set_as_plotly_does():
    fig = Figure(Scatter(x=[1], y=[2])).update_layout(margin={"l": 1, "r": 2}, height=100)
    fig.update_layout(margin={"r": 5}, legend={"y": -0.2})
    assert fig.layout.margin == {"l": 1, "r": 5}
    assert fig.layout.height == 100 and fig.layout.legend.y == -0.2
    assert fig.layout.separators is None  # not set: None, as plotly reads it


def test_numpy_values_and_missing_numbers_become_plain_json():
    import numpy as np

    fig = Figure(Scatter(x=np.array([1, 2]), y=[np.float64(1.5), float("nan")], name=None))
    trace = fig.to_plotly_json()["data"][0]
    assert trace == {"type": "scatter", "x": [1, 2], "y": [1.5, None]}
    json.dumps(fig.to_plotly_json(), allow_nan=False)
