"""Choosing the language: the switcher on every page and the account page's choice."""

from django.http import HttpRequest, HttpResponse
from django.views import i18n
from django.views.decorators.http import require_POST

from valuecurve import languages


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's set_language (the cookie, back to `next`), and for a signed-in user their
    saved choice too, so it follows them to their next sign-in and other devices."""
    response = i18n.set_language(request)
    language = request.POST.get("language")
    if languages.is_language(language) and request.user.is_authenticated:
        languages.language_save(user=request.user, language=language)
        request.session[languages.SESSION_KEY] = language
    return response


def apply_saved_language(sender, request, user, **kwargs) -> None:
    """On sign-in: the language the user chose, if they chose one (else the cookie's)."""
    language = languages.saved_language(user)
    if language and request is not None and hasattr(request, "session"):
        languages.apply_to_session(request, language)
