"""Completing a session creates documents; generating one renders, stores and submits it, exactly once.

These tests call the services in the test process, against the real PostgreSQL, Redis broker and a
private file storage; tests/documents/test_worker.py runs the same path in a real Celery worker.
"""

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import docx
import psycopg
import pypdf
import pytest
from celery.signals import task_retry
from django.core import mail
from django.db import connection

from audit.models import AuditLog
from documents import services, tasks
from documents.models import Document, DocumentStatus, DocumentType
from documents.storage import documents_storage
from tests.documents import broker
from tests.documents.builders import (
    BACKUP,
    DEMO_TYPE_SLUGS,
    DORMANT_DEBT,
    DORMANT_INDUSTRY,
    LEGAL_NAME,
    complete_demo_session,
    complete_small_session,
)

pytestmark = pytest.mark.django_db


def pdf_text(payload: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(payload)).pages)


def docx_text(payload: bytes) -> str:
    document = docx.Document(io.BytesIO(payload))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def stored(document: Document) -> bytes:
    with documents_storage().open(document.storage_url, "rb") as handle:
        return handle.read()


def text_of(document: Document) -> str:
    payload = stored(document)
    return pdf_text(payload) if document.format == "PDF" else docx_text(payload)


def events(document: Document) -> list[str]:
    return list(
        AuditLog.objects.filter(resource_type="documents.document", resource_id=document.pk)
        .order_by("timestamp")
        .values_list("event", flat=True)
    )


def test_completing_a_session_creates_a_pending_document_per_type_and_format_and_queues_them(
    client_a, org_a, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session = complete_demo_session(user=client_a, organization=org_a)

    documents = Document.objects.filter(session=session)
    assert {(d.document_type.slug, d.format) for d in documents} == {
        (slug, fmt) for slug in DEMO_TYPE_SLUGS for fmt in ("PDF", "DOCX")
    }
    assert {(d.status, d.version) for d in documents} == {(DocumentStatus.PENDING, 1)}
    # The request sends one message, whatever the number of documents: a worker's drain of their outbox
    # rows sends the generation messages.
    (request,) = broker.queue_take()
    assert request["task"] == "documents.tasks.documents_outbox_drain"
    assert sorted(request["kwargs"]["document_ids"]) == sorted(str(d.pk) for d in documents)
    assert tasks.documents_outbox_drain.apply(kwargs=request["kwargs"]).get() == len(documents)
    queued = broker.queue_take()
    assert sorted(m["args"][0] for m in queued) == sorted(str(d.pk) for d in documents)
    assert {m["task"] for m in queued} == {"documents.tasks.document_generate"}
    assert all(events(d) == ["document.create"] for d in documents)


def test_completion_takes_the_audit_chains_lock_once_after_all_its_other_writes(
    client_a, org_a, media_root, monkeypatch
):
    # Every audited write in the system waits for the chain's lock: completing a session, which creates
    # documents, records all its audit rows last, in one statement after the lock, so that it holds the
    # lock for two round trips and the commit, not while it creates the documents.
    from django.test.utils import CaptureQueriesContext

    from sessions_app import services as session_services

    completing = session_services.session_complete
    captured = {}

    def watched(**kwargs):
        with CaptureQueriesContext(connection) as queries:
            session = completing(**kwargs)
        captured["sql"] = [query["sql"] for query in queries.captured_queries]
        return session

    monkeypatch.setattr(session_services, "session_complete", watched)
    session = complete_demo_session(user=client_a, organization=org_a)
    sql = captured["sql"]
    locks = [n for n, text in enumerate(sql) if "audit_chain_last_link" in text]
    assert len(locks) == 1
    writes = [
        n for n, text in enumerate(sql) if text.startswith(("INSERT", "UPDATE")) and "audit_logs" not in text
    ]
    assert writes and max(writes) < locks[0]  # the session, the documents, the outbox: all before
    audit_inserts = [text for text in sql if text.startswith('INSERT INTO "audit_logs"')]
    assert len(audit_inserts) == 1
    kinds = set(
        AuditLog.objects.filter(
            resource_id__in=[
                session.pk,
                *Document.objects.filter(session=session).values_list("pk", flat=True),
            ]
        ).values_list("event", flat=True)
    )
    assert {"session.complete", "document.create"} <= kinds


def test_completion_plans_from_the_document_types_without_their_content_blocks(client_a, org_a, media_root):
    # Planning reads a type's fields, outline and required questions; the blocks, most of the metadata,
    # are for rendering. Completion reads the types once, with PostgreSQL leaving the blocks out.
    from dataclasses import replace

    from django.test.utils import CaptureQueriesContext

    from documents import selectors

    with CaptureQueriesContext(connection) as queries:
        session = complete_demo_session(user=client_a, organization=org_a)
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "document_types"' in q["sql"]]
    assert len(reads) == 1
    assert "- 'blocks') AS \"planning_metadata\"" in reads[0]
    assert '"document_types"."metadata",' not in reads[0]
    assert Document.objects.filter(session=session).count() == 2 * len(DEMO_TYPE_SLUGS)

    planned = selectors.document_types_for_planning()
    whole = {t.slug: t for t in DocumentType.objects.filter(is_active=True)}
    assert planned.keys() == whole.keys()
    assert any(t.metadata.get("blocks") for t in whole.values())
    for slug, document_type in planned.items():
        full = selectors.type_spec(whole[slug])
        assert selectors.type_spec(document_type) == replace(full, blocks=())


def test_nothing_is_queued_when_the_completion_is_rolled_back(client_a, small, media_root):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        complete_small_session(user=client_a, questionnaire=small, answers={"Legal name": LEGAL_NAME})
        raise RuntimeError("the request failed after completing")
    assert not Document.objects.exists()
    assert broker.queue_take() == []


def test_a_type_whose_required_question_is_unanswered_is_not_generated_and_says_why(
    client_a, org_a, media_root
):
    session = complete_demo_session(
        user=client_a,
        organization=org_a,
        # At the idea stage the backup strategy is no longer required, and the client skips it.
        overrides={
            "What stage is the company at?": "Idea or pre-revenue",
            "Describe your backup strategy.": None,
        },
    )

    slugs = set(Document.objects.filter(session=session).values_list("document_type__slug", flat=True))
    assert "disaster-recovery-plan" not in slugs
    assert "business-plan" in slugs
    [skip] = AuditLog.objects.filter(resource_id=session.pk, event="document.skip")
    assert skip.changes["after"]["documentType"] == "disaster-recovery-plan"
    assert skip.changes["after"]["reasons"] == [
        "The required question “Describe your backup strategy.” was not answered."
    ]


def test_a_type_whose_required_question_is_hidden_is_not_generated_and_says_why(client_a, small, media_root):
    website = small.sections.get().questions.get(text="Website")
    DocumentType.objects.filter(slug="business-plan").update(required_questions=[website.id])

    session = complete_small_session(
        user=client_a,
        questionnaire=small,
        answers={"Legal name": LEGAL_NAME},
        dormant_website="https://dormant-site.example",
    )

    assert not Document.objects.filter(session=session).exists()
    [skip] = AuditLog.objects.filter(resource_id=session.pk, event="document.skip")
    assert skip.changes["after"]["reasons"] == ["The required question “Website” is hidden by other answers."]


def test_generated_documents_hold_the_answers_in_words_and_never_a_dormant_one(demo_session):
    # The worker test renders all sixteen; here the three that carry the dormant answers' mappings.
    slugs = ["business-plan", "technology-roadmap", "disaster-recovery-plan"]
    documents = list(
        Document.objects.filter(session=demo_session, document_type__slug__in=slugs).select_related(
            "document_type"
        )
    )
    for document in documents:
        services.document_generate(document_id=document.pk)

    texts = {}
    for document in documents:
        document.refresh_from_db()
        assert document.status == DocumentStatus.PENDING_REVIEW
        texts[(document.document_type.slug, document.format)] = text_of(document)
    for (slug, fmt), text in texts.items():
        assert DORMANT_INDUSTRY not in text and DORMANT_DEBT not in text, (slug, fmt)
        assert "QXDORMANT" not in text
    for fmt in ("PDF", "DOCX"):
        plan = texts[("business-plan", fmt)]
        assert LEGAL_NAME in plan and "14 March 2014" in plan and "US$8,000,000" in plan
        assert "Growth (Series A to C)" in plan  # an option label, not its id
        roadmap = texts[("technology-roadmap", fmt)]
        assert "Continuous integration" in roadmap and "Measured" in roadmap  # a matrix as a table
        assert BACKUP in texts[("disaster-recovery-plan", fmt)]


def test_a_generated_document_records_its_file_timing_and_sources(small_session):
    pdf = Document.objects.get(session=small_session, format="PDF")

    services.document_generate(document_id=pdf.pk)

    pdf.refresh_from_db()
    assert pdf.storage_url == f"documents/{small_session.pk}/{pdf.pk}/v1/business-plan.pdf"
    assert pdf.file_name == "business-plan-v1.pdf"
    assert pdf.file_size == len(stored(pdf)) > 1000
    assert pdf.page_count >= 2 and pdf.generated_at is not None
    metadata = pdf.generation_metadata
    assert {"startedAt", "completedAt", "duration", "errors"} <= set(metadata)
    assert metadata["errors"] == [] and metadata["duration"] >= 0
    assert metadata["questionnaireVersion"] == small_session.questionnaire_version
    sources = {section["section"]: section["answers"] for section in metadata["sources"]}
    assert set(sources) == {"Executive summary", "Company overview"}  # the dormant website is not a source
    [legal_name] = sources["Company overview"]
    assert legal_name["field"] == "legal_name" and legal_name["revision"] == 1
    assert events(pdf) == [
        "document.create",
        "document.generation_start",
        "document.generated",
        "document.submit_for_review",
    ]


def test_a_task_delivered_twice_makes_one_file_and_one_status_history(small_session, media_root):
    docx_document = Document.objects.get(session=small_session, format="DOCX")

    first = services.document_generate(document_id=docx_document.pk)
    second = services.document_generate(document_id=docx_document.pk)

    assert first.status == DocumentStatus.PENDING_REVIEW and second is None
    folder = media_root / "documents" / str(small_session.pk) / str(docx_document.pk)
    assert [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()] == [
        "v1/business-plan.docx"
    ]
    assert events(docx_document).count("document.generated") == 1
    assert len(events(docx_document)) == 4


def test_a_duplicate_delivered_while_another_worker_renders_changes_nothing(small_session):
    pdf = Document.objects.get(session=small_session, format="PDF")
    params = connection.get_connection_params()
    other = psycopg.connect(
        dbname=params["dbname"], user=params.get("user"), host=params.get("host"), port=params.get("port")
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [services._lock_id(pdf.pk)])  # a live worker's lock
        assert services.document_generate(document_id=pdf.pk) is None
    finally:
        other.close()
    pdf.refresh_from_db()
    assert pdf.status == DocumentStatus.PENDING and not pdf.storage_url


def test_a_document_left_generating_by_a_lost_worker_is_taken_over(small_session):
    pdf = Document.objects.get(session=small_session, format="PDF")
    services._generation_begin(document_id=pdf.pk, attempt=1)  # the lost worker got this far

    document = services.document_generate(document_id=pdf.pk)

    assert document.status == DocumentStatus.PENDING_REVIEW
    assert document.generation_metadata["attempts"] == 2
    assert events(document).count("document.generation_start") == 1


def test_reviewers_of_the_organization_hear_once_when_the_last_document_is_ready(
    small_session, reviewer_a, reviewer_b, admin_user, django_capture_on_commit_callbacks
):
    pdf, docx_document = (Document.objects.get(session=small_session, format=f) for f in ("PDF", "DOCX"))
    with django_capture_on_commit_callbacks(execute=True):
        services.document_generate(document_id=pdf.pk)
    assert mail.outbox == []  # the DOCX is still to come
    with django_capture_on_commit_callbacks(execute=True):
        services.document_generate(document_id=docx_document.pk)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([reviewer_a.email, admin_user.email])
    message = mail.outbox[0]
    assert "waiting for review" in message.subject
    assert f"/documents/{pdf.pk}/" in message.body and "Business Plan" in message.body


def test_storage_failures_are_retried_then_the_document_fails_with_the_error(
    small_session, settings, tmp_path
):
    pdf = Document.objects.get(session=small_session, format="PDF")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    settings.MEDIA_ROOT = str(blocked)

    result = tasks.document_generate.apply(args=[str(pdf.pk)])  # retries run at once when applied eagerly

    assert result.get() == "FAILED"
    pdf.refresh_from_db()
    assert pdf.status == DocumentStatus.FAILED and not pdf.storage_url
    errors = pdf.generation_metadata["errors"]
    assert [e["attempt"] for e in errors] == list(range(1, tasks.MAX_RETRIES + 2))
    assert "NotADirectoryError" in errors[-1]["error"] or "FileExistsError" in errors[-1]["error"]
    assert events(pdf)[-1] == "document.fail"

    settings.MEDIA_ROOT = str(tmp_path / "media")
    services.document_retry(document=pdf, actor=None)
    assert services.document_generate(document_id=pdf.pk).status == DocumentStatus.PENDING_REVIEW
    assert events(pdf)[-4:] == [
        "document.retry",
        "document.generation_start",
        "document.generated",
        "document.submit_for_review",
    ]


def test_a_broken_template_fails_at_once_without_retrying(small_session):
    DocumentType.objects.filter(slug="business-plan").update(template_path="documents/types/missing.html")
    pdf = Document.objects.get(session=small_session, format="PDF")

    assert tasks.document_generate.apply(args=[str(pdf.pk)]).get() == "FAILED"

    pdf.refresh_from_db()
    assert pdf.status == DocumentStatus.FAILED
    assert len(pdf.generation_metadata["errors"]) == 1
    assert "TemplateDoesNotExist" in pdf.generation_metadata["errors"][0]["error"]


def test_each_retry_waits_a_random_delay_below_a_doubling_ceiling(small_session, settings, tmp_path):
    pdf = Document.objects.get(session=small_session, format="PDF")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    settings.MEDIA_ROOT = str(blocked)
    delays = []

    def record_delay(sender=None, reason=None, **kwargs):
        if sender.name == tasks.document_generate.name:
            delays.append(reason.when)  # the countdown Celery chose for this retry

    task_retry.connect(record_delay, weak=False)
    try:
        assert tasks.document_generate.apply(args=[str(pdf.pk)]).get() == "FAILED"
    finally:
        task_retry.disconnect(record_delay)

    task = tasks.document_generate
    assert (task.retry_backoff, task.retry_backoff_max, task.retry_jitter) == (10, 300, True)
    assert len(delays) == tasks.MAX_RETRIES
    ceilings = [min(task.retry_backoff_max, task.retry_backoff * 2**n) for n in range(len(delays))]
    assert all(0 <= delay <= ceiling for delay, ceiling in zip(delays, ceilings, strict=True)), delays


def test_documents_left_pending_are_queued_again_by_the_sweep(small_session):
    assert services.documents_resume_stalled() == 0  # just created: their messages are on the way

    assert services.documents_resume_stalled(older_than=dt.timedelta(0)) == 2

    assert len(broker.queue_take()) == 2


def test_storage_keys_are_one_per_document_and_version():
    key = services.document_key(session_id="s", document_id="d", version=3, slug="brd", extension="pdf")
    assert key == "documents/s/d/v3/brd.pdf"
    assert Path(key).parts[:2] == ("documents", "s")


def test_web_processes_never_import_weasyprint_or_matplotlib():
    code = (
        "import django, sys; django.setup(); "
        "import documents.views, documents.services, documents.tasks, documents.admin; "
        "print('weasyprint' in sys.modules, 'matplotlib' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip().splitlines()[-1] == "False False"
