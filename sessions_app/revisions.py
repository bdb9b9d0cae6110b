"""Changes requested from the client: some answers of a completed session opened again (docs/review.md).

A reviewer asks (through documents/review.py) for named questions to be revisited, with a message. The
session stays COMPLETED; the OPEN ``ChangeRequest`` is what opens those questions again, and only
them, plus any question the revised answers bring into view or make required (which must be asked
too). Answers are saved by ``services.response_save`` with the same validation and rule engine as the
normal flow. Submitting checks that nothing visible is missing, records which answers changed, and
calls the hooks other apps registered (documents regenerates the versions the request was made on).
"""

from __future__ import annotations

import contextlib

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from sessions_app import services
from sessions_app.flow import FlowState, is_answered
from sessions_app.models import ChangeRequest, ChangeRequestStatus, Session, SessionStatus

MAX_MESSAGE = 5_000

__all__ = [
    "ChangeRequestError",
    "StaleRequest",
    "change_request_editable",
    "change_request_open",
    "change_request_save",
    "change_request_submit",
    "change_request_withdraw",
    "on_change_request_submitted",
]


class ChangeRequestError(ValueError):
    """A request or its answers were refused for a reason the person can fix (shown as is)."""


class StaleRequest(ChangeRequestError):
    """The form was for a request that has since changed, been answered or withdrawn (a 409)."""


_submitted_hooks: list = []


def on_change_request_submitted(hook):
    """Register what must happen when a client submits revised answers (in the same transaction)."""
    _submitted_hooks.append(hook)
    return hook


def _answer_values(state: FlowState, question_ids) -> dict[str, object]:
    values = {}
    for question_id in question_ids:
        answer = state.answers.get(str(question_id))
        values[str(question_id)] = answer.value if answer is not None else None
    return values


@transaction.atomic
def change_request_open(
    *, session: Session, requested_by, question_ids, message: str, documents: list[dict]
) -> ChangeRequest:
    """Open a request on a completed session, or merge into the one open already; return it.

    ``question_ids`` must be visible questions of the session; ``documents`` names the document
    versions the request comes from ([{documentId, documentType, name, version}]).
    """
    message = (message or "").strip()
    if not message:
        raise ChangeRequestError("Write what the client needs to change.")
    if len(message) > MAX_MESSAGE or "\x00" in message:
        raise ChangeRequestError(f"Keep the message under {MAX_MESSAGE} characters, as plain text.")
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.COMPLETED:
        raise ChangeRequestError("Only a completed questionnaire can be sent back to the client.")
    state = services.session_flow(session=session)
    wanted = list(dict.fromkeys(str(q) for q in question_ids or ()))
    if not wanted:
        raise ChangeRequestError("Choose at least one question for the client to revisit.")
    hidden = [q for q in wanted if not state.is_visible(q)]
    if hidden:
        raise ChangeRequestError("Some of the chosen questions are not part of the client's answers.")
    request = ChangeRequest.objects.select_for_update().filter(session=session, status="OPEN").first()
    if request is None:
        request = ChangeRequest.objects.create(
            session=session,
            message=message,
            question_ids=wanted,
            documents=documents,
            requested_by=requested_by,
            visible_before=sorted(state.evaluation.visible),
            answers_before=_answer_values(state, wanted),
        )
        action = "session.changes_requested"
    else:  # a second reviewer, or a second document: one request, so the client revisits once
        known = {str(q) for q in request.question_ids}
        added = [q for q in wanted if q not in known]
        request.question_ids = [*request.question_ids, *added]
        request.answers_before = {**request.answers_before, **_answer_values(state, added)}
        request.message = f"{request.message}\n\n{message}"
        have = {(d.get("documentId")) for d in request.documents}
        request.documents = [*request.documents, *(d for d in documents if d.get("documentId") not in have)]
        request.revision += 1
        request.save()
        action = "session.changes_request_merged"
    audit_record(
        actor=requested_by,
        action=action,
        resource=session,
        after={
            "changeRequest": str(request.pk),
            "questions": wanted,
            "documents": [d.get("documentId") for d in documents],
            "revision": request.revision,
        },
    )
    return request


def change_request_editable(request: ChangeRequest, state: FlowState) -> list:
    """Return the questions the client may answer now, in questionnaire order.

    Those the reviewer named, those the revised answers brought into view, and any visible question
    left required and unanswered: the normal flow would ask them too.
    """
    named = {str(q) for q in request.question_ids}
    before = {str(q) for q in request.visible_before}
    missing = {q.id for q in state.missing}
    editable = []
    for section in state.visible_sections:
        for question in state.section_questions[section.id]:
            if question.id in named or question.id not in before or question.id in missing:
                editable.append(question)
    return editable


def _check_current(request: ChangeRequest, revision) -> None:
    if request.status != ChangeRequestStatus.OPEN:
        raise StaleRequest("This request has been answered or withdrawn already: nothing was changed.")
    if str(revision) != str(request.revision):
        raise StaleRequest("The reviewer changed this request since you opened it: look again and resubmit.")


@transaction.atomic
def change_request_save(
    *, request: ChangeRequest, revision, data, files=None, actor=None
) -> tuple[FlowState, dict[str, list[str]]]:
    """Save the answers the form carries for the editable questions; return the state and any errors.

    The request is locked for the whole save (before the session, as a submission locks them), so a
    withdrawal or submission that overlaps it leaves no answer written after the request closed.
    """
    # The session, then the request: the order a submission takes them in.
    Session.objects.select_for_update().filter(pk=request.session_id).values_list("pk", flat=True).first()
    request = ChangeRequest.objects.select_for_update().select_related("session").get(pk=request.pk)
    _check_current(request, revision)
    session = request.session
    state = services.session_flow(session=session)
    editable = change_request_editable(request, state)
    reopened = frozenset(q.id for q in editable)
    present = set(data.getlist("present")) if hasattr(data, "getlist") else set()
    errors: dict[str, list[str]] = {}
    for question in editable:
        if question.id not in present:
            continue
        with contextlib.suppress(services.QuestionUnavailable):
            saved = services.response_save(
                session=session,
                question_id=question.id,
                data=data,
                files=files,
                actor=actor,
                reopened=reopened,
            )
            state = saved.state
            if saved.result.errors:
                errors[question.id] = list(saved.result.errors)
    return state, errors


@transaction.atomic
def change_request_submit(*, request: ChangeRequest, revision, actor=None) -> ChangeRequest:
    """Close the request with the client's revised answers and regenerate what it was made on.

    Refused (ChangeRequestError, with the questions) while a visible required answer is missing or
    invalid, exactly as completing the questionnaire is.
    """
    # The session first, then the request: the order a reviewer's request for changes takes them in.
    session = Session.objects.select_for_update().get(pk=request.session_id)
    request = ChangeRequest.objects.select_for_update().select_related("session").get(pk=request.pk)
    _check_current(request, revision)
    state = services.session_flow(session=session)
    if state.missing:
        raise services.SessionIncomplete(state.missing)
    before = {str(q) for q in request.visible_before}
    changed = [
        q
        for q in state.evaluation.visible
        if (q in request.answers_before and _answer_values(state, [q])[q] != request.answers_before[q])
        or (q not in before and is_answered(state.answers.get(q)))
    ]
    changed += [q for q in before if q not in state.evaluation.visible]  # hidden by a revised answer
    request.status = ChangeRequestStatus.SUBMITTED
    request.submitted_at = timezone.now()
    request.changed_question_ids = sorted(set(changed))
    request.save(update_fields=["status", "submitted_at", "changed_question_ids", "updated_at"])
    session.progress = state.progress
    session.last_activity_at = request.submitted_at
    session.save(update_fields=["progress", "last_activity_at", "updated_at"])
    # The hooks lock document rows before the audit chain's lock, as every review action does; the
    # session's own audit row comes last so that this transaction takes the locks in that order too.
    for hook in _submitted_hooks:
        hook(request=request, state=state, actor=actor)
    audit_record(
        actor=actor or session.user,
        action="session.changes_submitted",
        resource=session,
        after={"changeRequest": str(request.pk), "changed": request.changed_question_ids},
    )
    return request


@transaction.atomic
def change_request_withdraw(*, request: ChangeRequest, actor) -> ChangeRequest:
    """Withdraw an open request: the questions close again, the answers stay as the client left them."""
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ChangeRequestStatus.OPEN:
        raise StaleRequest("This request has been answered or withdrawn already.")
    request.status = ChangeRequestStatus.WITHDRAWN
    request.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="session.changes_withdrawn",
        resource=request.session,
        after={"changeRequest": str(request.pk)},
    )
    return request
