from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from valuecurve import languages
from valuecurve.two_factor import two_factor_state

# Until the code is entered, a password alone reaches only these: never the settings
# of the account (turning two-factor off, a new authenticator, a new password).
BEFORE_CODE = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password_reset/",
    "/accounts/reset/",
    "/accounts/two-factor/verify/",
    "/i18n/",
    "/static/",
)
# A member whom an organization requires to use two-factor, before setting it up: their
# password is their only factor so far, so their account pages stay open.
BEFORE_SETUP = ("/accounts/", "/i18n/", "/static/", "/about/", "/invitations/accept/")


class TwoFactorMiddleware:
    """Finish two-factor sign-in before anything else.

    A user with an authenticator must enter a code after the password; a member of an
    organization that requires two-factor sign-in must set one up first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target, open_paths = self.redirect_for(request)
        if target and not request.path.startswith(open_paths):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

    def redirect_for(self, request) -> tuple[str | None, tuple[str, ...]]:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None, ()
        has_device, required = two_factor_state(user)
        if has_device:
            return "two_factor_verify", BEFORE_CODE
        if required:
            return "two_factor_setup", BEFORE_SETUP
        return None, ()


class RequestBodyLimitMiddleware:
    """Refuse a request body larger than settings.MAX_REQUEST_BODY_BYTES before anything reads
    it: Django would otherwise write a huge upload to a temporary file before a view can check
    its size. The largest upload the app takes is a 2 MB CSV file of outcome counts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return self.too_large(request)
        return self.get_response(request)

    def too_large(self, request):
        # This runs before LocaleMiddleware: choose the language from the request (its language
        # cookie or Accept-Language) rather than whatever the thread served last.
        megabytes = settings.MAX_REQUEST_BODY_BYTES // (1024 * 1024)
        with translation.override(translation.get_language_from_request(request)):
            message = _("This request is too large: at most %(mb)d MB can be sent.") % {
                "mb": megabytes
            }
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class UserLanguageMiddleware:
    """After LocaleMiddleware (the cookie, the browser's languages) and sign-in: a signed-in
    user reads the language they chose, copied into their session when they signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.session.get(languages.SESSION_KEY)
        if languages.is_language(language) and request.user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
