from django import template

from valuecurve import sso

register = template.Library()


@register.simple_tag
def sso_providers() -> list[sso.Provider]:
    """{% sso_providers as providers %}: the configured single sign-on providers, or none."""
    return sso.providers()
