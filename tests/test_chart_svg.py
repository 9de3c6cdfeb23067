"""The charts' first paint, drawn on the server from the figure data the pages embed
(valuecurve.chart_svg): every chart the app has, its text labels, its palette, escaped text
and the language's numbers. Pure: no database."""

import xml.etree.ElementTree as ET

import pandas as pd
from django.utils import translation

from cohorts import charts as cohort_charts
from outcomes import charts as outcome_charts
from reports import charts
from valuecurve.chart_svg import figure_svg
from valuecurve.charts import TrendLine, figure_json, trend_figure

SVG = "{http://www.w3.org/2000/svg}"
DIMENSIONS = {"governance": "Governance & Structures", "insight": "Insight & Evidence"}


def drawn(fig, width: int = 360) -> ET.Element:
    return ET.fromstring(figure_svg(figure_json(fig), width))


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def fills(svg: ET.Element) -> set[str]:
    return {e.get("fill") for e in svg.iter() if e.get("fill")}


def members(rows: list[tuple[str, int | None, int | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"organization_name": n, "governance_level": g, "insight_level": i} for n, g, i in rows]
    )


def test_it_draws_the_profile_bars_with_their_levels_and_indices():
    fig = charts.profile_figure([charts.DimensionBar("Governance & Structures", 2, 2.25)])
    svg = drawn(fig)
    assert svg.get("width") == "360" and svg.get("height") == str(fig.layout.height)
    assert "Collaborative · 2.25" in texts(svg)
    assert charts.LEVEL_COLORS[2] in fills(svg)


def test_the_heat_map_labels_every_cell_on_the_colour_blind_safe_scale():
    table = members([("Agency A", 1, 4), ("Agency B", None, 2)])
    svg = drawn(cohort_charts.heatmap_figure(table, DIMENSIONS), 760)
    words = texts(svg)
    assert {"Regulative", "Generative", "Collaborative", "Not compared"} <= set(words)
    assert {"Agency A", "Agency B"} <= set(words)
    cividis = {cohort_charts.HEATMAP_COLORS[level] for level in (1, 2, 4)}
    assert cividis | {cohort_charts.NOT_COMPARED_COLOR} <= fills(svg)
    # Dark cells are labelled in white, light ones in dark text.
    cell_text = {t.text or "".join(t.itertext()): t.get("fill") for t in svg.iter(f"{SVG}text")}
    assert cell_text["Regulative"] == "#ffffff" and cell_text["Generative"] == "#212529"


def test_the_slope_chart_labels_each_line_at_its_end():
    change = pd.DataFrame(
        [
            {"organization_name": "Northside", "before": 1.0, "after": 2.0, "change": 1.0},
            {"organization_name": "Southside", "before": 2.5, "after": 2.0, "change": -0.5},
        ]
    )
    svg = drawn(cohort_charts.slope_figure(change, "2026", "2027"))
    assert {"Northside", "Southside", "2026", "2027"} <= set(texts(svg))
    strokes = {p.get("stroke") for p in svg.iter(f"{SVG}path")}
    assert {cohort_charts.SLOPE_COLORS[d] for d in ("up", "down")} <= strokes
    dotted = [p for p in svg.iter(f"{SVG}path") if p.get("stroke-dasharray")]
    assert len(dotted) == 1  # the line that went down, told apart without colour too


def test_every_chart_of_the_app_is_drawn():
    points = [
        outcome_charts.GroupPoint("White", 0.3, 0.25, 0.35),
        outcome_charts.GroupPoint("Black or African American", 0.45, 0.4, 0.5, unreliable=True),
    ]
    figures = [
        charts.curve_figure([charts.CurveMarker("governance", "Governance", 2, 2.2)]),
        trend_figure(["2026", "2027"], [TrendLine("governance", "Governance", [1, 2])], ["0"]),
        cohort_charts.distribution_figure({"governance": [1, 2, 0, 0, 0]}, DIMENSIONS),
        cohort_charts.disparity_trend_figure(
            pd.DataFrame(
                {
                    "period": ["2026", "2027"],
                    "q1": [0.1, None],
                    "median": [0.2, None],
                    "q3": [0.3, None],
                }
            ),
            "Cramér's V",
        ),
        outcome_charts.rates_figure(points, 0.38, "All groups", "Percent housed"),
        outcome_charts.ratios_figure(points, "Same rate as White", "Rate ratio"),
        outcome_charts.over_time_figure(["2026", "2027"], [0.1, None], "Cramér's V"),
    ]
    for fig in figures:
        svg = drawn(fig)
        assert texts(svg), fig.layout
    assert "Same rate as White" in texts(drawn(figures[5]))
    assert "Black or African<br>American *" not in texts(drawn(figures[4]))  # lines, not markup
    assert "Black or African" in texts(drawn(figures[4]))
    assert any(c.get("fill") == "none" for c in drawn(figures[4]).iter(f"{SVG}circle"))


def test_text_is_escaped_and_only_line_breaks_and_bold_are_read_as_markup():
    table = members([('<script>alert("x")</script> & Co', 1, 1)])
    svg_text = figure_svg(figure_json(cohort_charts.heatmap_figure(table, DIMENSIONS)), 360)
    assert "<script>" not in svg_text and "&lt;script&gt;" in svg_text
    ET.fromstring(svg_text)  # well-formed
    profile = figure_svg(figure_json(charts.profile_figure([charts.DimensionBar("G", 1, 1)])), 360)
    assert '<tspan font-weight="bold">' in profile and "&lt;b&gt;" not in profile


def test_numbers_are_written_as_the_language_writes_them():
    def ticks(language: str) -> list[str]:
        fig = outcome_charts.over_time_figure(["2026", "2027"], [0.12, 0.2], "V")
        with translation.override(language):
            return texts(ET.fromstring(figure_svg(figure_json(fig), 360)))

    assert "0,1" in ticks("es") and "0.1" not in ticks("es")
    assert "0.1" in ticks("en")


def test_wider_drawings_keep_the_same_labels():
    fig = cohort_charts.heatmap_figure(members([("Agency A", 1, 2)]), DIMENSIONS)
    narrow, wide = drawn(fig, 360), drawn(fig, 1080)
    assert set(texts(narrow)) == set(texts(wide)) >= {"Agency A", "Regulative", "Collaborative"}
    assert float(wide.get("width")) == 3 * float(narrow.get("width"))
