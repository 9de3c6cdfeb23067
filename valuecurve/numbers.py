"""Numbers and percentages as the active language writes them (2.50 or 2,50; 12% or 12 %).

Pages, charts and documents format through these (templates: `floatformat` and the `percent`
filter of `numbers`); exports (CSV, Excel) keep plain numbers.
"""

from django.utils import formats
from django.utils.translation import gettext


def decimal(value: float, places: int = 2, *, signed: bool = False) -> str:
    """`value` with `places` decimals, in the active language's separators."""
    text = formats.number_format(round(float(value), places), places)
    return f"+{text}" if signed and float(value) > 0 else text


def percent(value: float, places: int = 1) -> str:
    """`value` (already in percent) with its percent sign, as the active language writes it."""
    return gettext("%(number)s%%") % {"number": decimal(value, places)}


def plotly_separators() -> str:
    """Plotly's `separators` (decimal, then thousands) for the active language, so the numbers
    a chart writes (hover text, axis ticks) read as the page's do."""
    return formats.get_format("DECIMAL_SEPARATOR") + formats.get_format("THOUSAND_SEPARATOR")
