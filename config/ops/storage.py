"""Where operational files go: backups and audit exports, in S3 or on the local file system.

`STORAGES["backups"]` when it is configured (a separate bucket, or a bucket with a Glacier lifecycle,
as seed 000 §8.1 wants), otherwise the default storage under `backups/` and `audit-archive/`. The helpers
that store and read back files there are in core/storage.py.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, default_storage, storages


def ops_storage() -> Storage:
    if "backups" in settings.STORAGES:
        return storages["backups"]
    return default_storage
