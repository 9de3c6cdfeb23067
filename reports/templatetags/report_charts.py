"""Charts a page draws from data it already has, for json_script and static/js/charts.js."""

from django import template

from assessments.translated import translated
from reports.charts import CurveMarker, curve_figure, figure_json

register = template.Library()


@register.filter
def curve_chart(sections: list[dict]) -> dict:
    """The Value Curve figure of a results page's sections (each a dimension and its result)."""
    markers = [
        CurveMarker(
            s["dimension"].key,
            translated(s["dimension"], "name"),
            s["result"].level,
            s["result"].index,
        )
        for s in sections
    ]
    return figure_json(curve_figure(markers))
