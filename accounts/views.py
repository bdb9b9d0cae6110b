"""Account pages: log in (password, then a second factor when enrolled), log out, passwords, MFA, settings.

Each view parses the form, calls one service and renders; lockout, throttling and auditing live in
accounts/services.py. A form with bad input is shown again with its errors, never a server error.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import dateformat, timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import conf, forms, mfa, notifications, selectors, services, session_state, throttle
from accounts.backends import USER_BACKEND
from accounts.models import User
from accounts.services import AuthStatus, MfaError
from audit.context import client_ip

INVALID_CREDENTIALS = (
    "That e-mail address and password do not match an account. Check them and try again, "
    "or reset your password."
)
WRONG_CODE = (
    "That code is not right. Enter the code your authenticator app shows now (it changes every "
    "30 seconds), or a recovery code you have not used yet."
)


def lockout_message(until) -> str:
    """Say when a locked account can try again: in how many minutes, and at what local time."""
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    at = dateformat.format(timezone.localtime(until), "H:i T")
    return (
        "Too many failed attempts: this account is locked for now. "
        + ngettext("Try again in %(n)d minute", "Try again in %(n)d minutes", minutes) % {"n": minutes}
        + f" (at {at}), or reset your password by e-mail."
    )


def _next_url(request) -> str:
    """Return the page to go to after logging in, if it is on this site; else ''."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def throttled_response(request, seconds: int, *, what: str = "log-in attempts") -> HttpResponse:
    response = render(
        request,
        "registration/throttled.html",
        {"minutes": max(1, math.ceil(seconds / 60)), "what": what},
        status=429,
    )
    response["Retry-After"] = str(max(1, int(seconds)))
    return response


# ------------------------------------------------------------------ log in and out


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = _next_url(request)
    if request.method == "GET" and request.user.is_authenticated and not next_url:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = forms.LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        ip = client_ip(request)
        wait = throttle.login_ip_blocked(ip)
        if wait:
            return throttled_response(request, wait)
        if form.is_valid():
            outcome = services.login_password_check(
                email=form.cleaned_data["email"], password=form.cleaned_data["password"], ip=ip
            )
            if outcome.status == AuthStatus.OK:
                return _login_complete(request, outcome.user, next_url=next_url, method="")
            if outcome.status == AuthStatus.MFA_REQUIRED:
                session_state.pending_login_set(request, user=outcome.user, next_url=next_url)
                return redirect("accounts:login_mfa")
            if outcome.status == AuthStatus.LOCKED:
                form.add_error(None, lockout_message(outcome.locked_until))
            else:
                form.add_error(None, INVALID_CREDENTIALS)
    return render(request, "registration/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def login_mfa(request):
    """The second log-in step: a TOTP or recovery code for the user whose password was just right."""
    pending = session_state.pending_login_get(request)
    user = User.objects.filter(pk=pending["user"], is_active=True).first() if pending else None
    if user is None:
        session_state.pending_login_clear(request)
        messages.info(request, "Your log-in took too long or was interrupted. Please start again.")
        return redirect("accounts:login")
    form = forms.CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        ip = client_ip(request)
        wait = throttle.login_ip_blocked(ip)
        if wait:
            return throttled_response(request, wait)
        if form.is_valid():
            outcome = services.login_second_factor_check(user=user, code=form.cleaned_data["code"], ip=ip)
            if outcome.ok:
                response = _login_complete(
                    request, outcome.user, next_url=pending["next"], method=outcome.method
                )
                if outcome.method == "recovery_code":
                    _recovery_code_used_message(request, outcome.user)
                return response
            if outcome.status == AuthStatus.LOCKED:
                session_state.pending_login_clear(request)
                messages.error(request, lockout_message(outcome.locked_until))
                return redirect("accounts:login")
            form.add_error("code", WRONG_CODE)
    return render(request, "registration/login_mfa.html", {"form": form, "email": user.email})


def _login_complete(request, user: User, *, next_url: str, method: str):
    session_state.pending_login_clear(request)
    if not method:
        request.session.pop(session_state.MFA_VERIFIED, None)
    login(request, user, backend=USER_BACKEND)  # a new session key: no session fixation
    session_state.activity_touch(request, force=True)
    if method:
        session_state.mfa_mark_verified(request, user)
    services.login_record_success(user=user, ip=client_ip(request), method=method)
    if selectors.mfa_required_for(user) and not user.mfa_enabled:
        messages.warning(
            request,
            "Your account can manage the whole system, so it needs two-factor authentication. "
            "Set it up now; it takes a minute.",
        )
        return redirect(_with_next("accounts:mfa_setup", next_url))
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _recovery_code_used_message(request, user: User) -> None:
    left = selectors.recovery_codes_left(user)
    messages.warning(
        request,
        ngettext(
            "You used a recovery code; %(n)d is left. ",
            "You used a recovery code; %(n)d are left. ",
            left,
        )
        % {"n": left}
        + "Each works once: if you have lost your authenticator, make new codes on your account page.",
    )


@require_http_methods(["GET", "POST"])
def logout_view(request):
    """Log out on POST (a link or a prefetch must never log anyone out); GET asks for confirmation."""
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return render(request, "registration/logout_confirm.html")
    logout(request)  # audited by the user_logged_out receiver (accounts/apps.py)
    messages.info(request, "You have logged out.")
    return redirect("accounts:login")


# ------------------------------------------------------------------ passwords (Django's views, our forms)


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        wait = throttle.password_reset_ip_hit(client_ip(request))
        if wait:
            return throttled_response(request, wait, what="password-reset requests")
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_user(self, uidb64):
        # Before sign-in no user row is visible (row-level security): the link names its user first.
        return selectors.user_for_reset_link(uidb64=uidb64)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"


# ------------------------------------------------------------------ the settings page and MFA


def _settings_page(request, *, profile_form=None, disable_form=None, regenerate_form=None):
    user = request.user
    name = (user.profile or {}).get("name", "")
    context = {
        "profile_form": profile_form or forms.ProfileForm(initial={"name": name}),
        "disable_form": disable_form or forms.CodeForm(prefix="disable"),
        "regenerate_form": regenerate_form or forms.CodeForm(prefix="regenerate"),
        "mfa_required": selectors.mfa_required_for(user),
        "recovery_codes_left": selectors.recovery_codes_left(user) if user.mfa_enabled else 0,
        "reminders_wanted": notifications.reminders_wanted(user.preferences),
    }
    return render(request, "accounts/settings.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def account_settings(request):
    """Profile name, password, two-factor authentication (and, later, API keys)."""
    if request.method == "POST":
        form = forms.ProfileForm(request.POST)
        if form.is_valid():
            services.user_profile_update(user=request.user, name=form.cleaned_data["name"])
            messages.success(request, "Your name is saved.")
            return redirect("accounts:settings")
        return _settings_page(request, profile_form=form)
    return _settings_page(request)


@sensitive_post_parameters("code")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_setup(request):
    """Enrol an authenticator: scan the QR code (or type the secret), confirm with its first code."""
    user = request.user
    next_url = _next_url(request)
    if user.mfa_enabled:
        messages.info(request, "Two-factor authentication is already on for your account.")
        return redirect(next_url or "accounts:settings")
    secret = session_state.enrol_secret_get(request)
    expired = secret is None and request.method == "POST"
    if secret is None:
        secret = mfa.totp_secret_new()
        session_state.enrol_secret_set(request, secret)
    form = forms.TotpCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if expired:
            form.add_error(
                "code", "This set-up page had expired. Scan the new QR code below and enter its code."
            )
        else:
            try:
                codes = services.mfa_enable(user=user, secret=secret, code=form.cleaned_data["code"])
            except MfaError as error:
                form.add_error("code", str(error))
            else:
                session_state.enrol_secret_clear(request)
                request.session.cycle_key()  # the session gains a privilege: give it a new id
                session_state.mfa_mark_verified(request, user)
                return render(
                    request,
                    "accounts/mfa_recovery_codes.html",
                    {"codes": codes, "next": next_url, "enrolled": True},
                )
    uri = mfa.totp_provisioning_uri(secret, account=user.email, issuer=conf.mfa_issuer())
    context = {
        "form": form,
        "qr_svg": mark_safe(mfa.qr_code_svg(uri, label="QR code to scan with your authenticator app")),  # noqa: S308
        "secret_grouped": mfa.totp_secret_grouped(secret),
        "next": next_url,
        "required": selectors.mfa_required_for(user),
    }
    return render(request, "accounts/mfa_setup.html", context)


@sensitive_post_parameters("code")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify(request):
    """Ask a logged-in session for its second factor (the admin site admits only sessions that passed)."""
    user = request.user
    next_url = _next_url(request) or reverse("admin:index")
    if not user.mfa_enabled:
        return redirect(_with_next("accounts:mfa_setup", next_url))
    if session_state.mfa_verified(request, user):
        return redirect(next_url)
    form = forms.CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        ip = client_ip(request)
        wait = throttle.login_ip_blocked(ip)
        if wait:
            return throttled_response(request, wait)
        if form.is_valid():
            outcome = services.mfa_step_up(user=user, code=form.cleaned_data["code"], ip=ip)
            if outcome.ok:
                request.session.cycle_key()
                session_state.mfa_mark_verified(request, user)
                if outcome.method == "recovery_code":
                    _recovery_code_used_message(request, user)
                return redirect(next_url)
            if outcome.status == AuthStatus.LOCKED:
                request.logout_reason = "locked"
                logout(request)
                messages.error(request, lockout_message(outcome.locked_until))
                return redirect("accounts:login")
            form.add_error("code", WRONG_CODE)
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": next_url})


@sensitive_post_parameters("disable-code")
@login_required
@never_cache
@require_POST
def mfa_disable(request):
    form = forms.CodeForm(request.POST, prefix="disable")
    if form.is_valid():
        try:
            outcome = services.mfa_disable(
                user=request.user, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except MfaError as error:
            messages.error(request, str(error))
            return redirect("accounts:settings")
        if outcome.ok:
            request.session.pop(session_state.MFA_VERIFIED, None)
            messages.success(request, "Two-factor authentication is off. Your recovery codes no longer work.")
            return redirect("accounts:settings")
        form.add_error("code", lockout_message(outcome.locked_until) if outcome.locked_until else WRONG_CODE)
    return _settings_page(request, disable_form=form)


@sensitive_post_parameters("regenerate-code")
@login_required
@never_cache
@require_POST
def mfa_recovery_codes(request):
    """Replace the recovery codes (proven by a current code) and show the new ones, once."""
    form = forms.CodeForm(request.POST, prefix="regenerate")
    if form.is_valid():
        try:
            outcome, codes = services.mfa_recovery_codes_regenerate(
                user=request.user, code=form.cleaned_data["code"], ip=client_ip(request)
            )
        except MfaError as error:
            messages.error(request, str(error))
            return redirect("accounts:settings")
        if outcome.ok:
            return render(request, "accounts/mfa_recovery_codes.html", {"codes": codes, "enrolled": False})
        form.add_error("code", lockout_message(outcome.locked_until) if outcome.locked_until else WRONG_CODE)
    return _settings_page(request, regenerate_form=form)
