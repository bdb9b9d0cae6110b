"""Every write of the client's flow: start a session, save an answer, complete, expire, abandon.

Also an admin's previews of a questionnaire, which are sessions of their own that run the same pages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, connections, router, transaction
from django.utils import timezone

from audit.chain import ChainLink
from audit.services import audit_chain_link_sql, audit_record, audit_record_all
from core.rows import model_from_row
from questionnaires.answers import (
    ValidationResult,
    check_upload,
    question_input,
    stored_file_name,
    validate_answer,
    validate_value,
)
from questionnaires.structure import QuestionnaireStructure, engine_for, structure_load
from sessions_app.flow import FlowState, StoredAnswer, flow_state
from sessions_app.models import Response, Session, SessionStatus
from sessions_app.selectors import PREVIEW
from sessions_app.session_analytics import analytics_after_answer, analytics_start, device_type

BRANCH_HISTORY_LIMIT = 50
FROM_FORM = object()  # response_save()'s default: read the answer from the form data


class SessionClosed(Exception):
    """The session no longer takes answers (completed, expired or abandoned)."""


class QuestionUnavailable(Exception):
    """The question is not part of this session's questionnaire, or is hidden right now."""


class _UploadRefused(Exception):
    """A file sent as an answer was refused (its type, its size): it is no answer, and nothing changes."""

    def __init__(self, errors: tuple[str, ...]):
        super().__init__(*errors)
        self.errors = errors


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
    session: Session  # as saved, with its new progress and position
    structure: QuestionnaireStructure  # the version the session is pinned to


# ----------------------------------------------------------------- reading the state


def session_answers(*, session: Session) -> dict[str, StoredAnswer]:
    """Return the session's stored answers, valid or not, keyed by question id (one query).

    Read by session_answers_json() (sessions_app migration 0010), which asks row-level security about
    the session once rather than about every answer, from the database the router reads responses from.
    """
    with connections[router.db_for_read(Response)].cursor() as cursor:
        cursor.execute("SELECT session_answers_json(%s)", [session.pk])
        (rows,) = cursor.fetchone()
    return _stored_answers(rows)


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
    expires_at: dt.datetime | None = None,
) -> Session:
    """Start a session pinned to this questionnaire version, at its first section.

    ``preview`` starts an admin's preview (``preview_start``),
    drafts included: flagged in its metadata, it lives a day and never produces documents.
    ``expires_at`` replaces the usual lifetime (an invitation's due date).
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
        expires_at=expires_at or now + lifetime,
        started_at=now,
        last_activity_at=now,
    )
    state = session_flow(session=session, answers={})
    _apply_state(session, state, previous_visible=None, question_id=None)
    if state.visible_sections:
        session.current_section_id = uuid.UUID(state.visible_sections[0].id)
    device = session.metadata.get("deviceType") or device_type(session.metadata.get("userAgent"))
    session.analytics = analytics_start(
        device=device,
        section_id=str(session.current_section_id) if session.current_section_id else None,
    )
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


def session_position_record(*, session: Session, section_id: str) -> None:
    """Remember the section the client is looking at, so that "Continue" brings them back to it.

    A position, not a change of the client's answers: one conditional UPDATE (none when it is already
    that section) and no audit row, as a page view is not audited either.
    """
    if str(session.current_section_id) == str(section_id):
        return
    session.current_section_id = uuid.UUID(str(section_id))
    # The analytics change in the same statement, from the row as it is: a page view holds no lock,
    # and an answer being saved meanwhile must not lose its seconds (sessions_app/session_analytics.py).
    with connection.cursor() as cursor:
        cursor.execute(_POSITION_RECORD, {"section": str(section_id), "id": session.pk})


# A section viewed: it is the current one; a revisit when it was seen before; the last one seen.
_POSITION_RECORD = """
UPDATE sessions SET current_section_id = %(section)s::uuid, analytics = jsonb_set(jsonb_set(jsonb_set(
    COALESCE(analytics, '{}'::jsonb),
    '{revisits}',
    to_jsonb(COALESCE((analytics->>'revisits')::int, 0)
             + CASE WHEN COALESCE(analytics->'sectionsSeen', '[]'::jsonb) ? %(section)s THEN 1 ELSE 0 END)),
    '{sectionsSeen}',
    CASE WHEN COALESCE(analytics->'sectionsSeen', '[]'::jsonb) ? %(section)s
         THEN analytics->'sectionsSeen'
         ELSE COALESCE(analytics->'sectionsSeen', '[]'::jsonb) || to_jsonb(%(section)s::text) END),
    '{lastSectionId}', to_jsonb(%(section)s::text))
WHERE id = %(id)s AND status = 'IN_PROGRESS'
"""


def sessions_lock(session_ids) -> None:
    """Lock these sessions' rows, in a fixed order, in the caller's transaction.

    Whatever writes a session's responses locks the session first, as saving an answer does; saving an
    answer then takes the audit chain's lock and writes its response at the COMMIT. A writer that held a
    response's row and waited for the chain's lock could otherwise wait on an answer that waits on it.
    """
    ids = sorted({str(pk) for pk in session_ids})
    if ids:
        locking = Session.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        list(locking.values_list("pk", flat=True))


def _lock_open_session(session: Session) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    _check_open(session)
    return session


def _check_open(session: Session, *, reopened=None) -> None:
    if reopened is not None:  # a change request reopens some questions of a completed session
        if session.status != SessionStatus.COMPLETED:
            raise SessionClosed("These answers are no longer open for changes.")
        return
    if session.status != SessionStatus.IN_PROGRESS:
        raise SessionClosed(f"This questionnaire is {session.get_status_display().lower()}.")
    if session.expires_at and session.expires_at <= timezone.now():
        raise SessionClosed("This questionnaire has expired.")


# Saving an answer locks the session and reads its answers in one raw query (one round trip, no ORM
# compilation): it is the busiest request of the product, and bench/bench_answer.py measures it.
# The answers are read by session_answers_json() (migration 0004) outside the locking subquery, so
# that they are read after the lock is granted, with a snapshot that sees any answer saved meanwhile.
# The session comes back with these columns loaded; any other is deferred (read if ever touched).
_LOCKED_COLUMNS = (
    "id",
    "user_id",
    "questionnaire_id",
    "questionnaire_version",
    "status",
    "industry",
    "expires_at",
    "progress",
    "adaptive_state",
    "analytics",
    "current_section_id",
    "current_question_id",
    "last_activity_at",
    "updated_at",
)
# In the model's field order, which from_db() expects.
_LOCKED_FIELDS = [field for field in Session._meta.concrete_fields if field.column in _LOCKED_COLUMNS]
_LOCKING = f"""
    SELECT {", ".join(_LOCKED_COLUMNS)} FROM sessions
    WHERE id = %s AND (%s::uuid IS NULL OR user_id = %s::uuid)
    FOR UPDATE
"""  # noqa: S608 (constant column names)
_LOCK_SESSION_WITH_ANSWERS = f"SELECT locked.*, session_answers_json(locked.id) FROM ({_LOCKING}) AS locked"  # noqa: S608
# The same, taking the audit chain's lock as well, once the session's is granted, and reading the chain's
# end (audit/chain.py) and the transaction's time (what the updated_at triggers will write): an answer
# that stores no upload then sends its writes and its audit row with the COMMIT, in one round trip
# (_keep_answer_and_session_write). OFFSET 0 keeps the chain's function on the locked row, called once.
_CHAIN_END_SQL, _CHAIN_END_PARAMS = audit_chain_link_sql()
_LOCK_SESSION_WITH_ANSWERS_AND_CHAIN_END = f"""
SELECT {", ".join(f"found.{column}" for column in _LOCKED_COLUMNS)}, found.answers,
       now(), (found.link).now, (found.link).seq, (found.link).signature
FROM (
    SELECT locked.*, session_answers_json(locked.id) AS answers, {_CHAIN_END_SQL} AS link
    FROM ({_LOCKING}) AS locked
    OFFSET 0
) AS found
"""  # noqa: S608 (constant column names)


class _Locked(NamedTuple):
    session: Session
    answers: dict[str, StoredAnswer]
    chain_end: ChainLink | None  # when the chain's lock was taken too
    now: dt.datetime | None  # the transaction's time, then


def _lock_open_session_with_answers(*, session_id, client=None, reopened=None, chain_end=False) -> _Locked:
    """Lock the session (the client's own, when given) and read its answers, in one query.

    With ``chain_end``, the same query takes the audit chain's lock next and reads the chain's end.
    """
    client_id = client.pk if client is not None else None
    params = [session_id, client_id, client_id]
    with connection.cursor() as cursor:
        if chain_end:
            cursor.execute(_LOCK_SESSION_WITH_ANSWERS_AND_CHAIN_END, [*_CHAIN_END_PARAMS, *params])
        else:
            cursor.execute(_LOCK_SESSION_WITH_ANSWERS, params)
        row = cursor.fetchone()
    if row is None:
        raise Session.DoesNotExist("No such session, or not this client's.")
    count = len(_LOCKED_COLUMNS)
    columns, answers, chained = row[:count], row[count], row[count + 1 :]
    loaded = dict(zip(_LOCKED_COLUMNS, columns, strict=True))
    session = model_from_row(
        Session, _LOCKED_FIELDS, [loaded[field.column] for field in _LOCKED_FIELDS], using=connection.alias
    )
    _check_open(session, reopened=reopened)
    if not chain_end:
        return _Locked(session, _stored_answers(answers), None, None)
    now, *link = chained
    return _Locked(session, _stored_answers(answers), ChainLink(*link), now)


def _stored_answers(rows) -> dict[str, StoredAnswer]:
    """Key session_answers_json()'s rows by question id (Django's connection hands jsonb over as text)."""
    if isinstance(rows, str):
        rows = json.loads(rows)
    return {
        str(qid): StoredAnswer(value, is_valid, tuple(errors or ()), response_id, revision)
        for qid, value, is_valid, errors, response_id, revision in rows
    }


@transaction.atomic
def response_save(
    *,
    session: Session | None = None,
    session_id=None,
    client=None,
    question_id: str,
    data,
    files=None,
    value=FROM_FORM,
    time_spent_seconds: int | None = None,
    actor=None,
    prefix: str | None = None,
    reopened: frozenset[str] | None = None,
) -> SaveResult:
    """Validate and store one answer, re-evaluate the rules and update the session's progress.

    The session is given as ``session``, or as ``session_id`` with the ``client`` who must own it
    (anyone else's is Session.DoesNotExist, a 404 to the view), which saves a query.
    The answer is read from the form ``data`` and ``files``, unless ``value`` gives it already in its
    §5.3 shape (the REST API's input; ``None`` clears the answer), which ``validate_value`` checks.
    An invalid answer is stored too (is_valid false, with its errors), so nothing the client typed is
    lost; it counts as unanswered for the rules and for progress.

    ``reopened`` names the questions a change request (sessions_app/revisions.py) opens again in a
    completed session: only those accept an answer then.
    """
    # An upload is stored while the session is locked: the chain's lock, which every audited write in
    # the system waits for, is then taken after it, by the write. Any other answer takes it at once.
    stores_upload = value is FROM_FORM and bool(files) and (prefix or f"q-{question_id}") in files
    session, answers, chain_end, now = _lock_open_session_with_answers(
        session_id=session.pk if session is not None else session_id,
        client=client,
        reopened=reopened,
        chain_end=not stores_upload,
    )
    structure = structure_load(session.questionnaire_id)
    try:
        question = structure.question(str(question_id))
    except KeyError:
        question = None
    before = flow_state(
        structure=structure, engine=engine_for(structure), answers=answers, industry=session.industry
    )
    if question is None or not before.is_visible(question.id):
        raise QuestionUnavailable("This question is not part of the questionnaire right now.")
    if reopened is not None and question.id not in reopened:
        raise QuestionUnavailable("This answer is not open for changes.")

    prefix = prefix or f"q-{question.id}"
    if value is not FROM_FORM:
        result = validate_value(question_input(question), value)
    elif question.type == "FILE_UPLOAD":
        try:
            result = _file_answer(
                question=question,
                stored=answers.get(question.id),
                files=files,
                data=data,
                prefix=prefix,
                session=session,
            )
        except _UploadRefused as refused:
            # The file sent before (or none) stays the answer: the client is told why the new one was
            # refused, and nothing is written.
            kept = answers.get(question.id)
            result = ValidationResult(kept.value if kept else None, refused.errors)
            return SaveResult(
                answer=kept,
                result=result,
                state=before,
                previous=before,
                session=session,
                structure=structure,
            )
    else:
        result = validate_answer(question_input(question), data, prefix=prefix)

    answer_write = _answer_write(
        session=session,
        question=question,
        existing=answers.get(question.id),
        result=result,
        time_spent_seconds=time_spent_seconds,
    )
    if answer_write.stored is None:
        answers.pop(question.id, None)
    else:
        answers[question.id] = answer_write.stored

    state = flow_state(
        structure=structure,
        engine=engine_for(structure),
        answers=answers,
        industry=session.industry,
        previous=before,
        changed=(question.id,),
    )
    changed = _apply_state(
        session, state, previous_visible=before.evaluation.visible, question_id=question.id
    )
    analytics = analytics_after_answer(
        session.analytics, section_id=question.section_id, question_id=question.id, seconds=time_spent_seconds
    )
    if analytics != session.analytics:
        session.analytics = analytics
        changed.add("analytics")
    session.current_section_id = uuid.UUID(question.section_id)
    session.current_question_id = uuid.UUID(question.id)
    session.last_activity_at = timezone.now()
    if chain_end is not None:
        _keep_answer_and_session_write(session, answer_write, state_fields=changed)
        session.updated_at = now
    else:
        chain_end = _write_answer_and_session(session, answer_write, state_fields=changed)
    audit_record(
        link=chain_end,
        actor=actor or session.user,
        action="response.save" if answer_write.stored is not None else "response.clear",
        resource=session,
        after={
            "question": question.id,
            "revision": answer_write.stored.revision if answer_write.stored else None,
            "is_valid": result.is_valid,
        },
    )
    return SaveResult(
        answer=answer_write.stored,
        result=result,
        state=state,
        previous=before,
        session=session,
        structure=structure,
    )


@dataclass(frozen=True)
class _AnswerWrite:
    sql: str  # "" when the responses table needs no change
    params: tuple
    stored: StoredAnswer | None  # the answer as it stands afterwards; None when cleared


def _answer_write(
    *, session: Session, question, existing: StoredAnswer | None, result: ValidationResult, time_spent_seconds
) -> _AnswerWrite:
    """Decide the INSERT, UPDATE or DELETE of the responses row, from what the locked read found."""
    if result.value is None and result.is_valid:
        # A cleared answer is unanswered: the row goes, so the rules and progress see it as empty.
        if existing is None:
            return _AnswerWrite("", (), None)
        return _AnswerWrite("DELETE FROM responses WHERE id = %s", (existing.response_id,), None)
    value = result.value if result.value is not None else {}
    errors = json.dumps(list(result.errors)) if result.errors else None
    spent = max(0, min(int(time_spent_seconds), 86_400)) if time_spent_seconds is not None else None
    stored_value = json.dumps(value)
    if existing is None:
        response_id = uuid.uuid4()
        return _AnswerWrite(
            "INSERT INTO responses (id, session_id, question_id, value, is_valid, validation_errors,"
            " time_spent_seconds, revision, answered_at)"
            " VALUES (%s, %s, %s, %s::jsonb, %s, %s::jsonb, %s, 1, %s)",
            (
                response_id,
                session.pk,
                question.id,
                stored_value,
                result.is_valid,
                errors,
                spent,
                timezone.now(),
            ),
            StoredAnswer(value, result.is_valid, tuple(result.errors), response_id, 1),
        )
    sets, params = (
        ["value = %s::jsonb", "is_valid = %s", "validation_errors = %s::jsonb"],
        [stored_value, result.is_valid, errors],
    )
    revision = existing.revision
    if existing.value != value or existing.is_valid != result.is_valid:
        revision += 1
        sets += ["revision = %s", "answered_at = %s"]
        params += [revision, timezone.now()]
    if spent is not None:
        sets.append("time_spent_seconds = coalesce(time_spent_seconds, 0) + %s")
        params.append(spent)
    return _AnswerWrite(
        f"UPDATE responses SET {', '.join(sets)} WHERE id = %s",  # noqa: S608 (constant column names)
        (*params, existing.response_id),
        StoredAnswer(value, result.is_valid, tuple(result.errors), existing.response_id, revision),
    )


def _session_write(session: Session, *, state_fields: set[str]) -> tuple[str, list]:
    """The UPDATE of the session's position, and of the state fields the answer changed."""
    sets = ["current_section_id = %s", "current_question_id = %s", "last_activity_at = %s"]
    params: list = [session.current_section_id, session.current_question_id, session.last_activity_at]
    for name in sorted(state_fields):  # progress, adaptive_state and industry, when the answer changed them
        if name == "industry":
            sets.append("industry = %s")
            params.append(session.industry)
            continue
        sets.append(f"{name} = %s::jsonb")
        params.append(json.dumps(getattr(session, name)))
    # Column names are constants of this module, never input.
    return f"UPDATE sessions SET {', '.join(sets)} WHERE id = %s", [*params, session.pk]  # noqa: S608


def _keep_answer_and_session_write(session: Session, answer: _AnswerWrite, *, state_fields: set[str]) -> None:
    """Write the answer and the session's new position in one statement, sent with the COMMIT.

    The chain's lock was taken with the session's, so nothing the write returns is needed first: it
    travels with the audit row and the COMMIT, in the transaction's last round trip
    (core/postgresql/base.py). An error in it fails the commit and rolls everything back.
    """
    update, params = _session_write(session, state_fields=state_fields)
    if answer.sql:
        connection.run_with_commit(f"WITH answer AS ({answer.sql}) {update}", [*answer.params, *params])
    else:
        connection.run_with_commit(update, params)


def _write_answer_and_session(session: Session, answer: _AnswerWrite, *, state_fields: set[str]) -> ChainLink:
    """Write the answer and the session's new position, and read the audit chain's end, in one statement.

    An answer that stored an upload: the chain's lock is taken here, last, as audit_record() would, so
    that it is not held while the file went to object storage. One statement (a data-modifying WITH)
    rather than two ORM saves and the chain's own query. Triggers still keep updated_at.
    """
    update, params = _session_write(session, state_fields=state_fields)
    with_answer = f"answer AS ({answer.sql}), " if answer.sql else ""
    returning = f"SELECT saved.updated_at, link.* FROM saved, {_CHAIN_END_SQL} AS link"  # noqa: S608
    sql = f"WITH {with_answer}saved AS ({update} RETURNING updated_at) {returning}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*answer.params, *params, *_CHAIN_END_PARAMS])
        session.updated_at, *link = cursor.fetchone()
    return ChainLink(*link)


def _apply_state(session: Session, state: FlowState, *, previous_visible, question_id) -> set[str]:
    """Set the session's adaptive_state and progress from the state; return the fields that changed."""
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
    changed = set()
    if adaptive != session.adaptive_state:
        session.adaptive_state = adaptive
        changed.add("adaptive_state")
    if state.progress != session.progress:
        session.progress = state.progress
        changed.add("progress")
    if state.industry and state.industry != session.industry:
        # The industry question's answer decides it (flow.industry_from_answers): kept on the session
        # for the documents, the staff's lists and the API.
        session.industry = state.industry
        changed.add("industry")
    return changed


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _safe_file_name(name: str) -> str:
    base = _SAFE_NAME.sub("-", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(".-")
    return (base or "upload")[:120]


def _file_answer(
    *, session: Session, question, stored: StoredAnswer | None, files, data, prefix: str
) -> ValidationResult:
    upload = files.get(prefix) if files else None
    if upload is None:
        if data is not None and data.get(f"{prefix}.clear"):
            return ValidationResult(None)
        # No new file: keep what is stored (a no-JS form re-submits the page without the file).
        if stored is None or not stored.value:
            return ValidationResult(None)
        return validate_value(question_input(question), stored.value)
    head = upload.read(2048)
    upload.seek(0)
    mime_type, errors = check_upload(
        question_input(question), file_name=upload.name, size=upload.size, head=head
    )
    if errors:
        raise _UploadRefused(tuple(errors))
    # The client's name is shown to people; the stored name, and so the type the file is served as,
    # follows the content: a PDF sent as evil.html is stored as evil.pdf.
    name = _safe_file_name(upload.name)
    stored_name = stored_file_name(name, mime_type)
    token = uuid.uuid4().hex
    key = upload_storage_key(
        session_id=str(session.pk), question_id=question.id, token=token, name=stored_name
    )
    upload.content_type = mime_type  # what object storage records, instead of what the browser claimed
    default_storage.save(key, upload)
    value = {
        "fileUrl": f"/sessions/{session.pk}/files/{question.id}/{token}/{stored_name}",
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
    audits = [
        {
            "actor": actor or session.user,
            "action": "session.complete",
            "resource": session,
            "before": {"status": SessionStatus.IN_PROGRESS},
            "after": {"status": SessionStatus.COMPLETED, "answered": state.progress["answered"]},
        }
    ]
    if not (session.metadata or {}).get("preview"):  # an admin's preview produces no documents
        for hook in _completion_hooks:
            audits += hook(session=session, state=state) or []
    # Last: the audit chain's lock, which every audited write waits for, is held from here to the commit.
    audit_record_all(audits)
    return session


# Other apps (documents, invitations) register what must happen when a session completes, in the same
# transaction. A hook makes its changes and returns the audit entries of them (audit_record's keyword
# arguments), which are recorded after every hook has run.
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
    Session.objects.filter(PREVIEW, expires_at__lte=now).delete()
    due = Session.objects.filter(status=SessionStatus.IN_PROGRESS, expires_at__lte=now)
    return _close_sessions(due, status=SessionStatus.EXPIRED, action="session.expire")


@transaction.atomic
def sessions_abandon(*, now: dt.datetime | None = None) -> int:
    """Mark sessions inactive for longer than SESSION_ABANDON_AFTER_DAYS as ABANDONED; return how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.SESSION_ABANDON_AFTER_DAYS)
    idle = Session.objects.filter(status=SessionStatus.IN_PROGRESS, last_activity_at__lte=cutoff)
    return _close_sessions(idle, status=SessionStatus.ABANDONED, action="session.abandon")


# ----------------------------------------------------------------- previews


def _preview_files_delete(session_ids: list[str]) -> None:
    """Remove what previews uploaded; a file left behind is harmless, so failures are ignored."""

    def remove(folder: str) -> None:
        try:
            folders, files = default_storage.listdir(folder)
        except (FileNotFoundError, NotImplementedError, OSError):
            return
        for name in files:
            with contextlib.suppress(OSError):
                default_storage.delete(f"{folder}/{name}")
        for name in folders:
            remove(f"{folder}/{name}")

    for session_id in session_ids:
        remove(f"uploads/{session_id}")


@transaction.atomic
def previews_discard(*, questionnaire, user=None, actor=None) -> int:
    """Delete the preview sessions of a questionnaire (of one user, or of everyone); return how many."""
    previews = Session.objects.filter(PREVIEW, questionnaire=questionnaire)
    if user is not None:
        previews = previews.filter(user=user)
    session_ids = [str(pk) for pk in previews.values_list("pk", flat=True)]
    if not session_ids:
        return 0
    Session.objects.filter(pk__in=session_ids).delete()
    audit_record(
        actor=actor or user,
        action="questionnaire.preview_end",
        resource=questionnaire,
        after={"sessions": session_ids},
    )
    transaction.on_commit(lambda: _preview_files_delete(session_ids), robust=True)
    return len(session_ids)


@transaction.atomic
def preview_start(*, questionnaire, user, industry: str | None = None) -> Session:
    """Start a preview: a session of the admin's own, flagged ``preview``, on any version (drafts too).

    The preview runs the client's real pages. It is hidden from the client's lists and never
    produces documents; it is deleted when the admin ends it, and a day later otherwise.
    """
    previews_discard(questionnaire=questionnaire, user=user)
    return session_start(
        user=user,
        questionnaire=questionnaire,
        industry=(industry or "").strip()[:100] or questionnaire.industry or "",
        preview=True,
    )


def preview_end(*, questionnaire, user) -> int:
    """End the user's preview of this questionnaire: its session and answers are deleted."""
    return previews_discard(questionnaire=questionnaire, user=user)
