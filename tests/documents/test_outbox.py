"""A broker outage delays documents and loses none: completion succeeds, the outbox keeps the messages.

The broker is made unreachable for real: the Celery app's connection is pointed at a Redis socket that
does not exist, then back at the live broker, which stands for the broker answering again.
"""

import datetime as dt
import logging

import psycopg
import pytest
from celery.schedules import crontab
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.api_keys import SCOPES, api_key_create
from audit.models import AuditLog
from config.celery import app
from documents import services, tasks
from documents.models import Document, DocumentOutbox, DocumentStatus
from sessions_app import services as session_services
from sessions_app.models import Session, SessionStatus
from tests.documents import broker
from tests.documents.builders import LEGAL_NAME, answer, complete_small_session, small_questionnaire
from tests.documents.factories import DocumentFactory, DocumentOutboxFactory
from tests.documents.workers import Worker, wait_for
from tests.test_row_level_security import app_role_connection

DEAD_BROKER = "redis+socket:///nonexistent/acqs-dead-redis.sock"


def _broker_use(url: str) -> None:
    # The app keeps a pool of connections to the broker it first met; drop it so the next message
    # connects to ``url``.
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_outage():
    """Make the broker unreachable; calling the returned function brings it back (as does the end)."""
    broker.queue_purge()
    live = app.conf.broker_url
    _broker_use(DEAD_BROKER)
    yield lambda: _broker_use(live)
    _broker_use(live)


@pytest.fixture
def ready_session(client_a, org_a, media_root):
    """A session of the small questionnaire (Business Plan, PDF and DOCX), answered and ready to complete."""
    session = session_services.session_start(
        user=client_a, questionnaire=small_questionnaire(organization=org_a)
    )
    answer(session, "Legal name", LEGAL_NAME)
    return session


def api_client_for(user) -> APIClient:
    _, raw_key = api_key_create(user=user, name="Integration", scopes=sorted(SCOPES))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return api


def outbox_of(session) -> dict[str, DocumentOutbox]:
    return {str(row.document_id): row for row in DocumentOutbox.objects.filter(document__session=session)}


def events_of(document) -> list[str]:
    return list(
        AuditLog.objects.filter(resource_type="documents.document", resource_id=document.pk)
        .order_by("timestamp")
        .values_list("event", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_completing_through_the_api_while_the_broker_is_down_succeeds_and_the_drain_sends_later(
    ready_session, client_a, broker_outage, caplog
):
    api = api_client_for(client_a)

    with caplog.at_level(logging.WARNING, logger="documents.services"):
        response = api.post(reverse("api:session-complete", args=[ready_session.pk]))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "COMPLETED"
    assert Session.objects.get(pk=ready_session.pk).status == SessionStatus.COMPLETED
    documents = list(Document.objects.filter(session=ready_session))
    assert {(d.format, d.status) for d in documents} == {
        ("PDF", DocumentStatus.PENDING),
        ("DOCX", DocumentStatus.PENDING),
    }
    waiting = outbox_of(ready_session)
    assert set(waiting) == {str(d.pk) for d in documents}
    assert all(row.attempts == 1 and "acqs-dead-redis.sock" in row.last_error for row in waiting.values())
    assert "wait in the outbox" in caplog.text
    # While the broker is still down, the periodic drain sends nothing and keeps every row.
    assert tasks.documents_outbox_drain.apply().get() == 0
    assert {row.attempts for row in outbox_of(ready_session).values()} == {2}

    broker_outage()  # the broker answers again
    assert tasks.documents_outbox_drain.apply().get() == 2

    assert outbox_of(ready_session) == {}
    queued = broker.queue_take()
    assert sorted(m["args"][0] for m in queued) == sorted(str(d.pk) for d in documents)
    assert {m["task"] for m in queued} == {"documents.tasks.document_generate"}
    for document in documents:
        assert events_of(document) == ["document.create", "document.queue_delayed"]
    delayed = AuditLog.objects.get(event="document.queue_delayed", resource_id=documents[0].pk)
    assert delayed.changes["after"]["attempts"] == 3
    assert "acqs-dead-redis.sock" in delayed.changes["after"]["lastError"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_completing_in_the_browser_while_the_broker_is_down_and_a_worker_generates_once_it_is_back(
    ready_session, client, client_a, broker_outage, media_root, tmp_path
):
    client.force_login(client_a)

    response = client.post(reverse("sessions_app:complete", args=[ready_session.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("sessions_app:review", args=[ready_session.pk])
    assert b"your answers are complete" in client.get(response["Location"]).content
    documents = list(Document.objects.filter(session=ready_session))
    assert len(documents) == 2 and {d.status for d in documents} == {DocumentStatus.PENDING}
    assert set(outbox_of(ready_session)) == {str(d.pk) for d in documents}

    broker_outage()
    worker = Worker(media_root=media_root, log=tmp_path / "worker.log", name="outbox")
    try:
        assert services.documents_outbox_drain() == 2
        generated = wait_for(
            lambda: all(
                d.status == DocumentStatus.PENDING_REVIEW
                for d in Document.objects.filter(session=ready_session)
            ),
            timeout=120,
            message="the worker to generate the documents the outage held back",
        )
    finally:
        worker.stop()
        broker.queue_purge()
    assert generated
    assert outbox_of(ready_session) == {}


@pytest.mark.django_db
def test_a_rolled_back_completion_leaves_nothing_in_the_outbox(ready_session):
    with pytest.raises(RuntimeError), transaction.atomic():
        session_services.session_complete(session=ready_session)
        assert len(outbox_of(ready_session)) == 2
        raise RuntimeError("the request failed after completing")

    assert not DocumentOutbox.objects.exists()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_document_retried_while_the_broker_is_down_waits_in_the_outbox(
    client_a, org_a, media_root, broker_outage, django_capture_on_commit_callbacks
):
    session = complete_small_session(
        user=client_a,
        questionnaire=small_questionnaire(organization=org_a),
        answers={"Legal name": LEGAL_NAME},
    )
    document = Document.objects.get(session=session, format="PDF")
    DocumentOutbox.objects.all().delete()  # as if the completion's messages had been sent
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.FAILED)
    document.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        services.document_retry(document=document, actor=None)

    assert list(DocumentOutbox.objects.values_list("document_id", "attempts")) == [(document.pk, 1)]


@pytest.mark.django_db
def test_the_stalled_sweep_leaves_documents_in_the_outbox_to_the_drain(ready_session):
    broker.queue_purge()
    session_services.session_complete(session=ready_session)  # its after-commit send never runs here
    assert len(outbox_of(ready_session)) == 2

    assert services.documents_resume_stalled(older_than=dt.timedelta(0)) == 0
    assert broker.queue_take() == []

    assert services.documents_outbox_drain() == 2
    assert len(broker.queue_take()) == 2
    # Sent on the first try: nothing for the audit trail beyond the creation.
    assert not AuditLog.objects.filter(event="document.queue_delayed").exists()


def test_beat_drains_the_outbox_every_minute():
    entry = app.conf.beat_schedule["documents-outbox-drain"]
    assert entry["task"] == tasks.documents_outbox_drain.name
    assert entry["schedule"] == crontab()


@pytest.mark.django_db(transaction=True)
def test_the_application_role_reaches_only_its_own_organizations_outbox_rows(org_a, client_a, client_b):
    own = DocumentOutboxFactory(document__session__user=client_a)
    DocumentOutboxFactory(document__session__user=client_b)
    others_document = DocumentFactory(session__user=client_b)

    with app_role_connection() as conn:
        conn.execute("SELECT set_config('app.tenant', %s, false)", [str(org_a.pk)])
        assert conn.execute("SELECT document_id FROM document_outbox").fetchall() == [(own.pk,)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO document_outbox (document_id) VALUES (%s)", [others_document.pk])
        assert conn.execute("DELETE FROM document_outbox").rowcount == 1
        conn.execute("SELECT set_config('app.tenant', 'system', false)")
        assert conn.execute("SELECT count(*) FROM document_outbox").fetchone()[0] == 1
