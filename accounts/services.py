"""Accounts workflows: log-in with lockout and a second factor, MFA enrolment and recovery, passwords.

Every function that changes state runs in one transaction and records its audit row in it. Failed
attempts (a wrong password, or a wrong code at any step) count towards the account's lockout and the
IP address's throttle. Nothing here reads a request: views pass in what they parsed.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from dataclasses import dataclass
from enum import StrEnum

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import branding, conf, crypto, mfa, notifications, selectors, throttle
from accounts.models import MfaRecoveryCode, Organization, User
from audit.services import audit_record
from core.transactions import after_commit

USER_RESOURCE = "accounts.user"


class AuthStatus(StrEnum):
    OK = "ok"
    MFA_REQUIRED = "mfa_required"
    INVALID = "invalid"
    LOCKED = "locked"


@dataclass(frozen=True)
class AuthOutcome:
    status: AuthStatus
    user: User | None = None
    locked_until: dt.datetime | None = None
    method: str = ""  # the second factor that passed: "totp" or "recovery_code"

    @property
    def ok(self) -> bool:
        return self.status == AuthStatus.OK


class MfaError(Exception):
    """An MFA change that the account's policy or state does not allow; the message is for the user."""


def ip_or_none(value: str | None) -> str | None:
    """Return a valid IP address for an INET column, or None."""
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


# ------------------------------------------------------------------ log-in


@transaction.atomic
def login_password_check(*, email: str, password: str, ip: str | None) -> AuthOutcome:
    """Check an e-mail and password: the first log-in step.

    Returns OK, MFA_REQUIRED (the password is right and a second factor must follow), INVALID or
    LOCKED. An address without an account is answered exactly like one with an account.
    """
    email = email.strip()
    user = selectors.user_for_login(email=email, lock=True)  # no user row is visible before this
    if user is None:
        return _unknown_email_failure(email=email, password=password, ip=ip)
    if user.is_locked:
        return _locked_attempt(user=user, ip=ip)
    if not user.check_password(password):
        return _failure_record(user=user, reason="bad_password", ip=ip)
    if not user.is_active:
        return _failure_record(user=user, reason="inactive", ip=ip)
    if user.mfa_enabled:
        return AuthOutcome(AuthStatus.MFA_REQUIRED, user)
    return AuthOutcome(AuthStatus.OK, user)


@transaction.atomic
def login_second_factor_check(*, user: User, code: str, ip: str | None) -> AuthOutcome:
    """Check the TOTP or recovery code of a log-in whose password was right a moment ago."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.mfa_enabled:  # reset by an administrator between the two steps
        return AuthOutcome(AuthStatus.OK, user)
    return _code_check(user=user, code=code, ip=ip, reason="bad_code")


@transaction.atomic
def login_record_success(*, user: User, ip: str | None, method: str = "") -> User:
    """Record a completed log-in: reset the failure count, note when and from where, audit it."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.failed_login_attempts = 0
    user.locked_until = None
    user.last_login = timezone.now()
    user.last_login_ip = ip_or_none(ip)
    user.save(
        update_fields=["failed_login_attempts", "locked_until", "last_login", "last_login_ip", "updated_at"]
    )
    audit_record(
        actor=user,
        action="auth.login",
        resource=user,
        after={"second_factor": method or None, "mfa_enabled": user.mfa_enabled},
    )
    return user


@transaction.atomic
def logout_record(*, user: User | None, reason: str = "user") -> None:
    """Audit the end of a session: the user logged out, or it timed out (reason 'idle')."""
    if user is None or not getattr(user, "pk", None):
        return
    audit_record(actor=user, action="auth.logout", resource=user, after={"reason": reason})


@transaction.atomic
def mfa_step_up(*, user: User, code: str, ip: str | None) -> AuthOutcome:
    """Check a second factor for a session that is logged in but has not passed one yet."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.mfa_enabled:
        return AuthOutcome(AuthStatus.INVALID, user)
    outcome = _code_check(user=user, code=code, ip=ip, reason="bad_code")
    if outcome.ok:
        audit_record(actor=user, action="auth.mfa_step_up", resource=user, after={"method": outcome.method})
    return outcome


def _unknown_email_failure(*, email: str, password: str, ip: str | None) -> AuthOutcome:
    until = throttle.unknown_email_locked_until(email)
    if until is None:
        # Hash anyway, so the response time does not tell that the address has no account.
        User().set_password(password)
        until = throttle.unknown_email_failure_record(email)
    throttle.login_ip_failure_record(ip)
    audit_record(
        action="auth.login_failed",
        resource_type=USER_RESOURCE,
        after={"reason": "unknown_email", "email": email[:255]},
    )
    if until is not None:
        return AuthOutcome(AuthStatus.LOCKED, locked_until=until)
    return AuthOutcome(AuthStatus.INVALID)


def _locked_attempt(*, user: User, ip: str | None) -> AuthOutcome:
    """An attempt on a locked account: refused without looking at the password, not counted again."""
    throttle.login_ip_failure_record(ip)
    audit_record(
        action="auth.login_failed",
        resource=user,
        after={"reason": "locked", "locked_until": user.locked_until.isoformat()},
    )
    return AuthOutcome(AuthStatus.LOCKED, user, locked_until=user.locked_until)


def _failure_record(*, user: User, reason: str, ip: str | None) -> AuthOutcome:
    """Count a failed attempt on a row locked by the caller; lock the account at the threshold."""
    now = timezone.now()
    if user.locked_until and user.locked_until <= now:
        # The previous lock has run out: this is the first failure of a new series.
        user.failed_login_attempts = 0
        user.locked_until = None
    user.failed_login_attempts = (user.failed_login_attempts or 0) + 1
    locked = user.failed_login_attempts >= conf.lockout_threshold()
    if locked:
        user.locked_until = now + dt.timedelta(minutes=conf.lockout_minutes())
    user.save(update_fields=["failed_login_attempts", "locked_until", "updated_at"])
    throttle.login_ip_failure_record(ip)
    audit_record(
        action="auth.login_failed",
        resource=user,
        after={"reason": reason, "failed_login_attempts": user.failed_login_attempts},
    )
    if locked:
        audit_record(
            action="auth.lockout",
            resource=user,
            after={
                "locked_until": user.locked_until.isoformat(),
                "failed_login_attempts": user.failed_login_attempts,
            },
        )
        return AuthOutcome(AuthStatus.LOCKED, user, locked_until=user.locked_until)
    return AuthOutcome(AuthStatus.INVALID, user)


def _code_check(*, user: User, code: str, ip: str | None, reason: str) -> AuthOutcome:
    """Check a TOTP or recovery code of a row locked by the caller, counting a wrong one as a failure."""
    if user.is_locked:
        return _locked_attempt(user=user, ip=ip)
    method = _second_factor_consume(user=user, code=code)
    if method:
        return AuthOutcome(AuthStatus.OK, user, method=method)
    return _failure_record(user=user, reason=reason, ip=ip)


def _second_factor_consume(*, user: User, code: str) -> str:
    """Return 'totp' or 'recovery_code' if the code is good (using it up), else ''."""
    code = mfa.code_normalise(code)
    if mfa.code_is_totp(code):
        secret = selectors.mfa_secret_of(user)
        step = mfa.totp_matching_step(secret, code) if secret else None
        if step is None:
            return ""
        # One conditional UPDATE: concurrent logins with the same code cannot both pass.
        fresh = Q(mfa_last_used_step__isnull=True) | Q(mfa_last_used_step__lt=step)
        if not User.objects.filter(fresh, pk=user.pk).update(mfa_last_used_step=step):
            return ""
        return "totp"
    if not mfa.recovery_code_plausible(code):
        return ""
    row = (
        MfaRecoveryCode.objects.select_for_update()
        .filter(user=user, code_hash=mfa.recovery_code_hash(code), used_at__isnull=True)
        .first()
    )
    if row is None:
        return ""
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    audit_record(
        actor=user,
        action="mfa.recovery_code_used",
        resource=user,
        after={"recovery_code_id": str(row.pk), "recovery_codes_left": selectors.recovery_codes_left(user)},
    )
    return "recovery_code"


# ------------------------------------------------------------------ MFA enrolment and removal


@transaction.atomic
def mfa_enable(*, user: User, secret: str, code: str) -> list[str]:
    """Turn MFA on with a secret the user has just added to an authenticator, proven by its first code.

    Returns the ten recovery codes in clear: the only time they exist outside the user's hands.
    """
    step = mfa.totp_matching_step(secret, mfa.code_normalise(code))
    if step is None:
        raise MfaError(
            "That code does not match. Enter the 6-digit code your authenticator app shows now; "
            "if it keeps failing, check that your device's clock is set automatically."
        )
    # The enrolment code is used up too: it cannot log in afterwards.
    User.objects.filter(pk=user.pk).update(mfa_last_used_step=step)
    return mfa_activate(user=user, secret=secret, actor=user)


@transaction.atomic
def mfa_activate(*, user: User, secret: str, actor: User | None) -> list[str]:
    """Store `secret` encrypted, turn MFA on and issue fresh recovery codes (returned in clear).

    Without proof of possession: for mfa_enable() after its check, and for the demo's documented secret.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    was_enabled = user.mfa_enabled
    user.mfa_secret = crypto.secret_encrypt(secret)
    user.mfa_enabled = True
    user.save(update_fields=["mfa_secret", "mfa_enabled", "updated_at"])
    codes = _recovery_codes_replace(user)
    audit_record(
        actor=actor,
        action="mfa.enable",
        resource=user,
        before={"mfa_enabled": was_enabled},
        after={"mfa_enabled": True, "recovery_codes": len(codes)},
    )
    return codes


@transaction.atomic
def mfa_disable(*, user: User, code: str, ip: str | None) -> AuthOutcome:
    """Turn MFA off, proven by a current TOTP or recovery code; refused where MFA is required."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if selectors.mfa_required_for(user):
        raise MfaError("Two-factor authentication is required for your role, so it cannot be turned off.")
    if not user.mfa_enabled:
        raise MfaError("Two-factor authentication is already off.")
    outcome = _code_check(user=user, code=code, ip=ip, reason="bad_code")
    if outcome.ok:
        _mfa_clear(user)
        audit_record(
            actor=user,
            action="mfa.disable",
            resource=user,
            before={"mfa_enabled": True},
            after={"mfa_enabled": False, "proven_by": outcome.method},
        )
    return outcome


@transaction.atomic
def mfa_reset(*, user: User, actor: User | None) -> User:
    """Turn a user's MFA off for them (lost device); they enrol again, and must if their role needs it."""
    user = User.objects.select_for_update().get(pk=user.pk)
    was_enabled = user.mfa_enabled
    _mfa_clear(user)
    audit_record(
        actor=actor, action="mfa.reset", resource=user, before={"mfa_enabled": was_enabled}, after={}
    )
    return user


@transaction.atomic
def mfa_recovery_codes_regenerate(*, user: User, code: str, ip: str | None) -> tuple[AuthOutcome, list[str]]:
    """Replace every recovery code, proven by a current code; returns the new codes in clear."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.mfa_enabled:
        raise MfaError("Turn on two-factor authentication first.")
    outcome = _code_check(user=user, code=code, ip=ip, reason="bad_code")
    if not outcome.ok:
        return outcome, []
    codes = _recovery_codes_replace(user)
    audit_record(
        actor=user,
        action="mfa.recovery_codes_regenerate",
        resource=user,
        after={"recovery_codes": len(codes)},
    )
    return outcome, codes


def _mfa_clear(user: User) -> None:
    user.mfa_secret = None
    user.mfa_enabled = False
    user.save(update_fields=["mfa_secret", "mfa_enabled", "updated_at"])
    MfaRecoveryCode.objects.filter(user=user).delete()
    cache.delete(f"accounts:mfa:last-step:{user.pk}")


def _recovery_codes_replace(user: User) -> list[str]:
    codes = mfa.recovery_codes_new()
    MfaRecoveryCode.objects.filter(user=user).delete()
    MfaRecoveryCode.objects.bulk_create(
        MfaRecoveryCode(user=user, code_hash=mfa.recovery_code_hash(code)) for code in codes
    )
    return codes


# ------------------------------------------------------------------ profile and password


@transaction.atomic
def user_profile_update(*, user: User, name: str) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    before = (user.profile or {}).get("name", "")
    user.profile = {**(user.profile or {}), "name": name}
    user.save(update_fields=["profile", "updated_at"])
    audit_record(
        actor=user, action="user.profile_update", resource=user, before={"name": before}, after={"name": name}
    )
    return user


@transaction.atomic
def user_password_set(*, user: User, password: str, action: str) -> User:
    """Set a new password (already validated) and lift any lockout.

    `action` is 'auth.password_change' (knew the old one) or 'auth.password_reset' (proved the mailbox):
    either way the owner is back in control, so the failure count starts again.
    """
    user.set_password(password)
    user.failed_login_attempts = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_login_attempts", "locked_until", "updated_at"])
    audit_record(actor=user, action=action, resource=user)
    return user


@transaction.atomic
def password_reset_request_record() -> None:
    """Audit a password-reset request that was let through (its e-mail, if any, is sent).

    The row names neither the address nor an account: an address copied here would outlive its
    owner's anonymisation. Its IP address is what counts: while Redis is down these rows are the
    per-IP throttle's count (accounts/throttle.py).
    """
    audit_record(action=throttle.PASSWORD_RESET_REQUEST, resource_type=USER_RESOURCE)


@transaction.atomic
def organization_branding_set(
    *,
    organization: Organization,
    primary_color: str | None = None,
    accent_color: str | None = None,
    footer: str | None = None,
    logo: bytes | None = None,
    logo_clear: bool = False,
    actor=None,
) -> Organization:
    """Set the logo, colours and footer an organization's documents carry (accounts/branding.py).

    A colour or footer left None keeps what is set (unset colours leave each document family its
    own). ``logo`` (PNG or JPEG bytes, checked by the caller with ``branding.logo_type``) replaces the
    stored one; ``logo_clear`` removes it. The old file is deleted once the change has committed.
    """
    organization = Organization.all_objects.select_for_update().get(pk=organization.pk)
    settings = dict(organization.settings or {})
    before = dict(settings.get("branding") or {})
    after = {k: v for k, v in before.items() if k != "logo"}
    for name, value in (("primary_color", primary_color), ("accent_color", accent_color), ("footer", footer)):
        if value is not None:
            after[name] = value
    old_key = (before.get("logo") or {}).get("key")
    if logo is not None:
        mime_type = branding.logo_type(logo[:16])
        extension = branding.LOGO_TYPES[mime_type][1]
        name = f"branding/{organization.pk}/logo-{secrets.token_hex(8)}.{extension}"
        stored = default_storage.save(name, ContentFile(logo, name=name.rsplit("/", 1)[-1]))
        after["logo"] = {"key": stored, "mime_type": mime_type}
    elif not logo_clear and before.get("logo"):
        after["logo"] = before["logo"]
    settings["branding"] = after
    organization.settings = settings
    organization.save(update_fields=["settings", "updated_at"])
    audit_record(
        actor=actor, action="organization.branding", resource=organization, before=before, after=after
    )
    new_key = (after.get("logo") or {}).get("key")
    if old_key and old_key != new_key:
        after_commit(default_storage.delete, old_key)
    return organization


@transaction.atomic
def organization_reminders_set(
    *, organization: Organization, enabled: bool, idle_days: int, before_due_days: int, actor=None
) -> Organization:
    """Set the reminders an organization's clients are e-mailed (accounts/notifications.py).

    ``idle_days`` and ``before_due_days`` are checked by the caller (``notifications.days_problem``);
    0 turns that kind of reminder off.
    """
    organization = Organization.all_objects.select_for_update().get(pk=organization.pk)
    settings = dict(organization.settings or {})
    before = notifications.reminder_settings_of(settings).as_json()
    after = notifications.ReminderSettings(
        enabled=enabled, idle_days=idle_days, before_due_days=before_due_days
    ).as_json()
    settings["reminders"] = after
    organization.settings = settings
    organization.save(update_fields=["settings", "updated_at"])
    audit_record(
        actor=actor, action="organization.reminders", resource=organization, before=before, after=after
    )
    return organization


@transaction.atomic
def user_reminders_set(*, user: User, wanted: bool, actor: User | None, via: str) -> User:
    """Turn reminder e-mails on or off for a user; ``via`` says how ("settings", "unsubscribe link")."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = notifications.reminders_wanted(user.preferences)
    if before == wanted:
        return user
    user.preferences = notifications.preferences_with_reminders(user.preferences, wanted)
    user.save(update_fields=["preferences", "updated_at"])
    audit_record(
        actor=actor,
        action="user.notifications",
        resource=user,
        before={"reminders": before},
        after={"reminders": wanted, "via": via},
    )
    return user
