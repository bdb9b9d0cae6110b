"""Counters in the cache (Redis) that slow down password guessing.

- Per IP address: failed log-ins across every e-mail, so spraying one password over many accounts
  is stopped (the view answers 429); password-reset requests, each of which may send an e-mail.
- Per unknown e-mail: the same lockout that a real account gets, so the log-in page never tells
  whether an address has an account.

Fixed windows: a counter starts at its first hit and expires with its window.

While Redis is down (config/ops/cache.py says so) the counts come from the audit trail instead, which
records every failed log-in and every password-reset request with its IP address: the limits hold
through an outage, failures from before it still count, and the log-in page answers an unknown address
exactly as it answers a known one. Those windows slide (the last N minutes) rather than being fixed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math

from django.core.cache import cache
from django.utils import timezone

from accounts import conf
from audit.models import AuditLog
from core import tenancy

_PREFIX = "accounts:throttle"

# The audit actions the fallback counts: services write one row per failed attempt or reset request.
LOGIN_FAILED = "auth.login_failed"
PASSWORD_RESET_REQUEST = "auth.password_reset_request"


def _ip_key(kind: str, ip: str | None) -> str:
    return f"{_PREFIX}:{kind}:ip:{ip or 'unknown'}"


def _email_key(kind: str, email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"{_PREFIX}:{kind}:email:{digest}"


def _cache_down() -> bool:
    """Whether Redis failed the last call: its answer was a stand-in (a miss, None), not a count."""
    return bool(getattr(cache, "unavailable", False))


def _hit(key: str, *, window_seconds: int) -> int | None:
    """Add one to a windowed counter and return the new count, or None while Redis is down."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return None if count is None or _cache_down() else count


def _count(key: str) -> int | None:
    """Return a counter's value, or None while Redis is down."""
    value = cache.get(key)
    return None if _cache_down() else int(value or 0)


def _seconds_left(key: str, default: int) -> int:
    ttl = getattr(cache, "ttl", None)
    left = ttl(key) if ttl else None
    return int(left) if isinstance(left, int) and left > 0 else default


# ------------------------------------------------------------------ the audit trail, while Redis is down


def _rows_from_ip(action: str, ip: str | None):
    rows = AuditLog.objects.filter(event=action)
    try:
        return rows.filter(remote_addr=str(ipaddress.ip_address(ip)))
    except ValueError:  # no address, or not one the audit trail could have stored
        return rows.filter(remote_addr__isnull=True)


def _trail_wait(rows, *, limit: int, window: dt.timedelta) -> int | None:
    """Return the seconds until fewer than `limit` of `rows` lie in the last `window`, if they reach it."""
    now = timezone.now()
    with tenancy.system_scope():  # every organization's rows from the address, before anyone signs in
        recent = list(
            rows.filter(timestamp__gte=now - window)
            .order_by("-timestamp")
            .values_list("timestamp", flat=True)[:limit]
        )
    if len(recent) < limit:
        return None
    return max(1, math.ceil((recent[-1] + window - now).total_seconds()))


def _unknown_email_lock_replayed(email: str, *, failing_now: bool) -> dt.datetime | None:
    """Replay the address's recent failures as the cache counts them; return the lock they lead to.

    Failures while "locked" are not counted and do not extend the lock, and a count lapses after its
    window, as for the cache's counters. `failing_now` adds the attempt being answered, whose audit
    row is written after this. Two windows of history are enough for a lock that is still running.
    """
    minutes, threshold = conf.lockout_minutes(), conf.lockout_threshold()
    window = dt.timedelta(minutes=minutes)
    now = timezone.now()
    with tenancy.system_scope():  # rows of no organization: only the system reads them
        stamps = list(
            AuditLog.objects.filter(
                event=LOGIN_FAILED,
                timestamp__gte=now - 2 * window,
                changes__after__reason="unknown_email",
                changes__after__email__iexact=email.strip(),
            )
            .order_by("timestamp")
            .values_list("timestamp", flat=True)
        )
    if failing_now:
        stamps.append(now)
    count, started, until = 0, None, None
    for at in stamps:
        if until is not None and at < until:
            continue
        if started is None or at - started >= window:
            count, started = 0, at
        count += 1
        if count >= threshold:
            count, started, until = 0, None, at + window
    return until if until is not None and until > now else None


# ------------------------------------------------------------------ failed log-ins per IP


def login_ip_failure_record(ip: str | None) -> int | None:
    # While Redis is down this counts nothing: the failure's audit row is the record.
    return _hit(_ip_key("login", ip), window_seconds=conf.ip_failure_minutes() * 60)


def login_ip_blocked(ip: str | None) -> int | None:
    """Return the seconds to wait when this IP has failed too often, else None."""
    key, limit, window_seconds = _ip_key("login", ip), conf.ip_failure_limit(), conf.ip_failure_minutes() * 60
    count = _count(key)
    if count is None:
        return _trail_wait(
            _rows_from_ip(LOGIN_FAILED, ip), limit=limit, window=dt.timedelta(seconds=window_seconds)
        )
    if count < limit:
        return None
    return _seconds_left(key, window_seconds)


# ------------------------------------------------------------------ password-reset requests per IP


def password_reset_ip_hit(ip: str | None) -> int | None:
    """Count one reset request; return the seconds to wait if this one is over the limit, else None."""
    key, limit = _ip_key("password-reset", ip), conf.password_reset_ip_limit()
    count = _hit(key, window_seconds=3600)
    if count is None:
        # Each request let through is audited (services.password_reset_request_record).
        rows = _rows_from_ip(PASSWORD_RESET_REQUEST, ip)
        return _trail_wait(rows, limit=limit, window=dt.timedelta(hours=1))
    if count <= limit:
        return None
    return _seconds_left(key, 3600)


# ------------------------------------------------------------------ lockout of e-mails without an account


def unknown_email_failure_record(email: str) -> dt.datetime | None:
    """Count a failure for an address with no account; return when it is 'locked' until, if it now is."""
    minutes = conf.lockout_minutes()
    count = _hit(_email_key("unknown", email), window_seconds=minutes * 60)
    if count is None:
        return _unknown_email_lock_replayed(email, failing_now=True)
    if count < conf.lockout_threshold():
        return None
    until = timezone.now() + dt.timedelta(minutes=minutes)
    cache.set(_email_key("unknown-lock", email), until.timestamp(), timeout=minutes * 60)
    cache.delete(_email_key("unknown", email))
    return until


def unknown_email_locked_until(email: str) -> dt.datetime | None:
    stamp = cache.get(_email_key("unknown-lock", email))
    if _cache_down():
        return _unknown_email_lock_replayed(email, failing_now=False)
    if stamp is None:
        return None
    until = dt.datetime.fromtimestamp(float(stamp), tz=dt.UTC)
    return until if until > timezone.now() else None
