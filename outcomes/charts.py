"""Chart definitions for equity outcomes: one function per chart, returning a plotly figure.

Pages embed `figure_json(fig)` with json_script and static/js/charts.js draws it. Only what
the page's tables show goes in: hidden groups are never passed here. No user-entered text
goes in either (group labels and periods are the app's own), so the figure data needs no
escaping beyond json_script's.
"""

import math
from dataclasses import dataclass
from typing import TypeGuard

from valuecurve.charts import wrap_label
from valuecurve.figures import Figure, Scatter

RELIABLE_COLOR = "#1d4e89"
UNRELIABLE_COLOR = "#6c757d"
REFERENCE_COLOR = "#a3461f"
LAYOUT = {
    "plot_bgcolor": "#ffffff",
    "paper_bgcolor": "#ffffff",
    "font": {"family": "system-ui, sans-serif", "size": 14, "color": "#212529"},
    "showlegend": False,
}


@dataclass(frozen=True)
class GroupPoint:
    """A group's value with its 95% interval (None where there is none)."""

    label: str
    value: float
    low: float | None = None
    high: float | None = None
    unreliable: bool = False


def _usable(value: float | None) -> TypeGuard[float]:
    return value is not None and not math.isnan(value)


def _error_bars(points: list[GroupPoint], scale: float) -> dict:
    return {
        "type": "data",
        "symmetric": False,
        "array": [(p.high - p.value) * scale if _usable(p.high) else 0 for p in points],
        "arrayminus": [(p.value - p.low) * scale if _usable(p.low) else 0 for p in points],
        "color": "#495057",
        "thickness": 1.5,
    }


def _group_trace(points: list[GroupPoint], scale: float, unit: str) -> Scatter:
    """Groups top to bottom as given; an unreliable rate is drawn hollow and grey."""
    points = list(reversed(points))
    return Scatter(
        x=[p.value * scale for p in points],
        # A long group name on two or three lines ("American Indian or<br>Alaska Native"),
        # so that a phone's narrow chart keeps room for the dots.
        y=[wrap_label(p.label + (" *" if p.unreliable else ""), 18) for p in points],
        mode="markers",
        marker={
            "size": 12,
            "symbol": ["circle-open" if p.unreliable else "circle" for p in points],
            "color": [UNRELIABLE_COLOR if p.unreliable else RELIABLE_COLOR for p in points],
            "line": {"width": 2},
        },
        error_x=_error_bars(points, scale),
        hovertemplate=f"%{{y}}: %{{x:.2f}}{unit}<extra></extra>",
    )


def _label_side(x: float, points: list[GroupPoint], scale: float, log: bool = False) -> str:
    """How the line's label sits on the line: away from the nearer edge of the plot, since
    plotly clips it there (on a phone a long label would be cut)."""
    ends = [v * scale for p in points for v in (p.low, p.value, p.high) if _usable(v) and v > 0]
    if not ends:
        return "left"
    low, high = (min(ends), max(ends)) if log else (0.0, max(ends))
    if log:
        x, low, high = math.log(x), math.log(low), math.log(high)
    where = (x - low) / (high - low) if high > low else 0.5
    return "left" if where < 0.3 else "right" if where > 0.7 else "center"


def _reference_line(x: float, text: str, side: str = "left") -> dict:
    return {
        "type": "line",
        "x0": x,
        "x1": x,
        "yref": "paper",
        "y0": 0,
        "y1": 1,
        "line": {"color": REFERENCE_COLOR, "width": 2, "dash": "dash"},
        "label": {
            "text": text,
            "textangle": 0,
            "textposition": "end",
            "xanchor": side,
            "yanchor": "bottom",
            "font": {"color": REFERENCE_COLOR, "size": 13},
        },
    }


def _height(rows: int) -> int:
    return 110 + 42 * max(rows, 1)


def rates_figure(
    points: list[GroupPoint], total: float | None, total_text: str, axis_title: str
) -> Figure:
    """Each group's rate (percent) with its 95% interval; the total as a dashed line."""
    fig = Figure(_group_trace(points, 100, "%"))
    fig.update_layout(
        **LAYOUT,
        xaxis={
            "title": {"text": wrap_label(axis_title, 36)},
            "rangemode": "tozero",
            "gridcolor": "#ced4da",
        },
        yaxis={"automargin": True},
        margin={"l": 10, "r": 20, "t": 40, "b": 70},
        height=_height(len(points)),
        shapes=[_reference_line(total * 100, total_text, _label_side(total * 100, points, 100))]
        if _usable(total)
        else [],
    )
    return fig


def ratios_figure(points: list[GroupPoint], reference_text: str, axis_title: str) -> Figure:
    """Rate ratios on a log scale, so that 0.5 and 2 are as far from 1, with a line at 1.

    A ratio of 0 (no events) has no place on a log scale: the table shows it."""
    points = [p for p in points if _usable(p.value) and p.value > 0]
    fig = Figure(_group_trace(points, 1, "×"))
    fig.update_layout(
        **LAYOUT,
        xaxis={
            "type": "log",
            "title": {"text": wrap_label(axis_title, 36)},
            "gridcolor": "#ced4da",
        },
        yaxis={"automargin": True},
        margin={"l": 10, "r": 20, "t": 40, "b": 70},
        height=_height(len(points)),
        shapes=[_reference_line(1, reference_text, _label_side(1, points, 1, log=True))],
    )
    return fig


def over_time_figure(periods: list[str], values: list[float | None], title: str) -> Figure:
    """One summary value per period, as a line (gaps where it is not defined)."""
    ys = [v if _usable(v) else None for v in values]
    fig = Figure(
        Scatter(
            x=periods,
            y=ys,
            mode="lines+markers",
            line={"color": RELIABLE_COLOR, "width": 3},
            marker={"size": 9},
            connectgaps=False,
            hovertemplate="%{x}: %{y:.3f}<extra></extra>",
        )
    )
    top = max([v for v in ys if v is not None] + [0.3])
    fig.update_layout(
        **LAYOUT,
        xaxis={"type": "category", "title": {"text": title}},
        yaxis={"range": [0, top * 1.15], "gridcolor": "#ced4da"},
        margin={"l": 10, "r": 20, "t": 20, "b": 50},
        height=320,
    )
    return fig


def figure_json(fig: Figure) -> dict:
    """Plain JSON-ready data for json_script (numpy values and NaN made plain)."""
    return fig.to_plotly_json()
