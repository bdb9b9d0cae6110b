"""Reads about accounts that need care: who must use MFA, a user's decrypted TOTP secret."""

from __future__ import annotations

import logging

from accounts import crypto
from accounts.models import MfaRecoveryCode, User, UserRole

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
