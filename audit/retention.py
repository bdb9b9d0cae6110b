"""Retention of the audit trail (seed 000 §10): a month stays in the database for a year, its export seven.

A month partition whose month ended before the cutoff is detached, exported to storage as gzip CSV with
a manifest, read back and checked, and only then dropped; the exports are deleted later. Each step is
committed on its own, and a run that stopped half-way is finished by the next. The periods, the storage
and the database alias that may run DDL come from the caller: `manage.py archive`
(config/ops/retention.py) runs these steps in order.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import re
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import connection, connections, transaction
from django.utils import timezone

from audit.partitions import add_months, audit_partitions_existing, month_start
from audit.services import audit_record
from core.storage import download, listing, sha256_of, upload

logger = logging.getLogger(__name__)

AUDIT_FOLDER = "audit-archive"
_PARTITION = re.compile(r"^audit_logs_(\d{4})_(\d{2})$")


def _month(name: str) -> dt.date | None:
    matched = _PARTITION.match(name)
    return dt.date(int(matched[1]), int(matched[2]), 1) if matched else None


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _detached_partitions(using: str) -> list[str]:
    """Return audit month tables that a stopped run detached but did not drop."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r'
              AND c.relname ~ '^audit_logs_[0-9]{4}_[0-9]{2}$' AND NOT c.relispartition
            ORDER BY c.relname
            """
        )
        return [row[0] for row in cursor.fetchall()]


def _rows(table: str, using: str) -> int:
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {_quoted(table)}")  # noqa: S608
        return cursor.fetchone()[0]


def _chain_ends(table: str, using: str) -> dict[str, Any]:
    """Return where the partition's rows sit in the audit hash chain, when the table has one.

    The first row left in the database after the drop names the last exported signature as its
    previous one: with these figures the chain stays verifiable across the export.
    """
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'chain_seq' "
            "AND NOT attisdropped",
            [table],
        )
        if cursor.fetchone() is None:
            return {}
        cursor.execute(
            f"SELECT chain_seq, signature FROM {_quoted(table)} ORDER BY chain_seq LIMIT 1"  # noqa: S608
        )
        first = cursor.fetchone()
        cursor.execute(
            f"SELECT chain_seq, signature FROM {_quoted(table)} ORDER BY chain_seq DESC LIMIT 1"  # noqa: S608
        )
        last = cursor.fetchone()
    if first is None:
        return {}
    return {"chain_first_seq": first[0], "chain_last_seq": last[0], "chain_last_signature": last[1]}


def audit_export_names(table: str) -> tuple[str, str]:
    return f"{AUDIT_FOLDER}/{table}.csv.gz", f"{AUDIT_FOLDER}/{table}.manifest.json"


def _export(table: str, storage: Storage, now: dt.datetime, using: str) -> dict[str, Any]:
    """Write a detached partition to storage as gzip CSV, read it back, and return its manifest."""
    data_name, manifest_name = audit_export_names(table)
    rows = _rows(table, using)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv.gz"
        with connections[using].cursor() as cursor, gzip.open(path, "wb") as out:
            statement = (
                f"COPY (SELECT * FROM {_quoted(table)} ORDER BY created_at, id) "  # noqa: S608
                "TO STDOUT WITH (FORMAT csv, HEADER true)"
            )
            with cursor.cursor.copy(statement) as copy:
                for chunk in copy:
                    out.write(chunk)
        checksum = sha256_of(path)
        upload(storage, data_name, path)
        # Drop nothing until the stored copy is known to be whole.
        check = Path(tmp) / "check.csv.gz"
        download(storage, data_name, check)
        if sha256_of(check) != checksum:
            raise RuntimeError(f"The stored export of {table} does not match what was written.")
        with gzip.open(check, "rb") as handle:
            handle.read()  # a truncated gzip stream raises here
        start = _month(table)
        chain = _chain_ends(table, using)
        manifest = {
            "table": table,
            "from": start.isoformat(),
            "to": add_months(start, 1).isoformat(),
            "rows": rows,
            "sha256": checksum,
            "size": path.stat().st_size,
            "exported_at": now.isoformat(),
            "format": "csv, header, gzip; the columns of audit_logs",
            **chain,
        }
    if storage.exists(manifest_name):
        storage.delete(manifest_name)
    storage.save(manifest_name, ContentFile(json.dumps(manifest, indent=2).encode()))
    return manifest


def audit_partitions_retire(
    *, now: dt.datetime, cutoff: dt.date, dry_run: bool, storage: Storage, using: str
) -> dict[str, int]:
    """Detach, export and drop the audit partitions whose month ended by ``cutoff``.

    Return each partition retired (or, with ``dry_run``, due) with its number of rows. ``using`` is the
    database alias allowed to detach and drop tables.
    """
    # Whatever ``cutoff`` says, the partitions of the real current month and later are never touched.
    cutoff = min(cutoff, month_start(timezone.now().date()))
    attached = [name for name in audit_partitions_existing() if _month(name)]
    due = [name for name in attached if add_months(_month(name), 1) <= cutoff]
    leftovers = [name for name in _detached_partitions(using) if name not in due]
    retired = {table: _rows(table, using) for table in leftovers + due}
    if dry_run:
        return retired
    for table in leftovers + due:
        if table in due:
            with connections[using].cursor() as cursor:
                cursor.execute(f"ALTER TABLE audit_logs DETACH PARTITION {_quoted(table)}")
        manifest = _export(table, storage, now, using)
        with connections[using].cursor() as cursor:
            cursor.execute(f"DROP TABLE {_quoted(table)}")
        with transaction.atomic():
            audit_record(
                action="retention.audit_partition_drop",
                resource_type="audit.auditlog",
                after={
                    "partition": table,
                    "rows": manifest["rows"],
                    "export": audit_export_names(table)[0],
                    # The dropped month's last link: verification of the rows left starts from it.
                    **(
                        {
                            "chain_anchor": {
                                "seq": manifest["chain_last_seq"],
                                "signature": manifest["chain_last_signature"],
                            }
                        }
                        if manifest.get("chain_last_signature")
                        else {}
                    ),
                },
            )
        logger.info("Audit partition %s exported (%s rows) and dropped", table, manifest["rows"])
    return retired


def audit_exports_prune(*, cutoff: dt.date, dry_run: bool, storage: Storage) -> list[str]:
    """Delete the audit exports of months that ended by ``cutoff``; return the exports' names."""
    pruned = []
    for name in listing(storage, AUDIT_FOLDER):
        table = name.rsplit("/", 1)[-1].split(".", 1)[0]
        month = _month(table)
        if month and add_months(month, 1) <= cutoff and name.endswith(".csv.gz"):
            pruned.append(name)
            if not dry_run:
                for item in audit_export_names(table):
                    if storage.exists(item):
                        storage.delete(item)
    return pruned
