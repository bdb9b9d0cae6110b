"""The API keys settings page: list your keys, create one (shown once), revoke one."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.api_keys import (
    SCOPES,
    api_key_create,
    api_key_for_user,
    api_key_is_active,
    api_key_revoke,
    api_keys_for_user,
)

EXPIRY_CHOICES = [
    ("30", "In 30 days"),
    ("90", "In 90 days"),
    ("365", "In a year"),
    ("never", "Never"),
]


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="Something that tells you where the key is used, e.g. “CRM sync”."
    )
    scopes = forms.MultipleChoiceField(
        choices=[(scope, f"{scope}: {text}") for scope, text in SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one scope."},
    )
    expiry = forms.ChoiceField(choices=EXPIRY_CHOICES, initial="90", label="Expires")

    def expires_at(self) -> dt.datetime | None:
        choice = self.cleaned_data["expiry"]
        return None if choice == "never" else timezone.now() + dt.timedelta(days=int(choice))


def _page(request, *, form, new_key=None, status=200):
    now = timezone.now()
    keys = [
        {"key": key, "active": api_key_is_active(key, now=now)}
        for key in api_keys_for_user(user=request.user)
    ]
    context = {"form": form, "keys": keys, "new_key": new_key, "scopes": SCOPES}
    return render(request, "accounts/api_keys.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request):
    if request.method == "GET":
        return _page(request, form=ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            api_key, raw_key = api_key_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            # The full key is in this response only; never_cache keeps it out of every cache.
            return _page(request, form=ApiKeyForm(), new_key={"key": api_key, "raw": raw_key}, status=201)
    return _page(request, form=form, status=422)


@login_required
@require_POST
def api_key_revoke_view(request, api_key_id):
    api_key = api_key_for_user(user=request.user, api_key_id=api_key_id)  # someone else's key is a 404
    api_key_revoke(api_key=api_key, actor=request.user)
    messages.success(request, f"The key “{api_key.name}” ({api_key.key_prefix}…) is revoked.")
    return redirect("api_keys:list")
