"""Chart definitions: one function per chart, returning a plotly figure.

Web pages embed `figure_json(fig)` with json_script and static/js/charts.js draws it.
"""

import json
from dataclasses import dataclass

import plotly.graph_objects as go

from assessments import levels

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


def profile_figure(bars: list[DimensionBar]) -> go.Figure:
    """Each dimension's index (0-4) as a bar, coloured by the level it reached."""
    names = [bar.name for bar in reversed(bars)]
    fig = go.Figure(
        go.Bar(
            x=[bar.index for bar in reversed(bars)],
            y=names,
            orientation="h",
            marker_color=[LEVEL_COLORS[bar.level] for bar in reversed(bars)],
            text=[f"{levels.level_name(bar.level)} · {bar.index:.2f}" for bar in reversed(bars)],
            textposition="auto",
            hoverinfo="text",
        )
    )
    fig.update_layout(
        xaxis={
            "range": [0, 4],
            "tickvals": list(range(5)),
            "ticktext": [str(levels.LEVEL_NAMES[level]) for level in range(5)],
            "gridcolor": "#ced4da",
        },
        yaxis={"automargin": True},
        margin={"l": 10, "r": 50, "t": 10, "b": 40},
        height=80 + 60 * len(bars),
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        font={"family": "system-ui, sans-serif", "size": 14, "color": "#212529"},
        showlegend=False,
    )
    return fig


def figure_json(fig: go.Figure) -> dict:
    """Plain JSON-ready data for json_script (numpy arrays and the like made plain)."""
    return json.loads(fig.to_json())
