"""The cohort's charts: one function per chart, returning a plotly figure (see reports/charts)."""

import math

import pandas as pd
from django.utils.translation import gettext

from assessments import levels
from reports.charts import LEVEL_COLORS
from valuecurve.charts import wrap_label
from valuecurve.figures import Bar, Figure, Heatmap, Scatter

FONT = {"family": "system-ui, sans-serif", "size": 13, "color": "#212529"}
LEVEL_TICKS = {
    "tickvals": list(range(5)),
    "ticktext": [str(levels.LEVEL_NAMES[n]) for n in range(5)],
}


def _layout(fig: Figure, height: int, **extra) -> Figure:
    defaults = {
        "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "font": FONT,
    }
    fig.update_layout(height=height, **(defaults | extra))
    return fig


# The heat map's levels on a sequential, colour-blind-safe scale (cividis: dark blue to
# yellow, read alike with any colour vision and in grey), each cell also labelled in text.
HEATMAP_COLORS = {
    levels.NOT_YET: "#00224e",
    levels.REGULATIVE: "#414d6b",
    levels.COLLABORATIVE: "#7c7b78",
    levels.INTEGRATIVE: "#bcaf6f",
    levels.GENERATIVE: "#fde737",
}
NOT_COMPARED_COLOR = "#e9ecef"
NOT_COMPARED = -1  # the z of a cell whose dimension was not compared
# Lines of the slope chart: Okabe-Ito blue and vermillion, told apart with any colour vision.
SLOPE_COLORS = {"up": "#0072b2", "down": "#d55e00", "same": "#6c757d"}
DASHES = {"up": "solid", "down": "dot", "same": "dash"}  # and told apart without colour
NAME_CHARS = 16  # a longer organization name is shortened on the chart (the table has it all)


def heatmap_figure(table: pd.DataFrame, dimensions: dict[str, str]) -> Figure:
    """Members x dimensions, coloured by level and labelled with it; a dimension that was not
    compared is a grey cell that says so."""
    rows = table.iloc[::-1]  # plotly draws the first row at the bottom
    z = [[_level(row[f"{key}_level"]) for key in dimensions] for _, row in rows.iterrows()]
    text = [[_level_text(value) for value in line] for line in z]
    scale = _steps([NOT_COMPARED_COLOR, *(HEATMAP_COLORS[level] for level in range(5))])
    fig = Figure(
        Heatmap(
            z=[[NOT_COMPARED if value is None else value for value in line] for line in z],
            x=[wrap_label(name) for name in dimensions.values()],
            y=list(range(len(rows))),  # positions: two names may shorten alike
            customdata=[[name] * len(dimensions) for name in rows["organization_name"]],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 10},
            hovertemplate="%{customdata}<br>%{x}: %{text}<extra></extra>",
            colorscale=scale,
            zmin=NOT_COMPARED - 0.5,
            zmax=4.5,
            showscale=False,
            xgap=2,
            ygap=2,
        )
    )
    return _layout(
        fig,
        height=110 + 30 * len(rows),
        margin={"l": 4, "r": 4, "t": 60, "b": 10},
        xaxis={"side": "top", "tickangle": 0, "fixedrange": True, "tickfont": {"size": 11}},
        yaxis={
            "automargin": True,
            "fixedrange": True,
            "tickvals": list(range(len(rows))),
            "ticktext": [_short(name) for name in rows["organization_name"]],
        },
    )


def _steps(colors: list[str]) -> list[list]:
    """A colour scale of flat steps, one per colour, over the scale's whole range."""
    scale = []
    for n, color in enumerate(colors):
        scale += [[n / len(colors), color], [(n + 1) / len(colors), color]]
    return scale


def _level(value) -> int | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)


def _level_text(value: int | None) -> str:
    return str(gettext("Not compared") if value is None else levels.LEVEL_NAMES[value])


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"


def distribution_figure(
    distribution: dict[str, list[int] | None], dimensions: dict[str, str]
) -> Figure:
    """How many organizations stand at each level, per dimension (stacked bars). Dimensions
    suppressed (None) are left out."""
    shown = {key: counts for key in dimensions if (counts := distribution.get(key)) is not None}
    keys = list(reversed(shown))
    names = [dimensions[key] for key in keys]
    fig = Figure(
        [
            Bar(
                name=str(levels.LEVEL_NAMES[level]),
                x=[shown[key][level] for key in keys],
                y=names,
                orientation="h",
                marker={"color": LEVEL_COLORS[level]},
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


def slope_figure(change: pd.DataFrame, before: str, after: str) -> Figure:
    """Each organization's overall index in two cycles, one line each, most improved first,
    each line labelled with the organization at its end (labels spread so none overlaps)."""
    fig = Figure()
    for _i, row in change.iterrows():
        direction = "up" if row["change"] > 0 else ("down" if row["change"] < 0 else "same")
        fig.add_trace(
            Scatter(
                x=[before, after],
                y=[row["before"], row["after"]],
                mode="lines+markers",
                line={
                    "color": SLOPE_COLORS[direction],
                    "dash": "dot" if direction == "down" else None,
                },
                name=row["organization_name"],
                hovertemplate=f"{row['organization_name']}<br>%{{x}}: %{{y:.2f}}<extra></extra>",
            )
        )
    height = max(420, 120 + 16 * len(change))
    fig.update_layout(annotations=_line_labels(change, height))
    return _layout(
        fig,
        height=height,
        showlegend=False,
        margin={"l": 10, "r": 130, "t": 30, "b": 40},
        xaxis={"type": "category", "fixedrange": True},
        yaxis={
            "range": [0, 4],
            "title": {"text": "Overall index"},
            "fixedrange": True,
            **LEVEL_TICKS,
        },
    )


def _line_labels(change: pd.DataFrame, height: int) -> list[dict]:
    """One label per line, at its right end; labels closer than a line of text are pushed
    apart, upwards, so each stays readable."""
    gap = 4 * 15 / (height - 70)  # one 15 px line of text, in index units
    placed: list[float] = []
    labels = []
    for _i, row in change.sort_values("after").iterrows():
        y = row["after"] if not placed else max(row["after"], placed[-1] + gap)
        placed.append(y)
        labels.append(
            {
                # The second category, by position: a cycle named like a number ("2026")
                # would be read as the 2026th.
                "x": 1,
                "y": y,
                "text": _short(row["organization_name"]),
                "showarrow": False,
                "xanchor": "left",
                "xshift": 8,
                "font": {"size": 11},
            }
        )
    return labels


def disparity_trend_figure(trend: pd.DataFrame, title: str) -> Figure:
    """The cohort's median of a disparity measure per period, with the quartiles as a band.
    Suppressed periods (fewer than five organizations) are gaps."""
    periods = list(trend["period"])
    band_color = "rgba(29, 78, 137, 0.18)"
    fig = Figure(
        [
            Scatter(
                x=periods,
                y=list(trend["q3"]),
                mode="lines",
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
            ),
            Scatter(
                x=periods,
                y=list(trend["q1"]),
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=band_color,
                name="Middle half of measures",
                hoverinfo="skip",
            ),
            Scatter(
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
