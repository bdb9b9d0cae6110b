"""The files a review produces after generation: the approved final, and a draft drawn again with the
reviewer's amendments (docs/review.md).

Both are rendered by the generation task (``services.document_generate`` hands over a document that is
no longer PENDING or GENERATING), under the same per-document lock, from the same outbox, and swept by
the same stalled-document check. A final is written once, under its own key beside the draft, and
its SHA-256 kept in ``generation_metadata.final``; it is never overwritten. The client is told when
every format of an approved version has its final, so that the link in the e-mail always works.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from core.transactions import after_commit
from documents import emails
from documents.models import Document, DocumentStatus
from documents.rendering import format_date
from documents.storage import document_key, document_write, document_write_once

logger = logging.getLogger(__name__)

__all__ = ["document_final", "document_render_due", "draft_due", "stamp_of"]


def document_final(document: Document) -> dict:
    """Return the record of a document's final ({key, sha256, ...}), or {} while there is none."""
    found = (document.generation_metadata or {}).get("final")
    return found if isinstance(found, dict) and found.get("key") else {}


def draft_due(document: Document) -> int:
    """Return the amendment revision the draft must be drawn again for, or 0 if it is up to date.

    ``draftDue`` counts the reviewer's amendments, ``draftDrawn`` the one the stored draft shows;
    ``draftPending`` is set between the two, for the stalled-document sweep.
    """
    metadata = document.generation_metadata or {}
    wanted, drawn = int(metadata.get("draftDue") or 0), int(metadata.get("draftDrawn") or 0)
    return wanted if wanted > drawn else 0


def stamp_of(document: Document):
    from documents.services import Stamp

    reviewer = document.approved_by.display_name if document.approved_by_id else "the reviewer"
    approved = timezone.localdate(document.approved_at or timezone.now())
    return Stamp(reviewer=reviewer, date=format_date(approved.isoformat()))


def _loaded(document_id) -> Document | None:
    return (
        Document.objects.select_related(
            "document_type", "session__user__organization", "session__questionnaire", "approved_by"
        )
        .filter(pk=document_id)
        .first()
    )


def document_render_due(*, document_id, rounds: int = 3) -> Document | None:
    """Render what a reviewed document is waiting for: its final, or its amended draft; else nothing.

    The caller holds the document's generation lock, so a message sent meanwhile (the reviewer
    amended again, or approved, while the draft was drawn) found it taken and was dropped: what became
    due meanwhile is done here, in a few more rounds; the stalled-document sweep catches the rest.
    """
    done = None
    for _ in range(rounds):
        document = _loaded(document_id)
        if document is None:
            return done
        if document.status == DocumentStatus.APPROVED and not document_final(document):
            done = _finalise(document)
        elif document.status == DocumentStatus.PENDING_REVIEW and draft_due(document):
            done = _redraw(document, draft_due(document))
        else:
            if done is None:
                logger.info(
                    "Document %s is %s; this delivery has nothing to do", document_id, document.status
                )
            return done
    return done


def _key(document: Document, **kind) -> str:
    return document_key(
        session_id=document.session_id,
        document_id=document.pk,
        version=document.version,
        slug=document.document_type.slug,
        extension=document.extension,
        **kind,
    )


def _finalise(document: Document) -> Document:
    from documents.services import document_render
    from documents.versions import content_snapshot

    stamp = stamp_of(document)
    artefact = document_render(document=document, stamp=stamp)
    # The final is drawn from the same inputs as the approved draft; should they have moved since (an
    # answer revised for another document in between), the reviewers are shown it on the page.
    drawn = (document.generation_metadata or {}).get("snapshot")
    matches = drawn is None or content_snapshot(artefact.content) == drawn
    key = _key(document, final=True)
    stored = document_write_once(key=key, payload=artefact.payload)
    record = {
        "key": key,
        "sha256": hashlib.sha256(stored).hexdigest(),
        "fileSize": len(stored),
        "pageCount": artefact.pages,
        "pageCountEstimated": artefact.pages_estimated,
        "stamp": stamp.text,
        "renderedAt": timezone.now().isoformat(),
        "matchesDraft": matches,
    }
    return _final_record(document.pk, record)


@transaction.atomic
def _final_record(document_id, record: dict) -> Document:
    # Every format of the version is locked, so that exactly one of them sees the last final stored.
    base = Document.objects.only("session_id", "document_type_id", "version").get(pk=document_id)
    rows = list(
        Document.objects.select_for_update().filter(
            session_id=base.session_id, document_type_id=base.document_type_id, version=base.version
        )
    )
    document = next(row for row in rows if row.pk == document_id)
    if document_final(document):  # recorded by an earlier delivery: the first record stands
        return document
    metadata = dict(document.generation_metadata or {})
    metadata["final"] = record
    document.generation_metadata = metadata
    document.save(update_fields=["generation_metadata", "updated_at"])
    audit_record(
        actor=document.approved_by,
        action="document.final_stored",
        resource=document,
        after={"key": record["key"], "sha256": record["sha256"], "stamp": record["stamp"]},
    )
    approved = [row for row in rows if row.status == DocumentStatus.APPROVED]
    if all(document_final(row) for row in approved):
        after_commit(emails.client_notify_approved, document_ids=[row.pk for row in approved])
    return document


def _redraw(document: Document, revision: int) -> Document:
    """Draw the draft again with the reviewer's amendments, under a key of its own (the earlier draft
    stays, as the file the history refers to)."""
    from documents.services import document_render
    from documents.versions import content_snapshot

    artefact = document_render(document=document)
    key = _key(document, draft=revision)
    document_write(key=key, payload=artefact.payload)
    with transaction.atomic():
        row = Document.objects.select_for_update().get(pk=document.pk)
        metadata = dict(row.generation_metadata or {})
        if row.status != DocumentStatus.PENDING_REVIEW or int(metadata.get("draftDrawn") or 0) >= revision:
            return row
        metadata.update(
            draftDrawn=revision,
            draftPending=int(metadata.get("draftDue") or 0) > revision,
            provenance=artefact.content.provenance(),
            snapshot=content_snapshot(artefact.content),
        )
        row.storage_url, row.file_size, row.page_count = key, len(artefact.payload), artefact.pages
        row.generation_metadata = metadata
        row.save(
            update_fields=["storage_url", "file_size", "page_count", "generation_metadata", "updated_at"]
        )
        audit_record(
            action="document.redrawn",
            resource=row,
            after={"key": key, "amendmentRevision": revision},
        )
    return row
