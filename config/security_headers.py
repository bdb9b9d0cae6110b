"""Security headers on every response: Content-Security-Policy, Permissions-Policy and the cross-origin
policies, plus the ones Django's SecurityMiddleware sends for responses that never reach it.

The middleware goes first in MIDDLEWARE, so its response phase runs last: it sees the final
X-Frame-Options (set by XFrameOptionsMiddleware or a view's decorator) and covers the responses that
earlier middleware answers by itself (the health probes). It only adds headers, and never replaces one
that a view has set: an uploaded file's sandboxing policy stays as its view wrote it. See
docs/security.md ("Headers and deployment checks").
"""

from __future__ import annotations

# The policy of every response. Nothing is inline: scripts and styles are static files, so neither needs
# 'unsafe-inline', nonces or hashes, and that holds for the admin and the vendored Swagger UI too
# (tests/browser/test_content_security_policy.py loads them in chromium and expects no violation).
# frame-ancestors follows X-Frame-Options (see frame_ancestors_for()).
CONTENT_SECURITY_POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

# Browser features no page of this site uses: refused to the page and to anything it frames.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)

OTHER_HEADERS: dict[str, str] = {
    "Permissions-Policy": PERMISSIONS_POLICY,
    # Django's SecurityMiddleware sends these three as well, from SECURE_* settings; they are repeated
    # here (only when missing) for the responses that middleware never sees.
    "Cross-Origin-Opener-Policy": "same-origin",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    # No other site may embed our responses (pages, JSON, files) as images, scripts or media.
    "Cross-Origin-Resource-Policy": "same-origin",
}


def content_security_policy(*, frame_ancestors: str | None = "'none'") -> str:
    """Return the Content-Security-Policy header; frame_ancestors None leaves that directive out."""
    directives = dict(CONTENT_SECURITY_POLICY)
    if frame_ancestors is None:
        del directives["frame-ancestors"]
    else:
        directives["frame-ancestors"] = frame_ancestors
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def frame_ancestors_for(response) -> str | None:
    """Return the frame-ancestors source that agrees with the response's X-Frame-Options.

    Browsers obey frame-ancestors over X-Frame-Options, so the two must say the same: a view that lets
    its own site frame it (the reviewer's PDF preview, @xframe_options_sameorigin) gets 'self', one that
    is @xframe_options_exempt gets no directive, and everything else 'none'.
    """
    if getattr(response, "xframe_options_exempt", False):
        return None
    value = (response.get("X-Frame-Options") or "DENY").strip().upper()
    return "'self'" if value == "SAMEORIGIN" else "'none'"


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy and the other security headers to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(
                frame_ancestors=frame_ancestors_for(response)
            )
        for header, value in OTHER_HEADERS.items():
            if header not in response:
                response[header] = value
        return response
