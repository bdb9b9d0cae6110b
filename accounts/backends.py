"""The log-in backend: Django's ModelBackend, with the user every request loads read in one statement.

AuthenticationMiddleware loads the signed-in user on every request (`ModelBackend.get_user`). Through the
ORM that costs about three times the query itself: compiling the same SELECT anew each time. Here the
statement is built once per process and the row becomes a `User` as the ORM would make it
(`selectors.user_for_session`). Passwords, permissions and everything else are ModelBackend's.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from accounts import selectors

# What a session records as the backend that signed it in (django.contrib.auth.BACKEND_SESSION_KEY).
USER_BACKEND = "accounts.backends.UserBackend"


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user = selectors.user_for_session(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
