"""Every write of the documents app: create on completion, generate, review, regenerate, retry.

Each status change goes through ``Document.transition_to()`` (the one place the status machine is
enforced) and records an audit row in the same transaction. Generation messages go through an outbox
(``DocumentOutbox``): a row written in that transaction, sent after commit so that a worker never looks
for a row that is not committed yet, and kept until the broker takes the message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone

from accounts.branding import LOGO_MAX_BYTES, branding_of, logo_type
from audit.services import audit_record, audit_record_all
from core.transactions import after_commit
from documents import emails, selectors
from documents.charts import FAMILY_COLORS, chart_draw, document_charts
from documents.fetcher import resource_url
from documents.finals import document_render_due
from documents.metadata_cache import document_metadata_changed
from documents.models import (
    Document,
    DocumentFormat,
    DocumentOutbox,
    DocumentStatus,
    DocumentType,
    IllegalTransition,
)
from documents.pdf import html_render, pdf_render
from documents.rendering import Content, document_plans, format_date
from documents.storage import document_key, document_write
from documents.versions import content_snapshot
from documents.word import Cover, docx_bytes_review, docx_render
from documents.wordtemplates import MAX_UPLOAD, WordTemplateError, word_fill
from questionnaires.structure import structure_load
from sessions_app.models import Session

logger = logging.getLogger(__name__)

DEFAULT_TEMPLATE = "documents/pdf/base.html"
MAX_ERROR_LENGTH = 2000
COMPANY_MAX_LENGTH = 200  # a company name longer than this is cut on the cover
FORMAT_ORDER = (DocumentFormat.PDF, DocumentFormat.DOCX)
# Errors that another attempt cannot fix: the document fails at once instead of retrying.
PERMANENT_ERRORS = (TemplateDoesNotExist, TemplateSyntaxError, IllegalTransition, WordTemplateError)

__all__ = [
    "GenerationError",
    "ReviewError",
    "document_approve",
    "document_assign",
    "document_download_record",
    "document_generate",
    "document_regenerate",
    "document_reject",
    "document_retry",
    "next_version",
    "review_entry",
    "documents_create_for_session",
    "documents_enqueue",
    "documents_outbox_drain",
    "documents_resume_stalled",
]


class GenerationError(Exception):
    """Rendering or storing a document failed; ``final`` when no retry will follow."""

    def __init__(self, message: str, *, final: bool):
        super().__init__(message)
        self.final = final


class ReviewError(ValueError):
    """A review action was refused for a reason the reviewer can fix (shown to them as is)."""


# ----------------------------------------------------------------- queueing


def _queue_options() -> dict:
    queue = getattr(settings, "DOCUMENTS_QUEUE", None)
    return {"queue": queue} if queue else {}


def documents_enqueue(document_ids) -> None:
    """Send the generation message of each document now; raise if the broker refuses one.

    Services do not call it directly: they write outbox rows (``_enqueue_on_commit``), which
    ``documents_outbox_drain`` sends.
    """
    from documents.tasks import document_generate as generate_task

    for document_id in document_ids:
        generate_task.apply_async(args=[str(document_id)], **_queue_options())


def _enqueue_on_commit(document_ids) -> None:
    """Put the documents in the outbox, in the caller's transaction, and send them after commit.

    The rows commit or roll back with the documents: a broker outage delays a document and loses
    none, and a rolled-back completion sends nothing.
    """
    ids = [str(document_id) for document_id in document_ids]
    if not ids:
        return
    DocumentOutbox.objects.bulk_create([DocumentOutbox(document_id=pk) for pk in ids], ignore_conflicts=True)
    # After commit, one message asks a worker to drain these rows: the request does not send a message per
    # document (a completion makes one per type and format; fifty publishes were most of its time).
    transaction.on_commit(lambda: _outbox_drain_request(ids), robust=True)


def _outbox_drain_request(ids: list[str]) -> None:
    """Ask a worker to send the generation messages of these outbox rows; never raises.

    When the broker refuses, the rows say so (``attempts``, ``last_error``) and wait for the periodic
    drain, as when a drain itself is refused; robust on_commit keeps any other failure after commit from
    turning the client's saved completion into an error page.
    """
    from documents.tasks import documents_outbox_drain as drain_task

    try:
        drain_task.apply_async(kwargs={"document_ids": ids}, **_queue_options())
    except Exception as refused:  # the transport's own errors: none may reach a client
        _outbox_refused(DocumentOutbox.objects.filter(document_id__in=ids), refused, at=timezone.now())


def _outbox_refused(rows, error: Exception, *, at) -> None:
    """Note on the outbox rows that the broker refused their messages; they wait for the next drain."""
    message = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
    count = rows.update(attempts=F("attempts") + 1, last_attempt_at=at, last_error=message)
    logger.warning(
        "The broker refused the generation of %s document(s); they wait in the outbox: %s", count, message
    )


def documents_outbox_drain(*, document_ids=None, limit: int = 500) -> int:
    """Send the generation messages waiting in the outbox (only these documents', if given); return how many.

    Each row is deleted once its message is on the queue. When the broker refuses a message, the
    error is logged and recorded on the rows left (``attempts``, ``last_error``), never raised: they
    wait for the next drain (the periodic task ``documents.tasks.documents_outbox_drain``). Rows are
    locked with SKIP LOCKED, so two drains never send the same message; a message sent twice anyway
    (a crash between sending and committing) does no harm, as generation is idempotent.
    """
    with transaction.atomic():
        waiting = DocumentOutbox.objects.select_for_update(skip_locked=True).order_by("created_at")
        if document_ids is not None:
            waiting = waiting.filter(document_id__in=[str(document_id) for document_id in document_ids])
        rows = list(waiting[:limit])
        sent, error = [], None
        for row in rows:
            try:
                documents_enqueue([row.document_id])
            except Exception as refused:  # the transport's own errors: none may reach a client
                error = refused
                break
            sent.append(row)
        now = timezone.now()
        if sent:
            DocumentOutbox.objects.filter(pk__in=[row.pk for row in sent]).delete()
        if error is not None:
            left = DocumentOutbox.objects.filter(pk__in=[row.pk for row in rows[len(sent) :]])
            _outbox_refused(left, error, at=now)
        # A message that an outage held back is on the document's record: it explains the wait.
        audit_record_all(
            [
                {
                    "action": "document.queue_delayed",
                    "resource_type": Document._meta.label_lower,
                    "resource_id": row.document_id,
                    "after": {
                        "attempts": row.attempts + 1,
                        "waitedSeconds": round((now - row.created_at).total_seconds(), 3),
                        "lastError": row.last_error,
                    },
                }
                for row in sent
                if row.attempts
            ]
        )
    return len(sent)


def _formats(document_type: DocumentType) -> list[str]:
    wanted = {str(fmt).upper() for fmt in document_type.output_formats or ()}
    return [fmt for fmt in FORMAT_ORDER if fmt in wanted]


def _now_iso() -> str:
    return timezone.now().isoformat()


# ----------------------------------------------------------------- creation on completion


@transaction.atomic
def documents_create_for_session(*, session: Session, state, actor=None) -> list[Document]:
    """Create one PENDING document per applicable type and format, and queue their generation.

    Called with the session's flow state: only visible, valid answers count. A type whose required
    questions are hidden or unanswered is not generated; the reasons are recorded as a
    ``document.skip`` audit entry on the session, which the client's and reviewers' pages show.
    """
    created, audits = _documents_create(session=session, state=state, actor=actor)
    audit_record_all(audits)
    return created


def _documents_create(*, session: Session, state, actor=None) -> tuple[list[Document], list[dict]]:
    """documents_create_for_session's writes; the audit entries are returned, not yet recorded."""
    structure = structure_load(session.questionnaire_id)
    types = selectors.document_types_for_planning()
    plans = document_plans(
        specs=[selectors.type_spec(document_type) for document_type in types.values()],
        questions=structure.questions,
        visible=state.evaluation.visible,
        answers=state.answers,
    )
    audits, wanted = [], []
    for plan in plans:
        document_type = types[plan.spec.slug]
        if not plan.generate:
            audits.append(
                {
                    "actor": actor,
                    "action": "document.skip",
                    "resource": session,
                    "after": {
                        "documentType": document_type.slug,
                        "name": document_type.name,
                        "reasons": list(plan.reasons),
                    },
                }
            )
            continue
        wanted += [(document_type, fmt) for fmt in _formats(document_type)]
    # Two statements whatever the number of types: those already made (a completion is done once, under
    # the session's lock, so none normally), then one INSERT of the others. bulk_create sends no post_save,
    # so the session's cached list of documents is dropped here, once.
    existing = set(
        Document.objects.filter(session=session, version=1).values_list("document_type_id", "format")
    )
    metadata = {
        "questionnaireId": str(session.questionnaire_id),
        "questionnaireVersion": session.questionnaire_version,
        "errors": [],
    }
    created = Document.objects.bulk_create(
        [
            Document(
                session=session,
                document_type=document_type,
                format=fmt,
                version=1,
                status=DocumentStatus.PENDING,
                generation_metadata=dict(metadata),
            )
            for document_type, fmt in wanted
            if (document_type.pk, fmt) not in existing
        ]
    )
    if created:
        document_metadata_changed(created[0])
    audits += [
        {
            "actor": actor,
            "action": "document.create",
            "resource": document,
            "after": {
                "status": DocumentStatus.PENDING,
                "documentType": document.document_type.slug,
                "format": document.format,
                "version": 1,
            },
        }
        for document in created
    ]
    _enqueue_on_commit(document.pk for document in created)
    return created, audits


def on_session_complete(*, session: Session, state) -> list[dict]:
    """The hook sessions_app calls when a session completes (registered in DocumentsConfig.ready), inside
    session_complete's transaction; returns the audit entries, which session_complete records last."""
    return _documents_create(session=session, state=state)[1]


# ----------------------------------------------------------------- generation


def _lock_id(document_id) -> int:
    return int.from_bytes(uuid.UUID(str(document_id)).bytes[:8], "big", signed=True)


@contextlib.contextmanager
def _generation_lock(document_id):
    """Hold a PostgreSQL advisory lock on the document for as long as this process renders it.

    The lock belongs to the database connection, so a worker that dies (even by SIGKILL) releases it
    with its connection: a redelivered task then takes over, while a duplicate delivered during a
    live render finds the lock taken and leaves the work to the first.
    """
    key = _lock_id(document_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except DatabaseError:
                logger.warning("Could not release the generation lock of document %s", document_id)


@transaction.atomic
def _generation_begin(*, document_id, attempt: int) -> Document | None:
    """Move a PENDING document to GENERATING (or take over a GENERATING one); None if there is nothing
    to do: the document is gone, or already generated by an earlier delivery of the same task.
    """
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("document_type", "session__user__organization", "session__questionnaire")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        logger.info("Document %s no longer exists; nothing to generate", document_id)
        return None
    metadata = dict(document.generation_metadata or {})
    metadata["attempts"] = int(metadata.get("attempts") or 0) + 1
    metadata.setdefault("errors", [])
    if document.status == DocumentStatus.PENDING:
        before, after = document.transition_to(DocumentStatus.GENERATING)
        metadata["startedAt"] = _now_iso()
        for stale in ("completedAt", "duration", "renderDuration"):
            metadata.pop(stale, None)
        document.generation_metadata = metadata
        document.save(update_fields=["status", "generation_metadata", "updated_at"])
        audit_record(
            action="document.generation_start",
            resource=document,
            before={"status": before},
            after={"status": after, "attempt": attempt},
        )
        return document
    if document.status == DocumentStatus.GENERATING:
        # A retry after an error, or a redelivery after the worker that held the task was lost.
        metadata["resumedAt"] = _now_iso()
        document.generation_metadata = metadata
        document.save(update_fields=["generation_metadata", "updated_at"])
        return document
    logger.info("Document %s is %s; this delivery has nothing to do", document_id, document.status)
    return None


@dataclass(frozen=True)
class _Artefact:
    payload: bytes
    pages: int
    content: Content
    pages_estimated: bool


@dataclass(frozen=True)
class Stamp:
    """Who approved a document and when: a final carries it instead of the draft marking."""

    reviewer: str
    date: str

    @property
    def text(self) -> str:
        return f"Approved by {self.reviewer} on {self.date}"


def _cover(document: Document, session: Session, content: Content, stamp: Stamp | None = None) -> Cover:
    """Return the cover: the client's company as they named it, the document, its date and version."""
    user = session.user
    organization = user.organization if user.organization_id else None
    brand = branding_of(organization)
    company = content.company[:COMPANY_MAX_LENGTH] or user.display_name
    return Cover(
        title=f"{document.document_type.name} · {company}",
        prepared_for=company,
        prepared_by=organization.name if organization is not None else "",
        questionnaire=f"{session.questionnaire.name} (version {session.questionnaire_version})",
        version=document.version,
        date=stamp.date if stamp else format_date(timezone.localdate().isoformat()),
        draft=stamp is None,
        approval=stamp.text if stamp else "",
        branding=brand,
        logo=_logo(brand),
    )


def _logo(brand) -> bytes | None:
    """Return the organization's logo from storage; a missing file leaves the cover without one."""
    if not brand.logo_key:
        return None
    try:
        with default_storage.open(brand.logo_key, "rb") as handle:
            data = handle.read(LOGO_MAX_BYTES + 1)
    except (OSError, ValueError) as error:
        logger.warning("The logo %s could not be read: %s", brand.logo_key, error)
        return None
    return data if len(data) <= LOGO_MAX_BYTES and logo_type(data[:16]) == brand.logo_mime_type else None


def document_render(*, document: Document, stamp: Stamp | None = None) -> _Artefact:
    """Return the file of a document, drawn from its session's answers and its reviewer's amendments
    (no write): the draft under review, marked as such, or with ``stamp`` the approved final."""
    session = document.session  # loaded with its client, organization and questionnaire
    content = selectors.document_content_for(document=document, session=session)
    cover = _cover(document, session, content, stamp)
    color = cover.branding.primary_color or FAMILY_COLORS.get(content.category, FAMILY_COLORS["CTO"])
    pdf = document.format == DocumentFormat.PDF
    charts = document_figures(content, color=color, formats=("svg",) if pdf else ("png",))
    if pdf:
        html, resources = pdf_source(document=document, content=content, cover=cover, charts=charts)
        payload, pages = pdf_render(html, resources)
        return _Artefact(payload, pages, content, pages_estimated=False)
    if spec_word_template(document):
        payload, pages = _word_from_template(document, content, cover, color)
        payload = docx_bytes_review(payload, cover=cover, blocks=content.blocks)
    else:
        payload, pages = docx_render(content, cover, charts)
    return _Artefact(payload, pages, content, pages_estimated=True)


def document_figures(content: Content, *, color: str, formats: tuple[str, ...]) -> dict:
    """Return every chart of a document: its matrix answers' (by Answer.chart_key) and its blocks'."""
    charts = document_charts(content.sections, color=color, formats=formats)
    for block in content.blocks:
        drawn = chart_draw(block.chart, color=color, formats=formats) if block.chart is not None else None
        if drawn is not None:
            charts[block.chart.key] = drawn
    return charts


def spec_word_template(document: Document) -> str:
    """Return the storage key of the type's uploaded Word template, or ""."""
    found = (document.document_type.metadata or {}).get("word_template")
    return str(found.get("key") or "") if isinstance(found, dict) else ""


def _word_from_template(document: Document, content: Content, cover: Cover, color: str) -> tuple[bytes, int]:
    """Fill the type's uploaded Word template (documents/wordtemplates.py) with this session's content."""
    key = spec_word_template(document)
    try:
        with default_storage.open(key, "rb") as handle:
            data = handle.read(MAX_UPLOAD + 1)
    except (OSError, ValueError) as error:
        raise WordTemplateError(f"The type's Word template {key} cannot be read: {error}") from error
    return word_fill(data, content, company=cover.prepared_for, color=color)


def pdf_source(*, document: Document, content: Content, cover: Cover, charts: dict) -> tuple[str, dict]:
    """Return a PDF's HTML and the resources WeasyPrint may fetch for it (the logo, the charts' SVG)."""
    resources = {"logo": (cover.logo, cover.branding.logo_mime_type)} if cover.logo else {}
    figures = {}
    for number, (key, chart) in enumerate(charts.items(), start=1):
        name = f"chart-{number}.svg"
        resources[name] = (chart.svg, "image/svg+xml")
        figures[key] = {"url": resource_url(name), "alt": chart.alt, "caption": chart.caption}
    html = html_render(
        template_name=document.document_type.template_path or DEFAULT_TEMPLATE,
        context={
            "content": content,
            "cover": cover,
            "document": document,
            "logo_url": resource_url("logo") if cover.logo else "",
            "figures": figures,
        },
    )
    return html, resources


def document_generate(*, document_id, attempt: int = 1, final_attempt: bool = True) -> Document | None:
    """Render a document, store it and submit it for review; idempotent.

    Not one transaction: the GENERATING status is committed before rendering (so that pages show it
    and a lost worker can be told from a live one), and the result after. A second delivery of the
    same task finds the work done (or under way) and changes nothing. On an error the attempt is
    recorded; on the last attempt, or an error no retry can fix, the document becomes FAILED. Raise
    GenerationError after recording a failure, so that the task can retry.
    """
    try:
        uuid.UUID(str(document_id))
    except ValueError:
        logger.warning("Ignoring a generation request for %r, which is not a document id", document_id)
        return None
    with _generation_lock(document_id) as acquired:
        if not acquired:
            logger.info("Document %s is being generated by another worker", document_id)
            return None
        document = _generation_begin(document_id=document_id, attempt=attempt)
        if document is None:  # generated already: a review may be waiting for its final or amended draft
            return document_render_due(document_id=document_id)
        started = time.monotonic()
        try:
            artefact = document_render(document=document)
            key = document_key(
                session_id=document.session_id,
                document_id=document.pk,
                version=document.version,
                slug=document.document_type.slug,
                extension=document.extension,
            )
            document_write(key=key, payload=artefact.payload)
        except Exception as error:
            final = final_attempt or isinstance(error, PERMANENT_ERRORS)
            _generation_fail(document_id=document.pk, error=error, attempt=attempt, final=final)
            raise GenerationError(f"{type(error).__name__}: {error}", final=final) from error
        return _generation_finish(
            document=document, key=key, artefact=artefact, render_seconds=time.monotonic() - started
        )


def _duration(metadata: dict, now: dt.datetime) -> float | None:
    started = metadata.get("startedAt")
    if not started:
        return None
    return round((now - dt.datetime.fromisoformat(started)).total_seconds(), 3)


@transaction.atomic
def _generation_fail(*, document_id, error: Exception, attempt: int, final: bool) -> None:
    document = Document.objects.select_for_update().get(pk=document_id)
    if document.status != DocumentStatus.GENERATING:
        return
    now = timezone.now()
    message = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
    metadata = dict(document.generation_metadata or {})
    metadata["errors"] = [
        *metadata.get("errors", []),
        {"attempt": attempt, "at": now.isoformat(), "error": message},
    ]
    fields = ["generation_metadata", "updated_at"]
    if final:
        before, after = document.transition_to(DocumentStatus.FAILED)
        metadata["completedAt"] = now.isoformat()
        metadata["duration"] = _duration(metadata, now)
        fields.append("status")
    document.generation_metadata = metadata
    document.save(update_fields=fields)
    if final:
        audit_record(
            action="document.fail",
            resource=document,
            before={"status": before},
            after={"status": after, "error": message},
        )
    logger.warning(
        "Generating document %s failed (attempt %s, final=%s): %s", document_id, attempt, final, message
    )


@transaction.atomic
def _generation_finish(
    *, document: Document, key: str, artefact: _Artefact, render_seconds: float
) -> Document:
    # Finishing documents of one session take turns, so that exactly one of them sees that none is
    # left to generate and tells the reviewers.
    list(Session.objects.select_for_update().filter(pk=document.session_id).values_list("pk", flat=True))
    now = timezone.now()
    session = document.session
    metadata = dict(document.generation_metadata or {})
    metadata.update(
        completedAt=now.isoformat(),
        duration=_duration(metadata, now),
        renderDuration=round(render_seconds, 3),
        questionnaireId=str(session.questionnaire_id),
        questionnaireVersion=session.questionnaire_version,
        sources=artefact.content.sources(),
        provenance=artefact.content.provenance(),
        snapshot=content_snapshot(artefact.content),
        pageCountEstimated=artefact.pages_estimated,
    )
    generating, generated = document.transition_to(DocumentStatus.GENERATED)
    _, waiting = document.transition_to(DocumentStatus.PENDING_REVIEW)
    document.storage_url = key
    document.file_name = f"{document.document_type.slug}-v{document.version}.{document.extension}"
    document.file_size = len(artefact.payload)
    document.page_count = artefact.pages
    document.generated_at = now
    document.generation_metadata = metadata
    # The row is only written if it is still GENERATING: the generation lock keeps other workers
    # away, and no review action applies to a document being generated.
    written = Document.objects.filter(pk=document.pk, status=DocumentStatus.GENERATING).update(
        status=waiting,
        storage_url=key,
        file_name=document.file_name,
        file_size=document.file_size,
        page_count=document.page_count,
        generated_at=now,
        generation_metadata=metadata,
        updated_at=now,
    )
    if not written:
        document.refresh_from_db()
        return document
    # update() sends no post_save: drop the session's cached document list here (and after commit).
    document_metadata_changed(document)
    unfinished = (
        Document.objects.filter(session_id=document.session_id, status__in=selectors.WAITING)
        .exclude(pk=document.pk)
        .exists()
    )
    # Audit rows last: appending takes the audit chain's lock until the transaction ends.
    audit_record(
        action="document.generated",
        resource=document,
        before={"status": generating},
        after={
            "status": generated,
            "key": key,
            "fileSize": document.file_size,
            "pageCount": document.page_count,
        },
    )
    audit_record(
        action="document.submit_for_review",
        resource=document,
        before={"status": generated},
        after={"status": waiting},
    )
    if not unfinished:
        after_commit(emails.reviewers_notify, session_id=document.session_id)
    return document


def documents_resume_stalled(*, older_than: dt.timedelta | None = None, limit: int = 500) -> int:
    """Queue again the documents left PENDING or GENERATING for too long (a lost message); return how many.

    Safe to run at any time: generation is idempotent, so a document that was only slow is not
    generated twice.
    """
    if older_than is None:
        older_than = dt.timedelta(minutes=getattr(settings, "DOCUMENTS_STALLED_MINUTES", 15))
    cutoff = timezone.now() - older_than
    # An approved document without its final, or a draft waiting to be drawn with amendments, is
    # waiting for the worker as much as a document being generated.
    waiting = (
        Q(status__in=selectors.WAITING)
        | (
            Q(status=DocumentStatus.APPROVED, storage_url__isnull=False)
            & ~Q(generation_metadata__has_key="final")
        )
        | Q(status=DocumentStatus.PENDING_REVIEW, generation_metadata__draftPending=True)
    )
    ids = list(
        # A document still in the outbox has never been sent: documents_outbox_drain sends it.
        Document.objects.filter(waiting, updated_at__lt=cutoff, outbox_entry__isnull=True)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    documents_enqueue(ids)
    return len(ids)


# ----------------------------------------------------------------- review


def lock_version(document: Document, *, status: str, target: str) -> list[Document]:
    """Lock every format of the document's version and return those in ``status``.

    Review decisions apply to a document version as a whole: its PDF and DOCX come from the same
    answers, so approving one approves the other. Raise IllegalTransition (towards ``target``) if the
    document itself is not in ``status``.
    """
    renditions = list(
        Document.objects.select_for_update(of=("self",))
        .select_related("document_type", "session")
        .filter(
            session_id=document.session_id,
            document_type_id=document.document_type_id,
            version=document.version,
        )
        .order_by("format")
    )
    current = next((row for row in renditions if row.pk == document.pk), None)
    if current is None:
        raise Document.DoesNotExist("The document no longer exists.")
    if current.status != status:
        raise IllegalTransition(current.status, target)
    return [row for row in renditions if row.status == status]


def review_entry(*, actor, text: str, action: str = "", section: str = "", section_label: str = "") -> dict:
    """Return one comment or internal note of ``review_status`` (docs/review.md gives the shape)."""
    return {
        "id": uuid.uuid4().hex[:12],
        "by": str(actor.pk),
        "byName": actor.display_name,
        "at": _now_iso(),
        "action": action,
        "section": section,
        "sectionLabel": section_label,
        "text": text,
    }


def _with_comment(review_status, *, actor, action: str, text: str, internal: bool = False, **extra) -> dict:
    """Return ``review_status`` with a comment for the client (or, ``internal``, a note for the team)."""
    review = dict(review_status or {})
    kind = "internalNotes" if internal else "comments"
    entries = list(review.get(kind) or [])
    if text:
        entries.append(review_entry(actor=actor, text=text, action=action))
    review[kind] = entries
    review.update(extra)
    return review


@transaction.atomic
def document_approve(*, document: Document, reviewer, comment: str = "") -> list[Document]:
    """Approve a document waiting for review (every format of its version); tell the client."""
    comment = (comment or "").strip()
    approved, audits = [], []
    now = timezone.now()
    for row in lock_version(document, status=DocumentStatus.PENDING_REVIEW, target=DocumentStatus.APPROVED):
        before, after = row.transition_to(DocumentStatus.APPROVED)
        row.approved_by, row.approved_at = reviewer, now
        row.review_status = _with_comment(row.review_status, actor=reviewer, action="approve", text=comment)
        row.save(update_fields=["status", "approved_by", "approved_at", "review_status", "updated_at"])
        approved.append(row)
        audits.append(
            {
                "actor": reviewer,
                "action": "document.approve",
                "resource": row,
                "before": {"status": before},
                "after": {"status": after, "comment": comment},
            }
        )
    audit_record_all(audits)
    # The finals are rendered by the worker (documents/finals.py), which tells the client once stored.
    _enqueue_on_commit(row.pk for row in approved if row.has_file)
    return approved


@transaction.atomic
def document_reject(*, document: Document, reviewer, reason: str, comments: str = "") -> list[Document]:
    """Reject a document waiting for review (every format of its version); a reason is required."""
    reason, comments = (reason or "").strip(), (comments or "").strip()
    if not reason:
        raise ReviewError("Give the reason for the rejection.")
    rejected, audits = [], []
    now = timezone.now()
    for row in lock_version(document, status=DocumentStatus.PENDING_REVIEW, target=DocumentStatus.REJECTED):
        before, after = row.transition_to(DocumentStatus.REJECTED)
        row.rejection_reason = reason
        row.review_status = _with_comment(
            row.review_status,
            actor=reviewer,
            action="reject",
            text=comments,
            internal=True,  # a rejection is the team's business: the next version answers it
            rejectedBy=str(reviewer.pk),
            rejectedAt=now.isoformat(),
        )
        row.save(update_fields=["status", "rejection_reason", "review_status", "updated_at"])
        rejected.append(row)
        audits.append(
            {
                "actor": reviewer,
                "action": "document.reject",
                "resource": row,
                "before": {"status": before},
                # The note is the team's: the trail records that one was written, not its words.
                "after": {"status": after, "reason": reason, "internalNote": bool(comments)},
            }
        )
    audit_record_all(audits)
    return rejected


ASSIGNABLE = (
    DocumentStatus.PENDING,
    DocumentStatus.GENERATING,
    DocumentStatus.GENERATED,
    DocumentStatus.PENDING_REVIEW,
)


@transaction.atomic
def document_assign(*, document: Document, assignee, actor) -> list[Document]:
    """Assign a document version to a reviewer of the same organization, and tell them."""
    organization_id = document.session.user.organization_id
    if (
        assignee is None
        or not selectors.reviewers_for_organization(organization_id=organization_id)
        .filter(pk=assignee.pk)
        .exists()
    ):
        raise ReviewError("Choose a reviewer of this organization.")
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.status not in ASSIGNABLE:
        raise ReviewError("Only a document that is not reviewed yet can be assigned.")
    assigned, audits = [], []
    for row in Document.objects.select_for_update().filter(
        session_id=document.session_id,
        document_type_id=document.document_type_id,
        version=document.version,
        status__in=ASSIGNABLE,
    ):
        before = (row.review_status or {}).get("assignedTo")
        row.review_status = {
            **(row.review_status or {}),
            "assignedTo": str(assignee.pk),
            "assignedBy": str(actor.pk),
            "assignedAt": _now_iso(),
        }
        row.save(update_fields=["review_status", "updated_at"])
        assigned.append(row)
        audits.append(
            {
                "actor": actor,
                "action": "document.assign",
                "resource": row,
                "before": {"assignedTo": before},
                "after": {"assignedTo": str(assignee.pk)},
            }
        )
    audit_record_all(audits)
    if assignee.pk != actor.pk:
        after_commit(emails.assignee_notify, document_id=document.pk, assignee_id=assignee.pk)
    return assigned


@transaction.atomic
def document_regenerate(*, document: Document, actor) -> list[Document]:
    """Create the next version of a rejected document (every format of its type) and queue it.

    The rejected version stays as it is, file and reason included; the new version is a new row.
    """
    rejected = lock_version(document, status=DocumentStatus.REJECTED, target=DocumentStatus.PENDING)
    return next_version(document=document, rejected=rejected, actor=actor, action="document.regenerate")


# What a new version keeps of the one before: its reviewer, and the reviewer's amendments, which the
# renderer applies only where the block's inputs are unchanged (documents/amendments.py).
CARRIED_REVIEW_KEYS = ("assignedTo", "amendments")


def next_version(
    *, document: Document, rejected: list[Document], actor, action: str, **metadata
) -> list[Document]:
    """Create and queue the version after ``document``'s, whose rows ``rejected`` the caller locked."""
    newest = selectors.latest_version(document=document)
    if newest != document.version:
        raise ReviewError(f"Version {newest} of this document already exists.")
    version = newest + 1
    previous = {row.format: row for row in rejected}
    created, audits = [], []
    for fmt in _formats(document.document_type) or [document.format]:
        source = previous.get(fmt) or next(row for row in rejected if row.pk == document.pk)
        row = Document.objects.create(
            session_id=document.session_id,
            document_type=document.document_type,
            format=fmt,
            version=version,
            status=DocumentStatus.PENDING,
            review_status={
                key: value
                for key, value in (source.review_status or {}).items()
                if key in CARRIED_REVIEW_KEYS
            },
            generation_metadata={
                "questionnaireId": str(source.session.questionnaire_id),
                "questionnaireVersion": source.session.questionnaire_version,
                "previousVersion": source.version,
                "previousDocumentId": str(source.pk),
                "rejectionReason": source.rejection_reason,
                "errors": [],
                **metadata,
            },
        )
        created.append(row)
        audits.append(
            {
                "actor": actor,
                "action": action,
                "resource": row,
                "before": {
                    "status": DocumentStatus.REJECTED,
                    "version": source.version,
                    "document": str(source.pk),
                },
                "after": {"status": DocumentStatus.PENDING, "version": version, **metadata},
            }
        )
    audit_record_all(audits)
    _enqueue_on_commit(row.pk for row in created)
    return created


@transaction.atomic
def document_retry(*, document: Document, actor) -> Document:
    """Send a FAILED document back to PENDING and queue its generation again."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    before, after = document.transition_to(DocumentStatus.PENDING)
    metadata = dict(document.generation_metadata or {})
    metadata.update(retriedAt=_now_iso(), retriedBy=str(actor.pk) if actor else None, attempts=0)
    document.generation_metadata = metadata
    document.save(update_fields=["status", "generation_metadata", "updated_at"])
    audit_record(
        actor=actor,
        action="document.retry",
        resource=document,
        before={"status": before},
        after={"status": after},
    )
    _enqueue_on_commit([document.pk])
    return document


@transaction.atomic
def document_download_record(*, document: Document, actor, final: bool = True) -> None:
    """Record that someone downloaded a document (its final, or a reviewer its draft)."""
    audit_record(
        actor=actor,
        action="document.download",
        resource=document,
        after={"format": document.format, "version": document.version, "final": final},
    )
