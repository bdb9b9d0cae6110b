"""Every write of the client's flow: start a session, save an answer, complete, expire, abandon."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.services import audit_record
from questionnaires.structure import engine_for, structure_load
from sessions_app.flow import FlowState, StoredAnswer, flow_state, question_input
from sessions_app.models import Response, Session, SessionStatus
from sessions_app.validation import ValidationResult, check_upload, validate_answer, validate_value

BRANCH_HISTORY_LIMIT = 50
FROM_FORM = object()  # response_save()'s default: read the answer from the form data


class SessionClosed(Exception):
    """The session no longer takes answers (completed, expired or abandoned)."""


class QuestionUnavailable(Exception):
    """The question is not part of this session's questionnaire, or is hidden right now."""


class SessionIncomplete(Exception):
    """Completion was refused; `missing` lists the questions still to answer or fix."""

    def __init__(self, missing):
        super().__init__(f"{len(missing)} question(s) still need an answer.")
        self.missing = missing


@dataclass(frozen=True)
class SaveResult:
    answer: StoredAnswer | None  # None when the answer was cleared
    result: ValidationResult
    state: FlowState
    previous: FlowState  # before this answer: what the client saw when they answered


# ----------------------------------------------------------------- reading the state


def session_answers(*, session: Session) -> dict[str, StoredAnswer]:
    """Return the session's stored answers, valid or not, keyed by question id (one query)."""
    rows = Response.objects.filter(session=session).values_list(
        "question_id", "value", "is_valid", "validation_errors", "id", "revision"
    )
    return {
        str(qid): StoredAnswer(value, is_valid, tuple(errors or ()), response_id, revision)
        for qid, value, is_valid, errors, response_id, revision in rows
    }


def session_flow(*, session: Session, answers: dict[str, StoredAnswer] | None = None) -> FlowState:
    """Return where the session stands: visible sections and questions, progress, what is missing."""
    structure = structure_load(session.questionnaire_id)
    if answers is None:
        answers = session_answers(session=session)
    return flow_state(
        structure=structure, engine=engine_for(structure), answers=answers, industry=session.industry
    )


# ----------------------------------------------------------------- writes


@transaction.atomic
def session_start(
    *,
    user,
    questionnaire,
    industry: str | None = None,
    metadata: dict | None = None,
    preview: bool = False,
) -> Session:
    """Start a session pinned to this questionnaire version, at its first section.

    ``preview`` starts an admin's preview (questionnaires.services.questionnaire_preview_start),
    drafts included: flagged in its metadata, it lives a day and never produces documents.
    """
    if industry is None:
        industry = user.organization.industry if user.organization_id else ""
    now = timezone.now()
    lifetime = dt.timedelta(days=1) if preview else dt.timedelta(days=settings.SESSION_LIFETIME_DAYS)
    session = Session(
        user=user,
        questionnaire=questionnaire,
        questionnaire_version=questionnaire.version,
        industry=industry or None,
        metadata={**(metadata or {}), "preview": True} if preview else (metadata or {}),
        expires_at=now + lifetime,
        started_at=now,
        last_activity_at=now,
    )
    state = session_flow(session=session, answers={})
    _apply_state(session, state, previous_visible=None, question_id=None)
    if state.visible_sections:
        session.current_section_id = uuid.UUID(state.visible_sections[0].id)
    session.save()
    audit_record(
        actor=user,
        action="session.start",
        resource=session,
        after={
            "questionnaire": str(questionnaire.pk),
            "version": questionnaire.version,
            "industry": industry,
        },
    )
    return session


def _lock_open_session(session: Session) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.IN_PROGRESS:
        raise SessionClosed(f"This questionnaire is {session.get_status_display().lower()}.")
    if session.expires_at and session.expires_at <= timezone.now():
        raise SessionClosed("This questionnaire has expired.")
    return session


@transaction.atomic
def response_save(
    *,
    session: Session,
    question_id: str,
    data,
    files=None,
    value=FROM_FORM,
    time_spent_seconds: int | None = None,
    actor=None,
    prefix: str | None = None,
) -> SaveResult:
    """Validate and store one answer, re-evaluate the rules and update the session's progress.

    The answer is read from the form ``data`` and ``files``, unless ``value`` gives it already in its
    §5.3 shape (the REST API's input; ``None`` clears the answer), which ``validate_value`` checks.
    An invalid answer is stored too (is_valid false, with its errors), so nothing the client typed is
    lost; it counts as unanswered for the rules and for progress.
    """
    session = _lock_open_session(session)
    structure = structure_load(session.questionnaire_id)
    try:
        question = structure.question(str(question_id))
    except KeyError:
        question = None
    answers = session_answers(session=session)
    before = flow_state(
        structure=structure, engine=engine_for(structure), answers=answers, industry=session.industry
    )
    if question is None or not before.is_visible(question.id):
        raise QuestionUnavailable("This question is not part of the questionnaire right now.")

    prefix = prefix or f"q-{question.id}"
    if value is not FROM_FORM:
        result = validate_value(question_input(question), value)
    elif question.type == "FILE_UPLOAD":
        result = _file_answer(session=session, question=question, files=files, data=data, prefix=prefix)
    else:
        result = validate_answer(question_input(question), data, prefix=prefix)

    stored = _store(
        session=session,
        question=question,
        existing=answers.get(question.id),
        result=result,
        time_spent_seconds=time_spent_seconds,
    )
    if stored is None:
        answers.pop(question.id, None)
    else:
        answers[question.id] = stored

    state = flow_state(
        structure=structure, engine=engine_for(structure), answers=answers, industry=session.industry
    )
    _apply_state(session, state, previous_visible=before.evaluation.visible, question_id=question.id)
    session.current_section_id = uuid.UUID(question.section_id)
    session.current_question_id = uuid.UUID(question.id)
    session.last_activity_at = timezone.now()
    session.save(
        update_fields=[
            "progress",
            "adaptive_state",
            "current_section",
            "current_question",
            "last_activity_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor or session.user,
        action="response.save" if stored is not None else "response.clear",
        resource=session,
        after={
            "question": question.id,
            "revision": stored.revision if stored else None,
            "is_valid": result.is_valid,
        },
    )
    return SaveResult(answer=stored, result=result, state=state, previous=before)


def _store(
    *, session: Session, question, existing: StoredAnswer | None, result: ValidationResult, time_spent_seconds
) -> StoredAnswer | None:
    """Insert, update or delete the responses row; one statement, from what session_answers() read."""
    if result.value is None and result.is_valid:
        # A cleared answer is unanswered: the row goes, so the rules and progress see it as empty.
        if existing is not None:
            Response.objects.filter(pk=existing.response_id).delete()
        return None
    value = result.value if result.value is not None else {}
    errors = list(result.errors) or None
    spent = max(0, min(int(time_spent_seconds), 86_400)) if time_spent_seconds is not None else None
    if existing is None:
        row = Response.objects.create(
            session=session,
            question_id=question.id,
            value=value,
            is_valid=result.is_valid,
            validation_errors=errors,
            time_spent_seconds=spent,
        )
        return StoredAnswer(value, result.is_valid, tuple(result.errors), row.pk, row.revision)
    changes = {"value": value, "is_valid": result.is_valid, "validation_errors": errors}
    revision = existing.revision
    if existing.value != value or existing.is_valid != result.is_valid:
        revision += 1
        changes.update(revision=revision, answered_at=timezone.now())
    if spent is not None:
        changes["time_spent_seconds"] = Coalesce("time_spent_seconds", 0) + spent
    Response.objects.filter(pk=existing.response_id).update(**changes)
    return StoredAnswer(value, result.is_valid, tuple(result.errors), existing.response_id, revision)


def _apply_state(session: Session, state: FlowState, *, previous_visible, question_id) -> None:
    visible, hidden = state.evaluation.visible, state.evaluation.hidden
    adaptive = dict(session.adaptive_state or {})
    history = list(adaptive.get("branchHistory", []))
    if previous_visible is not None and previous_visible != visible:
        history.append(
            {
                "at": timezone.now().isoformat(),
                "questionId": question_id,
                "shown": sorted(visible - previous_visible),
                "hidden": sorted(previous_visible - visible),
            }
        )
    adaptive.update(
        {
            "activeQuestionIds": sorted(visible),
            "skippedQuestionIds": sorted(hidden),
            "branchHistory": history[-BRANCH_HISTORY_LIMIT:],
        }
    )
    session.adaptive_state = adaptive
    session.progress = state.progress


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _safe_file_name(name: str) -> str:
    base = _SAFE_NAME.sub("-", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(".-")
    return (base or "upload")[:120]


def _file_answer(*, session: Session, question, files, data, prefix: str) -> ValidationResult:
    upload = files.get(prefix) if files else None
    if upload is None:
        if data is not None and data.get(f"{prefix}.clear"):
            return ValidationResult(None)
        # No new file: keep what is stored (a no-JS form re-submits the page without the file).
        current = Response.objects.filter(session=session, question_id=question.id).values_list(
            "value", flat=True
        )
        stored = current.first()
        return validate_value(question_input(question), stored) if stored else ValidationResult(None)
    head = upload.read(2048)
    upload.seek(0)
    mime_type, errors = check_upload(
        question_input(question), file_name=upload.name, size=upload.size, head=head
    )
    if errors:
        return ValidationResult(None, errors)
    name = _safe_file_name(upload.name)
    token = uuid.uuid4().hex
    key = upload_storage_key(session_id=str(session.pk), question_id=question.id, token=token, name=name)
    default_storage.save(key, upload)
    value = {
        "fileUrl": f"/sessions/{session.pk}/files/{question.id}/{token}/{name}",
        "fileName": name,
        "fileSize": upload.size,
        "mimeType": mime_type,
    }
    return validate_value(question_input(question), value)


def upload_storage_key(*, session_id: str, question_id: str, token: str, name: str) -> str:
    return f"uploads/{session_id}/{question_id}/{token}/{name}"


@transaction.atomic
def session_complete(*, session: Session, actor=None) -> Session:
    """Complete the session, refused while a visible required question is unanswered or invalid."""
    session = _lock_open_session(session)
    state = session_flow(session=session)
    if state.missing:
        raise SessionIncomplete(state.missing)
    now = timezone.now()
    session.status = SessionStatus.COMPLETED
    session.completed_at = now
    session.last_activity_at = now
    session.progress = state.progress
    session.save(update_fields=["status", "completed_at", "last_activity_at", "progress", "updated_at"])
    audit_record(
        actor=actor or session.user,
        action="session.complete",
        resource=session,
        before={"status": SessionStatus.IN_PROGRESS},
        after={"status": SessionStatus.COMPLETED, "answered": state.progress["answered"]},
    )
    if not (session.metadata or {}).get("preview"):  # an admin's preview produces no documents
        for hook in _completion_hooks:
            hook(session=session, state=state)
    return session


# Other apps (documents) register what must happen when a session completes, in the same transaction.
_completion_hooks: list = []


def on_session_complete(hook):
    _completion_hooks.append(hook)
    return hook


def _close_sessions(queryset, *, status: str, action: str) -> int:
    closed = 0
    for session in queryset.select_for_update(skip_locked=True)[:500]:
        session.status = status
        session.save(update_fields=["status", "updated_at"])
        audit_record(
            action=action,
            resource=session,
            before={"status": SessionStatus.IN_PROGRESS},
            after={"status": status},
        )
        closed += 1
    return closed


@transaction.atomic
def sessions_expire(*, now: dt.datetime | None = None) -> int:
    """Mark sessions past their expires_at as EXPIRED; return how many."""
    now = now or timezone.now()
    # Admins' previews are deleted, not kept as EXPIRED, once their day is over.
    Session.objects.filter(metadata__contains={"preview": True}, expires_at__lte=now).delete()
    due = Session.objects.filter(status=SessionStatus.IN_PROGRESS, expires_at__lte=now)
    return _close_sessions(due, status=SessionStatus.EXPIRED, action="session.expire")


@transaction.atomic
def sessions_abandon(*, now: dt.datetime | None = None) -> int:
    """Mark sessions inactive for longer than SESSION_ABANDON_AFTER_DAYS as ABANDONED; return how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.SESSION_ABANDON_AFTER_DAYS)
    idle = Session.objects.filter(status=SessionStatus.IN_PROGRESS, last_activity_at__lte=cutoff)
    return _close_sessions(idle, status=SessionStatus.ABANDONED, action="session.abandon")
