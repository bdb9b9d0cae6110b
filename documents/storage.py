"""Where generated files live: Django's storage API, S3 (django-storages) when configured, else local disk.

Keys are deterministic per document and version, so a task that runs twice writes the same object
once. Files are private: nothing here hands out a public URL; the download view checks permission and
then streams the file or redirects to a short-lived presigned URL.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages

DOWNLOAD_URL_SECONDS = 60


def documents_storage() -> Storage:
    """Return the storage for documents: STORAGES["documents"] when defined, else the default."""
    if "documents" in getattr(settings, "STORAGES", {}):
        return storages["documents"]
    return default_storage


def document_key(
    *, session_id, document_id, version: int, slug: str, extension: str, final: bool = False, draft: int = 0
) -> str:
    """Return the storage key of one version of one document: its draft (``draft`` counts the times a
    reviewer's amendments had it drawn again), or its approved final, which lives beside it."""
    folder = f"documents/{session_id}/{document_id}/v{version}"
    if final:
        return f"{folder}/final/{slug}.{extension}"
    return f"{folder}/{slug}.{extension}" if not draft else f"{folder}/draft-{draft}/{slug}.{extension}"


def document_write(*, key: str, payload: bytes) -> str:
    """Write ``payload`` at exactly ``key``, replacing what an earlier attempt left there."""
    storage = documents_storage()
    if storage.exists(key):
        storage.delete(key)
    saved = storage.save(key, ContentFile(payload))
    if saved != key:
        # A storage that renames on collision would break the one-file-per-version rule.
        storage.delete(saved)
        raise RuntimeError(f"The storage wrote {saved!r} instead of {key!r}.")
    return saved


def document_write_once(*, key: str, payload: bytes) -> bytes:
    """Write ``payload`` at ``key`` unless a file is there already, and return the bytes stored there.

    A final is never overwritten: a task that stored it and died before recording it finds it again.
    """
    storage = documents_storage()
    if storage.exists(key):
        with storage.open(key, "rb") as handle:
            return handle.read()
    saved = storage.save(key, ContentFile(payload))
    if saved != key:
        storage.delete(saved)
        raise RuntimeError(f"The storage wrote {saved!r} instead of {key!r}.")
    return payload


def document_exists(key: str) -> bool:
    return documents_storage().exists(key)


def is_remote(storage: Storage | None = None) -> bool:
    """Return whether the storage is S3, whose files are handed out as presigned URLs."""
    storage = storage or documents_storage()
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # pragma: no cover - django-storages is a requirement
        return False
    return isinstance(storage, S3Storage)


def presigned_url(*, key: str, file_name: str, content_type: str, inline: bool = False) -> str:
    """Return a short-lived URL for an S3 object that downloads (or shows) under ``file_name``."""
    seconds = getattr(settings, "DOCUMENTS_DOWNLOAD_URL_SECONDS", DOWNLOAD_URL_SECONDS)
    disposition = "inline" if inline else "attachment"
    return documents_storage().url(
        key,
        parameters={
            "ResponseContentDisposition": f'{disposition}; filename="{file_name}"',
            "ResponseContentType": content_type,
        },
        expire=seconds,
    )


def document_open(key: str):
    return documents_storage().open(key, "rb")
