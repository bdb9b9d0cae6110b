"""Security headers on every response: django-csp's Content-Security-Policy, plus what it does not send.

The policy itself is `CONTENT_SECURITY_POLICY` in config/settings.py, read by django-csp. This module
adds what the library does not cover: a `frame-ancestors` that agrees with the response's
X-Frame-Options, Permissions-Policy, Cross-Origin-Resource-Policy, and the headers Django's
SecurityMiddleware sends, for the responses that never reach it. See docs/security.md ("Headers and
deployment checks").
"""

from __future__ import annotations

from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware

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
    # here (only when missing) for the responses that middleware never sees (the health probes).
    "Cross-Origin-Opener-Policy": "same-origin",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    # No other site may embed our responses (pages, JSON, files) as images, scripts or media.
    "Cross-Origin-Resource-Policy": "same-origin",
}


def frame_ancestors_for(response) -> list[str] | None:
    """Return the frame-ancestors sources that agree with the response's X-Frame-Options.

    Browsers obey frame-ancestors over X-Frame-Options, so the two must say the same: a view that lets
    its own site frame it (the reviewer's PDF preview, @xframe_options_sameorigin) gets 'self', one that
    is @xframe_options_exempt gets no directive, and everything else 'none'.
    """
    if getattr(response, "xframe_options_exempt", False):
        return None
    value = (response.get("X-Frame-Options") or "DENY").strip().upper()
    return [SELF] if value == "SAMEORIGIN" else [NONE]


class SecurityHeadersMiddleware(CSPMiddleware):
    """Send django-csp's policy with a per-response frame-ancestors, and the other security headers.

    django-csp could say frame-ancestors per view (a @csp_replace beside each @xframe_options_*
    decorator), but then every such view would say it twice and the two could drift apart; derived
    here from the final X-Frame-Options, through get_policy_parts() (the hook django-csp provides for
    extending its middleware), they cannot. The library sends no Permissions-Policy or
    Cross-Origin-Resource-Policy at all.

    It goes first in MIDDLEWARE, so its response phase runs last: it sees the final X-Frame-Options and
    covers what HealthEndpointsMiddleware answers by itself. Like django-csp, it never replaces a header
    a view has set: an uploaded file's sandboxing policy stays as its view wrote it.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only:
            # A view's own csp_replace of frame-ancestors still wins.
            parts.replace = {"frame-ancestors": frame_ancestors_for(response), **(parts.replace or {})}
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        for header, value in OTHER_HEADERS.items():
            if header not in response:
                response[header] = value
        return response
