"""The chart kit below the apps: figures built from plain data, so any app's page can use them.

Web pages embed `figure_json(fig)` with json_script and static/js/charts.js draws it (no
inline script, as the content security policy requires).
"""

import textwrap
from dataclasses import dataclass

from valuecurve import numbers
from valuecurve.figures import Figure, Scatter

# The plotly.js pages load (a static path): a bundle of only the trace types below, built at
# set-up from npm's plotly.js, of the version the installed Python plotly writes figures for
# (assets/plotly.js, `npm run build`). It is a quarter smaller than npm's cartesian bundle and
# starts several times faster in the browser (tests/test_chart_bundle.py checks the version,
# the types and that they cover every chart the app draws).
PLOTLY_BUNDLE = "vendor/plotly/plotly-valuecurve.min.js"
PLOTLY_BUNDLE_TRACES = frozenset({"bar", "heatmap", "scatter"})

# One colour per dimension, shared by the curve's markers, the trend lines and the poster's
# column bands. All keep white text above 4.5:1 contrast.
DIMENSION_COLORS = {
    "governance": "#a3461f",
    "insight": "#1b5f8c",
    "services": "#3f6d1f",
    "people": "#7a3b69",
}
_SPARE_COLORS = ("#5c4b8a", "#8a5a00", "#00666e", "#8c2f39")


def dimension_color(key: str, position: int) -> str:
    """The dimension's colour; a framework with other dimensions gets spare colours in order."""
    return DIMENSION_COLORS.get(key) or _SPARE_COLORS[position % len(_SPARE_COLORS)]


def wrap_label(label: str, width: int = 10) -> str:
    """A long axis label on two or more lines (plotly breaks lines at <br>), so that it fits
    beside or under a chart on a phone."""
    return "<br>".join(textwrap.wrap(label, width, break_long_words=False)) or label


def localized(fig: Figure) -> Figure:
    """The figure writes numbers with the active language's separators. A figure already
    localized keeps its own: a batch localizes its figures before another thread (which has
    no language of its own) draws them."""
    if fig.layout.separators is None:
        fig.update_layout(separators=numbers.plotly_separators())
    return fig


def figure_json(fig: Figure) -> dict:
    """Plain JSON-ready data for json_script (numpy arrays and the like made plain), numbers
    written as the page's language writes them."""
    return localized(fig).to_plotly_json()


@dataclass(frozen=True)
class TrendLine:
    key: str
    name: str
    indices: list[float | None]  # one per cycle; None where the cycle has no such dimension


def trend_figure(cycles: list[str], lines: list[TrendLine], level_names: list[str]) -> Figure:
    """Each dimension's index (0-4) over the cycles, one line per dimension, oldest first."""
    fig = Figure(
        [
            Scatter(
                x=cycles,
                y=line.indices,
                name=line.name,
                mode="lines+markers",
                line={"color": dimension_color(line.key, n), "width": 3},
                marker={"size": 9},
                hovertemplate="%{x}: %{y:.2f}<extra>" + line.name + "</extra>",
            )
            for n, line in enumerate(lines)
        ]
    )
    fig.update_layout(
        xaxis={"type": "category", "title": None},
        yaxis={
            "range": [0, 4.1],
            "tickvals": list(range(len(level_names))),
            "ticktext": level_names,
            "gridcolor": "#ced4da",
        },
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        height=340,
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        font={"family": "system-ui, sans-serif", "size": 14, "color": "#212529"},
        legend={"orientation": "h", "y": -0.15},
    )
    return fig
