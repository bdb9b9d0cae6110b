"""The personal data in documents: the documents made from a user's sessions, and their files.

This app's entry in the GDPR registry of accounts/gdpr.py, registered by DocumentsConfig.ready():
each exported session lists its documents (not their files), and anonymisation deletes the files of
the documents that are not approved. docs/privacy.md says why approved ones are kept.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse

from accounts.gdpr import PersonalData, PersonalDataRequest
from documents import metadata_cache
from documents import storage as document_storage
from documents.models import Document, DocumentStatus
from sessions_app.models import Session

logger = logging.getLogger(__name__)


def _summary(request: PersonalDataRequest) -> list[tuple[str, str]]:
    documents = Document.objects.filter(session__user=request.user, storage_url__isnull=False).exclude(
        storage_url=""
    )
    with_files = documents.count()
    approved = documents.filter(status=DocumentStatus.APPROVED).count()
    others = with_files - approved
    return [("Document files", f"{with_files} ({approved} approved, {others} drafts, rejected or waiting)")]


def _session_members(session: Session, request: PersonalDataRequest) -> dict:
    documents = (
        Document.objects.filter(session=session)
        .select_related("document_type")
        .order_by("document_type__slug", "version", "format")
    )
    return {"documents": [_document_data(document, site_url=request.site_url) for document in documents]}


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


def _anonymise(request: PersonalDataRequest) -> dict[str, int]:
    """Detach the files of the user's documents that go; delete them from storage after the commit."""
    # The sessions step has locked the user's sessions, so this set of documents cannot grow meanwhile.
    documents = Document.objects.select_for_update().filter(
        session_id__in=Session.objects.filter(user=request.user).values("pk"), storage_url__isnull=False
    )
    erased, kept, keys, sessions = [], 0, [], set()
    for document in documents.exclude(storage_url="").select_related("document_type"):
        if document.status == DocumentStatus.APPROVED and not request.erase_approved_documents:
            kept += 1
            continue
        erased.append(document.pk)
        keys.extend(_every_file_of(document))
        sessions.add(document.session_id)
        # The final and what the version said (its snapshot) go with the files.
        metadata = {
            key: value
            for key, value in (document.generation_metadata or {}).items()
            if key not in ("final", "snapshot")
        }
        Document.objects.filter(pk=document.pk).update(generation_metadata=metadata)
    Document.objects.filter(pk__in=erased).update(storage_url=None, file_size=None, updated_at=request.now)
    # update() sends no post_save: drop the sessions' cached document lists, now and after the commit.
    for session_id in sessions:
        metadata_cache.session_documents_invalidate(session_id)
    transaction.on_commit(lambda: [metadata_cache.session_documents_invalidate(pk) for pk in sessions])
    transaction.on_commit(lambda: _files_delete(keys))
    return {"documents_erased": len(erased), "documents_kept": kept}


def _every_file_of(document: Document) -> list[str]:
    """Return the keys of every file a document version has had: its drafts (the first, and each one a
    reviewer's amendments drew again) and its final (docs/review.md)."""
    metadata = document.generation_metadata or {}
    keys = {document.storage_url}
    for drawn in range(int(metadata.get("draftDrawn") or 0) + 1):
        keys.add(
            document_storage.document_key(
                session_id=document.session_id,
                document_id=document.pk,
                version=document.version,
                slug=document.document_type.slug,
                extension=document.extension,
                draft=drawn,
            )
        )
    final = metadata.get("final")
    if isinstance(final, dict) and final.get("key"):
        keys.add(final["key"])
    return sorted(key for key in keys if key)


def _files_delete(keys: list[str]) -> None:
    storage = document_storage.documents_storage()
    for key in keys:
        try:
            storage.delete(key)
        except OSError:
            # The database no longer points at it; an operator can remove it by its key.
            logger.exception("Could not delete document file %s of an anonymised user.", key)


PERSONAL_DATA = PersonalData(
    app_label="documents",
    order=20,  # after sessions_app, whose step locks the sessions these documents are found through
    summary=_summary,
    session_members=_session_members,
    anonymise=_anonymise,
)
