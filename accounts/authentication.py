"""Who may call the REST API, with which scopes, how often: the policy every API view inherits.

A request is authenticated by an API key (`Authorization: Bearer <key>` or `X-API-Key: <key>`) or by
the browser's session cookie (with DRF's CSRF check). A key acts as its user and is limited to its
scopes; a signed-in browser user acts as themselves with every scope. Each key has an hourly request
limit counted in Redis (`ratelimit:apikey:<id>:<hour>`); the tenant and owner scoping itself is done
by the selectors each view calls, never here.
"""

from __future__ import annotations

import logging
import math
import time

from django_redis import get_redis_connection
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.throttling import BaseThrottle

from accounts.api_keys import ApiKeyInvalid, api_key_authenticate
from accounts.models import ApiKey
from core import tenancy
from core.api_errors import SafeJSONParser, api_exception_handler

logger = logging.getLogger(__name__)

RATE_WINDOW_SECONDS = 3600


class ApiKeyAuthentication(BaseAuthentication):
    """Authenticate with an API key from `Authorization: Bearer …` or `X-API-Key`.

    No key presented: return None, so that the session cookie may still authenticate. A key that is
    presented and does not work is a 401, never a silent fallback to the session.
    """

    def authenticate(self, request):
        raw_key = self._presented_key(request)
        if raw_key is None:
            return None
        # Only the key names its user, so it is looked up across tenants (row-level security would hide
        # it otherwise); the connection is then scoped to that user, as TenantMiddleware does for a
        # signed-in browser, before the view reads anything.
        tenancy.tenant_set(tenancy.SYSTEM)
        try:
            api_key = api_key_authenticate(raw_key=raw_key)
        except ApiKeyInvalid as invalid:
            tenancy.tenant_set("")
            raise exceptions.AuthenticationFailed(str(invalid), code="invalid_api_key") from None
        user = api_key.user
        tenancy.tenant_set(tenancy.tenant_for(user), user_id=str(user.pk))
        return user, api_key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'

    @staticmethod
    def _presented_key(request) -> str | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, credentials = header.strip().partition(" ")
        if scheme.lower() == "bearer":
            if not credentials.strip():
                raise exceptions.AuthenticationFailed(
                    "The Authorization header names no key.", code="invalid_api_key"
                )
            return credentials.strip()
        header_key = request.META.get("HTTP_X_API_KEY")
        if header_key is not None:
            return header_key
        return None


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describe the key in the OpenAPI schema: HTTP bearer, and the X-API-Key header."""

    target_class = ApiKeyAuthentication
    name = ["bearerAuth", "apiKeyHeader"]

    def get_security_requirement(self, auto_schema):
        return [{"bearerAuth": []}, {"apiKeyHeader": []}]  # either header, not both

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "description": "An API key from /account/api-keys/."},
            {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        ]


class HasScope(BasePermission):
    """Let an API key through only if it holds the scope the view names for the request's method.

    Views declare `required_scopes = {"GET": "sessions:read", ...}`; a method without an entry is
    refused to every key. Browser sessions are not limited by scopes.
    """

    code = "insufficient_scope"

    def has_permission(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return True
        if not hasattr(view, request.method.lower()):
            return True  # the view answers 405 Method Not Allowed
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        scope = getattr(view, "required_scopes", {}).get(method)
        if scope is None:
            self.message = "API keys cannot use this endpoint with this method."
            return False
        if scope in (request.auth.scopes or ()):
            return True
        self.message = f"This API key lacks the '{scope}' scope."
        return False


class ApiKeyRateThrottle(BaseThrottle):
    """Count each key's requests per clock hour in Redis and refuse those past its `rate_limit`.

    A fixed window, `INCR` plus `EXPIRE` on `ratelimit:apikey:<id>:<hour>`: one round trip per request
    and a key that cleans itself up. If Redis cannot be reached the request is let through and a
    warning logged: a cache outage must not take the API down.
    """

    def __init__(self):
        self._wait: float | None = None

    def allow_request(self, request, view):
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True
        now = time.time()
        hour = int(now // RATE_WINDOW_SECONDS)
        counter = f"ratelimit:apikey:{api_key.pk}:{hour}"
        try:
            pipe = get_redis_connection("default").pipeline()
            pipe.incr(counter)
            pipe.expire(counter, RATE_WINDOW_SECONDS + 60)
            count = int(pipe.execute()[0])
        except Exception:
            logger.warning("Rate limit store unavailable; letting API key %s through", api_key.key_prefix)
            return True
        reset = (hour + 1) * RATE_WINDOW_SECONDS
        request.rate_limit_state = (api_key.rate_limit, max(0, api_key.rate_limit - count), reset)
        if count > api_key.rate_limit:
            self._wait = reset - now
            return False
        return True

    def wait(self):
        return self._wait


def api_schema(**kwargs):
    """Return `extend_schema(**kwargs)` for an API view method, built on drf-spectacular's AutoSchema.

    extend_schema bases a method's schema on REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS unless the method
    names one already; naming it here keeps the API's schema right whatever the project's DRF settings.
    """

    def decorator(method):
        method.kwargs = {"schema": AutoSchema}
        return extend_schema(**kwargs)(method)

    return decorator


class ApiPagination(LimitOffsetPagination):
    """`?limit=&offset=` paging that refuses a malformed or out-of-range value instead of ignoring it."""

    default_limit = 50
    max_limit = 200
    max_offset = 1_000_000_000

    def get_limit(self, request):
        return self._bounded(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return self._bounded(request, self.offset_query_param, 0, self.max_offset, 0)

    @staticmethod
    def _bounded(request, name: str, low: int, high: int, default: int) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        if not raw.isascii() or not raw.isdigit() or not low <= int(raw[:12]) <= high:
            raise exceptions.ValidationError({name: [f"Enter a whole number from {low} to {high}."]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: (1, self.max_limit),
            self.offset_query_param: (0, self.max_offset),
        }
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"].update(minimum=low, maximum=high)
        return parameters


class ApiView(GenericAPIView):
    """The base of every /api/v1/ view: authentication, scopes, rate limit, JSON in and out, errors.

    Set here rather than only in settings.REST_FRAMEWORK, so the API keeps this policy whatever the
    project-wide DRF defaults are.
    """

    authentication_classes = [ApiKeyAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, HasScope]
    throttle_classes = [ApiKeyRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [SafeJSONParser]
    pagination_class = ApiPagination
    metadata_class = None
    schema = AutoSchema()
    required_scopes: dict[str, str] = {}

    def get_exception_handler(self):
        return api_exception_handler

    def options(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed(request.method)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        state = getattr(request, "rate_limit_state", None)
        if state is not None:
            limit, remaining, reset = state
            response["X-RateLimit-Limit"] = str(limit)
            response["X-RateLimit-Remaining"] = str(remaining)
            response["X-RateLimit-Reset"] = str(math.floor(reset))
        # Answers and progress are private to the caller; nothing in between should keep them.
        response["Cache-Control"] = "no-store"
        return response
