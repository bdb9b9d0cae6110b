"""Reads about accounts that need care: who must use MFA, a user's decrypted TOTP secret, and the user
a log-in or a password-reset link names before anyone is signed in."""

from __future__ import annotations

import functools
import logging
import uuid

from django.db import connection, connections, router
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from accounts import crypto, notifications
from accounts.models import MfaRecoveryCode, User, UserRole
from core import tenancy
from core.rows import model_from_row

logger = logging.getLogger(__name__)

MFA_REQUIRED_ROLES = frozenset({UserRole.ADMIN, UserRole.SUPER_ADMIN})


def mfa_required_for(user) -> bool:
    """Return whether this user must use a second factor: admins, and anyone who can open the admin site."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or user.role in MFA_REQUIRED_ROLES)


def mfa_secret_of(user: User) -> str | None:
    """Return the user's TOTP secret in clear, or None when there is none or no key opens it."""
    if not user.mfa_secret:
        return None
    try:
        return crypto.secret_decrypt(user.mfa_secret)
    except crypto.InvalidToken:
        # The key changed without a fallback: TOTP cannot work, recovery codes still do.
        logger.error("The MFA secret of user %s cannot be decrypted with the configured keys.", user.pk)
        return None


def recovery_codes_left(user: User) -> int:
    return MfaRecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# ------------------------------------------------------------------ before sign-in
#
# Row-level security shows a request that acts for no one no user row at all (docs/security.md). The
# steps before sign-in name the user they are about on the connection (`app.user_id`), which makes
# that user's own rows visible, and writable, and nothing of their organization; the next request,
# signed in, acts for the organization.


def user_for_login(*, email: str, lock: bool = False) -> User | None:
    """Return the user an e-mail address names (log-in, password reset), and name them on the connection.

    The address is resolved by `app_user_id_for_login()`, a database function that may read every
    user row and returns only an id. `lock` takes the row lock, inside the caller's transaction.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_user_id_for_login(%s)", [email.strip()])
        user_id = cursor.fetchone()[0]
    if user_id is None:
        return None
    tenancy.tenant_set("", user_id=str(user_id))
    users = User.objects.select_for_update() if lock else User.objects
    return users.filter(pk=user_id).first()


def user_for_reset_link(*, uidb64: str) -> User | None:
    """Return the user a password-reset link names, and name them on the connection.

    The link's token is checked next, by the view, against this row: naming the user only lets the
    request see that one account, which the token then proves or refuses.
    """
    try:
        user_id = uuid.UUID(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    tenancy.tenant_set("", user_id=str(user_id))
    return User.objects.filter(pk=user_id).first()


def user_for_unsubscribe_link(*, token: str) -> User | None:
    """Return the active user a reminder's opt-out link names, and name them on the connection.

    The signature is checked first: an unsigned or altered token names no one and reads nothing.
    """
    user_id = notifications.unsubscribe_user_id(token)
    if user_id is None:
        return None
    tenancy.tenant_set("", user_id=user_id)
    return User.objects.filter(pk=user_id, is_active=True).first()


def user_for_session(user_id) -> User | None:
    """Return the user a signed-in session names, as `User.objects.get(pk=user_id)` would, or None.

    Every request reads this row (accounts.backends.UserBackend), so the statement is built once per
    process rather than compiled by the ORM each time. The same row as the manager's: not soft-deleted,
    and read through the connection's row-level security like any other query. The values pass through
    the fields' own conversions (JSON parsed, for one), as the ORM's would.
    """
    try:
        pk = uuid.UUID(str(user_id))
    except ValueError:
        return None
    alias = router.db_for_read(User)
    with connections[alias].cursor() as cursor:
        cursor.execute(_user_statement(alias), [pk])
        row = cursor.fetchone()
    return None if row is None else model_from_row(User, User._meta.concrete_fields, row, using=alias)


@functools.cache
def _user_statement(alias: str) -> str:
    """The SELECT of one user by id, every column in the model's order, the manager's filter included."""
    meta, quote = User._meta, connections[alias].ops.quote_name
    # The model's own quoted names; the id is a parameter.
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    alive = f"{quote(meta.get_field('deleted_at').column)} IS NULL"
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s AND {alive}"  # noqa: S608
