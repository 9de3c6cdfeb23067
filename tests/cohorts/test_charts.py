"""The dashboard's charts read without telling colours apart: the heat map's levels are on a
sequential, colour-blind-safe scale with a label in every cell; every slope line is named."""

import itertools
import math

import pandas as pd

from assessments import levels
from cohorts import charts

DIMENSIONS = {
    "governance": "Governance & Structures",
    "insight": "Insight & Evidence",
    "services": "Services & Solutions",
    "people": "People & Culture",
}


def _luminance(color: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _table(rows: list[tuple[str, list]]) -> pd.DataFrame:
    records = []
    for name, values in rows:
        levels_by_key = zip(DIMENSIONS, values, strict=True)
        records.append({"organization_name": name} | {f"{k}_level": v for k, v in levels_by_key})
    return pd.DataFrame(records)


def test_the_heatmap_levels_grow_lighter_step_by_step_so_any_eye_orders_them():
    # A sequential scale: each level lighter than the one below by a visible step, so the
    # levels are told apart by lightness alone (any colour vision, or printed in grey).
    shades = [_luminance(charts.HEATMAP_COLORS[level]) for level in range(5)]
    ratios = [(b + 0.05) / (a + 0.05) for a, b in itertools.pairwise(shades)]
    assert all(ratio >= 1.5 for ratio in ratios), ratios


def test_the_heatmap_is_drawn_in_that_palette_with_not_compared_apart():
    fig = charts.heatmap_figure(_table([("A", [1, 2, 3, 4])]), DIMENSIONS)
    used = [color for _, color in fig.data[0].colorscale]
    assert set(used) == {*charts.HEATMAP_COLORS.values(), charts.NOT_COMPARED_COLOR}
    assert fig.data[0].zmin < charts.NOT_COMPARED < 0 < 4 < fig.data[0].zmax


def test_every_heatmap_cell_has_a_text_label_even_where_not_compared():
    table = _table([("First", [0, 1, 2, 3]), ("Second", [4, math.nan, None, 1])])
    fig = charts.heatmap_figure(table, DIMENSIONS)
    heatmap = fig.data[0]
    assert heatmap.texttemplate == "%{text}"
    names = {str(levels.LEVEL_NAMES[level]) for level in range(5)}
    cells = [text for line in heatmap.text for text in line]
    assert len(cells) == 8
    assert all(text in names | {"Not compared"} for text in cells)
    # The first row is drawn at the top: plotly's rows go upwards.
    assert list(heatmap.text[0]) == ["Generative", "Not compared", "Not compared", "Regulative"]
    assert list(heatmap.z[0]) == [4, charts.NOT_COMPARED, charts.NOT_COMPARED, 1]


def test_long_names_are_shortened_on_the_heatmap_but_rows_never_merge():
    long = "Riverside County Department of Social Services"
    table = _table([(long + " North", [1, 1, 1, 1]), (long + " South", [2, 2, 2, 2])])
    fig = charts.heatmap_figure(table, DIMENSIONS)
    ticks = fig.layout.yaxis.ticktext
    assert all(len(tick) <= charts.NAME_CHARS for tick in ticks)
    assert list(fig.data[0].y) == [0, 1]  # positions, though both names shorten alike
    assert [row[0] for row in fig.data[0].customdata] == [long + " South", long + " North"]
    assert all("<br>" in label for label in fig.data[0].x)  # dimension names on two lines


def _change(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["organization_name", "before", "after"])
    return frame.assign(change=frame["after"] - frame["before"])


def test_every_slope_line_is_labelled_with_its_organization_at_its_end():
    change = _change([("Up", 1.0, 3.0), ("Down", 3.0, 2.0), ("Same", 2.0, 2.0)])
    fig = charts.slope_figure(change, "2025", "2026")
    labels = {a.text: a for a in fig.layout.annotations}
    assert set(labels) == {"Up", "Down", "Same"} == {trace.name for trace in fig.data}
    # At the second category (by position) and to its right.
    assert all(label.x == 1 and label.xanchor == "left" for label in labels.values())
    assert labels["Up"].y == 3.0


def test_slope_labels_at_the_same_height_are_pushed_apart():
    change = _change([(f"Org {n}", 1.0, 2.0) for n in range(6)])
    fig = charts.slope_figure(change, "2025", "2026")
    heights = sorted(a.y for a in fig.layout.annotations)
    gaps = [b - a for a, b in itertools.pairwise(heights)]
    # One 15 px line of text on the index axis (0 to 4 over the plot's height).
    line = 4 * 15 / (fig.layout.height - 70)
    assert heights[0] == 2.0
    assert all(gap >= line - 1e-9 for gap in gaps)


def test_slope_lines_that_rise_and_fall_differ_in_dash_as_well_as_colour():
    change = _change([("Up", 1.0, 3.0), ("Down", 3.0, 2.0)])
    up, down = charts.slope_figure(change, "2025", "2026").data
    assert up.line.color != down.line.color
    assert up.line.dash != down.line.dash
    assert {up.line.color, down.line.color} <= set(charts.SLOPE_COLORS.values())
