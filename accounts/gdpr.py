"""GDPR: export everything stored about a user (access and portability), and anonymise a user (erasure).

Selectors and services of the accounts app; the pages are in accounts/gdpr_views.py and the admin
actions in accounts/admin.py. The account's own data (the user, the organization, two-factor
authentication, API keys) is handled here; every other app declares its own personal data in its
gdpr.py and joins the registry below from its AppConfig.ready(), so this module imports no domain app.
What an export holds, what anonymisation removes and what it keeps (and why) is written down in
docs/privacy.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from accounts.models import ApiKey, MfaRecoveryCode, User
from audit.services import audit_record

EXPORT_FORMAT = "acqs-personal-data-export-v1"
USER_RESOURCE = "accounts.user"
REMOVED = "[removed]"
ANONYMISED_EMAIL = re.compile(r"^anonymised-[0-9a-f]{32}@invalid$")
EXPORT_CHUNK_ROWS = 500  # rows per round trip while streaming answers and audit rows


class GdprError(Exception):
    """A GDPR request that cannot be carried out as asked; the message is for the person asking."""


def is_anonymised(user: User) -> bool:
    return bool(ANONYMISED_EMAIL.match(user.email or ""))


# ------------------------------------------------------------------ the registry


@dataclass(frozen=True)
class PersonalDataRequest:
    """The user whose personal data is being counted, exported or anonymised, as each entry sees it."""

    user: User
    site_url: str = ""  # export: makes download links absolute, e.g. "https://example.com"
    now: dt.datetime | None = None  # anonymisation: the time it records
    erase_approved_documents: bool = False  # anonymisation: the administrator's choice

    def resource_ids(self) -> list:
        """Return the ids by which audit rows name the user and everything the user owns."""
        ids = [self.user.pk, *ApiKey.objects.filter(user=self.user).values_list("pk", flat=True)]
        for entry in personal_data_entries():
            if entry.resources is not None:
                ids += list(entry.resources(self))
        return ids

    def session_members(self, session) -> dict:
        """Return what the entries add to one exported session (e.g. its documents)."""
        members: dict = {}
        for entry in personal_data_entries():
            if entry.session_members is not None:
                members |= entry.session_members(session, self)
        return members


@dataclass(frozen=True)
class PersonalData:
    """One app's entry in the registry: its part of the summary, of the export and of anonymisation.

    Every callable takes the PersonalDataRequest (session_members also the session) and may be left out.
    """

    app_label: str
    # The place of the entry's summary rows and export members, and when its anonymisation step runs.
    order: int
    # Rows (label, value) of the page that shows what is stored about the user.
    summary: Callable[[PersonalDataRequest], Iterable[tuple[str, str]]] | None = None
    # Members (name, value) of the export's object; a value that is an iterator is written as a JSON
    # array item by item, so a long history is never held in memory whole.
    export: Callable[[PersonalDataRequest], Iterable[tuple[str, Any]]] | None = None
    # Members added to each live session in the export.
    session_members: Callable[[Any, PersonalDataRequest], dict] | None = None
    # Ids of what the user owns in the app, by which audit rows about it name it.
    resources: Callable[[PersonalDataRequest], Iterable] | None = None
    # Removes the app's personal data inside anonymisation's transaction (files after the commit) and
    # returns what it changed, counted by name; the counts go into the `gdpr.anonymise` audit row.
    anonymise: Callable[[PersonalDataRequest], dict[str, int]] | None = None


# Entries run in `order`, and the order matters. sessions_app (10) comes first: its step locks the
# user's sessions, as saving an answer does, so no answer or document appears while the rest runs.
# documents (20) follows, finding the documents through those locked sessions, and so must not run
# before them. The audit trail (90) comes last: its export holds the rows about everything the entries
# before it own. The account's own data is exported before every entry and anonymised after them all.
_registry: dict[str, PersonalData] = {}


def personal_data_register(entry: PersonalData) -> PersonalData:
    """Add an app's entry (from its AppConfig.ready()); registering the same app again replaces it."""
    _registry[entry.app_label] = entry
    return entry


def personal_data_unregister(app_label: str) -> None:
    _registry.pop(app_label, None)


def personal_data_entries() -> list[PersonalData]:
    """Return the registered entries in the order their steps run."""
    return sorted(_registry.values(), key=lambda entry: (entry.order, entry.app_label))


# ------------------------------------------------------------------ selectors


def user_for_gdpr_admin(*, actor: User, user_id) -> User:
    """Return a user whose personal data the administrator may export or anonymise; anyone else is a 404.

    A superuser reaches every user; other staff reach the users of their own organization (row-level
    security would hide the rest of the data from them anyway). Anonymised and soft-deleted users have
    nothing left to export or remove, and are not found.
    """
    if not (getattr(actor, "is_authenticated", False) and actor.is_active and actor.is_staff):
        raise Http404("No such user.")
    users = User.objects.select_related("organization")
    if not actor.is_superuser:
        if not actor.organization_id:
            raise Http404("No such user.")
        users = users.filter(organization_id=actor.organization_id)
    try:
        return users.get(pk=user_id)
    except (User.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("No such user.") from None


def personal_data_summary(*, user: User) -> list[tuple[str, str]]:
    """Return what is stored about a user, counted, as rows (label, value).

    Shown before an export or an anonymisation: the account's rows first, then each entry's in order.
    """
    now = timezone.now()
    active_keys = (
        ApiKey.objects.filter(user=user, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .count()
    )
    rows = [
        ("Active API keys", f"{active_keys}"),
        ("Two-factor authentication", "On" if user.mfa_enabled else "Off"),
    ]
    request = PersonalDataRequest(user=user)
    for entry in personal_data_entries():
        if entry.summary is not None:
            rows += entry.summary(request)
    return rows


def user_export_filename(user: User) -> str:
    return f"personal-data-{user.pk}-{timezone.now():%Y-%m-%d}.json"


def user_export_chunks(*, user: User, site_url: str = "") -> Iterator[str]:
    """Yield, piece by piece, one JSON document holding everything stored about the user.

    Answers and audit rows are read in chunks through server-side cursors, so memory stays flat however
    long the user's history. `site_url` (e.g. "https://example.com") makes download links absolute.
    Never in it: the password hash, the MFA secret, recovery-code hashes, API-key hashes. The account's
    own data comes first, then the members of each registered entry, in order.
    """
    yield "{\n"
    yield _member("format", EXPORT_FORMAT, first=True)
    yield _member("generated_at", timezone.now())
    yield _member("user", _user_data(user))
    yield _member("organization", _organization_data(user))
    yield _member("two_factor_authentication", _mfa_data(user))
    yield _member(
        "api_keys", [_api_key_data(key) for key in ApiKey.objects.filter(user=user).order_by("created_at")]
    )
    request = PersonalDataRequest(user=user, site_url=site_url)
    for entry in personal_data_entries():
        if entry.export is None:
            continue
        for name, value in entry.export(request):
            if isinstance(value, Iterator):
                yield f",\n{json.dumps(name)}: "
                yield from _array(value)
            else:
                yield _member(name, value)
    yield "\n}\n"


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _member(name: str, value, *, first: bool = False) -> str:
    return ("" if first else ",\n") + f"{json.dumps(name)}: {_json(value)}"


def _array(items: Iterable) -> Iterator[str]:
    yield "["
    for index, item in enumerate(items):
        yield ("\n" if index == 0 else ",\n") + _json(item)
    yield "]"


def _user_data(user: User) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "email_verified": user.email_verified,
        "role": user.role,
        "profile": user.profile,
        "preferences": user.preferences,
        "has_password": user.has_usable_password(),
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "last_login_at": user.last_login,
        "last_login_ip": user.last_login_ip,
        "failed_login_attempts": user.failed_login_attempts,
        "locked_until": user.locked_until,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "deleted_at": user.deleted_at,
    }


def _organization_data(user: User) -> dict | None:
    organization = user.organization
    if organization is None:
        return None
    return {"id": organization.pk, "name": organization.name, "slug": organization.slug}


def _mfa_data(user: User) -> dict:
    codes = MfaRecoveryCode.objects.filter(user=user)
    return {
        "enabled": user.mfa_enabled,
        "recovery_codes": codes.count(),
        "recovery_codes_unused": codes.filter(used_at__isnull=True).count(),
        "recovery_codes_used_at": list(
            codes.filter(used_at__isnull=False).order_by("used_at").values_list("used_at", flat=True)
        ),
    }


def _api_key_data(key: ApiKey) -> dict:
    return {
        "id": key.pk,
        "name": key.name,
        "prefix": key.key_prefix,
        "scopes": key.scopes,
        "rate_limit_per_hour": key.rate_limit,
        "created_at": key.created_at,
        "updated_at": key.updated_at,
        "last_used_at": key.last_used_at,
        "expires_at": key.expires_at,
        "revoked_at": key.revoked_at,
    }


# ------------------------------------------------------------------ services


@transaction.atomic
def user_export_record(*, user: User, actor: User) -> None:
    """Audit that `actor` downloaded the personal data of `user` (before the export is streamed)."""
    audit_record(
        actor=actor,
        action="gdpr.export",
        # By id only: a resource's text would copy the e-mail address into a row that can never change.
        resource_type=USER_RESOURCE,
        resource_id=user.pk,
        after={"subject": str(user.pk), "by": "self" if actor.pk == user.pk else "administrator"},
    )


@dataclass(frozen=True)
class Anonymisation:
    """What user_anonymise() changed, counted by name (the audit row records the same numbers).

    Each count reads as an attribute too: `done.free_text_answers`, `done.api_keys_revoked`.
    """

    user: User
    counts: dict[str, int]

    def as_dict(self) -> dict:
        return dict(self.counts)

    def __getattr__(self, name: str) -> int:
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)


@transaction.atomic
def user_anonymise(
    *, user: User, actor: User | None, erase_approved_documents: bool = False
) -> Anonymisation:
    """Remove the personal data of a user and deactivate the account, keeping what the records need.

    Each registered entry removes its app's part first, in order (docs/privacy.md lists them: the text
    of free-text answers, uploaded files, session devices, unapproved document files unless
    `erase_approved_documents` says approved ones go too). Then the account's own: e-mail (replaced by
    anonymised-<hex>@invalid), profile, preferences, password, MFA secret and recovery codes, last
    log-in IP, group memberships and permissions, the names of API keys (all revoked). Files leave
    storage once the transaction has committed. The audit trail is not touched.
    """
    user = User.all_objects.select_for_update().get(pk=user.pk)
    if is_anonymised(user):
        raise GdprError("This user has already been anonymised.")
    now = timezone.now()

    request = PersonalDataRequest(user=user, now=now, erase_approved_documents=erase_approved_documents)
    counts: dict[str, int] = {}
    for entry in personal_data_entries():
        if entry.anonymise is not None:
            counts |= entry.anonymise(request)
    counts["api_keys_revoked"] = ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    ApiKey.objects.filter(user=user).update(name=REMOVED, updated_at=now)
    counts["recovery_codes_deleted"], _ = MfaRecoveryCode.objects.filter(user=user).delete()

    user.email = f"anonymised-{uuid.uuid4().hex}@invalid"
    user.email_verified = False
    user.profile = {}
    user.preferences = {}
    user.set_unusable_password()  # also ends every logged-in session: their auth hash no longer matches
    user.mfa_secret = None
    user.mfa_enabled = False
    user.last_login_ip = None
    user.failed_login_attempts = 0
    user.locked_until = None
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = now
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    # The admin's own change history names its objects by their text, which was the e-mail address.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=user.email)
    cache.delete(f"accounts:mfa:last-step:{user.pk}")

    result = Anonymisation(user=user, counts=counts)
    audit_record(
        actor=actor,
        action="gdpr.anonymise",
        resource=user,  # after the change: its text is the anonymised address
        after={**result.as_dict(), "erase_approved_documents": erase_approved_documents},
    )
    return result
