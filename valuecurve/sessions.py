"""Idle sessions end after SESSION_COOKIE_AGE seconds without a request. Each write of a session
pushes its end back by that much; rather than writing the session on every request (a database
write per page view, which SQLite serialises), it is written only when the last write is
SESSION_REFRESH_SECONDS old or more. A session therefore ends between SESSION_COOKIE_AGE minus
SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after its last request."""

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# When the session was last written for the idle timeout (seconds since the epoch).
REFRESHED_AT = "_refreshed_at"


def session_stamp(session) -> None:
    """Record that the session is written now (setting a key makes SessionMiddleware save it)."""
    session[REFRESHED_AT] = int(time.time())


def session_refresh_due(session) -> bool:
    refreshed_at = session.get(REFRESHED_AT, 0)
    return time.time() - refreshed_at >= settings.SESSION_REFRESH_SECONDS


def stamp_on_sign_in(sender, request: HttpRequest, user, **kwargs) -> None:
    session_stamp(request.session)


class SessionRefreshMiddleware:
    """Push a signed-in session's end back when its last write is old enough (after
    SessionMiddleware in MIDDLEWARE, so that it saves what this marks)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # No key: no session, or one that has ended (loading it dropped the key); modified:
        # it is saved anyway.
        if session is None or not session.session_key or session.modified:
            return response
        if session_refresh_due(session):
            session_stamp(session)
        return response
