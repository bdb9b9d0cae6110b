"""Reminder e-mails on or off: the account page's switch, and the opt-out link every reminder carries.

The opt-out link works without a log-in: its signed token names the user (accounts/notifications.py).
GET only asks, so a mail scanner that follows links opts no one out; POST opts out, from the page's
button or from a mail client's one-click unsubscribe (RFC 8058, the List-Unsubscribe-Post header),
which sends no cookie and no CSRF token: the token in the URL is the proof, so CSRF is not checked.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services

BAD_REQUEST = 400


@login_required
@require_POST
def reminders_update(request):
    """Turn reminder e-mails on or off (the form on /account/)."""
    wanted = request.POST.get("reminders") == "on"
    services.user_reminders_set(user=request.user, wanted=wanted, actor=request.user, via="settings")
    if wanted:
        messages.success(request, "We will e-mail you reminders about questionnaires you have not finished.")
    else:
        messages.success(request, "We will no longer e-mail you reminders.")
    return redirect("accounts:settings")


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def reminders_unsubscribe(request, token):
    """Ask (GET), then stop (POST) reminder e-mails for the user the link names; no log-in needed."""
    user = selectors.user_for_unsubscribe_link(token=token)
    template = "accounts/notifications_unsubscribe.html"
    if user is None:
        return render(request, template, {"invalid": True}, status=BAD_REQUEST)
    if request.method == "POST":
        services.user_reminders_set(user=user, wanted=False, actor=user, via="unsubscribe link")
        return render(request, template, {"done": True})
    return render(request, template, {"token": token})
