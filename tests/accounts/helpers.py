"""Test helpers: log in through the pages, current TOTP codes, sessions that have passed MFA."""

import time

import pyotp

from accounts import session_state
from tests.accounts.factories import PASSWORD, TOTP_SECRET


def totp_code(steps_ahead: int = 0, secret: str = TOTP_SECRET) -> str:
    """A code the server accepts; one step ahead is still within the allowed drift, and not yet used."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def login_post(client, email, password=PASSWORD, **extra):
    """Post the log-in form (the first step), as a browser would."""
    return client.post("/login/", {"email": email, "password": password}, **extra)


def login_with_mfa(client, user):
    """Log `user` in on the test client and mark the session as having passed MFA (like force_login)."""
    client.force_login(user)
    session = client.session
    session[session_state.MFA_VERIFIED] = str(user.pk)
    session.save()
    return client
