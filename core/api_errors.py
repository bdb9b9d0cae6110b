"""The REST API's error format: every failure is JSON, `{"error": {"code", "message", "details"}}`.

`api_exception_handler` is DRF's exception handler for every API view (accounts/authentication.py
wires it into `ApiView`); `api_not_found` answers URLs under /api/v1/ that match no endpoint. Neither
ever returns HTML, and an unexpected exception becomes a logged JSON 500 rather than Django's page.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """A refusal with its own status, code and details (a 409 or 422 from a service's answer)."""

    def __init__(self, *, status_code: int, code: str, message: str, details: Any = None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.details = details


class SafeJSONParser(JSONParser):
    """DRF's strict JSON parser (no NaN or Infinity) that also turns absurd nesting into a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the document is nested too deeply.") from None


# DRF's default codes, renamed where a developer reading the error gains from a plainer word.
_CODES = {
    "parse_error": "malformed_request",
    "invalid": "invalid_request",
    "authentication_failed": "invalid_credentials",
    "throttled": "rate_limited",
}

_MESSAGES = {
    exceptions.NotAuthenticated: (
        "Authentication is required: send 'Authorization: Bearer <API key>' or 'X-API-Key: <API key>'."
    ),
    exceptions.ValidationError: "The request has invalid or missing fields: see details.",
}


def _error_body(code: str, message: str, details: Any = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details}}


def _code_of(exc: exceptions.APIException) -> str:
    if isinstance(exc, ApiError):
        return exc.error_code
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return _CODES.get(code, code)


def _message_of(exc: exceptions.APIException) -> str:
    for kind, message in _MESSAGES.items():
        if isinstance(exc, kind):
            return message
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 0)
        return f"This API key's hourly request limit is used up; try again in {wait} seconds."
    detail = exc.detail
    return str(detail) if not isinstance(detail, list | dict) else str(exc.default_detail)


def api_exception_handler(exc: Exception, context: dict) -> Response:
    """Turn any exception raised in an API view into a JSON error response."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = ApiError(
            status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            code="request_too_large",
            message="The request body is too large.",
        )
    elif isinstance(exc, SuspiciousOperation):
        exc = ApiError(status_code=400, code="bad_request", message="The request could not be understood.")

    if not isinstance(exc, exceptions.APIException):
        view = context.get("view")
        logger.exception("Unexpected error in API view %s", type(view).__name__ if view else "?")
        return Response(
            _error_body("server_error", "Something went wrong on our side; the error has been logged."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    if isinstance(exc, ApiError):
        details = exc.details
    elif isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    else:
        details = None
    return Response(
        _error_body(_code_of(exc), _message_of(exc), details), status=exc.status_code, headers=headers
    )


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Answer an /api/v1/ URL that names no endpoint with a JSON 404 (never Django's HTML page)."""
    message = "No API endpoint at this URL."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            message = f"No API endpoint at this URL. API URLs end with a slash: {request.path}/"
    return JsonResponse(_error_body("not_found", message), status=404)


# ----------------------------------------------------------------- the format, for the OpenAPI schema


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable, machine-readable code, e.g. `not_found`.")
    message = serializers.CharField(help_text="A sentence for a person.")
    details = serializers.JSONField(
        allow_null=True, help_text="More about the error when there is more: field errors, missing questions."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
