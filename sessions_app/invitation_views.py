"""Invitation pages: staff list, send (one, or a CSV file of them), resend, revoke; a client follows a link.

Staff pages need the invitation permissions (sessions_app.invitation_selectors.may) and, for accounts
that must use a second factor, a session that passed it; every object is looked up within the staff
user's organization (another's is a 404). The link's page works before sign-in: it names the invitee
(row-level security), lets a new client choose a password, sends an existing one to log in, and starts
the session for the signed-in invitee. A link that cannot be used gets a page that says why.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts import session_state
from accounts.backends import USER_BACKEND
from audit.context import client_ip, header_text
from sessions_app import invitation_selectors as selectors
from sessions_app import invitations as services
from sessions_app.invitation_csv import CsvRow, csv_read
from sessions_app.invitation_forms import (
    InvitationForm,
    InvitationPasswordForm,
    InvitationStatusFilter,
    InvitationUploadForm,
)
from sessions_app.session_analytics import device_type

PAGE_SIZE = 50


def staff_view(permission: str | None):
    """Admit an organization's staff whose session passed MFA (where required) and who hold `permission`.

    With `permission` None the view checks it itself, after looking its object up: another
    organization's object is a 404 before a missing permission is a 403.
    """

    def decorator(view):
        @functools.wraps(view)
        @login_required
        @never_cache
        def wrapped(request, *args, **kwargs):
            user = request.user
            if account_selectors.mfa_required_for(user):
                if not user.mfa_enabled:
                    return redirect_to_login(request.get_full_path(), reverse("accounts:mfa_setup"))
                if not session_state.mfa_verified(request, user):
                    return redirect_to_login(request.get_full_path(), reverse("accounts:mfa_verify"))
            if permission is not None and not selectors.may(user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# ------------------------------------------------------------------ staff


@staff_view(selectors.VIEW)
@require_http_methods(["GET"])
def invitation_list(request):
    status_form = InvitationStatusFilter(request.GET or None)
    status = status_form.cleaned_data["status"] if status_form.is_valid() else ""
    page = Paginator(selectors.invitations_for_staff(user=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    user = request.user
    return render(
        request,
        "sessions_app/invitation_list.html",
        {
            "page": page,
            "status_form": status_form,
            "status": status,
            "may_add": user.has_perm(selectors.ADD),
            "may_change": user.has_perm(selectors.CHANGE),
        },
    )


def _form_errors_add(form, errors: dict[str, list[str]]) -> None:
    for field, field_errors in errors.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)


@staff_view(selectors.ADD)
@require_http_methods(["GET", "POST"])
def invitation_new(request):
    questionnaires = selectors.questionnaires_to_invite_to(user=request.user)
    form = InvitationForm(request.POST if request.method == "POST" else None, questionnaires=questionnaires)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invitation_create(
                organization=request.user.organization,
                questionnaire=data["questionnaire"],
                email=data["email"],
                due_date=data["due_date"],
                message=data["message"],
                invited_by=request.user,
            )
        except services.InvitationRefused as refused:
            _form_errors_add(form, refused.errors[0])
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("invitations:list")
    status = 400 if form.is_bound else 200
    return render(request, "sessions_app/invitation_new.html", {"form": form}, status=status)


@staff_view(selectors.ADD)
@require_http_methods(["GET", "POST"])
def invitation_upload(request):
    questionnaires = selectors.questionnaires_to_invite_to(user=request.user)
    bound = request.method == "POST"
    form = InvitationUploadForm(
        request.POST if bound else None, request.FILES if bound else None, questionnaires=questionnaires
    )
    row_errors: list[tuple[int | None, str]] = []
    if bound and form.is_valid():
        reading = csv_read(form.cleaned_data["file"].read())
        row_errors = list(reading.errors)
        if not reading.ok and reading.rows and all(number is not None for number, _ in reading.errors):
            # Some rows are malformed: the others are checked too, so that one upload lists every problem.
            row_errors = sorted(
                row_errors + _refusals(request, form.cleaned_data["questionnaire"], reading.rows),
                key=lambda problem: problem[0] or 0,
            )
        if reading.ok:
            row_errors = _upload(request, form.cleaned_data["questionnaire"], reading.rows)
            if not row_errors:
                count = len(reading.rows)
                messages.success(
                    request,
                    ngettext("%(n)d invitation sent.", "%(n)d invitations sent.", count) % {"n": count},
                )
                return redirect("invitations:list")
    status = 400 if bound else 200
    return render(
        request,
        "sessions_app/invitation_upload.html",
        {"form": form, "row_errors": row_errors},
        status=status,
    )


def _by_row(rows: list[CsvRow], errors: dict[int, dict[str, list[str]]]) -> list[tuple[int | None, str]]:
    """A refusal's messages by the spreadsheet row of each refused request."""
    return [
        (rows[index].number, message)
        for index, fields in sorted(errors.items())
        for messages_of_field in fields.values()
        for message in messages_of_field
    ]


def _requests(rows: list[CsvRow]) -> list:
    return [services.InvitationRequest(email=r.email, due_date=r.due_date, message=r.message) for r in rows]


def _refusals(request, questionnaire, rows: list[CsvRow]) -> list[tuple[int | None, str]]:
    """What would refuse these rows, by row number, without inviting anyone."""
    refused = services.invitations_check(
        organization=request.user.organization, questionnaire=questionnaire, requests=_requests(rows)
    )
    return _by_row(rows, refused)


def _upload(request, questionnaire, rows: list[CsvRow]) -> list[tuple[int | None, str]]:
    """Invite every row, or none; return the refusals by row number."""
    try:
        services.invitations_create(
            organization=request.user.organization,
            questionnaire=questionnaire,
            requests=_requests(rows),
            invited_by=request.user,
        )
    except services.InvitationRefused as refused:
        return _by_row(rows, refused.errors)
    return []


def _staff_object(request, invitation_id, permission: str):
    invitation = selectors.invitation_for_staff(user=request.user, invitation_id=invitation_id)
    if not selectors.may(request.user, permission):
        raise PermissionDenied
    return invitation


def _staff_change(request, invitation_id, change, done: str):
    """Resend or revoke: a refusal (the invitation is closed) or ``done`` as a message, back to the list."""
    invitation = _staff_object(request, invitation_id, selectors.CHANGE)
    try:
        invitation = change(invitation=invitation, actor=request.user)
    except services.InvitationClosed as closed:
        messages.error(request, str(closed))
    else:
        messages.success(request, done.format(email=invitation.email))
    return redirect(_back_to_list(request))


@staff_view(None)
@require_POST
def invitation_resend(request, invitation_id):
    return _staff_change(
        request,
        invitation_id,
        services.invitation_resend,
        "Invitation sent again to {email}; the previous link no longer works.",
    )


@staff_view(None)
@require_POST
def invitation_revoke(request, invitation_id):
    return _staff_change(
        request,
        invitation_id,
        services.invitation_revoke,
        "Invitation of {email} revoked: its link no longer works.",
    )


def _back_to_list(request) -> str:
    status = request.POST.get("status", "")
    url = reverse("invitations:list")
    form = InvitationStatusFilter({"status": status})
    return f"{url}?status={status}" if status and form.is_valid() else url


# ------------------------------------------------------------------ the client's link

LINK_PAGES = {
    # reason: (status, title)
    "invalid": (404, "This invitation link does not work"),
    "other_account": (403, "This invitation is for someone else"),
    "used": (200, "This invitation has already been used"),
    "expired": (410, "This invitation has expired"),
    "revoked": (410, "This invitation has been withdrawn"),
    "unavailable": (410, "This invitation can no longer be used"),
    "has_password": (200, "You already have a password"),
}


def _link_page(request, reason: str, *, invitation=None):
    status, title = LINK_PAGES[reason]
    session_id = None
    if invitation is not None and request.user.is_authenticated and invitation.user_id == request.user.pk:
        session_id = invitation.session_id
    context = {
        "reason": reason,
        "title": title,
        "session_id": session_id,
        "login_url": reverse("accounts:login"),
    }
    return render(request, "sessions_app/invitation_link.html", context, status=status)


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """Follow an invitation's link: choose a password, or log in, then land in the started session."""
    invitee_id = selectors.invitation_user_for_token(token=token)
    if invitee_id is None:
        return _link_page(request, "invalid")
    user = request.user
    if user.is_authenticated and user.pk != invitee_id:
        return _link_page(request, "other_account")
    invitation = selectors.invitation_for_token(token=token, name_user=not user.is_authenticated)
    if invitation is None or invitation.user is None or not invitation.user.is_active:
        return _link_page(request, "invalid")
    state = services.link_state(invitation)
    if state != "ok":
        return _link_page(request, state, invitation=invitation)
    if user.is_authenticated:
        return _accept(request, invitation)
    if request.method == "GET":
        try:
            invitation = services.invitation_open(invitation=invitation)
        except services.LinkUnusable as unusable:
            return _link_page(request, unusable.reason, invitation=invitation)
    invitee = invitation.user
    if invitee.has_usable_password():
        messages.info(request, "Log in to start the questionnaire you were invited to.")
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
    form = InvitationPasswordForm(invitee, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitee = services.invitation_password_set(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except services.LinkUnusable as unusable:
            return _link_page(request, unusable.reason, invitation=invitation)
        _log_in(request, invitee)
        # The next request is signed in, acts for the client's organization, and starts the session.
        return redirect(request.path)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "sessions_app/invitation_password.html",
        {"form": form, "email": invitee.email},
        status=status,
    )


def _log_in(request, user) -> None:
    """Sign the new client in as the log-in page does (a new session key; the log-in audited)."""
    login(request, user, backend=USER_BACKEND)
    session_state.activity_touch(request, force=True)
    account_services.login_record_success(user=user, ip=client_ip(request), method="")


def _accept(request, invitation):
    try:
        session = services.invitation_accept(
            invitation=invitation,
            user=request.user,
            metadata={
                "userAgent": header_text(request, "HTTP_USER_AGENT", limit=500),
                "deviceType": device_type(request.META.get("HTTP_USER_AGENT")),
                "referrer": "",
                "invitation": str(invitation.pk),
            },
        )
    except services.LinkUnusable as unusable:
        return _link_page(request, unusable.reason, invitation=invitation)
    return redirect("sessions_app:resume", session_id=session.pk)
