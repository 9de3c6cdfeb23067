"""{% static_chart figure %}: a chart's first paint, drawn on the server (valuecurve.chart_svg)
from the same figure data the page embeds for plotly.js, so the page is whole before any
script runs. It is drawn at a few widths; the stylesheet shows the one that suits the width
of the chart's box (a container query), so its text reads as large on a phone as on a desk."""

from django import template
from django.utils.safestring import mark_safe

from valuecurve.chart_svg import figure_svg

register = template.Library()

# The widths drawn; static/css/app.css shows each from its own width up to the next.
WIDTHS = (360, 540, 760, 1080)


@register.simple_tag
def static_chart(figure: dict | None) -> str:
    if not figure:
        return ""
    # The chart's box carries its role and name: the drawing itself is hidden from the
    # accessibility tree, once for every width.
    return mark_safe(  # noqa: S308  (chart_svg escapes every text it writes)
        "".join(
            figure_svg(
                figure, width, attributes=f' class="chart-static w{width}" aria-hidden="true"'
            )
            for width in WIDTHS
        )
    )
