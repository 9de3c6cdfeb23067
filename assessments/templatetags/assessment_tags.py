from django import template

from assessments import levels
from assessments.translated import translated as text_in_language

register = template.Library()


@register.filter
def level_name(level: int | None) -> str:
    return levels.level_name(level)


@register.filter
def signed(value) -> str:
    """A change shown with its sign: +1, −0.25, 0."""
    if value is None:
        return ""
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{abs(value)}"
    return "0"


@register.filter
def min_level(scores) -> int | None:
    """The headline level of a set of dimension scores: the lowest, as levels build up."""
    return min((score.level for score in scores), default=None)


@register.filter
def descriptor_text(indicator, level) -> str:
    """What an indicator looks like at a level (descriptors must be prefetched)."""
    for descriptor in indicator.descriptors.all():
        if str(descriptor.level) == str(level):
            return text_in_language(descriptor, "text")
    return ""


@register.filter
def carried_in(dimension, carried: set[int]) -> list:
    """The dimension's indicators whose answer is carried over and not confirmed."""
    return [indicator for indicator in dimension.indicators.all() if indicator.pk in carried]


@register.filter
def translated(obj, field: str) -> str:
    """A framework or action-step text in the active language (assessments.translated)."""
    return text_in_language(obj, field)
