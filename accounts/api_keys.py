"""API keys: create, revoke and authenticate (services and selectors of the `api_keys` table).

A key is shown once, when it is created. The database keeps its first 8 characters (`key_prefix`, to
find it and to show the user which key is which) and the SHA-256 of the whole key: the key has 288 bits
of entropy, so a plain digest cannot be brute-forced and needs no salt or slow hasher. The REST API
authenticates with `api_key_authenticate()` (see accounts/authentication.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import ApiKey, User
from audit.services import audit_record

SCOPES: dict[str, str] = {
    "questionnaires:read": "List questionnaires and read their structure.",
    "sessions:read": "List your sessions and read their progress and answers.",
    "sessions:write": "Start sessions, answer questions and complete sessions.",
    "documents:read": "List, check and download the documents of your sessions.",
    "invitations:read": "List your organization's invitations (staff who may view invitations).",
    "invitations:write": "Invite clients to questionnaires and revoke invitations (staff who may invite).",
    "exports:read": "Export a questionnaire's responses as CSV, XLSX or SPSS (staff who may export).",
}
PREFIX_LENGTH = 8
MAX_ACTIVE_KEYS = 25
MAX_LIFETIME = dt.timedelta(days=3 * 365)
# last_used_at is written at most this often per key, so a busy key does not cost a write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiKeyInvalid(Exception):
    """The presented key is unknown, revoked or expired, or its user is deactivated."""


def _digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


def _new_raw_key() -> str:
    # 36 random bytes give 48 URL-safe characters: letters, digits, "-" and "_".
    return secrets.token_urlsafe(36)


# ----------------------------------------------------------------- selectors


def api_keys_for_user(*, user: User):
    """Return the user's keys, newest first (revoked and expired ones included, for the record)."""
    return ApiKey.objects.filter(user=user).order_by("-created_at")


def api_key_for_user(*, user: User, api_key_id) -> ApiKey:
    """Return one of the user's own keys; anyone else's is a 404."""
    return get_object_or_404(ApiKey, pk=api_key_id, user=user)


def api_key_is_active(api_key: ApiKey, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return api_key.revoked_at is None and (api_key.expires_at is None or api_key.expires_at > now)


# ----------------------------------------------------------------- services


@transaction.atomic
def api_key_create(
    *,
    user: User,
    name: str,
    scopes: list[str],
    expires_at: dt.datetime | None = None,
    rate_limit: int | None = None,
) -> tuple[ApiKey, str]:
    """Create a key for the user and return it with the full key, which is never available again.

    Raise ``ValidationError`` for a blank name, an unknown or missing scope, an expiry in the past or
    too far ahead, or when the user already holds ``MAX_ACTIVE_KEYS`` active keys.
    """
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Give the key a name."]
    elif len(name) > 100:
        errors["name"] = ["Keep the name to 100 characters or fewer."]
    chosen = list(dict.fromkeys(scopes or ()))
    unknown = [scope for scope in chosen if scope not in SCOPES]
    if not chosen:
        errors["scopes"] = ["Choose at least one scope."]
    elif unknown:
        errors["scopes"] = [f"Unknown scope: {', '.join(sorted(unknown))}."]
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        errors["expires_at"] = ["Choose an expiry in the future."]
    elif expires_at is not None and expires_at > now + MAX_LIFETIME:
        errors["expires_at"] = ["Choose an expiry within three years."]
    if rate_limit is not None and not 1 <= rate_limit <= 1_000_000:
        errors["rate_limit"] = ["Choose a rate limit between 1 and 1,000,000 requests per hour."]
    # Lock the user's row so that two concurrent creations cannot both pass the count.
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    active = ApiKey.objects.filter(user=user, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    if active.count() >= MAX_ACTIVE_KEYS:
        errors.setdefault("__all__", []).append(
            f"You already have {MAX_ACTIVE_KEYS} active keys: revoke one you no longer use first."
        )
    if errors:
        raise ValidationError(errors)

    raw_key = _new_raw_key()
    api_key = ApiKey(
        user=user,
        name=name,
        key_prefix=raw_key[:PREFIX_LENGTH],
        key_hash=_digest(raw_key),
        scopes=sorted(chosen),
        expires_at=expires_at,
    )
    if rate_limit is not None:
        api_key.rate_limit = rate_limit
    api_key.save()
    audit_record(
        actor=user,
        action="api_key.create",
        resource=api_key,
        after={
            "name": name,
            "prefix": api_key.key_prefix,
            "scopes": api_key.scopes,
            "expires_at": expires_at.isoformat() if expires_at else None,
            "rate_limit": api_key.rate_limit,
        },
    )
    return api_key, raw_key


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor: User) -> ApiKey:
    """Revoke a key at once; revoking a revoked key changes nothing."""
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is not None:
        return api_key
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        action="api_key.revoke",
        resource=api_key,
        before={"revoked_at": None},
        after={"revoked_at": api_key.revoked_at.isoformat(), "prefix": api_key.key_prefix},
    )
    return api_key


def api_key_authenticate(*, raw_key: str, now: dt.datetime | None = None) -> ApiKey:
    """Return the active key matching ``raw_key``, with its user; raise ``ApiKeyInvalid`` otherwise.

    Every candidate sharing the prefix is compared in constant time. A successful call records the
    use: ``last_used_at`` moves at most once a minute (and at the first use in each clock hour), and
    each first use of a key in a clock hour writes one ``api_key.use`` audit row, not one per request.
    """
    raw_key = (raw_key or "").strip()
    if not 20 <= len(raw_key) <= 200 or not raw_key.isascii():
        raise ApiKeyInvalid("The API key is malformed.")
    digest = _digest(raw_key)
    found = None
    for candidate in ApiKey.objects.select_related("user").filter(key_prefix=raw_key[:PREFIX_LENGTH]):
        if hmac.compare_digest(candidate.key_hash, digest):
            found = candidate
    if found is None:
        raise ApiKeyInvalid("The API key is not valid.")
    now = now or timezone.now()
    if found.revoked_at is not None:
        raise ApiKeyInvalid("The API key has been revoked.")
    if found.expires_at is not None and found.expires_at <= now:
        raise ApiKeyInvalid("The API key has expired.")
    user = found.user
    # A login lockout (failed passwords) does not stop keys: otherwise anyone could cut off a user's
    # integrations by mistyping their password a few times.
    if not user.is_active or user.deleted_at is not None:
        raise ApiKeyInvalid("The API key's user is deactivated.")
    _record_use(found, now=now)
    return found


def _record_use(api_key: ApiKey, *, now: dt.datetime) -> None:
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    # Due when the last recorded use is older than a minute, or was in an earlier clock hour.
    due_before = max(now - LAST_USED_RESOLUTION, hour_start)
    previous = api_key.last_used_at
    if previous is not None and previous >= due_before:
        return
    with transaction.atomic():
        # The condition is checked again in the UPDATE: of concurrent requests only one records the use.
        updated = (
            ApiKey.objects.filter(pk=api_key.pk)
            .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=due_before))
            .update(last_used_at=now)
        )
        if updated and (previous is None or previous < hour_start):
            audit_record(
                actor=api_key.user,
                action="api_key.use",
                resource=api_key,
                after={"prefix": api_key.key_prefix, "hour": hour_start.isoformat()},
            )
    api_key.last_used_at = now
