"""The personal data of the client's flow: sessions, live and archived, with their answers and uploads.

This app's entry in the GDPR registry of accounts/gdpr.py, registered by SessionsAppConfig.ready():
what the summary counts, what the export lists and what anonymisation removes. docs/privacy.md says
what is kept, and why.
"""

from __future__ import annotations

import logging

from django.core.files.storage import Storage, default_storage
from django.db import transaction

from accounts.gdpr import EXPORT_CHUNK_ROWS, REMOVED, PersonalData, PersonalDataRequest
from sessions_app.invitation_models import INVITATION_PENDING, InvitationStatus
from sessions_app.models import (
    Invitation,
    Response,
    ResponseArchive,
    Session,
    SessionArchive,
    SessionReminder,
)

logger = logging.getLogger(__name__)

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


# ------------------------------------------------------------------ summary


def _summary(request: PersonalDataRequest) -> list[tuple[str, str]]:
    user = request.user
    answers = Response.objects.filter(session__user=user)
    archived = ResponseArchive.objects.filter(session__user=user)
    sessions = Session.objects.filter(user=user).count()
    archived_sessions = SessionArchive.objects.filter(user=user).count()
    free_text = (
        answers.filter(question__type__in=FREE_TEXT_TYPES).count()
        + archived.filter(question__type__in=FREE_TEXT_TYPES).count()
    )
    uploads = (
        answers.filter(question__type=FILE_TYPE).count() + archived.filter(question__type=FILE_TYPE).count()
    )
    also_archived = f" (and {archived_sessions} archived)" if archived_sessions else ""
    return [
        ("Questionnaire sessions", f"{sessions}{also_archived}"),
        ("Answers", f"{answers.count() + archived.count()}, of which {free_text} typed as free text"),
        ("Uploaded files", f"{uploads}"),
    ]


# ------------------------------------------------------------------ export


def _export(request: PersonalDataRequest):
    user = request.user
    sessions = Session.objects.filter(user=user).select_related("questionnaire").order_by("started_at", "id")
    archived = (
        SessionArchive.objects.filter(user=user).select_related("questionnaire").order_by("started_at", "id")
    )
    yield "sessions", (_session_data(session, request) for session in sessions)
    yield "archived_sessions", (_archived_session_data(session) for session in archived)
    invitations = (
        Invitation.objects.filter(user=user).select_related("questionnaire").order_by("created_at", "id")
    )
    yield "invitations", (_invitation_data(invitation) for invitation in invitations)
    # The reminders e-mailed about the client's sessions (sessions_app/reminders.py): when, and which.
    reminders = (
        SessionReminder.objects.filter(session__user=user)
        .order_by("sent_at", "id")
        .values_list("session_id", "kind", "sent_at")
    )
    yield "reminders", ({"session": s, "kind": k, "sent_at": at} for s, k, at in reminders)


def _invitation_data(invitation: Invitation) -> dict:
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "questionnaire": {"id": invitation.questionnaire_id, "name": invitation.questionnaire.name},
        "message": invitation.message,
        "status": invitation.status,
        "due_at": invitation.due_at,
        "sent_count": invitation.sent_count,
        "last_sent_at": invitation.last_sent_at,
        "opened_at": invitation.opened_at,
        "accepted_at": invitation.accepted_at,
        "session": invitation.session_id,
        "created_at": invitation.created_at,
    }


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


def _answers_of(model, session) -> list[dict]:
    answers = (
        model.objects.filter(session=session)
        .select_related("question__section")
        .order_by("answered_at", "id")
        .iterator(chunk_size=EXPORT_CHUNK_ROWS)
    )
    return [_answer_data(response) for response in answers]


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


def _session_data(session: Session, request: PersonalDataRequest) -> dict:
    # What other apps made from the session (its documents) comes after the answers.
    return {
        **_session_common(session),
        "answers": _answers_of(Response, session),
        **request.session_members(session),
    }


def _archived_session_data(session: SessionArchive) -> dict:
    return {
        **_session_common(session),
        "archived_at": session.archived_at,
        "answers": _answers_of(ResponseArchive, session),
    }


def _resources(request: PersonalDataRequest):
    """The user's sessions and invitations: audit rows about them are about the user."""
    sessions = Session.objects.filter(user=request.user).values_list("pk", flat=True)
    return [*sessions, *Invitation.objects.filter(user=request.user).values_list("pk", flat=True)]


# ------------------------------------------------------------------ anonymisation


def _anonymise(request: PersonalDataRequest) -> dict[str, int]:
    """Redact free-text answers and uploads, drop device and referrer; delete the files after the commit."""
    user, now = request.user, request.now
    # Lock the sessions first, as saving an answer does, so no answer is written in between.
    session_ids = list(Session.objects.select_for_update().filter(user=user).values_list("pk", flat=True))
    archived_ids = list(SessionArchive.objects.filter(user=user).values_list("pk", flat=True))
    free_text = Response.objects.filter(
        session_id__in=session_ids, question__type__in=FREE_TEXT_TYPES
    ).update(value=REMOVED_TEXT_VALUE, updated_at=now)
    free_text += ResponseArchive.objects.filter(
        session_id__in=archived_ids, question__type__in=FREE_TEXT_TYPES
    ).update(value=REMOVED_TEXT_VALUE)
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

    # Invitations keep their history, not the address or the message; a link not yet used dies.
    invitations = Invitation.objects.filter(user=user)
    invitations.filter(status__in=INVITATION_PENDING).update(
        status=InvitationStatus.REVOKED, revoked_at=now, updated_at=now
    )
    invitation_count = invitations.update(email=REMOVED, message="", updated_at=now)

    prefixes = [f"uploads/{pk}/" for pk in [*session_ids, *archived_ids]]
    transaction.on_commit(lambda: [_tree_delete(default_storage, prefix) for prefix in prefixes])
    return {
        "free_text_answers": free_text,
        "uploaded_files": uploads,
        "sessions": len(session_ids) + len(archived_ids),
        "invitations": invitation_count,
    }


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


PERSONAL_DATA = PersonalData(
    app_label="sessions_app",
    order=10,  # first: it locks the user's sessions (why the order matters: accounts/gdpr.py)
    summary=_summary,
    export=_export,
    resources=_resources,
    anonymise=_anonymise,
)
