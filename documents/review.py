"""The review loop beyond approve and reject (docs/review.md): comments for the client and notes for the
team, a reviewer's amendments, changes requested from the client, and the next version their revised
answers produce.

A review action applies to a document version as a whole (every format of it, locked together by
``services.lock_version``), is audited in the same transaction, and never writes a final: approval
does that, once (documents/finals.py).
"""

from __future__ import annotations

import logging

from django.db import transaction

from audit.services import audit_record_all
from core.transactions import after_commit
from documents import emails, selectors
from documents.amendments import inputs_digest
from documents.models import Document, DocumentStatus, IllegalTransition
from documents.services import (
    ReviewError,
    _enqueue_on_commit,
    _now_iso,
    lock_version,
    next_version,
    review_entry,
)
from documents.versions import section_id
from questionnaires.structure import structure_load
from sessions_app import revisions
from sessions_app.models import ChangeRequest, Session

logger = logging.getLogger(__name__)

MAX_TEXT = 5_000
MAX_BLOCK_TEXT = 20_000
# The document versions that answers can still change: a final is never regenerated.
OPEN_FOR_CHANGES = (DocumentStatus.PENDING_REVIEW,)

__all__ = [
    "document_amend",
    "document_amendment_discard",
    "document_comment",
    "document_request_changes",
    "document_sections",
    "document_questions",
    "on_changes_submitted",
]


def _plain(text: str, *, limit: int, what: str) -> str:
    text = (text or "").strip()
    if "\x00" in text:
        raise ReviewError("The text contains a null character; remove it and try again.")
    if len(text) > limit:
        raise ReviewError(f"Keep the {what} under {limit:,} characters.")
    return text


def document_sections(document: Document) -> list[dict]:
    """Return the parts of a version a comment, note or amendment can address: [{id, label, kind, text}]."""
    snapshot = (document.generation_metadata or {}).get("snapshot") or {}
    return [s for s in snapshot.get("sections") or () if isinstance(s, dict) and s.get("kind") != "heading"]


def document_questions(document: Document) -> list[dict]:
    """Return the questions behind a version, from its provenance, in the questionnaire's order:
    [{id, question, answer}]."""
    snapshot = (document.generation_metadata or {}).get("snapshot") or {}
    order = {q.id: n for n, q in enumerate(structure_load(document.session.questionnaire_id).questions)}
    cited = [
        {"id": question_id, "question": found.get("question") or "", "answer": found.get("answer") or ""}
        for question_id, found in (snapshot.get("answers") or {}).items()
    ]
    return sorted(cited, key=lambda q: order.get(q["id"], len(order)))


def _section_label(document: Document, section: str) -> str:
    if not section:
        return ""
    for found in document_sections(document):
        if found["id"] == section:
            return found["label"]
    raise ReviewError("Choose a section of this version of the document.")


@transaction.atomic
def document_comment(*, document: Document, actor, text: str, internal: bool, section: str = "") -> dict:
    """Add a comment for the client, or (``internal``) a note for the team, to a version or a section."""
    text = _plain(text, limit=MAX_TEXT, what="comment")
    if not text:
        raise ReviewError("Write the comment first.")
    label = _section_label(document, section)
    entry = review_entry(
        actor=actor, text=text, action="note" if internal else "comment", section=section, section_label=label
    )
    kind = "internalNotes" if internal else "comments"
    rows = lock_version(document, status=document.status, target=document.status)
    audits = []
    for row in rows:
        review = dict(row.review_status or {})
        review[kind] = [*(review.get(kind) or []), entry]
        row.review_status = review
        row.save(update_fields=["review_status", "updated_at"])
        # The audit trail records that a note was written, not its words: it is read more widely.
        audits.append(
            {
                "actor": actor,
                "action": "document.note" if internal else "document.comment",
                "resource": row,
                "after": {"id": entry["id"], "section": section, **({} if internal else {"text": text})},
            }
        )
    audit_record_all(audits)
    if not internal and document.status == DocumentStatus.APPROVED:
        after_commit(emails.client_notify_comment, document_id=document.pk, comment_id=entry["id"])
    return entry


def _provenance_block(document: Document, section: str) -> dict:
    for block in (document.generation_metadata or {}).get("provenance") or ():
        if isinstance(block, dict) and section_id(block) == section:
            return block
    raise ReviewError("Choose a section of this version of the document.")


@transaction.atomic
def document_amend(*, document: Document, actor, section: str, text: str = "", note: str = "") -> dict:
    """Set the reviewer's amendment of one block: its text rewritten (text blocks) and/or a note.

    Empty text keeps the generated text; empty text and note remove the amendment. The draft is drawn
    again with it (documents/finals.py); each change is a new revision, the earlier ones kept.
    """
    text = _plain(text, limit=MAX_BLOCK_TEXT, what="text")
    note = _plain(note, limit=MAX_TEXT, what="note")
    rows = lock_version(document, status=DocumentStatus.PENDING_REVIEW, target=DocumentStatus.PENDING_REVIEW)
    document = next(row for row in rows if row.pk == document.pk)  # as locked: another's amendment counts
    block = _provenance_block(document, section)
    if text and block.get("kind") != "text":
        raise ReviewError("Only a block of text can be rewritten; add a note to this one instead.")
    current = ((document.review_status or {}).get("amendments") or {}).get(section) or {}
    drawn = next((s.get("body") for s in document_sections(document) if s["id"] == section), None)
    if text and drawn is not None and " ".join(text.split()) == " ".join(str(drawn).split()):
        text = current.get("text") or ""  # the text as the version shows it: not a rewrite
    if (
        text == (current.get("text") or "")
        and note == (current.get("note") or "")
        and current.get("inputs") == inputs_digest(block)
    ):
        raise ReviewError("Nothing changed in this amendment.")
    revision = int(current.get("revision") or 0) + 1
    history = [*(current.get("history") or []), *([_revision_of(current)] if current else [])]
    amendment = {
        "text": text,
        "note": note,
        "revision": revision,
        "inputs": inputs_digest(block),
        "by": str(actor.pk),
        "byName": actor.display_name,
        "at": _now_iso(),
        "label": _section_label(document, section)
        if section in {s["id"] for s in document_sections(document)}
        else "",
        "history": history,
    }
    audits = []
    for row in rows:
        review = dict(row.review_status or {})
        amendments = dict(review.get("amendments") or {})
        if text or note:
            amendments[section] = amendment
        else:
            amendments.pop(section, None)
        review["amendments"] = amendments
        metadata = dict(row.generation_metadata or {})
        metadata["draftDue"] = int(metadata.get("draftDue") or 0) + 1
        metadata["draftPending"] = True
        row.review_status, row.generation_metadata = review, metadata
        row.save(update_fields=["review_status", "generation_metadata", "updated_at"])
        audits.append(
            {
                "actor": actor,
                "action": "document.amend" if text or note else "document.amendment_removed",
                "resource": row,
                "before": {"text": current.get("text", ""), "note": current.get("note", "")},
                "after": {"section": section, "text": text, "note": note, "revision": revision},
            }
        )
    audit_record_all(audits)
    _enqueue_on_commit(row.pk for row in rows if row.has_file)
    return amendment


def _revision_of(amendment: dict) -> dict:
    return {key: amendment.get(key) for key in ("text", "note", "revision", "by", "byName", "at", "inputs")}


def document_amendment_discard(*, document: Document, actor, section: str) -> None:
    """Drop an amendment (one the new answers made doubtful, or one no longer wanted)."""
    document_amend(document=document, actor=actor, section=section, text="", note="")


@transaction.atomic
def document_request_changes(*, document: Document, reviewer, question_ids, message: str) -> ChangeRequest:
    """Send a version back to the client: the chosen questions behind it are opened for them again.

    The version becomes REJECTED (its reason says changes were requested), the request is opened on
    the session (sessions_app/revisions.py) and the client is e-mailed. Their submission creates the
    next version (``on_changes_submitted``).
    """
    allowed = {q["id"] for q in document_questions(document)}
    chosen = [str(q) for q in question_ids or ()]
    if any(q not in allowed for q in chosen):
        raise ReviewError("Choose questions this document was drawn from.")
    # The session before the document rows: a client's submission takes the session first too.
    list(Session.objects.select_for_update().filter(pk=document.session_id).values_list("pk", flat=True))
    rows = lock_version(document, status=DocumentStatus.PENDING_REVIEW, target=DocumentStatus.REJECTED)
    try:
        request = revisions.change_request_open(
            session=document.session,
            requested_by=reviewer,
            question_ids=chosen,
            message=message,
            documents=[
                {
                    "documentId": str(document.pk),
                    "documentType": document.document_type.slug,
                    "name": document.document_type.name,
                    "version": document.version,
                }
            ],
        )
    except revisions.ChangeRequestError as refused:
        raise ReviewError(str(refused)) from refused
    audits = []
    for row in rows:
        before, after = row.transition_to(DocumentStatus.REJECTED)
        row.rejection_reason = f"Changes requested from the client: {request.message}"[:2000]
        review = dict(row.review_status or {})
        review["changeRequest"] = str(request.pk)
        row.review_status = review
        row.save(update_fields=["status", "rejection_reason", "review_status", "updated_at"])
        audits.append(
            {
                "actor": reviewer,
                "action": "document.changes_requested",
                "resource": row,
                "before": {"status": before},
                "after": {"status": after, "changeRequest": str(request.pk), "questions": chosen},
            }
        )
    audit_record_all(audits)
    after_commit(emails.client_notify_changes, request_id=request.pk)
    return request


def on_changes_submitted(*, request: ChangeRequest, state, actor=None) -> list[Document]:
    """Regenerate, as their next version, the document versions a request was made on, and any other
    version still waiting for review that cites an answer the client changed (it would be out of date).

    A type whose latest version is no longer the one the request was made on (a reviewer regenerated
    it meanwhile) is left alone: a request is answered into the version it was made on, or none.
    """
    named = {str(d.get("documentType")): d for d in request.documents or ()}
    changed = {str(q) for q in request.changed_question_ids}
    rows = Document.objects.filter(session_id=request.session_id).select_related("document_type", "session")
    created, seen = [], set()
    for document in rows.order_by("document_type_id", "-version", "format"):
        if document.document_type_id in seen:
            continue  # the latest version of each type decides
        seen.add(document.document_type_id)
        asked = named.get(document.document_type.slug)
        try:
            with transaction.atomic():  # a type that cannot move on is skipped, not the submission
                created += _revise(document, asked, changed, request=request, actor=actor)
        except (IllegalTransition, ReviewError) as skipped:
            logger.info(
                "Change request %s: %s left as it is: %s", request.pk, document.document_type.slug, skipped
            )
    after_commit(emails.reviewers_notify_revised, request_id=request.pk)
    return created


def _revise(document: Document, asked: dict | None, changed: set[str], *, request, actor) -> list[Document]:
    """Make the next version of one type after a submission, if it is due; return the rows created."""
    if asked is not None:
        if document.version != int(asked.get("version") or 0):
            logger.info("Change request %s: %s moved on to version %s", request.pk, asked, document.version)
            return []
        named = Document.objects.filter(pk=asked.get("documentId"), session_id=request.session_id).first()
        locked = lock_version(
            named or document, status=DocumentStatus.REJECTED, target=DocumentStatus.PENDING
        )
        source = named or document
    elif changed & _cited(document) and any(
        row.status == DocumentStatus.PENDING_REVIEW
        for row in selectors.document_renditions(document=document)
    ):
        waiting = next(
            row
            for row in selectors.document_renditions(document=document)
            if row.status == DocumentStatus.PENDING_REVIEW
        )
        locked = lock_version(waiting, status=DocumentStatus.PENDING_REVIEW, target=DocumentStatus.REJECTED)
        superseded = []
        for row in locked:
            before, after = row.transition_to(DocumentStatus.REJECTED)
            row.rejection_reason = "Replaced by a version drawn from the client's revised answers."
            row.save(update_fields=["status", "rejection_reason", "updated_at"])
            superseded.append(
                {
                    "actor": actor,
                    "action": "document.superseded",
                    "resource": row,
                    "before": {"status": before},
                    "after": {"status": after, "changeRequest": str(request.pk)},
                }
            )
        audit_record_all(superseded)
        source = waiting
    else:
        return []
    return next_version(
        document=source,
        rejected=locked,
        actor=actor,
        action="document.revised_by_client",
        changeRequest=str(request.pk),
    )


def _cited(document: Document) -> set[str]:
    """Return the questions a version drew on: its snapshot's answers, and those its provenance names
    (a version generated before snapshots were kept has only the latter)."""
    metadata = document.generation_metadata or {}
    cited = set(((metadata.get("snapshot") or {}).get("answers") or {}).keys())
    for block in metadata.get("provenance") or ():
        if isinstance(block, dict):
            cited |= {str(q.get("questionId")) for q in block.get("questions") or () if isinstance(q, dict)}
    for part in metadata.get("sources") or ():
        if isinstance(part, dict):
            cited |= {str(a.get("questionId")) for a in part.get("answers") or () if isinstance(a, dict)}
    return cited


def change_request_of(document: Document) -> ChangeRequest | None:
    found = (document.review_status or {}).get("changeRequest")
    if not found:
        return None
    return ChangeRequest.objects.filter(pk=found, session_id=document.session_id).first()
