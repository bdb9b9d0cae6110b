"""Counters in the cache (Redis) that slow down password guessing.

- Per IP address: failed log-ins across every e-mail, so spraying one password over many accounts
  is stopped (the view answers 429); password-reset requests, each of which may send an e-mail.
- Per unknown e-mail: the same lockout that a real account gets, so the log-in page never tells
  whether an address has an account.

Fixed windows: a counter starts at its first hit and expires with its window.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.cache import cache
from django.utils import timezone

from accounts import conf

_PREFIX = "accounts:throttle"


def _ip_key(kind: str, ip: str | None) -> str:
    return f"{_PREFIX}:{kind}:ip:{ip or 'unknown'}"


def _email_key(kind: str, email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"{_PREFIX}:{kind}:email:{digest}"


def _hit(key: str, *, window_seconds: int) -> int:
    """Add one to a windowed counter and return the new count."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window_seconds)
        return 1


def _seconds_left(key: str, default: int) -> int:
    ttl = getattr(cache, "ttl", None)
    left = ttl(key) if ttl else None
    return int(left) if isinstance(left, int) and left > 0 else default


def _blocked(key: str, limit: int, window_seconds: int) -> int | None:
    """Return the seconds until the counter's window ends if it has reached `limit`, else None."""
    if int(cache.get(key) or 0) < limit:
        return None
    return _seconds_left(key, window_seconds)


# ------------------------------------------------------------------ failed log-ins per IP


def login_ip_failure_record(ip: str | None) -> int:
    return _hit(_ip_key("login", ip), window_seconds=conf.ip_failure_minutes() * 60)


def login_ip_blocked(ip: str | None) -> int | None:
    """Return the seconds to wait when this IP has failed too often, else None."""
    return _blocked(_ip_key("login", ip), conf.ip_failure_limit(), conf.ip_failure_minutes() * 60)


# ------------------------------------------------------------------ password-reset requests per IP


def password_reset_ip_hit(ip: str | None) -> int | None:
    """Count one reset request; return the seconds to wait if this one is over the limit, else None."""
    key = _ip_key("password-reset", ip)
    if _hit(key, window_seconds=3600) <= conf.password_reset_ip_limit():
        return None
    return _seconds_left(key, 3600)


# ------------------------------------------------------------------ lockout of e-mails without an account


def unknown_email_failure_record(email: str) -> dt.datetime | None:
    """Count a failure for an address with no account; return when it is 'locked' until, if it now is."""
    minutes = conf.lockout_minutes()
    count = _hit(_email_key("unknown", email), window_seconds=minutes * 60)
    if count < conf.lockout_threshold():
        return None
    until = timezone.now() + dt.timedelta(minutes=minutes)
    cache.set(_email_key("unknown-lock", email), until.timestamp(), timeout=minutes * 60)
    cache.delete(_email_key("unknown", email))
    return until


def unknown_email_locked_until(email: str) -> dt.datetime | None:
    stamp = cache.get(_email_key("unknown-lock", email))
    if stamp is None:
        return None
    until = dt.datetime.fromtimestamp(float(stamp), tz=dt.UTC)
    return until if until > timezone.now() else None
