"""Logical backups with pg_dump, their manifests, restore with verification, and pruning by age.

A backup is two files in the backup storage: `backups/<db>-<UTC time>.dump` (pg_dump's custom format)
and `<same>.manifest.json` (time, size, SHA-256, server and tool versions, and the row count of every
table). The row counts are taken in the very snapshot that pg_dump dumps (`pg_export_snapshot()`), so a
restore can be verified exactly while the application keeps writing. The manifest is written last: a
dump without one is an interrupted backup, and restore refuses it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils import timezone
from psycopg import sql

from config.ops import pgtools
from config.ops.policy import policy
from config.ops.storage import ops_storage
from core.storage import download, listing, sha256_of, upload

logger = logging.getLogger(__name__)

MANIFEST_FORMAT = 1
FOLDER = "backups"
_NAME = re.compile(r"^(?P<db>.+)-(?P<stamp>\d{8}T\d{6}Z)\.dump$")


class BackupError(RuntimeError):
    """A backup or restore could not be completed or verified."""


@dataclass(frozen=True)
class Backup:
    archive: str
    manifest_name: str
    manifest: dict[str, Any]


def manifest_name_for(archive: str) -> str:
    return re.sub(r"\.dump$", "", archive) + ".manifest.json"


def _tables(cursor) -> list[tuple[str, str]]:
    """Every table whose rows a backup holds: ordinary tables, partitions and partitioned parents."""
    cursor.execute(
        """
        SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p'
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'
        ORDER BY n.nspname, c.relname
        """
    )
    return cursor.fetchall()


def _label(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def row_counts(cursor) -> dict[str, int]:
    """Count the rows of every table, exactly, in the cursor's transaction."""
    counts = {}
    for schema, table in _tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table)))
        counts[_label(schema, table)] = cursor.fetchone()[0]
    return counts


def backup_create(*, alias: str | None = None, storage: Storage | None = None, now=None) -> Backup:
    """Dump a database into the backup storage with its manifest; return both names and the manifest."""
    storage = storage or ops_storage()
    params = pgtools.conninfo(alias or pgtools.ops_alias())
    now = now or timezone.now()
    archive = f"{FOLDER}/{params['dbname']}-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.dump"
    started = time.monotonic()
    with pgtools.connect(params, autocommit=False) as conn, tempfile.TemporaryDirectory() as tmp:
        server = conn.info.server_version
        dump_bin, dump_major = pgtools.pg_binary("pg_dump", server=server // 10000)
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # A role that row-level security would filter must fail loudly, as pg_dump does.
            cursor.execute("SET LOCAL row_security = off")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = row_counts(cursor)
            path = Path(tmp) / "backup.dump"
            # The snapshot stays valid while this transaction is open, i.e. until pg_dump is done.
            dumped = subprocess.run(
                [dump_bin, "--format=custom", f"--snapshot={snapshot}", "--file", str(path)],
                env=pgtools.libpq_environment(params),
                capture_output=True,
                text=True,
            )
        conn.rollback()
        if dumped.returncode != 0:
            raise BackupError(f"pg_dump failed: {dumped.stderr.strip()}")
        manifest = {
            "format": MANIFEST_FORMAT,
            "archive": archive,
            "created_at": now.astimezone(dt.UTC).isoformat(),
            "database": params["dbname"],
            "server_version": f"{server // 10000}.{server % 10000}",
            "pg_dump": {"path": dump_bin, "major": dump_major},
            "size": path.stat().st_size,
            "sha256": sha256_of(path),
            "tables": counts,
            "rows": sum(counts.values()),
            "duration_seconds": round(time.monotonic() - started, 3),
        }
        upload(storage, archive, path)
    name = manifest_name_for(archive)
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(json.dumps(manifest, indent=2, sort_keys=True).encode()))
    logger.info(
        "Backup %s written: %s bytes, %s rows in %s tables",
        archive,
        manifest["size"],
        manifest["rows"],
        len(counts),
    )
    return Backup(archive=archive, manifest_name=name, manifest=manifest)


def _fetch(archive: str, storage: Storage, folder: Path) -> tuple[Path, dict[str, Any]]:
    """Return a local copy of the archive and its manifest, from a local path or the backup storage."""
    local = Path(archive)
    manifest_local = Path(manifest_name_for(str(local)))
    if local.is_file():
        if not manifest_local.is_file():
            raise BackupError(f"No manifest beside {archive} (expected {manifest_local}).")
        return local, json.loads(manifest_local.read_text())
    manifest_name = manifest_name_for(archive)
    if not storage.exists(archive):
        raise BackupError(f"No backup named {archive} in the backup storage.")
    if not storage.exists(manifest_name):
        raise BackupError(f"{archive} has no manifest: the backup did not finish; use another one.")
    with storage.open(manifest_name, "rb") as handle:
        manifest = json.loads(handle.read())
    path = folder / "restore.dump"
    download(storage, archive, path)
    return path, manifest


def _user_relations(params: dict[str, str]) -> int:
    with pgtools.connect(params) as conn:
        return conn.execute(
            """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'
            """
        ).fetchone()[0]


def backup_restore(
    *,
    archive: str,
    target: dict[str, str],
    storage: Storage | None = None,
    keep_owners: bool = True,
) -> dict[str, Any]:
    """Restore an archive into an empty database and verify it against its manifest.

    Check the archive's SHA-256 first, refuse a database that has tables already, restore in one
    transaction (all or nothing), then count every table again. Raise BackupError on any mismatch;
    return the manifest when every count matches.
    """
    storage = storage or ops_storage()
    with tempfile.TemporaryDirectory() as tmp:
        path, manifest = _fetch(archive, storage, Path(tmp))
        if sha256_of(path) != manifest["sha256"]:
            raise BackupError(f"{archive} does not match its manifest's checksum: it is damaged.")
        if _user_relations(target):
            raise BackupError(
                f"Database {target['dbname']} is not empty; restore into a new, empty database."
            )
        restore_bin, _ = pgtools.pg_binary(
            "pg_restore", server=pgtools.server_major(target), at_least=manifest["pg_dump"]["major"]
        )
        command = [restore_bin, "--exit-on-error", "--single-transaction", "--dbname", target["dbname"]]
        if not keep_owners:
            command += ["--no-owner", "--no-privileges"]
        restored = subprocess.run(
            [*command, str(path)], env=pgtools.libpq_environment(target), capture_output=True, text=True
        )
        if restored.returncode != 0:
            raise BackupError(f"pg_restore failed: {restored.stderr.strip()}")
    with pgtools.connect(target) as conn, conn.cursor() as cursor:
        cursor.execute("SET row_security = off")
        found = row_counts(cursor)
        # Statistics are not part of a dump; plan queries well from the first request.
        cursor.execute("ANALYZE")
    differences = {
        table: {"manifest": expected, "restored": found.get(table)}
        for table, expected in manifest["tables"].items()
        if found.get(table) != expected
    }
    if differences:
        raise BackupError(f"Row counts differ after the restore: {json.dumps(differences)}")
    logger.info("Restored %s into %s: %s rows verified", archive, target["dbname"], manifest["rows"])
    return manifest


def backups_existing(storage: Storage | None = None) -> list[tuple[str, dt.datetime]]:
    """Return (archive name, time) of every backup in the storage, oldest first."""
    storage = storage or ops_storage()
    found = []
    for name in listing(storage, FOLDER):
        matched = _NAME.match(name.rsplit("/", 1)[-1])
        if matched:
            stamp = dt.datetime.strptime(matched["stamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            found.append((name, stamp))
    return sorted(found, key=lambda item: item[1])


def backups_prune(
    *, storage: Storage | None = None, now=None, keep_days: int | None = None, dry_run: bool = False
) -> list[str]:
    """Delete backups older than the retention (30 days, seed 000 §8.1); return the archives deleted.

    The newest backup is never deleted, however old it is.
    """
    storage = storage or ops_storage()
    now = now or timezone.now()
    keep_days = policy("BACKUP_RETENTION_DAYS") if keep_days is None else keep_days
    existing = backups_existing(storage)
    cutoff = now - dt.timedelta(days=keep_days)
    doomed = [name for name, stamp in existing[:-1] if stamp < cutoff]
    if not dry_run:
        for name in doomed:
            for item in (manifest_name_for(name), name):
                if storage.exists(item):
                    storage.delete(item)
            logger.info("Backup %s deleted (older than %s days)", name, keep_days)
    return doomed
