"""Session policies on every request: scope the database to the user's organization, log out idle
sessions, admit to the admin site only after MFA.

TenantMiddleware goes right after AuthenticationMiddleware (it sets the row-level security scope of
core/tenancy.py before the request's first query). The other two go after AuthenticationMiddleware and
MessageMiddleware (they read request.user and leave a message for the next page); IdleTimeoutMiddleware
goes first so an expired session is gone before anything else looks at it.
"""

from __future__ import annotations

import contextlib
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.db import connections
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import NoReverseMatch, reverse

from accounts import conf, selectors, session_state
from core.tenancy import ScopeOnFirstQuery, tenant_for, tenant_set


class TenantMiddleware:
    """Scope each request's database work to the user's organization; goes after authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The user is loaded (lazily, by the next line) before their organization is known, and no
        # user row is visible to an empty scope: name the user the session holds first, which makes
        # their own row visible and nothing of any organization.
        named = session_user_id(request)
        if named:
            tenant_set("", user_id=named)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            tenant, user_id = tenant_for(user), str(user.pk)
        else:
            # Halfway through log-in (the password was right, the second factor is to come), the
            # pending user stays named: the second step reads and updates their row.
            tenant, user_id = "", pending_login_user_id(request)
        if not named or (tenant, user_id) != ("", named):
            tenant_set(tenant, user_id=user_id)
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        # Replicas enforce the same policies; they are scoped on their first query of the request
        # only, so a request that never reads from a replica never connects to one.
        with contextlib.ExitStack() as stack:
            for alias in settings.DATABASE_REPLICAS:
                stack.enter_context(
                    connections[alias].execute_wrapper(ScopeOnFirstQuery(alias, tenant, user_id))
                )
            return self.get_response(request)


def session_user_id(request) -> str:
    """Return the id of the signed-in user the request's session names, or ""; loads no user."""
    session = getattr(request, "session", None)
    if session is None:
        return ""
    return _uuid_text(session.get(SESSION_KEY))


def pending_login_user_id(request) -> str:
    """Return the id of the user whose log-in awaits its second factor in this session, or ""."""
    if getattr(request, "session", None) is None:
        return ""
    return _uuid_text((session_state.pending_login_get(request) or {}).get("user"))


def _uuid_text(value) -> str:
    # Only a well-formed id reaches the setting, which the policies cast to uuid.
    try:
        return str(uuid.UUID(str(value))) if value else ""
    except ValueError:
        return ""


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
