"""Charts for PDF documents: plotly figures to static SVG, drawn in Python by the chart kit
(valuecurve.chart_svg) from the same figure data the web pages draw; the HTML to tagged PDF
step is the project's (valuecurve.pdf).

SVGs are cached by the figure's JSON, so a batch of posters with the same levels draws each
chart once.
"""

import base64
import json
import logging
from functools import lru_cache

from valuecurve import chart_svg
from valuecurve.charts import localized
from valuecurve.figures import Figure

# HTML to PDF is the project's (valuecurve.pdf); reports and posters reach it through here.
from valuecurve.pdf import document_pdf, html_to_pdf, render_document  # noqa: F401

logger = logging.getLogger(__name__)


class ChartUnavailable(Exception):
    """The chart could not be drawn: the document goes without it rather than fail."""


@lru_cache(maxsize=512)
def _svg_for(figure_json: str, width: int, height: int) -> bytes:
    figure = json.loads(figure_json)
    figure["layout"]["height"] = height
    return chart_svg.figure_svg(figure, width).encode()


def figure_svg(fig: Figure, width: int, height: int) -> bytes:
    """The figure as static SVG, `width` by `height` pixels."""
    try:
        # The figure's JSON (its language's words and separators) keys the cache.
        return _svg_for(localized(fig).to_json(), width, height)
    except Exception as exc:  # a figure the kit cannot draw: the document goes without it
        raise ChartUnavailable(f"{type(exc).__name__}: {exc}") from exc


def figure_data_uri(fig: Figure, width: int, height: int) -> str | None:
    """An <img> source for the figure, or None (logged) when charts cannot be drawn."""
    try:
        svg = figure_svg(fig, width, height)
    except ChartUnavailable as exc:
        logger.warning("Chart left out of a document: %s", exc)
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
