"""The accounts app's security knobs, read from settings at call time (so tests can override them)."""

from django.conf import settings


def lockout_threshold() -> int:
    """Failed attempts (password or second factor) that lock an account."""
    return int(getattr(settings, "LOGIN_LOCKOUT_THRESHOLD", 5))


def lockout_minutes() -> int:
    return int(getattr(settings, "LOGIN_LOCKOUT_MINUTES", 15))


def ip_failure_limit() -> int:
    """Failed log-ins from one IP address, across all e-mails, before it gets 429s."""
    return int(getattr(settings, "LOGIN_IP_FAILURE_LIMIT", 50))


def ip_failure_minutes() -> int:
    return int(getattr(settings, "LOGIN_IP_FAILURE_MINUTES", 15))


def password_reset_ip_limit() -> int:
    """Password-reset requests from one IP address per hour (each may send an e-mail)."""
    return int(getattr(settings, "PASSWORD_RESET_IP_LIMIT", 10))


def idle_timeout_minutes() -> int:
    return int(getattr(settings, "SESSION_IDLE_TIMEOUT_MINUTES", 30))


def mfa_issuer() -> str:
    """The name an authenticator app shows next to the account."""
    return getattr(settings, "MFA_ISSUER", "Adaptive Client Questionnaires")
