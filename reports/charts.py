"""Chart definitions: one function per chart, returning a plotly figure.

Web pages embed `figure_json(fig)` with json_script and static/js/charts.js draws it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessments import levels
from valuecurve.charts import DIMENSION_COLORS as DIMENSION_COLORS
from valuecurve.charts import dimension_color, wrap_label
from valuecurve.charts import figure_json as figure_json
from valuecurve.figures import Bar, Figure, Scatter
from valuecurve.numbers import decimal

LEVEL_COLORS = {
    levels.NOT_YET: "#6c757d",
    levels.REGULATIVE: "#1d4e89",
    levels.COLLABORATIVE: "#00798c",
    levels.INTEGRATIVE: "#2a7d3f",
    levels.GENERATIVE: "#7a4e9c",
}


@dataclass(frozen=True)
class DimensionBar:
    name: str
    level: int
    index: float


def profile_figure(bars: list[DimensionBar]) -> Figure:
    """Each dimension's index (0-4) as a bar, coloured by the level it reached. The level and
    index are written beside the dimension's name, where they fit on a phone too."""
    shown = list(reversed(bars))
    labels = [
        f"{wrap_label(bar.name, 14)}<br><b>{levels.level_name(bar.level)} · "
        f"{decimal(bar.index)}</b>"
        for bar in shown
    ]
    fig = Figure(
        Bar(
            x=[bar.index for bar in shown],
            y=list(range(len(shown))),  # positions: the labels are the axis's tick texts
            orientation="h",
            marker={"color": [LEVEL_COLORS[bar.level] for bar in shown]},
            hovertext=[label.replace("<br>", " ") for label in labels],
            hoverinfo="text",
        )
    )
    fig.update_layout(
        xaxis={
            "range": [0, 4],
            # Numbers, which fit under the bars on a phone; the labels name the levels.
            "tickvals": list(range(5)),
            "title": {"text": str(_("Index (0–4)"))},
            "gridcolor": "#ced4da",
            "fixedrange": True,
        },
        yaxis={
            "automargin": True,
            "tickvals": list(range(len(shown))),
            "ticktext": labels,
            "fixedrange": True,
        },
        margin={"l": 10, "r": 10, "t": 10, "b": 50},
        height=100 + 70 * len(bars),
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        font={"family": "system-ui, sans-serif", "size": 13, "color": "#212529"},
        showlegend=False,
    )
    return fig


@dataclass(frozen=True)
class CurveMarker:
    key: str
    name: str
    level: int
    index: float


def curve_height(index: float) -> float:
    """The value curve: rises slowly through Regulative, steeply towards Generative."""
    return 0.25 + 3.5 * (max(index, 0.0) / 4) ** 2


def curve_figure(markers: list[CurveMarker], height: int = 380, legend: bool = True) -> Figure:
    """The rising curve through the four levels, each dimension placed at its index (0-4).

    Dimensions at the same index are stacked above one another so none hides another.
    """
    fig = Figure(_curve_trace())
    fig.add_trace(_level_points_trace())
    seen: dict[float, int] = {}
    for position, marker in enumerate(markers):
        spot = round(marker.index, 1)
        stacked = seen.get(spot, 0)
        seen[spot] = stacked + 1
        fig.add_trace(_marker_trace(marker, position, stacked))
    fig.update_layout(
        xaxis={"visible": False, "range": [-0.25, 4.35], "fixedrange": True},
        yaxis={"visible": False, "range": [0, 4.9], "fixedrange": True},
        showlegend=legend,
        legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top", "font": {"size": 13}},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=height,
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        font={"family": "system-ui, sans-serif", "size": 14, "color": "#212529"},
    )
    return fig


def _curve_trace() -> Scatter:
    xs = [step / 20 for step in range(0, 87)]
    return Scatter(
        x=xs,
        y=[curve_height(x) for x in xs],
        mode="lines",
        line={"color": "#123a63", "width": 5, "shape": "spline"},
        fill="tozeroy",
        fillcolor="rgba(18, 58, 99, 0.08)",
        hoverinfo="skip",
        showlegend=False,
    )


def _level_points_trace() -> Scatter:
    return Scatter(
        x=list(levels.LEVELS),
        y=[curve_height(level) for level in levels.LEVELS],
        mode="markers+text",
        marker={"size": 11, "color": "#ffffff", "line": {"color": "#123a63", "width": 3}},
        text=[str(levels.LEVEL_NAMES[level]) for level in levels.LEVELS],
        # Below the curve (the dimensions' markers sit on and above it), inside the plot.
        textposition=["bottom right"] * (len(levels.LEVELS) - 1) + ["bottom left"],
        textfont={"size": 15, "color": "#123a63"},
        hoverinfo="skip",
        showlegend=False,
    )


def _marker_trace(marker: CurveMarker, position: int, stacked: int) -> Scatter:
    label = f"{marker.name}: {levels.level_name(marker.level)} · {decimal(marker.index)}"
    number = str(position + 1)
    return Scatter(
        x=[marker.index],
        y=[curve_height(marker.index) + 0.42 * stacked],
        mode="markers+text",
        name=f"{number}  {label}",
        marker={
            "size": 24,
            "color": dimension_color(marker.key, position),
            "line": {"color": "#ffffff", "width": 2},
        },
        text=[number],
        textfont={"color": "#ffffff", "size": 13},
        textposition="middle center",
        hovertext=[label],
        hoverinfo="text",
    )
