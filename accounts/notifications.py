"""Which reminder e-mails an organization sends its clients, and whether a client wants them.

- An organization's choice is kept in ``organizations.settings.reminders`` as ``{"enabled": true,
  "idleDays": 3, "beforeDueDays": 2}``; a key that is absent or malformed takes its default below. Its
  admins set it on the organization's admin page (accounts/admin.py, through
  ``services.organization_reminders_set``); sessions_app/reminders.py reads it through
  ``reminder_settings_of``. ``0`` turns one kind of reminder off, ``enabled: false`` both.
- A client's choice is ``users.preferences.notifications.reminders``: absent means yes, ``false`` no.
  They change it on their account page, or with the opt-out link every reminder carries, whose signed
  token (``unsubscribe_token``) names them without a log-in.

docs/client-flow.md ("Reminders") describes both for people.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing

__all__ = [
    "BEFORE_DUE_DAYS_MAX",
    "DEFAULT_BEFORE_DUE_DAYS",
    "DEFAULT_IDLE_DAYS",
    "ReminderSettings",
    "days_problem",
    "idle_days_max",
    "preferences_with_reminders",
    "reminder_settings_of",
    "reminders_wanted",
    "unsubscribe_token",
    "unsubscribe_user_id",
]

DEFAULT_IDLE_DAYS = 3
DEFAULT_BEFORE_DUE_DAYS = 2
BEFORE_DUE_DAYS_MAX = 30
# A distinct salt per purpose: a token signed for anything else never opts anyone out.
_UNSUBSCRIBE_SALT = "accounts.notifications.unsubscribe.reminders"


def idle_days_max() -> int:
    """The most days of inactivity an organization may choose: fewer than a session takes to be abandoned."""
    return max(1, settings.SESSION_ABANDON_AFTER_DAYS - 1)


@dataclass(frozen=True)
class ReminderSettings:
    enabled: bool = True
    idle_days: int = DEFAULT_IDLE_DAYS  # 0: no reminder for inactivity
    before_due_days: int = DEFAULT_BEFORE_DUE_DAYS  # 0: no reminder of the due date

    @property
    def sends_idle(self) -> bool:
        return self.enabled and self.idle_days > 0

    @property
    def sends_due(self) -> bool:
        return self.enabled and self.before_due_days > 0

    def as_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "idleDays": self.idle_days, "beforeDueDays": self.before_due_days}


def days_problem(value: Any, *, maximum: int) -> str | None:
    """Return why ``value`` is not a number of days between 0 and ``maximum``, or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "Enter a whole number of days."
    if not 0 <= value <= maximum:
        return f"Enter a number of days from 0 (no reminder) to {maximum}."
    return None


def _days(stored: Mapping, key: str, default: int, maximum: int) -> int:
    value = stored.get(key, default)
    if value is None:
        return 0
    return value if days_problem(value, maximum=maximum) is None else default


def reminder_settings_of(organization_settings: Any) -> ReminderSettings:
    """Return the reminders an organization sends, from its ``settings``; a missing key takes its default."""
    stored = organization_settings.get("reminders") if isinstance(organization_settings, Mapping) else None
    if not isinstance(stored, Mapping):
        return ReminderSettings()
    enabled = stored.get("enabled", True)
    return ReminderSettings(
        enabled=enabled if isinstance(enabled, bool) else True,
        idle_days=_days(stored, "idleDays", DEFAULT_IDLE_DAYS, idle_days_max()),
        before_due_days=_days(stored, "beforeDueDays", DEFAULT_BEFORE_DUE_DAYS, BEFORE_DUE_DAYS_MAX),
    )


# ------------------------------------------------------------------ a client's own choice


def reminders_wanted(preferences: Any) -> bool:
    """Return whether a user's preferences let reminders be e-mailed to them (yes unless they said no)."""
    notifications = preferences.get("notifications") if isinstance(preferences, Mapping) else None
    if not isinstance(notifications, Mapping):
        return True
    # Exactly JSON false, as sessions_app/reminders.py's query reads it.
    return notifications.get("reminders") is not False


def preferences_with_reminders(preferences: Any, wanted: bool) -> dict[str, Any]:
    """Return a copy of the preferences with reminders on or off; everything else kept."""
    result = dict(preferences) if isinstance(preferences, Mapping) else {}
    notifications = result.get("notifications")
    result["notifications"] = {
        **(notifications if isinstance(notifications, Mapping) else {}),
        "reminders": wanted,
    }
    return result


def unsubscribe_token(user) -> str:
    """Return the token of a user's opt-out link: their id, signed (it never expires, and only opts out)."""
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign(str(user.pk))


def unsubscribe_user_id(token: str) -> str | None:
    """Return the id of the user an opt-out token names, or None when it was not signed here."""
    try:
        value = signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign(token)
        return str(uuid.UUID(value))
    except (signing.BadSignature, ValueError):
        return None
