"""The API's error format: whatever fails in a view, the client gets one JSON shape and a stable code."""

import io
import json
import logging

import pytest
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.test import RequestFactory
from rest_framework import exceptions

from core.api_errors import ApiError, ErrorSerializer, SafeJSONParser, api_exception_handler, api_not_found


def _error(exc: Exception):
    response = api_exception_handler(exc, {"view": None})
    return response.status_code, response.data["error"], response


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (Http404("No such session"), 404, "not_found"),
        (PermissionDenied(), 403, "permission_denied"),
        (RequestDataTooBig(), 413, "request_too_large"),
        (SuspiciousOperation("bad host"), 400, "bad_request"),
        (exceptions.ParseError(), 400, "malformed_request"),
        (exceptions.AuthenticationFailed(), 401, "invalid_credentials"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.MethodNotAllowed("OPTIONS"), 405, "method_not_allowed"),
    ],
)
def test_each_failure_has_its_status_and_a_stable_code(exc, status, code):
    status_code, error, _ = _error(exc)
    assert (status_code, error["code"]) == (status, code)
    assert error["message"] and error["details"] is None


def test_a_django_404_says_not_found_without_repeating_the_views_text():
    _, error, _ = _error(Http404("Session 42 of organization 7"))
    assert "42" not in error["message"]


def test_a_missing_key_tells_the_client_how_to_send_one():
    _, error, _ = _error(exceptions.NotAuthenticated())
    assert "Authorization: Bearer" in error["message"] and "X-API-Key" in error["message"]


def test_field_errors_are_the_details_of_an_invalid_request():
    status_code, error, _ = _error(exceptions.ValidationError({"name": ["This field is required."]}))
    assert (status_code, error["code"]) == (400, "invalid_request")
    assert error["details"] == {"name": ["This field is required."]}
    assert error["message"] == "The request has invalid or missing fields: see details."


def test_errors_that_name_no_field_are_listed_as_non_field_errors():
    _, error, _ = _error(exceptions.ValidationError(["Answer every required question first."]))
    assert error["details"] == {"non_field_errors": ["Answer every required question first."]}


def test_a_services_refusal_keeps_its_own_status_code_and_details():
    refusal = ApiError(
        status_code=409, code="session_completed", message="The session is completed.", details={"id": 1}
    )
    assert _error(refusal)[:2] == (
        409,
        {"code": "session_completed", "message": "The session is completed.", "details": {"id": 1}},
    )


def test_a_spent_rate_limit_says_when_to_come_back():
    status_code, error, response = _error(exceptions.Throttled(wait=12.2))
    assert (status_code, error["code"]) == (429, "rate_limited")
    assert response["Retry-After"] == "13"
    assert "13 seconds" in error["message"]


def test_a_refused_credential_names_the_scheme_to_use():
    refused = exceptions.AuthenticationFailed("The key has been revoked.")
    refused.auth_header = 'Bearer realm="api"'
    _, error, response = _error(refused)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert error["message"] == "The key has been revoked."


def test_an_unexpected_exception_is_logged_and_answered_as_a_json_500(caplog):
    caplog.set_level(logging.ERROR, logger="core.api_errors")
    try:
        raise KeyError("the bug")
    except KeyError as bug:  # DRF calls the handler while the view's exception is being handled
        status_code, error, _ = _error(bug)
    assert (status_code, error["code"]) == (500, "server_error")
    assert "the bug" not in error["message"]
    assert "Unexpected error in API view" in caplog.text and "the bug" in caplog.text


def test_the_documented_format_is_what_the_handler_returns():
    _, _, response = _error(exceptions.ValidationError({"name": ["Too long."]}))
    assert ErrorSerializer(data=response.data).is_valid(), response.data


def test_json_nested_absurdly_deep_is_a_malformed_request_not_a_crash():
    body = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(exceptions.ParseError, match="nested too deeply"):
        SafeJSONParser().parse(io.BytesIO(body))


def test_json_with_nan_is_refused():
    with pytest.raises(exceptions.ParseError):
        SafeJSONParser().parse(io.BytesIO(b'{"rating": NaN}'))


@pytest.mark.urls("tests.core.urls")
def test_an_unknown_api_url_is_a_json_404():
    response = api_not_found(RequestFactory().get("/api/nothing/"))
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"] == {
        "code": "not_found",
        "message": "No API endpoint at this URL.",
        "details": None,
    }


@pytest.mark.urls("tests.core.urls")
def test_an_api_url_without_its_trailing_slash_says_to_add_one():
    response = api_not_found(RequestFactory().get("/api/things"))
    assert response.status_code == 404
    message = json.loads(response.content)["error"]["message"]
    assert message.endswith("API URLs end with a slash: /api/things/")
