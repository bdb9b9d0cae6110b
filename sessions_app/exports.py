"""Write a questionnaire's responses as CSV, XLSX or SPSS .sav: one row per session (docs/exports.md).

``export_write()`` is the one entry point: the API and the page call it for a small export, the Celery
task (sessions_app/export_services.py) for a large one, and bench/ measures it. The columns and cells
come from sessions_app/export_columns.py; this module reads the sessions chunk by chunk and writes.

Memory: sessions are read ``CHUNK_SIZE`` at a time (keyset pagination, values rather than model
instances) with the answers of that chunk only, and CSV and XLSX (xlsxwriter's ``constant_memory``) are
written row by row, so their memory stays flat however many sessions there are. SPSS files are written
by pyreadstat from one DataFrame: a .sav export holds every cell in memory once (about 100 bytes a cell).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db.models import Aggregate, JSONField, OuterRef, Q, Subquery
from django.utils import timezone

from core.replicas import replica_reads
from questionnaires.structure import structure_load
from sessions_app.export_columns import Column, ExportPlan, plan_build
from sessions_app.export_models import ExportFormat
from sessions_app.export_selectors import ExportFilters, lineage_versions, sessions_for_export
from sessions_app.models import Response

__all__ = ["CHUNK_SIZE", "CONTENT_TYPES", "export_plan", "export_rows", "export_write"]

CHUNK_SIZE = 500
CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.SAV: "application/x-spss-sav",
}
XLSX_TEXT_MAX = 32767  # Excel's limit on a cell's text
# A text cell starting with one of these would run as a formula when a spreadsheet opens the CSV file.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int, int], None]


def export_plan(*, questionnaire) -> ExportPlan:
    """Plan the columns of an export of the questionnaire's lineage (every published version)."""
    return plan_build(
        [structure_load(version.pk) for version in lineage_versions(questionnaire=questionnaire)]
    )


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored moment in the site's time zone, without the zone (what spreadsheets and SPSS hold)."""
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0) if moment else None


_SESSION_FIELDS = (
    "id",
    "questionnaire_id",
    "questionnaire_version",
    "status",
    "industry",
    "started_at",
    "last_activity_at",
    "completed_at",
    "progress",
    "adaptive_state__activeQuestionIds",
)


class _AnswersByQuestion(Aggregate):
    """PostgreSQL's ``jsonb_object_agg(question_id, value)``: a session's answers as one JSON object."""

    function = "JSONB_OBJECT_AGG"
    output_field = JSONField()


def _with_answers(sessions):
    """The sessions, each with its valid answers by question id (one JSON decode per session)."""
    answers = (
        Response.objects.filter(session_id=OuterRef("pk"), is_valid=True)
        .order_by()
        .values("session_id")
        .annotate(all=_AnswersByQuestion("question_id", "value"))
        .values("all")
    )
    return sessions.annotate(export_answers=Subquery(answers, output_field=JSONField()))


def export_rows(*, plan: ExportPlan, sessions, chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    """Yield each session's cells, reading ``chunk_size`` sessions with their answers at a time.

    ``sessions`` is ordered by (started_at, id) (``sessions_for_export``); each chunk starts after the
    last row of the one before, so no cursor stays open between chunks and memory holds one chunk. A
    chunk is one query: each session comes with its answers aggregated (``_with_answers``).
    """
    sessions = _with_answers(sessions)
    after: tuple[dt.datetime, Any] | None = None
    while True:
        chunk_query = sessions
        if after is not None:
            started, pk = after
            chunk_query = chunk_query.filter(Q(started_at__gt=started) | Q(started_at=started, id__gt=pk))
        chunk = list(chunk_query.values_list(*_SESSION_FIELDS, "export_answers")[:chunk_size])
        if not chunk:
            return
        for (
            pk,
            questionnaire_id,
            version,
            status,
            industry,
            started,
            last,
            completed,
            progress,
            active,
            stored,
        ) in chunk:
            progress = progress if isinstance(progress, dict) else {}
            yield plan.row(
                questionnaire_id=str(questionnaire_id),
                session={
                    "session_id": str(pk),
                    "version": version,
                    "status": status,
                    "industry": industry or None,
                    "started_at": _local(started),
                    "last_activity_at": _local(last),
                    "completed_at": _local(completed),
                    "progress_percent": progress.get("percentage"),
                    "answered": progress.get("answered"),
                    "question_total": progress.get("total"),
                },
                visible=active if isinstance(active, list) else (),
                answers={question_id: (value, True) for question_id, value in (stored or {}).items()},
            )
        after = (chunk[-1][5], chunk[-1][0])
        if len(chunk) < chunk_size:
            return


# ----------------------------------------------------------------- cells as each format shows them


def _text_cell(column: Column, value: Any) -> Any:
    """A cell as CSV and XLSX show it: an option's label rather than its code, a flag as 0/1."""
    if value is None:
        return None
    if column.kind == "code":
        return column.value_labels.get(value, value)
    return value


def _csv_cell(column: Column, value: Any) -> str:
    value = _text_cell(column, value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        # A client's answer must never run as a spreadsheet formula (OWASP's "CSV injection").
        return f"'{value}" if value.startswith(_FORMULA_START) else value
    return str(value)


def _write_csv(plan: ExportPlan, rows: Iterator[list], fileobj: IO[bytes], tick: Callable[[], None]) -> None:
    # UTF-8 with a byte-order mark, so that a spreadsheet opening the file reads its accents right.
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow(plan.names)
        columns = plan.columns
        for row in rows:
            writer.writerow([_csv_cell(column, value) for column, value in zip(columns, row, strict=True)])
            tick()
        text.flush()
    finally:
        text.detach()  # the caller's file stays open


def _write_xlsx(plan: ExportPlan, rows: Iterator[list], fileobj: IO[bytes], tick: Callable[[], None]) -> None:
    import xlsxwriter

    options = {
        "constant_memory": True,  # each row goes to a temporary file as soon as the next one starts
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "tmpdir": tempfile.gettempdir(),
    }
    workbook = xlsxwriter.Workbook(fileobj, options)
    try:
        sheet = workbook.add_worksheet("Responses")
        bold = workbook.add_format({"bold": True})
        formats = {
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        }
        columns = plan.columns
        for index, column in enumerate(columns):
            sheet.set_column(index, index, 20 if column.kind in ("date", "datetime") else 16)
        sheet.write_row(0, 0, plan.names, bold)
        sheet.freeze_panes(1, 1)
        number = 1
        for row in rows:
            for index, (column, value) in enumerate(zip(columns, row, strict=True)):
                value = _text_cell(column, value)
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(number, index, value, formats["datetime"])
                elif isinstance(value, dt.date):
                    sheet.write_datetime(number, index, value, formats["date"])
                elif isinstance(value, bool):
                    sheet.write_number(number, index, int(value))
                elif isinstance(value, int | float):
                    sheet.write_number(number, index, value)
                else:
                    sheet.write_string(number, index, str(value)[:XLSX_TEXT_MAX])
            number += 1
            tick()
        codebook = workbook.add_worksheet("Columns")
        codebook.write_row(0, 0, ["Column", "Label", "Type", "Values"], bold)
        codebook.set_column(0, 0, 30)
        codebook.set_column(1, 1, 60)
        codebook.set_column(3, 3, 60)
        for index, column in enumerate(columns, start=1):
            values = "; ".join(f"{code} = {label}" for code, label in column.value_labels.items())
            codebook.write_row(index, 0, [column.name, column.label, column.kind, values])
    finally:
        workbook.close()


def _sav_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if (
        column.kind in ("date", "datetime")
        and isinstance(value, dt.date)
        and not isinstance(value, dt.datetime)
    ):
        return dt.datetime.combine(value, dt.time())
    return value


def _write_sav(plan: ExportPlan, rows: Iterator[list], fileobj: IO[bytes], tick: Callable[[], None]) -> None:
    import pandas as pd
    import pyreadstat

    columns = plan.columns
    cells: list[list] = [[] for _ in columns]
    for row in rows:
        for index, value in enumerate(row):
            cells[index].append(_sav_value(columns[index], value))
        tick()
    data = {}
    for column, values in zip(columns, cells, strict=True):
        numeric = column.kind in ("number", "code", "flag") or (
            column.kind == "mixed" and all(v is None or isinstance(v, int | float) for v in values)
        )
        if numeric:
            data[column.name] = pd.Series(values, dtype="float64")
        elif column.kind in ("date", "datetime"):
            data[column.name] = pd.to_datetime(pd.Series(values, dtype="object"))
        else:
            data[column.name] = pd.Series(["" if v is None else str(v) for v in values], dtype="object")
        values.clear()
    frame = pd.DataFrame(data, columns=plan.names)
    formats = {c.name: "SDATE10" for c in columns if c.kind == "date"}
    formats.update({c.name: "DATETIME20" for c in columns if c.kind == "datetime"})
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        pyreadstat.write_sav(
            frame,
            path,
            column_labels=[c.label for c in columns],
            variable_value_labels={c.name: c.value_labels for c in columns if c.value_labels},
            variable_format=formats,
            variable_measure={
                c.name: "nominal" if c.kind in ("code", "flag", "text") else "scale"
                for c in columns
                if c.kind != "mixed"
            },
        )
        with open(path, "rb") as written:
            while block := written.read(1 << 20):
                fileobj.write(block)
    finally:
        os.unlink(path)


_WRITERS = {ExportFormat.CSV: _write_csv, ExportFormat.XLSX: _write_xlsx, ExportFormat.SAV: _write_sav}


def export_write(
    *,
    questionnaire,
    fmt: str,
    fileobj: IO[bytes],
    filters: ExportFilters | None = None,
    on_progress: Progress | None = None,
    organization_id=None,
    chunk_size: int = CHUNK_SIZE,
) -> int:
    """Write the responses of the questionnaire's lineage to ``fileobj``; return the rows written.

    ``fmt`` is "csv", "xlsx" or "sav" (ValueError otherwise). Only the sessions of one organization are
    written: ``organization_id``, by default the questionnaire's own organization (a catalogue
    questionnaire has none: name the organization). ``on_progress(done, total)`` is called as rows
    are written. Reads go to a read replica when one is configured.
    """
    if fmt not in _WRITERS:
        raise ValueError(f"Unknown export format {fmt!r}: choose one of {', '.join(ExportFormat.values)}.")
    organization_id = organization_id or questionnaire.organization_id
    with replica_reads():
        plan = export_plan(questionnaire=questionnaire)
        sessions = sessions_for_export(
            questionnaire=questionnaire, organization_id=organization_id, filters=filters
        )
        total = sessions.count()
        done = 0
        step = max(1, min(chunk_size, total // 100 or 1))

        def tick() -> None:
            nonlocal done
            done += 1
            if on_progress is not None and (done % step == 0 or done == total):
                on_progress(done, total)

        _WRITERS[ExportFormat(fmt)](
            plan, export_rows(plan=plan, sessions=sessions, chunk_size=chunk_size), fileobj, tick
        )
    if on_progress is not None and total == 0:
        on_progress(0, 0)
    return done
