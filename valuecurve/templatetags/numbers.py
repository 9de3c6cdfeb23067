from django import template

from valuecurve import numbers

register = template.Library()


@register.filter
def percent(value, places: int = 1) -> str:
    """{{ rate_percent|percent:1 }}: "12.5%", or "12,5 %" as Spanish writes it; "" for none."""
    if value is None or value == "":
        return ""
    return numbers.percent(float(value), int(places))


@register.filter
def share(value) -> str:
    """{{ done_share|share }}: a fraction (0.25) as a whole percent ("25%"); "" for none."""
    if value is None or value == "":
        return ""
    return numbers.percent(100 * float(value), 0)
