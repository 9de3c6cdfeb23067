"""The request of a page that needs a signed-in user (behind login_required), for type hints."""

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    user: User
