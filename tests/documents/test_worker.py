"""Generation in real Celery worker processes, on the real Redis broker and PostgreSQL.

The worker runs as a separate process on this run's test database (transactional tests, so that it
sees committed rows) and this run's own queue; files go to a temporary folder both processes share.
"""

import io
from collections import Counter

import docx
import pypdf
import pytest

from audit.models import AuditLog
from documents.models import Document, DocumentFormat, DocumentStatus
from tests.documents import broker
from tests.documents.builders import (
    BACKUP,
    DEMO_TYPE_SLUGS,
    DORMANT_DEBT,
    DORMANT_INDUSTRY,
    LEGAL_NAME,
    MISSION,
    PROBLEMS,
    PRODUCT,
    complete_demo_session,
)
from tests.documents.workers import Worker, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EXPECTED = {(slug, fmt) for slug in DEMO_TYPE_SLUGS for fmt in ("PDF", "DOCX")}


@pytest.fixture
def workers(tmp_path, media_root):
    """Start workers on demand; every one of them is stopped at the end, whatever happened."""
    broker.queue_purge()
    started = []

    def start(name: str) -> Worker:
        worker = Worker(media_root=media_root, log=tmp_path / f"{name}.log", name=name)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    broker.queue_purge()


def all_waiting_for_review(session):
    documents = list(Document.objects.filter(session=session))
    done = [d for d in documents if d.status == DocumentStatus.PENDING_REVIEW]
    return documents if documents and len(done) == len(documents) else None


def text_of(path, fmt) -> str:
    data = path.read_bytes()
    if fmt == DocumentFormat.PDF:
        return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_a_worker_turns_a_completed_session_into_pdf_and_docx_files_with_the_answers(
    workers, client_a, org_a, reviewer_a, media_root
):
    worker = workers("generator")
    session = complete_demo_session(user=client_a, organization=org_a)  # queues on commit

    documents = wait_for(
        lambda: all_waiting_for_review(session), timeout=120, message="every document to be generated"
    )

    assert {(d.document_type.slug, d.format) for d in documents} == EXPECTED
    for document in documents:
        path = media_root / document.storage_url
        assert path.stat().st_size == document.file_size > 0
        text = text_of(path, document.format)
        assert DORMANT_INDUSTRY not in text and DORMANT_DEBT not in text, document
        answers = {
            "business-plan": [LEGAL_NAME, MISSION, "Venture capital"],
            "brd": [PROBLEMS],
            "product-architecture": [PRODUCT, "Microservices"],
            "disaster-recovery-plan": [BACKUP, "6 hours"],
        }.get(document.document_type.slug, [])
        for answer in answers:
            assert answer in text, (document, answer)
        assert document.page_count >= 1 and document.generated_at is not None
        assert document.generation_metadata["errors"] == []
    output = worker.output()
    assert "waiting for review" in output and reviewer_a.email in output  # the console e-mail backend


def test_a_worker_killed_mid_task_is_replaced_and_every_document_is_generated_once(
    workers, client_a, org_a, media_root
):
    first = workers("doomed")
    session = complete_demo_session(user=client_a, organization=org_a)
    busy = wait_for(
        lambda: Document.objects.filter(
            session=session, status=DocumentStatus.GENERATING, format=DocumentFormat.PDF
        ).first(),
        timeout=60,
        interval=0.01,
        message="the worker to start rendering a PDF",
    )

    first.kill()

    busy.refresh_from_db()
    assert busy.status == DocumentStatus.GENERATING  # the kill landed in the middle of the task
    workers("replacement")
    documents = wait_for(
        lambda: all_waiting_for_review(session),
        timeout=120,
        message="the replacement to finish every document",
    )

    assert Counter((d.document_type.slug, d.format, d.version) for d in documents) == Counter(
        (slug, fmt, 1) for slug, fmt in EXPECTED
    )
    generated = Counter(
        AuditLog.objects.filter(event="document.generated", resource_type="documents.document").values_list(
            "resource_id", flat=True
        )
    )
    assert generated == Counter({d.pk: 1 for d in documents})
    for document in documents:
        folder = media_root / "documents" / str(session.pk) / str(document.pk)
        assert [p.name for p in folder.rglob("*") if p.is_file()] == [
            f"{document.document_type.slug}.{document.extension}"
        ]
    busy.refresh_from_db()
    assert busy.generation_metadata["attempts"] == 2  # taken over after the redelivery
    starts = AuditLog.objects.filter(event="document.generation_start", resource_id=busy.pk).count()
    assert starts == 1
