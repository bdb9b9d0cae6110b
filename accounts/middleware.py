"""Session policies on every request: log out idle sessions; admit to the admin site only after MFA.

Both go after AuthenticationMiddleware and MessageMiddleware (they read request.user and leave a
message for the next page); IdleTimeoutMiddleware goes first so an expired session is gone before
anything else looks at it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import NoReverseMatch, reverse

from accounts import conf, selectors, session_state


class IdleTimeoutMiddleware:
    """Log out a session that has been idle for longer than SESSION_IDLE_TIMEOUT_MINUTES.

    Activity is noted at most once a minute, so the timeout is exact to within that minute and an
    active page costs no extra session write per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            minutes = conf.idle_timeout_minutes()
            idle = session_state.activity_idle_seconds(request)
            if idle is not None and idle > minutes * 60:
                return self._expire(request, minutes)
            session_state.activity_touch(request)
        return self.get_response(request)

    def _expire(self, request, minutes: int):
        path = request.get_full_path()
        request.logout_reason = "idle"
        logout(request)
        messages.info(
            request,
            f"You were logged out after {minutes} minutes without activity. Log in again to carry on.",
        )
        login_url = resolve_url(settings.LOGIN_URL)
        if request.headers.get("HX-Request"):
            # A fragment request: make htmx load the whole log-in page rather than swap it in.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        if request.method == "GET":
            return redirect_to_login(path, login_url)
        return redirect(login_url)


class AdminMfaMiddleware:
    """Keep the admin site behind the second factor.

    Staff and ADMIN/SUPER_ADMIN users without MFA are sent to enrol; enrolled ones whose session has
    not passed a second factor (a session from before enrolment, say) are asked for a code. The admin's
    own log-in and password-change forms are replaced by ours, which have lockout, throttling and MFA.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._guard(request)
        return response if response is not None else self.get_response(request)

    def _guard(self, request):
        try:
            admin_root = reverse("admin:index")
        except NoReverseMatch:
            return None
        if not request.path.startswith(admin_root):
            return None
        if request.path == reverse("admin:login"):
            return redirect_to_login(request.GET.get("next") or admin_root, resolve_url(settings.LOGIN_URL))
        if request.path == reverse("admin:password_change"):
            return redirect("accounts:password_change")
        user = request.user
        if not user.is_authenticated or not selectors.mfa_required_for(user):
            return None
        if not user.mfa_enabled:
            messages.warning(
                request,
                "The admin site needs two-factor authentication. Set it up now; then you can carry on.",
            )
            return redirect_to_login(request.get_full_path(), reverse("accounts:mfa_setup"))
        if not session_state.mfa_verified(request, user):
            return redirect_to_login(request.get_full_path(), reverse("accounts:mfa_verify"))
        return None
