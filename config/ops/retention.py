"""Retention and archival (seed 000 §10): what moves, what is exported, what is deleted, and when.

- Completed sessions and their responses move to `sessions_archive`/`responses_archive` two years after
  completion (INSERT … SELECT and DELETE in one transaction per batch) and are deleted seven years after
  completion. A session that another table still references (a document: documents are never
  deleted) stays where it is until that reference is gone, so archival never cascades into it.
- Audit log partitions whose month ended more than a year ago are detached, exported to the backup
  storage as gzip CSV with a manifest, checked, and only then dropped; exports are deleted after seven
  years. Each step is committed on its own, and a run that stopped half-way is finished by the next.
- API usage data expires after 90 days: the `last_used_at` of keys revoked or expired more than 90 days
  ago is cleared (the key rows stay, so the audit trail keeps naming them). Rate-limit counters in
  Redis expire by themselves.

`retention_run(dry_run=True)` reports all of it without changing anything.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiKey
from audit.partitions import add_months, audit_partitions_existing, month_start
from audit.services import audit_record
from config.ops.pgtools import ops_alias
from config.ops.policy import policy
from config.ops.storage import download, listing, ops_storage, sha256_of, upload
from config.tenancy import SYSTEM, tenant_scope
from sessions_app.archive_models import ResponseArchive, SessionArchive
from sessions_app.models import Response, Session, SessionStatus

logger = logging.getLogger(__name__)

AUDIT_FOLDER = "audit-archive"
_PARTITION = re.compile(r"^audit_logs_(\d{4})_(\d{2})$")


@dataclass
class RetentionReport:
    now: dt.datetime
    dry_run: bool
    sessions_archived: int = 0
    responses_archived: int = 0
    sessions_held: dict[str, int] = field(default_factory=dict)
    archive_sessions_deleted: int = 0
    archive_responses_deleted: int = 0
    audit_partitions: dict[str, int] = field(default_factory=dict)  # name → rows
    audit_exports_deleted: list[str] = field(default_factory=list)
    api_keys_cleared: int = 0

    def lines(self) -> list[str]:
        verb = "would" if self.dry_run else "did"
        held = ", ".join(f"{count} referenced by {table}" for table, count in self.sessions_held.items())
        partitions = ", ".join(f"{name} ({rows} rows)" for name, rows in self.audit_partitions.items())
        return [
            f"Retention as of {self.now:%Y-%m-%d %H:%M} UTC"
            + (" (dry run: nothing was changed)" if self.dry_run else ""),
            f"  sessions → sessions_archive ({verb} move): {self.sessions_archived} sessions, "
            f"{self.responses_archived} responses",
            f"  sessions kept in place: {held or 'none'}",
            f"  archive deletion after 7 years: {self.archive_sessions_deleted} sessions, "
            f"{self.archive_responses_deleted} responses",
            f"  audit partitions detached, exported and dropped: {partitions or 'none'}",
            f"  audit exports deleted after 7 years: {', '.join(self.audit_exports_deleted) or 'none'}",
            f"  API keys whose usage data is cleared: {self.api_keys_cleared}",
        ]

    def as_dict(self) -> dict[str, Any]:
        values = dict(self.__dict__)
        values["now"] = self.now.isoformat()
        return values


# --- Sessions and responses ---------------------------------------------------------------------------


def _columns(live, archive) -> list[str]:
    """Return the live table's columns; every one must exist in the archive table."""
    live_columns = [f.column for f in live._meta.concrete_fields]
    archived = {f.column for f in archive._meta.concrete_fields}
    missing = [c for c in live_columns if c not in archived]
    if missing:
        raise RuntimeError(f"{archive._meta.db_table} lacks {', '.join(missing)}: add them in a migration.")
    return live_columns


def _session_references() -> list[tuple[str, str]]:
    """Return (table, column) of every foreign key into `sessions`, except the responses that move along."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT cl.relname, att.attname FROM pg_constraint con
            JOIN pg_class cl ON cl.oid = con.conrelid
            JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
            WHERE con.contype = 'f' AND con.confrelid = 'sessions'::regclass
              AND cl.relname NOT IN ('sessions', 'responses')
            ORDER BY cl.relname
            """
        )
        return cursor.fetchall()


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _unreferenced(references) -> str:
    return "".join(
        # Names come from pg_constraint, quoted; never from input.
        f" AND NOT EXISTS (SELECT 1 FROM {_quoted(t)} r WHERE r.{_quoted(c)} = s.id)"  # noqa: S608
        for t, c in references
    )


def sessions_archive_move(*, now: dt.datetime, dry_run: bool, report: RetentionReport) -> None:
    """Move completed sessions older than two years, with their responses, into the archive tables."""
    cutoff = now - dt.timedelta(days=policy("SESSIONS_ACTIVE_DAYS"))
    references = _session_references()
    due = "s.status = %s AND s.completed_at < %s"
    params = [SessionStatus.COMPLETED, cutoff]
    with connection.cursor() as cursor:
        for table, column in references:
            cursor.execute(
                f"SELECT count(*) FROM sessions s WHERE {due} AND EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {_quoted(table)} r WHERE r.{_quoted(column)} = s.id)",
                params,
            )
            report.sessions_held[table] = cursor.fetchone()[0]
        if dry_run:
            cursor.execute(
                f"SELECT count(*), (SELECT count(*) FROM responses WHERE session_id IN "  # noqa: S608
                f"(SELECT s.id FROM sessions s WHERE {due}{_unreferenced(references)})) "
                f"FROM sessions s WHERE {due}{_unreferenced(references)}",
                params + params,
            )
            report.sessions_archived, report.responses_archived = cursor.fetchone()
            return

    session_cols = _columns(Session, SessionArchive)
    response_cols = _columns(Response, ResponseArchive)
    session_list = ", ".join(_quoted(c) for c in session_cols)
    response_list = ", ".join(_quoted(c) for c in response_cols)
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.id FROM sessions s WHERE {due}{_unreferenced(references)} "  # noqa: S608
                "ORDER BY s.completed_at LIMIT %s FOR UPDATE SKIP LOCKED",
                [*params, policy("ARCHIVE_BATCH_SIZE")],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return
            cursor.execute(
                f"INSERT INTO sessions_archive ({session_list}, archived_at) "  # noqa: S608
                f"SELECT {session_list}, %s FROM sessions WHERE id = ANY(%s)",
                [now, ids],
            )
            cursor.execute(
                f"INSERT INTO responses_archive ({response_list}, archived_at) "  # noqa: S608
                f"SELECT {response_list}, %s FROM responses WHERE session_id = ANY(%s)",
                [now, ids],
            )
            responses = cursor.rowcount
            cursor.execute("DELETE FROM responses WHERE session_id = ANY(%s)", [ids])
            cursor.execute("DELETE FROM sessions WHERE id = ANY(%s)", [ids])
            audit_record(
                action="retention.sessions_archive",
                resource_type="sessions_app.session",
                after={"sessions": len(ids), "responses": responses, "completed_before": cutoff.isoformat()},
            )
        report.sessions_archived += len(ids)
        report.responses_archived += responses
        logger.info("Archived %s sessions and %s responses", len(ids), responses)


def archive_purge(*, now: dt.datetime, dry_run: bool, report: RetentionReport) -> None:
    """Delete archived sessions (and, by cascade, their responses) seven years after completion."""
    cutoff = now - dt.timedelta(days=policy("SESSIONS_DELETE_DAYS"))
    doomed = SessionArchive.objects.filter(completed_at__lt=cutoff)
    if dry_run:
        report.archive_sessions_deleted = doomed.count()
        report.archive_responses_deleted = ResponseArchive.objects.filter(session__in=doomed).count()
        return
    while True:
        with transaction.atomic():
            ids = list(doomed.values_list("id", flat=True)[: policy("ARCHIVE_BATCH_SIZE")])
            if not ids:
                return
            responses, _ = ResponseArchive.objects.filter(session_id__in=ids).delete()
            sessions, _ = SessionArchive.objects.filter(id__in=ids).delete()
            audit_record(
                action="retention.archive_delete",
                resource_type="sessions_app.sessionarchive",
                after={"sessions": sessions, "responses": responses, "completed_before": cutoff.isoformat()},
            )
        report.archive_sessions_deleted += sessions
        report.archive_responses_deleted += responses


# --- Audit log partitions -------------------------------------------------------------------------------


def _month(name: str) -> dt.date | None:
    matched = _PARTITION.match(name)
    return dt.date(int(matched[1]), int(matched[2]), 1) if matched else None


def _ops():
    return connections[ops_alias()]


def _detached_partitions() -> list[str]:
    """Return audit month tables that a stopped run detached but did not drop."""
    with _ops().cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r'
              AND c.relname ~ '^audit_logs_[0-9]{4}_[0-9]{2}$' AND NOT c.relispartition
            ORDER BY c.relname
            """
        )
        return [row[0] for row in cursor.fetchall()]


def _rows(table: str) -> int:
    with _ops().cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {_quoted(table)}")  # noqa: S608
        return cursor.fetchone()[0]


def _chain_ends(table: str) -> dict[str, Any]:
    """Return where the partition's rows sit in the audit hash chain, when the table has one.

    The first row left in the database after the drop names the last exported signature as its
    previous one: with these figures the chain stays verifiable across the export.
    """
    with _ops().cursor() as cursor:
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


def _export(table: str, storage: Storage, now: dt.datetime) -> dict[str, Any]:
    """Write a detached partition to storage as gzip CSV, read it back, and return its manifest."""
    data_name, manifest_name = audit_export_names(table)
    rows = _rows(table)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv.gz"
        with _ops().cursor() as cursor, gzip.open(path, "wb") as out:
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
        chain = _chain_ends(table)
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
    *, now: dt.datetime, dry_run: bool, report: RetentionReport, storage: Storage
) -> None:
    """Detach, export and drop the audit partitions whose month ended more than a year ago."""
    cutoff = (now - dt.timedelta(days=policy("AUDIT_ACTIVE_DAYS"))).date()
    # Whatever ``now`` says, the partitions of the real current month and later are never touched.
    cutoff = min(cutoff, month_start(timezone.now().date()))
    attached = [name for name in audit_partitions_existing() if _month(name)]
    due = [name for name in attached if add_months(_month(name), 1) <= cutoff]
    leftovers = [name for name in _detached_partitions() if name not in due]
    for table in leftovers + due:
        report.audit_partitions[table] = _rows(table)
    if dry_run:
        return
    for table in leftovers + due:
        if table in due:
            with _ops().cursor() as cursor:
                cursor.execute(f"ALTER TABLE audit_logs DETACH PARTITION {_quoted(table)}")
        manifest = _export(table, storage, now)
        with _ops().cursor() as cursor:
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


def audit_exports_prune(
    *, now: dt.datetime, dry_run: bool, report: RetentionReport, storage: Storage
) -> None:
    """Delete audit exports seven years after their month ended."""
    cutoff = (now - dt.timedelta(days=policy("AUDIT_DELETE_DAYS"))).date()
    for name in listing(storage, AUDIT_FOLDER):
        table = name.rsplit("/", 1)[-1].split(".", 1)[0]
        month = _month(table)
        if month and add_months(month, 1) <= cutoff and name.endswith(".csv.gz"):
            report.audit_exports_deleted.append(name)
            if not dry_run:
                for item in audit_export_names(table):
                    if storage.exists(item):
                        storage.delete(item)


# --- API usage data -------------------------------------------------------------------------------------


def api_key_usage_expire(*, now: dt.datetime, dry_run: bool, report: RetentionReport) -> None:
    """Clear the last use of keys that were revoked or expired more than 90 days ago."""
    cutoff = now - dt.timedelta(days=policy("API_USAGE_DAYS"))
    keys = ApiKey.objects.filter(
        Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff), last_used_at__isnull=False
    )
    if dry_run:
        report.api_keys_cleared = keys.count()
        return
    with transaction.atomic():
        report.api_keys_cleared = keys.update(last_used_at=None)
        if report.api_keys_cleared:
            audit_record(
                action="retention.api_key_usage_clear",
                resource_type="accounts.apikey",
                after={"keys": report.api_keys_cleared, "ended_before": cutoff.isoformat()},
            )


# --- Everything -----------------------------------------------------------------------------------------


def retention_run(
    *, now: dt.datetime | None = None, dry_run: bool = False, storage: Storage | None = None
) -> RetentionReport:
    """Apply (or, with ``dry_run``, report) every retention rule of seed 000 §10 as of ``now``."""
    now = now or timezone.now()
    storage = storage or ops_storage()
    report = RetentionReport(now=now, dry_run=dry_run)
    with tenant_scope(SYSTEM):
        sessions_archive_move(now=now, dry_run=dry_run, report=report)
        archive_purge(now=now, dry_run=dry_run, report=report)
        audit_partitions_retire(now=now, dry_run=dry_run, report=report, storage=storage)
        audit_exports_prune(now=now, dry_run=dry_run, report=report, storage=storage)
        api_key_usage_expire(now=now, dry_run=dry_run, report=report)
    return report
