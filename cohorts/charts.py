"""The cohort's charts: one function per chart, returning a plotly figure (see reports/charts)."""

import math

import pandas as pd
import plotly.graph_objects as go

from assessments import levels
from reports.charts import LEVEL_COLORS

FONT = {"family": "system-ui, sans-serif", "size": 13, "color": "#212529"}
LEVEL_TICKS = {
    "tickvals": list(range(5)),
    "ticktext": [str(levels.LEVEL_NAMES[n]) for n in range(5)],
}


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        font=FONT,
        **extra,
    )
    return fig


def heatmap_figure(table: pd.DataFrame, dimensions: dict[str, str]) -> go.Figure:
    """Members x dimensions, coloured by level; blank where a dimension was not compared."""
    rows = table.iloc[::-1]  # plotly draws the first row at the bottom
    z = [[_level(row[f"{key}_level"]) for key in dimensions] for _, row in rows.iterrows()]
    text = [[_level_text(value) for value in line] for line in z]
    scale = []
    for level in range(5):
        color = LEVEL_COLORS[level]
        scale += [[level / 5, color], [(level + 1) / 5, color]]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(dimensions.values()),
            y=list(rows["organization_name"]),
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
            colorscale=scale,
            zmin=-0.5,
            zmax=4.5,
            showscale=False,
            xgap=2,
            ygap=2,
        )
    )
    return _layout(
        fig,
        height=90 + 28 * len(rows),
        xaxis={"side": "top"},
        yaxis={"automargin": True},
    )


def _level(value) -> int | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)


def _level_text(value: int | None) -> str:
    return "" if value is None else str(levels.LEVEL_NAMES[value])


def distribution_figure(
    distribution: dict[str, list[int]], dimensions: dict[str, str]
) -> go.Figure:
    """How many organizations stand at each level, per dimension (stacked bars). Dimensions
    suppressed (None) are left out."""
    shown = [key for key in dimensions if distribution.get(key) is not None]
    keys = list(reversed(shown))
    names = [dimensions[key] for key in keys]
    fig = go.Figure(
        [
            go.Bar(
                name=str(levels.LEVEL_NAMES[level]),
                x=[distribution[key][level] for key in keys],
                y=names,
                orientation="h",
                marker_color=LEVEL_COLORS[level],
                hovertemplate="%{y}: %{x} organizations<extra>%{fullData.name}</extra>",
            )
            for level in range(5)
        ]
    )
    return _layout(
        fig,
        height=120 + 50 * len(keys),
        barmode="stack",
        xaxis={"title": {"text": "Organizations"}, "gridcolor": "#ced4da"},
        yaxis={"automargin": True},
        legend={"orientation": "h", "y": -0.25},
    )


def slope_figure(change: pd.DataFrame, before: str, after: str) -> go.Figure:
    """Each organization's overall index in two cycles, one line each, most improved first."""
    fig = go.Figure()
    for _, row in change.iterrows():
        color = "#2a7d3f" if row["change"] > 0 else ("#b02a37" if row["change"] < 0 else "#6c757d")
        fig.add_trace(
            go.Scatter(
                x=[before, after],
                y=[row["before"], row["after"]],
                mode="lines+markers",
                line={"color": color},
                name=row["organization_name"],
                hovertemplate=f"{row['organization_name']}<br>%{{x}}: %{{y:.2f}}<extra></extra>",
            )
        )
    return _layout(
        fig,
        height=420,
        showlegend=False,
        xaxis={"type": "category"},
        yaxis={"range": [0, 4], "title": {"text": "Overall index"}, **LEVEL_TICKS},
    )


def disparity_trend_figure(trend: pd.DataFrame, title: str) -> go.Figure:
    """The cohort's median of a disparity measure per period, with the quartiles as a band.
    Suppressed periods (fewer than five organizations) are gaps."""
    periods = list(trend["period"])
    band_color = "rgba(29, 78, 137, 0.18)"
    fig = go.Figure(
        [
            go.Scatter(
                x=periods,
                y=list(trend["q3"]),
                mode="lines",
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
            ),
            go.Scatter(
                x=periods,
                y=list(trend["q1"]),
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=band_color,
                name="Middle half of measures",
                hoverinfo="skip",
            ),
            go.Scatter(
                x=periods,
                y=list(trend["median"]),
                mode="lines+markers",
                line={"color": "#1d4e89", "width": 3},
                name="Median",
                hovertemplate="%{x}: %{y:.2f}<extra>Median</extra>",
            ),
        ]
    )
    return _layout(
        fig,
        height=320,
        xaxis={"type": "category", "title": {"text": "Period"}},
        yaxis={"title": {"text": title}, "rangemode": "tozero", "gridcolor": "#ced4da"},
        legend={"orientation": "h", "y": -0.3},
    )
