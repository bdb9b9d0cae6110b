"""Who is acting, from where, in which request: set by middleware, read by audit_record()."""

import contextvars
import re
import uuid

from auditlog.middleware import AuditlogMiddleware

_request_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("audit_request", default=None)

# PostgreSQL refuses NUL in text and jsonb; an unpaired surrogate cannot even be encoded for it.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def current_request_context() -> dict:
    return _request_context.get() or {}


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trusted nowhere until a proxy setting says so.
    return request.META.get("REMOTE_ADDR") or None


def header_text(request, name: str, *, limit: int) -> str:
    """Return a request header (a META name) cut to `limit` characters, in a form the database stores.

    Characters PostgreSQL refuses become U+FFFD: left in, one header sent by the client would turn
    every write of the request, its audit row and a failed log-in's count included, into an error.
    """
    return _UNSTORABLE.sub("\ufffd", str(request.META.get(name, ""))[:limit])


class RequestContextMiddleware:
    """Give each request an id (kept from X-Request-ID when sane), and expose actor, IP and user agent."""

    header = "HTTP_X_REQUEST_ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(self.header, "")
        request_id = incoming if 0 < len(incoming) <= 100 and incoming.isprintable() else uuid.uuid4().hex
        request.request_id = request_id
        request.META[self.header] = request_id  # django-auditlog reads the correlation id from here
        token = _request_context.set(
            {
                "request_id": request_id,
                "ip_address": client_ip(request),
                "user_agent": header_text(request, "HTTP_USER_AGENT", limit=1000),
                "user": getattr(request, "user", None),
            }
        )
        try:
            response = self.get_response(request)
        finally:
            _request_context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class FieldHistoryMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, with the client's address taken the way audit_record() takes it.

    Its own reads X-Forwarded-For, which any client can set, and writes the result into every audit
    row saved during the request: the trail would record an address the client chose.
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None
