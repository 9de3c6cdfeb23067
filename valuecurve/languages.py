"""The languages of the app, and which one a person reads.

settings.LANGUAGES is the one list of languages (and LANGUAGE_CODE the default); nothing else
names a language code. A signed-in person's choice is kept in their Preferences and, for the
requests of a session, in the session (UserLanguageMiddleware applies it); a signed-out
person's in Django's language cookie. Emails and documents read `reader_language`.
"""

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, TypeGuard

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import translation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The session's copy of the signed-in user's language: applied on each request without a query.
SESSION_KEY = "language"


def language_choices() -> list[tuple[str, "StrOrPromise"]]:
    """(code, name) of each language the app speaks, names lazily translated as settings gives
    them; a callable so a model's choices follow settings.LANGUAGES without a migration."""
    return list(settings.LANGUAGES)


def default_language() -> str:
    return settings.LANGUAGE_CODE


def is_language(code: object) -> TypeGuard[str]:
    return isinstance(code, str) and code in dict(settings.LANGUAGES)


def active_language() -> str:
    """The language this request (or `translation.override`) speaks, as settings name it."""
    language = translation.get_language()
    return language if is_language(language) else settings.LANGUAGE_CODE


def saved_language(user) -> str:
    """The language the user chose, "" when they never chose one (or have no account)."""
    if user is None or not getattr(user, "pk", None):
        return ""
    from valuecurve.models import Preferences

    language = Preferences.objects.filter(user=user).values_list("language", flat=True).first()
    return language if is_language(language) else ""


def reader_language(*, user=None, email: str = "", organization=None, default: str = "") -> str:
    """The language a person reads: their own choice if they have an account (`user`, or the
    account of `email`) and made one, else the organization's default (the one that writes to
    them), else `default` (the inviter's, when no organization writes), else the app's."""
    if user is None and email:
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    language = saved_language(user)
    if language:
        return language
    organization_language = getattr(organization, "language", "")
    if is_language(organization_language):
        return organization_language
    return default if is_language(default) else settings.LANGUAGE_CODE


@contextlib.contextmanager
def reading(*, user=None, email: str = "", organization=None, default: str = "") -> Iterator[str]:
    """Translate what is built inside (an email) in the reader's language."""
    language = reader_language(user=user, email=email, organization=organization, default=default)
    with translation.override(language):
        yield language


def document_language(request, default: str) -> str:
    """The language a document is asked for (`lang` in the query, or a form's field), else
    `default` (the organization's). Http404 for a language the app does not speak, as for a
    paper size it does not print."""
    asked = request.GET.get("lang") or request.POST.get("lang")
    if not asked:
        return default if is_language(default) else settings.LANGUAGE_CODE
    if not is_language(asked):
        raise Http404("No such language")
    return asked


def in_language(response):
    """The response says it is in the active language (a document in another language than
    the pages': LocaleMiddleware would otherwise name the page's)."""
    response.headers["Content-Language"] = active_language()
    return response


def language_save(*, user, language: str) -> None:
    """Remember the user's language (a known one; the caller checks with is_language)."""
    from valuecurve.models import Preferences

    Preferences.objects.update_or_create(user=user, defaults={"language": language})


def apply_to_session(request, language: str) -> None:
    """Use `language` for the rest of this request and the session's next ones."""
    request.session[SESSION_KEY] = language
    translation.activate(language)
    request.LANGUAGE_CODE = language
