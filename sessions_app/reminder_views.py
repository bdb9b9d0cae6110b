"""The client's "E-mail me a link to continue" button (templates/sessions_app/_email_link.html).

It posts here; the link is e-mailed by sessions_app/reminders.py and the client is sent back to the
page they were on, with a message saying what happened.
"""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from sessions_app import reminders
from sessions_app.models import Session
from sessions_app.services import SessionClosed


def _back(request, session_id) -> str:
    """Return the page the button was on, if it is on this site; else the session's own page."""
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("sessions_app:resume", args=[session_id])


@login_required
@require_POST
def email_link(request, session_id):
    try:
        reminders.session_link_email(session_id=session_id, client=request.user)
    except Session.DoesNotExist as missing:
        raise Http404("No such session.") from missing
    except SessionClosed as closed:
        messages.error(request, f"{closed} There is nothing to continue, so no link was sent.")
        return redirect("sessions_app:list")
    except reminders.LinkThrottled as throttled:
        minutes = max(1, math.ceil(throttled.wait.total_seconds() / 60))
        messages.warning(
            request,
            "We e-mailed you a link a moment ago: check your inbox (and spam folder). "
            f"You can ask for another in {minutes} minute{'s' if minutes != 1 else ''}.",
        )
    else:
        messages.success(
            request, f"We e-mailed a link to {request.user.email}: open it on any device to carry on."
        )
    return redirect(_back(request, session_id))
