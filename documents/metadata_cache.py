"""Document metadata in Redis (seed 000 §9.2: 30 minutes, invalidated on generation and review).

What the client's session page lists (each document's type, format, status and version) is read from
here. Every save or delete of a document, by the worker that generates it or by a reviewer, drops
its session's entry once the change commits, so a page never shows a status older than the database's.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

METADATA_TTL = 30 * 60


def session_key(session_id) -> str:
    return f"document-meta:session:{session_id}"


def session_documents_cached(session_id, load):
    """Return the cached list for the session, or load, cache and return it (a miss if Redis is down)."""
    key = session_key(session_id)
    documents = cache.get(key)
    if documents is None:
        documents = load()
        cache.set(key, documents, timeout=METADATA_TTL)
    return documents


def session_documents_invalidate(session_id) -> None:
    cache.delete(session_key(session_id))


def document_metadata_changed(document) -> None:
    """Drop the cached list of the document's session, now and once the change commits."""
    _document_changed(None, document)


def _document_changed(sender, instance, **kwargs) -> None:
    session_id = instance.session_id
    session_documents_invalidate(session_id)
    # Again after commit: a page read between the save and the commit may have cached the old rows.
    transaction.on_commit(lambda: session_documents_invalidate(session_id))


def connect_signals() -> None:
    from documents.models import Document

    post_save.connect(_document_changed, sender=Document, dispatch_uid="document-metadata-saved")
    post_delete.connect(_document_changed, sender=Document, dispatch_uid="document-metadata-deleted")
