"""Response exports as a workflow: start one (audited), run it (in a worker or, when small, at once),
record each download (audited). The file itself is written by sessions_app/exports.py.

A run streams the file to a temporary file on disk, then hands it to the default storage (S3 in
production) in one save, so memory stays flat; progress is written to the export's row as it goes,
which the page polls.
"""

from __future__ import annotations

import logging
import tempfile
import time

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from sessions_app.export_models import ExportFormat, ExportStatus, ResponseExport
from sessions_app.export_selectors import ExportFilters, filters_parse, sessions_for_export
from sessions_app.exports import export_write

logger = logging.getLogger(__name__)

# Up to this many sessions an export is written during the request (the API answers with the file, the
# page with a ready export); above, a worker writes it.
EXPORT_INLINE_MAX = 2000
PROGRESS_INTERVAL = 1.0  # seconds between two progress writes
SPOOL_MAX = 8 * 1024 * 1024  # an inline export's file stays in memory up to this size, then goes to disk


def inline_max() -> int:
    return int(getattr(settings, "EXPORT_INLINE_MAX", EXPORT_INLINE_MAX))


def _queue_options() -> dict:
    # The workers that generate documents consume this queue (settings.DOCUMENTS_QUEUE, one per test run).
    queue = getattr(settings, "EXPORTS_QUEUE", None) or getattr(settings, "DOCUMENTS_QUEUE", None)
    return {"queue": queue} if queue else {}


def _audit_after(*, questionnaire, fmt: str, filters: ExportFilters, **extra) -> dict:
    # What was exported and how; never a client's name or answer.
    return {
        "format": fmt,
        "questionnaireId": str(questionnaire.pk),
        "lineageId": str(questionnaire.lineage_id),
        "filters": filters.as_json(),
        **extra,
    }


def session_count(*, questionnaire, organization_id, filters: ExportFilters) -> int:
    return sessions_for_export(
        questionnaire=questionnaire, organization_id=organization_id, filters=filters
    ).count()


@transaction.atomic
def response_export_start(
    *, questionnaire, fmt: str, filters: ExportFilters, requested_by, queue: bool = True
) -> ResponseExport:
    """Record an export of the organization's responses; with ``queue``, a worker writes it after commit."""
    fmt = ExportFormat(fmt)
    export = ResponseExport.objects.create(
        organization_id=requested_by.organization_id,
        questionnaire=questionnaire,
        requested_by=requested_by,
        format=fmt,
        filters=filters.as_json(),
    )
    audit_record(
        actor=requested_by,
        action="response_export.create",
        resource=export,
        after=_audit_after(questionnaire=questionnaire, fmt=fmt, filters=filters, inline=not queue),
    )
    if queue:
        from sessions_app.tasks import response_export_run as run_task

        export_id = str(export.pk)
        transaction.on_commit(lambda: run_task.apply_async(args=[export_id], **_queue_options()))
    return export


def _progress_writer(export_id):
    last = {"at": 0.0, "percent": -1}

    def on_progress(done: int, total: int) -> None:
        percent = 100 if total == 0 else min(99, done * 100 // total)
        now = time.monotonic()
        if percent != last["percent"] and (now - last["at"] >= PROGRESS_INTERVAL or percent == 99):
            ResponseExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(progress=percent)
            last.update(at=now, percent=percent)

    return on_progress


def response_export_run(*, export_id) -> ResponseExport | None:
    """Write an export's file to storage, updating its progress; a finished export is left as it is.

    Never raises for a failure of the export itself: it is recorded on the row (FAILED, with a message
    staff can read) and logged.
    """
    with transaction.atomic():
        # Only the export's row is locked: FOR UPDATE on the joined questionnaire would need the right to
        # change it, which row-level security gives no tenant over a catalogue questionnaire.
        export = (
            ResponseExport.objects.select_for_update(of=("self",))
            .select_related("questionnaire")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.is_finished:
            return export
        export.status, export.started_at, export.progress = ExportStatus.RUNNING, timezone.now(), 0
        export.save(update_fields=["status", "started_at", "progress", "updated_at"])
    try:
        with tempfile.TemporaryFile() as handle:
            rows = export_write(
                questionnaire=export.questionnaire,
                fmt=export.format,
                fileobj=handle,
                filters=filters_parse(export.filters),
                on_progress=_progress_writer(export.pk),
                organization_id=export.organization_id,
            )
            size = handle.tell()
            handle.seek(0)
            key = default_storage.save(
                f"exports/{export.organization_id}/{export.pk}/{export.file_name}", File(handle)
            )
    except Exception as error:
        logger.exception("Response export %s failed", export.pk)
        export.status, export.finished_at = ExportStatus.FAILED, timezone.now()
        export.error = f"The export could not be written ({type(error).__name__}). Try again, or ask support."
        export.save(update_fields=["status", "finished_at", "error", "updated_at"])
        return export
    export.status, export.progress, export.row_count = ExportStatus.DONE, 100, rows
    export.file_key, export.file_size, export.finished_at = key, size, timezone.now()
    export.save(
        update_fields=[
            "status",
            "progress",
            "row_count",
            "file_key",
            "file_size",
            "finished_at",
            "updated_at",
        ]
    )
    return export


def response_export_inline(*, questionnaire, fmt: str, filters: ExportFilters, actor):
    """Write a small export now, for the caller to send; return (file positioned at 0, rows). Audited."""
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)  # noqa: SIM115 - the response closes it
    rows = export_write(
        questionnaire=questionnaire,
        fmt=fmt,
        fileobj=handle,
        filters=filters,
        organization_id=actor.organization_id,
    )
    handle.seek(0)
    audit_record(
        actor=actor,
        action="response_export.download",
        resource=questionnaire,
        after=_audit_after(questionnaire=questionnaire, fmt=fmt, filters=filters, rows=rows, inline=True),
    )
    return handle, rows


def response_export_open(*, export: ResponseExport, actor):
    """Open a ready export's file for download, and record the download. FileNotFoundError if it is gone."""
    if export.status != ExportStatus.DONE or not export.file_key:
        raise FileNotFoundError(export.file_key)
    handle = default_storage.open(export.file_key, "rb")
    audit_record(
        actor=actor,
        action="response_export.download",
        resource=export,
        after={
            "format": export.format,
            "rows": export.row_count,
            "questionnaireId": str(export.questionnaire_id),
        },
    )
    return handle
