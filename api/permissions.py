"""What a token may do on top of its user's role: only its scope, and writes only if it says so."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import AccessToken


class TokenScope(permissions.BasePermission):
    message = _("This token is read only: create a read-write token to change data.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, AccessToken):
            return False
        return request.method in permissions.SAFE_METHODS or token.can_write
