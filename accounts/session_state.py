"""What the accounts app keeps in a browser session: activity time, MFA state, a pending log-in.

Keys are namespaced so no other app's session data collides with them. The TOTP secret of an
enrolment in progress is kept encrypted, like the stored one.
"""

from __future__ import annotations

import time

from accounts import crypto

LAST_ACTIVITY = "accounts.last_activity"
MFA_VERIFIED = "accounts.mfa_verified"
MFA_PENDING = "accounts.mfa_pending"
MFA_ENROL_SECRET = "accounts.mfa_enrol_secret"

PENDING_SECONDS = 5 * 60  # the second log-in step must follow the password within this time
ACTIVITY_RESOLUTION_SECONDS = 60  # write the session at most once a minute just to note activity


def activity_touch(request, *, force: bool = False) -> None:
    now = int(time.time())
    last = request.session.get(LAST_ACTIVITY)
    if force or not isinstance(last, int) or now - last >= ACTIVITY_RESOLUTION_SECONDS:
        request.session[LAST_ACTIVITY] = now


def activity_idle_seconds(request) -> int | None:
    last = request.session.get(LAST_ACTIVITY)
    return int(time.time()) - last if isinstance(last, int) else None


def mfa_mark_verified(request, user) -> None:
    """Note that this session passed the second factor (what the admin site asks for)."""
    request.session[MFA_VERIFIED] = str(user.pk)


def mfa_verified(request, user) -> bool:
    return request.session.get(MFA_VERIFIED) == str(user.pk)


def pending_login_set(request, *, user, next_url: str) -> None:
    request.session[MFA_PENDING] = {
        "user": str(user.pk),
        "expires": int(time.time()) + PENDING_SECONDS,
        "next": next_url,
    }


def pending_login_get(request) -> dict | None:
    """Return {'user', 'next'} of a password-verified log-in awaiting its second factor, or None."""
    pending = request.session.get(MFA_PENDING)
    if not isinstance(pending, dict) or int(pending.get("expires", 0)) < time.time():
        return None
    return pending


def pending_login_clear(request) -> None:
    request.session.pop(MFA_PENDING, None)


def enrol_secret_get(request) -> str | None:
    token = request.session.get(MFA_ENROL_SECRET)
    if not token:
        return None
    try:
        return crypto.secret_decrypt(token, purpose="accounts.mfa_enrolment")
    except crypto.InvalidToken:
        return None


def enrol_secret_set(request, secret: str) -> None:
    request.session[MFA_ENROL_SECRET] = crypto.secret_encrypt(secret, purpose="accounts.mfa_enrolment")


def enrol_secret_clear(request) -> None:
    request.session.pop(MFA_ENROL_SECRET, None)
