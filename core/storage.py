"""File helpers over Django's storage API, shared by the backups (config/ops/) and the audit export.

Each one works with any `Storage`: S3 through django-storages or the local file system.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage

CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def upload(storage: Storage, name: str, path: Path) -> str:
    """Store a local file under exactly ``name`` (replacing what was there); return the name."""
    if storage.exists(name):
        storage.delete(name)
    with open(path, "rb") as handle:
        saved = storage.save(name, File(handle, name=Path(name).name))
    if saved != name:
        raise RuntimeError(f"The storage renamed {name} to {saved}")
    return saved


def download(storage: Storage, name: str, path: Path) -> None:
    with storage.open(name, "rb") as source, open(path, "wb") as target:
        shutil.copyfileobj(source, target, CHUNK)


def listing(storage: Storage, folder: str) -> list[str]:
    """Return the full names of the files directly inside ``folder`` (empty when it does not exist)."""
    try:
        _, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(f"{folder.rstrip('/')}/{name}" for name in files)
