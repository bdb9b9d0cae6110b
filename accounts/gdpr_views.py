"""GDPR pages: a user downloads their own data; an administrator downloads or anonymises a user's.

The administrators' pages sit outside /admin/, so they apply the admin site's rules themselves: staff
only, and only once the session has passed the second factor (accounts.middleware.AdminMfaMiddleware
does the same for /admin/). Each view parses the request and calls accounts/gdpr.py.
"""

from __future__ import annotations

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import gdpr, selectors, session_state
from accounts.models import User

EXPORT_PERMISSION = "accounts.view_user"
ANONYMISE_PERMISSION = "accounts.change_user"


def export_response(*, request, user: User) -> StreamingHttpResponse:
    """Audit the export, then stream the user's data as a JSON attachment."""
    gdpr.user_export_record(user=user, actor=request.user)
    response = StreamingHttpResponse(
        gdpr.user_export_chunks(user=user, site_url=request.build_absolute_uri("/").rstrip("/")),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{gdpr.user_export_filename(user)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------ the user's own data


@login_required
@never_cache
@require_POST
def export_own(request):
    """Download everything stored about you, as one JSON file (the button on /account/)."""
    return export_response(request=request, user=request.user)


# ------------------------------------------------------------------ administrators


def admin_gdpr_view(permission: str):
    """Admit staff whose session passed MFA and who hold `permission`; pass the subject user in."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        @never_cache
        def wrapped(request, user_id, *args, **kwargs):
            actor = request.user
            if not (actor.is_active and actor.is_staff):
                raise Http404("No such page.")
            if selectors.mfa_required_for(actor):
                if not actor.mfa_enabled:
                    return redirect_to_login(request.get_full_path(), reverse("accounts:mfa_setup"))
                if not session_state.mfa_verified(request, actor):
                    return redirect_to_login(request.get_full_path(), reverse("accounts:mfa_verify"))
            subject = gdpr.user_for_gdpr_admin(actor=actor, user_id=user_id)
            if not actor.has_perm(permission):
                raise PermissionDenied
            return view(request, subject, *args, **kwargs)

        return wrapped

    return decorator


def _admin_context(request, subject: User, **extra) -> dict:
    return {
        **admin.site.each_context(request),
        "subject": subject,
        "summary": gdpr.personal_data_summary(user=subject),
        "opts": User._meta,
        "can_anonymise": request.user.has_perm(ANONYMISE_PERMISSION) and subject.pk != request.user.pk,
        **extra,
    }


@admin_gdpr_view(EXPORT_PERMISSION)
@require_http_methods(["GET"])
def admin_personal_data(request, subject: User):
    """What is stored about a user, with the export button and the way to anonymisation."""
    context = _admin_context(request, subject, title=f"Personal data of {subject.email}")
    return render(request, "accounts/gdpr_user.html", context)


@admin_gdpr_view(EXPORT_PERMISSION)
@require_POST
def admin_export(request, subject: User):
    return export_response(request=request, user=subject)


class AnonymiseForm(forms.Form):
    confirm_email = forms.CharField(
        label="Type the user's e-mail address to confirm",
        max_length=255,
        error_messages={"required": "Type the e-mail address of the user you are anonymising."},
    )
    erase_approved_documents = forms.BooleanField(
        label="Also delete the files of approved documents",
        required=False,
        help_text="Leave this off when the organization must keep approved documents as its records.",
    )

    def __init__(self, *args, subject: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject

    def clean_confirm_email(self):
        typed = self.cleaned_data["confirm_email"].strip()
        if typed.lower() != self.subject.email.lower():
            raise forms.ValidationError("That is not this user's e-mail address.")
        return typed


@admin_gdpr_view(ANONYMISE_PERMISSION)
@require_http_methods(["GET", "POST"])
def admin_anonymise(request, subject: User):
    """Confirm, then anonymise a user (never your own account)."""
    if subject.pk == request.user.pk:
        messages.error(request, "You cannot anonymise your own account; ask another administrator.")
        return redirect("accounts:gdpr_user", user_id=subject.pk)
    form = AnonymiseForm(request.POST if request.method == "POST" else None, subject=subject)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                done = gdpr.user_anonymise(
                    user=subject,
                    actor=request.user,
                    erase_approved_documents=form.cleaned_data["erase_approved_documents"],
                )
            except gdpr.GdprError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request,
                    f"User {done.user.pk} is anonymised: {done.free_text_answers} free-text answer(s) and "
                    f"{done.uploaded_files} uploaded file(s) removed, {done.documents_erased} document "
                    f"file(s) deleted, {done.documents_kept} approved document(s) kept, "
                    f"{done.api_keys_revoked} API key(s) revoked.",
                )
                return redirect("admin:accounts_user_changelist")
        status = 422
    context = _admin_context(request, subject, title=f"Anonymise {subject.email}", form=form)
    return render(request, "accounts/gdpr_anonymise.html", context, status=status)
