"""Retention of completed sessions (seed 000 §10): archived two years after completion, deleted after seven.

Completed sessions and their responses move to `sessions_archive`/`responses_archive` (INSERT … SELECT
and DELETE in one transaction per batch) and are deleted from there later. A session that another
table still references (a document: documents are never deleted) stays where it is until that reference
is gone, so archival never cascades into it. The periods come from the retention table in
config/ops/policy.py; `manage.py archive` (config/ops/retention.py) runs these steps in order.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import connection, transaction

from audit.services import audit_record
from sessions_app.archive_models import ResponseArchive, SessionArchive
from sessions_app.models import Response, Session, SessionStatus

logger = logging.getLogger(__name__)


@dataclass
class ArchiveMove:
    """What `sessions_archive_move` moved, or would move, and what it left in place."""

    sessions: int = 0
    responses: int = 0
    held: dict[str, int] = field(default_factory=dict)  # referencing table → sessions it keeps in place


def _columns(live, archive) -> list[str]:
    """Return the live table's columns; every one must exist in the archive table."""
    live_columns = [f.column for f in live._meta.concrete_fields]
    archived = {f.column for f in archive._meta.concrete_fields}
    missing = [c for c in live_columns if c not in archived]
    if missing:
        raise RuntimeError(f"{archive._meta.db_table} lacks {', '.join(missing)}: add them in a migration.")
    return live_columns


# Tables whose rows about a session let it go to the archive: an invitation forgets which session it
# started (its own status says how it ended), and the record of reminders sent goes with the session.
RELEASED = {
    "invitations": "UPDATE invitations SET session_id = NULL WHERE session_id = ANY(%s)",
    "session_reminders": "DELETE FROM session_reminders WHERE session_id = ANY(%s)",
}


def _session_references() -> list[tuple[str, str]]:
    """Return (table, column) of every foreign key into `sessions` that keeps a session in place.

    The responses move along; the RELEASED tables let go of the session as it moves.
    """
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
        return [(table, column) for table, column in cursor.fetchall() if table not in RELEASED]


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _unreferenced(references) -> str:
    return "".join(
        # Names come from pg_constraint, quoted; never from input.
        f" AND NOT EXISTS (SELECT 1 FROM {_quoted(t)} r WHERE r.{_quoted(c)} = s.id)"  # noqa: S608
        for t, c in references
    )


def sessions_archive_move(
    *, now: dt.datetime, cutoff: dt.datetime, batch_size: int, dry_run: bool
) -> ArchiveMove:
    """Move sessions completed before ``cutoff``, with their responses, into the archive tables."""
    moved = ArchiveMove()
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
            moved.held[table] = cursor.fetchone()[0]
        if dry_run:
            cursor.execute(
                f"SELECT count(*), (SELECT count(*) FROM responses WHERE session_id IN "  # noqa: S608
                f"(SELECT s.id FROM sessions s WHERE {due}{_unreferenced(references)})) "
                f"FROM sessions s WHERE {due}{_unreferenced(references)}",
                params + params,
            )
            moved.sessions, moved.responses = cursor.fetchone()
            return moved

    session_cols = _columns(Session, SessionArchive)
    response_cols = _columns(Response, ResponseArchive)
    session_list = ", ".join(_quoted(c) for c in session_cols)
    response_list = ", ".join(_quoted(c) for c in response_cols)
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.id FROM sessions s WHERE {due}{_unreferenced(references)} "  # noqa: S608
                "ORDER BY s.completed_at LIMIT %s FOR UPDATE SKIP LOCKED",
                [*params, batch_size],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return moved
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
            for release in RELEASED.values():
                cursor.execute(release, [ids])
            cursor.execute("DELETE FROM responses WHERE session_id = ANY(%s)", [ids])
            cursor.execute("DELETE FROM sessions WHERE id = ANY(%s)", [ids])
            audit_record(
                action="retention.sessions_archive",
                resource_type="sessions_app.session",
                after={"sessions": len(ids), "responses": responses, "completed_before": cutoff.isoformat()},
            )
        moved.sessions += len(ids)
        moved.responses += responses
        logger.info("Archived %s sessions and %s responses", len(ids), responses)


def archive_purge(*, cutoff: dt.datetime, batch_size: int, dry_run: bool) -> tuple[int, int]:
    """Delete archived sessions completed before ``cutoff`` with their responses; return both counts."""
    doomed = SessionArchive.objects.filter(completed_at__lt=cutoff)
    if dry_run:
        return doomed.count(), ResponseArchive.objects.filter(session__in=doomed).count()
    sessions_deleted = responses_deleted = 0
    while True:
        with transaction.atomic():
            ids = list(doomed.values_list("id", flat=True)[:batch_size])
            if not ids:
                return sessions_deleted, responses_deleted
            responses, _ = ResponseArchive.objects.filter(session_id__in=ids).delete()
            sessions, _ = SessionArchive.objects.filter(id__in=ids).delete()
            audit_record(
                action="retention.archive_delete",
                resource_type="sessions_app.sessionarchive",
                after={"sessions": sessions, "responses": responses, "completed_before": cutoff.isoformat()},
            )
        sessions_deleted += sessions
        responses_deleted += responses


def response_exports_expire(*, cutoff: dt.datetime, dry_run: bool) -> int:
    """Delete the response exports asked for before ``cutoff``, with their files (docs/exports.md).

    An export is a copy of answers made for a download: it is kept long enough to be fetched again, not
    as long as the answers themselves. Return how many went (or, with ``dry_run``, would go).
    """
    from django.core.files.storage import default_storage

    from sessions_app.export_models import ResponseExport

    old = list(ResponseExport.objects.filter(created_at__lt=cutoff).only("id", "file_key"))
    if dry_run:
        return len(old)
    for export in old:
        if export.file_key:
            default_storage.delete(export.file_key)  # a file already gone is no error
    ResponseExport.objects.filter(pk__in=[export.pk for export in old]).delete()
    return len(old)
