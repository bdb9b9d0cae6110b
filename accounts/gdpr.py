"""GDPR: export everything stored about a user (access and portability), and anonymise a user (erasure).

Selectors and services of the accounts app; the pages are in accounts/gdpr_views.py and the admin
actions in accounts/admin.py. What an export holds, what anonymisation removes and what it keeps (and
why) is written down in docs/privacy.md. The audit trail is never touched: its rows keep the user's id,
which after anonymisation names a row with nothing personal left in it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiKey, MfaRecoveryCode, User
from audit.models import AuditLog
from audit.services import audit_record
from documents import metadata_cache
from documents import storage as document_storage
from documents.models import Document, DocumentStatus
from sessions_app.models import Response, ResponseArchive, Session, SessionArchive

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "acqs-personal-data-export-v1"
USER_RESOURCE = "accounts.user"
REMOVED = "[removed]"
ANONYMISED_EMAIL = re.compile(r"^anonymised-[0-9a-f]{32}@invalid$")
# Answers typed by the client: replaced by REMOVED. Choices, numbers, dates, scales and matrices are
# picked from what the questionnaire offers, say nothing about who answered, and are kept for statistics.
FREE_TEXT_TYPES = ("TEXT", "TEXTAREA", "EMAIL", "URL")
FILE_TYPE = "FILE_UPLOAD"
REMOVED_TEXT_VALUE = {"text": REMOVED}
# Still the seed's FILE_UPLOAD shape (every key present), so every reader of answers keeps working.
REMOVED_FILE_VALUE = {
    "fileUrl": REMOVED,
    "fileName": REMOVED,
    "fileSize": 0,
    "mimeType": "application/octet-stream",
}
# Session metadata that describes the person's device and where they came from.
PERSONAL_SESSION_METADATA = ("userAgent", "referrer")
EXPORT_CHUNK_ROWS = 500  # rows per round trip while streaming answers and audit rows


class GdprError(Exception):
    """A GDPR request that cannot be carried out as asked; the message is for the person asking."""


def is_anonymised(user: User) -> bool:
    return bool(ANONYMISED_EMAIL.match(user.email or ""))


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


@dataclass(frozen=True)
class PersonalDataSummary:
    """What is stored about a user, counted: shown before an export or an anonymisation."""

    sessions: int
    archived_sessions: int
    answers: int
    free_text_answers: int
    uploaded_files: int
    documents_with_files: int
    approved_documents_with_files: int
    active_api_keys: int
    mfa_enabled: bool
    audit_rows: int

    @property
    def other_documents_with_files(self) -> int:
        return self.documents_with_files - self.approved_documents_with_files


def personal_data_summary(*, user: User) -> PersonalDataSummary:
    answers = Response.objects.filter(session__user=user)
    archived = ResponseArchive.objects.filter(session__user=user)
    documents = Document.objects.filter(session__user=user, storage_url__isnull=False).exclude(storage_url="")
    now = timezone.now()
    return PersonalDataSummary(
        sessions=Session.objects.filter(user=user).count(),
        archived_sessions=SessionArchive.objects.filter(user=user).count(),
        answers=answers.count() + archived.count(),
        free_text_answers=answers.filter(question__type__in=FREE_TEXT_TYPES).count()
        + archived.filter(question__type__in=FREE_TEXT_TYPES).count(),
        uploaded_files=answers.filter(question__type=FILE_TYPE).count()
        + archived.filter(question__type=FILE_TYPE).count(),
        documents_with_files=documents.count(),
        approved_documents_with_files=documents.filter(status=DocumentStatus.APPROVED).count(),
        active_api_keys=ApiKey.objects.filter(user=user, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .count(),
        mfa_enabled=user.mfa_enabled,
        audit_rows=_audit_rows_about(user).count(),
    )


def user_export_filename(user: User) -> str:
    return f"personal-data-{user.pk}-{timezone.now():%Y-%m-%d}.json"


def user_export_chunks(*, user: User, site_url: str = "") -> Iterator[str]:
    """Yield, piece by piece, one JSON document holding everything stored about the user.

    Answers and audit rows are read in chunks through server-side cursors, so memory stays flat however
    long the user's history. `site_url` (e.g. "https://example.com") makes download links absolute.
    Never in it: the password hash, the MFA secret, recovery-code hashes, API-key hashes.
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
    yield ',\n"sessions": '
    yield from _array(_session_data(session, site_url=site_url) for session in _sessions_of(user))
    yield ',\n"archived_sessions": '
    yield from _array(_archived_session_data(session) for session in _archived_sessions_of(user))
    yield ',\n"audit_log": '
    rows = _audit_rows_about(user).order_by("chain_seq").iterator(chunk_size=EXPORT_CHUNK_ROWS)
    yield from _array(_audit_row_data(row, user=user) for row in rows)
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


def _sessions_of(user: User):
    return Session.objects.filter(user=user).select_related("questionnaire").order_by("started_at", "id")


def _archived_sessions_of(user: User):
    return (
        SessionArchive.objects.filter(user=user).select_related("questionnaire").order_by("started_at", "id")
    )


def _question_data(question) -> dict:
    return {
        "id": question.pk,
        "text": question.text,
        "type": question.type,
        "section": question.section.name,
    }


def _answer_data(response) -> dict:
    return {
        "question": _question_data(response.question),
        "value": response.value,
        "is_valid": response.is_valid,
        "validation_errors": response.validation_errors,
        "revision": response.revision,
        "time_spent_seconds": response.time_spent_seconds,
        "answered_at": response.answered_at,
        "updated_at": response.updated_at,
    }


def _session_common(session) -> dict:
    questionnaire = session.questionnaire
    return {
        "id": session.pk,
        "questionnaire": {
            "id": questionnaire.pk,
            "name": questionnaire.name,
            "version": session.questionnaire_version,
        },
        "status": session.status,
        "industry": session.industry,
        "progress": session.progress,
        "metadata": session.metadata,
        "started_at": session.started_at,
        "last_activity_at": session.last_activity_at,
        "completed_at": session.completed_at,
        "expires_at": session.expires_at,
    }


def _session_data(session: Session, *, site_url: str) -> dict:
    answers = (
        Response.objects.filter(session=session)
        .select_related("question__section")
        .order_by("answered_at", "id")
        .iterator(chunk_size=EXPORT_CHUNK_ROWS)
    )
    documents = (
        Document.objects.filter(session=session)
        .select_related("document_type")
        .order_by("document_type__slug", "version", "format")
    )
    return {
        **_session_common(session),
        "answers": [_answer_data(response) for response in answers],
        "documents": [_document_data(document, site_url=site_url) for document in documents],
    }


def _archived_session_data(session: SessionArchive) -> dict:
    answers = (
        ResponseArchive.objects.filter(session=session)
        .select_related("question__section")
        .order_by("answered_at", "id")
        .iterator(chunk_size=EXPORT_CHUNK_ROWS)
    )
    return {
        **_session_common(session),
        "archived_at": session.archived_at,
        "answers": [_answer_data(response) for response in answers],
    }


def _document_data(document: Document, *, site_url: str) -> dict:
    # The file itself is not in the export: an approved one is the client's to download (the link needs
    # a log-in); the others are the organization's working drafts.
    downloadable = document.status == DocumentStatus.APPROVED and document.has_file
    return {
        "id": document.pk,
        "type": {"slug": document.document_type.slug, "name": document.document_type.name},
        "format": document.format,
        "status": document.status,
        "version": document.version,
        "file_name": document.file_name,
        "file_size": document.file_size,
        "page_count": document.page_count,
        "created_at": document.created_at,
        "generated_at": document.generated_at,
        "approved_at": document.approved_at,
        "expires_at": document.expires_at,
        "download_url": site_url + reverse("documents:file", args=[document.pk]) if downloadable else None,
    }


def _audit_rows_about(user: User):
    """Audit rows about the user: by them, or about them, their sessions or their API keys."""
    about = [user.pk]
    about += list(Session.objects.filter(user=user).values_list("pk", flat=True))
    about += list(ApiKey.objects.filter(user=user).values_list("pk", flat=True))
    return AuditLog.objects.filter(Q(actor=user) | Q(resource_id__in=about))


def _audit_row_data(row: AuditLog, *, user: User) -> dict:
    by_user = row.actor_id == user.pk
    data = {
        "id": row.pk,
        "at": row.timestamp,
        "action": row.event,
        "resource_type": row.resource_type,
        "resource_id": row.resource_id,
        "actor": "this user" if by_user else ("system" if row.actor_id is None else "another user"),
        "changes": row.changes,
        "request_id": row.cid,
    }
    if by_user:
        # Where a request came from is the user's own data only when they made it: a failed log-in on
        # their account, or an administrator's change, came from someone else's address.
        data |= {"ip_address": row.remote_addr, "user_agent": row.user_agent}
    return data


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
    """What user_anonymise() changed, counted (the audit row records the same numbers)."""

    user: User
    free_text_answers: int
    uploaded_files: int
    sessions: int
    documents_erased: int
    documents_kept: int
    api_keys_revoked: int
    recovery_codes_deleted: int

    def as_dict(self) -> dict:
        return {
            "free_text_answers": self.free_text_answers,
            "uploaded_files": self.uploaded_files,
            "sessions": self.sessions,
            "documents_erased": self.documents_erased,
            "documents_kept": self.documents_kept,
            "api_keys_revoked": self.api_keys_revoked,
            "recovery_codes_deleted": self.recovery_codes_deleted,
        }


@transaction.atomic
def user_anonymise(
    *, user: User, actor: User | None, erase_approved_documents: bool = False
) -> Anonymisation:
    """Remove the personal data of a user and deactivate the account, keeping what the records need.

    Removed: e-mail (replaced by anonymised-<hex>@invalid), profile, preferences, password, MFA secret
    and recovery codes, last log-in IP, group memberships and permissions; the text of free-text answers
    and the uploaded files of every session, live or archived; the device and referrer noted on each
    session; the names of API keys (all revoked). Document files are deleted except approved ones (the
    organization's record), unless `erase_approved_documents`. Files leave storage once the transaction
    has committed. The audit trail is not touched.
    """
    user = User.all_objects.select_for_update().get(pk=user.pk)
    if is_anonymised(user):
        raise GdprError("This user has already been anonymised.")
    now = timezone.now()

    # Lock the sessions first, as saving an answer does, so no answer is written in between.
    session_ids = list(Session.objects.select_for_update().filter(user=user).values_list("pk", flat=True))
    archived_ids = list(SessionArchive.objects.filter(user=user).values_list("pk", flat=True))
    free_text = _answers_redact(Response.objects.filter(session_id__in=session_ids), now=now)
    free_text += _answers_redact(ResponseArchive.objects.filter(session_id__in=archived_ids), now=None)
    uploads = Response.objects.filter(session_id__in=session_ids, question__type=FILE_TYPE).update(
        value=REMOVED_FILE_VALUE, updated_at=now
    )
    uploads += ResponseArchive.objects.filter(session_id__in=archived_ids, question__type=FILE_TYPE).update(
        value=REMOVED_FILE_VALUE
    )
    for model, ids in ((Session, session_ids), (SessionArchive, archived_ids)):
        for pk, metadata in model.objects.filter(pk__in=ids).values_list("pk", "metadata"):
            kept = {k: v for k, v in (metadata or {}).items() if k not in PERSONAL_SESSION_METADATA}
            if kept != (metadata or {}):
                model.objects.filter(pk=pk).update(metadata=kept)

    documents_erased, documents_kept, document_keys = _document_files_release(
        session_ids=session_ids, erase_approved=erase_approved_documents, now=now
    )
    api_keys_revoked = ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    ApiKey.objects.filter(user=user).update(name=REMOVED, updated_at=now)
    recovery_codes_deleted, _ = MfaRecoveryCode.objects.filter(user=user).delete()

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

    upload_prefixes = [f"uploads/{pk}/" for pk in [*session_ids, *archived_ids]]
    transaction.on_commit(lambda: _files_delete(upload_prefixes=upload_prefixes, document_keys=document_keys))
    result = Anonymisation(
        user=user,
        free_text_answers=free_text,
        uploaded_files=uploads,
        sessions=len(session_ids) + len(archived_ids),
        documents_erased=documents_erased,
        documents_kept=documents_kept,
        api_keys_revoked=api_keys_revoked,
        recovery_codes_deleted=recovery_codes_deleted,
    )
    audit_record(
        actor=actor,
        action="gdpr.anonymise",
        resource=user,  # after the change: its text is the anonymised address
        after={**result.as_dict(), "erase_approved_documents": erase_approved_documents},
    )
    return result


def _answers_redact(answers, *, now: dt.datetime | None) -> int:
    changes = {"value": REMOVED_TEXT_VALUE}
    if now is not None:
        changes["updated_at"] = now
    return answers.filter(question__type__in=FREE_TEXT_TYPES).update(**changes)


def _document_files_release(
    *, session_ids: list, erase_approved: bool, now: dt.datetime
) -> tuple[int, int, list]:
    """Detach the files of the user's documents that go; return (erased, kept, storage keys to delete)."""
    documents = Document.objects.select_for_update().filter(
        session_id__in=session_ids, storage_url__isnull=False
    )
    erased, kept, keys, sessions = [], 0, [], set()
    rows = documents.exclude(storage_url="").values_list("pk", "session_id", "status", "storage_url")
    for pk, session_id, status, key in rows:
        if status == DocumentStatus.APPROVED and not erase_approved:
            kept += 1
            continue
        erased.append(pk)
        keys.append(key)
        sessions.add(session_id)
    Document.objects.filter(pk__in=erased).update(storage_url=None, file_size=None, updated_at=now)
    # update() sends no post_save: drop the sessions' cached document lists, now and after the commit.
    for session_id in sessions:
        metadata_cache.session_documents_invalidate(session_id)
    transaction.on_commit(lambda: [metadata_cache.session_documents_invalidate(pk) for pk in sessions])
    return len(erased), kept, keys


def _files_delete(*, upload_prefixes: list[str], document_keys: list[str]) -> None:
    """Delete the uploaded files and document files of an anonymised user (after the commit)."""
    for prefix in upload_prefixes:
        _tree_delete(default_storage, prefix)
    storage = document_storage.documents_storage()
    for key in document_keys:
        try:
            storage.delete(key)
        except OSError:
            # The database no longer points at it; an operator can remove it by its key.
            logger.exception("Could not delete document file %s of an anonymised user.", key)


def _tree_delete(storage: Storage, prefix: str) -> None:
    """Delete every file under `prefix` in `storage` (directories on disk, key prefixes on S3)."""
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    except OSError:
        logger.exception("Could not list %s to delete an anonymised user's uploads.", prefix)
        return
    for name in files:
        try:
            storage.delete(f"{prefix}{name}")
        except OSError:
            logger.exception("Could not delete %s%s of an anonymised user.", prefix, name)
    for directory in directories:
        _tree_delete(storage, f"{prefix}{directory}/")
