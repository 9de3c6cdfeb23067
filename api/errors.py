"""One error body for every refusal: {"error": {"status", "code", "message", "fields"}}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    # The metaclass takes declared fields off the class, so this one does not hide `fields`.
    fields = serializers.DictField(child=serializers.JSONField(), required=False)  # type: ignore[assignment]


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def error_response(status: int, code: str, message: str, fields: dict | None = None) -> Response:
    error = {"status": status, "code": code, "message": message}
    if fields is not None:
        error["fields"] = fields
    return Response({"error": error}, status=status)


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Nothing here: it does not exist or this token cannot see it."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = {"error": _error(exc, response.status_code)}
    return response


def _error(exc: exceptions.APIException, status: int) -> dict:
    detail = exc.detail
    if isinstance(detail, dict | list):
        message = _("Some of what was sent is not right: see fields.")
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return {"status": status, "code": "invalid", "message": message, "fields": fields}
    return {"status": status, "code": detail.code, "message": str(detail)}
