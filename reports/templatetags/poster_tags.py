from django import template

from reports import poster_layout

register = template.Library()


@register.filter
def script_class(text: str) -> str:
    """ "script-arabic" for text in Arabic script: print.css sets it in Noto Sans Arabic first,
    so its lines keep their line height (mixed with Noto Sans, they grow by half)."""
    return "script-arabic" if poster_layout.is_arabic(str(text)) else ""
