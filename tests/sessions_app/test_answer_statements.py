"""What saving an answer sends to the database, and in which order it takes its locks.

An answer locks its session, takes the audit chain's lock and reads the chain's end in its first
statement; its writes and its audit row then go with the COMMIT. An answer that stores an upload takes
the chain's lock only after the file is stored. Whatever else writes a session's responses locks the
session first, so that no writer holds a response while it waits for the chain's lock.
"""

import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditLog
from audit.services import audit_chain_verify
from sessions_app import services
from sessions_app.models import Response, Session
from tests.accounts.factories import UserFactory
from tests.questionnaires.factories import QuestionFactory
from tests.sessions_app.test_services import answer, form

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


class Sent:
    """The statements a block executes (not those kept for the COMMIT), and other events, in order."""

    def __init__(self):
        self.events = []

    def __call__(self, execute, sql, params, many, context):
        self.events.append(("sql", sql))
        return execute(sql, params, many, context)

    def statements(self):
        return [sql for kind, sql in self.events if kind == "sql"]


def last_seq() -> int:
    return AuditLog.objects.order_by("-chain_seq").values_list("chain_seq", flat=True).first() or 0


@pytest.mark.django_db(transaction=True)  # the answer's transaction is a real one, not a savepoint
def test_an_answer_takes_the_chain_lock_with_its_session_and_sends_its_writes_with_the_commit(
    session, flow, client_a, monkeypatch
):
    before = last_seq()
    backend = type(connections["default"])
    kept_at_commit, commit = [], backend._commit

    def recording(self):
        kept_at_commit.append(self.kept_for_commit)
        return commit(self)

    monkeypatch.setattr(backend, "_commit", recording)
    sent = Sent()
    with connection.execute_wrapper(sent):
        saved = answer(session, flow.team_size, "12", actor=client_a)
    # One statement: the session's lock, its answers, then the chain's lock and end.
    (first,) = sent.statements()
    assert "FOR UPDATE" in first and "session_answers_json" in first and "audit_chain_last_link" in first
    # The answer's and the session's writes (one statement), then the audit row, went with the COMMIT.
    ((write, audit_row),) = kept_at_commit
    assert write.startswith("WITH answer AS (INSERT INTO responses") and "UPDATE sessions SET" in write
    assert audit_row.startswith('INSERT INTO "audit_logs"')

    stored = Response.objects.get(session=session, question=flow.team_size)
    assert stored.value == {"number": 12} and stored.is_valid and stored.revision == 1
    row = Session.objects.get(pk=session.pk)
    assert row.progress == saved.state.progress and row.current_question_id == flow.team_size.id
    assert saved.session.updated_at == row.updated_at  # the transaction's time, read with the lock
    entry = AuditLog.objects.get(event="response.save")
    assert entry.chain_seq == before + 1
    assert entry.changes["after"] == {"question": str(flow.team_size.id), "revision": 1, "is_valid": True}
    assert audit_chain_verify().intact


def test_answers_saved_in_one_transaction_each_link_to_the_one_before(session, flow, client_a):
    """A change request saves several answers in one transaction: each reads the chain's end anew."""
    before = last_seq()
    with transaction.atomic():
        answer(session, flow.team_size, "12", actor=client_a)
        answer(session, flow.contact, "a@example.com", actor=client_a)
        answer(session, flow.team_size, "13", actor=client_a)
    seqs = list(AuditLog.objects.filter(event="response.save").order_by("chain_seq"))
    assert [entry.chain_seq for entry in seqs] == [before + 1, before + 2, before + 3]
    assert Response.objects.get(session=session, question=flow.team_size).revision == 2
    assert audit_chain_verify().intact


def test_an_answer_that_stores_an_upload_takes_the_chain_lock_after_storing_it(
    session, flow, client_a, media_root, monkeypatch
):
    question = QuestionFactory(section=flow.first, order_index=9, type="FILE_UPLOAD", text="Evidence")
    sent = Sent()
    save = services.default_storage.save

    def storing(name, content, **kwargs):
        sent.events.append(("stored", name))
        return save(name, content, **kwargs)

    monkeypatch.setattr(services.default_storage, "save", storing)
    prefix = f"q-{question.id}"
    with connection.execute_wrapper(sent):
        saved = services.response_save(
            session=session,
            question_id=str(question.id),
            data=form(),
            files={prefix: SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")},
            actor=client_a,
        )
    assert saved.result.is_valid
    kinds = [
        kind if kind == "stored" else "chain" if "audit_chain_last_link" in sql else "sql"
        for kind, sql in sent.events
    ]
    assert "chain" in kinds and kinds.index("stored") < kinds.index("chain")
    assert "audit_chain_last_link" not in sent.statements()[0]  # the session's lock alone, first
    assert audit_chain_verify().intact


def test_a_response_changed_or_deleted_in_the_admin_locks_its_session_first(
    session, flow, client_a, admin_user
):
    answer(session, flow.team_size, "12", actor=client_a)
    answer(session, flow.contact, "a@example.com", actor=client_a)
    response_admin = admin.site._registry[Response]
    request = RequestFactory().post("/")
    request.user = admin_user
    stored = Response.objects.get(session=session, question=flow.team_size)
    stored.value = {"number": 14}

    def lock_then_write(queries, write):
        sql = [query["sql"] for query in queries]
        lock = next(
            n for n, text in enumerate(sql) if text.startswith('SELECT "sessions"') and "FOR UPDATE" in text
        )
        written = next(n for n, text in enumerate(sql) if text.startswith(write))
        return lock < written

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response_admin.save_model(request, stored, form=None, change=True)
    assert lock_then_write(queries.captured_queries, 'UPDATE "responses"')
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response_admin.delete_model(request, stored)
    assert lock_then_write(queries.captured_queries, 'DELETE FROM "responses"')
    with CaptureQueriesContext(connection) as queries:
        response_admin.delete_queryset(request, Response.objects.filter(session=session))
    assert lock_then_write(queries.captured_queries, 'DELETE FROM "responses"')
    assert not Response.objects.filter(session=session).exists()
    assert audit_chain_verify().intact


def test_the_response_admin_cannot_move_an_answer_to_another_session_or_question(
    session, flow, client_a, org_a, staff_client
):
    answer(session, flow.team_size, "12", actor=client_a)
    stored = Response.objects.get(session=session, question=flow.team_size)
    other = services.session_start(
        user=UserFactory(email="other@acme.example", organization=org_a), questionnaire=flow.questionnaire
    )
    url = reverse("admin:sessions_app_response_change", args=[stored.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert 'name="session"' not in page.content.decode()  # shown, not a field of the form
    posted = staff_client.post(
        url,
        {
            "session": other.pk,
            "question": flow.contact.pk,
            "value": '{"number": 14}',
            "is_valid": "on",
            "revision": stored.revision,
            "time_spent_seconds": "",
            "answered_at_0": "2026-01-05",
            "answered_at_1": "10:00:00",
        },
    )
    assert posted.status_code == 302, re.findall(r"errorlist.{0,300}", posted.content.decode())
    stored.refresh_from_db()
    assert (stored.session_id, stored.question_id) == (session.pk, flow.team_size.pk)
    assert stored.value == {"number": 14}  # the correction itself was saved
    assert not Response.objects.filter(session=other).exists()
