"""Retention (seed 000 §10): archival after 2 years, deletion after 7, audit partitions, API usage data."""

import csv
import datetime as dt
import gzip
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from accounts.models import ApiKey
from audit.partitions import audit_partitions_ensure, audit_partitions_existing
from audit.retention import audit_export_names
from audit.services import audit_chain_verify
from config.ops.retention import retention_run
from sessions_app.archive_models import ResponseArchive, SessionArchive
from sessions_app.models import Response, Session, SessionStatus
from tests.accounts.factories import ApiKeyFactory
from tests.audit.factories import AuditLogFactory
from tests.documents.factories import DocumentFactory
from tests.questionnaires.factories import QuestionFactory
from tests.sessions_app.factories import ResponseFactory, SessionFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture(autouse=True)
def _checks_immediately():
    """Check deferred foreign keys at once: a run drops tables that this test's transaction wrote to,
    which PostgreSQL refuses while their checks are pending (a real run commits each step)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def completed(years_ago: float, answers: int = 2, **extra) -> Session:
    session = SessionFactory(
        status=SessionStatus.COMPLETED,
        completed_at=NOW - dt.timedelta(days=365 * years_ago),
        progress={"percentage": 100, "answered": answers, "total": answers},
        **extra,
    )
    for index in range(answers):
        question = QuestionFactory(section__questionnaire=session.questionnaire, order_index=index)
        ResponseFactory(session=session, question=question, value={"text": f"answer {index}"})
    return session


def test_the_dry_run_reports_what_would_move_and_changes_nothing(backup_storage):
    completed(3, answers=3)
    completed(1)  # younger than two years: stays
    SessionFactory(status=SessionStatus.IN_PROGRESS)
    out = io.StringIO()
    call_command("archive", dry_run=True, stdout=out)
    report = out.getvalue()
    assert "dry run" in report
    assert "(would move): 1 sessions, 3 responses" in report
    assert Session.objects.count() == 3 and not SessionArchive.objects.exists()


def test_completed_sessions_move_to_the_archive_with_every_column(backup_storage):
    old = completed(2.5, answers=3)
    recent = completed(1.5)
    unfinished = SessionFactory(status=SessionStatus.ABANDONED, started_at=NOW - dt.timedelta(days=1500))
    before = Session.objects.filter(pk=old.pk).values().get()
    answers = {r.pk: r.value for r in Response.objects.filter(session=old)}

    report = retention_run(now=NOW)

    assert (report.sessions_archived, report.responses_archived) == (1, 3)
    assert not Session.objects.filter(pk=old.pk).exists()
    assert not Response.objects.filter(session_id=old.pk).exists()
    assert set(Session.objects.values_list("pk", flat=True)) == {recent.pk, unfinished.pk}
    archived = SessionArchive.objects.filter(pk=old.pk).values().get()
    for column, value in before.items():
        assert archived[column] == value, column
    assert archived["archived_at"] == NOW
    assert {r.pk: r.value for r in ResponseArchive.objects.filter(session_id=old.pk)} == answers


def test_a_session_with_documents_stays_until_the_documents_let_it_go(backup_storage):
    held = completed(3)
    DocumentFactory(session=held)
    report = retention_run(now=NOW)
    assert report.sessions_archived == 0
    assert report.sessions_held["documents"] == 1
    assert sum(report.sessions_held.values()) == 1  # every other referencing table counted, none holding
    assert Session.objects.filter(pk=held.pk).exists()


def test_an_invitation_and_the_reminders_sent_let_their_session_go_to_the_archive(backup_storage):
    from tests.sessions_app.factories import InvitationFactory, SessionReminderFactory

    moved = completed(3)
    invitation = InvitationFactory(session=moved, organization=moved.user.organization)
    SessionReminderFactory(session=moved)
    report = retention_run()
    assert sum(report.sessions_held.values()) == 0
    assert not Session.objects.filter(pk=moved.pk).exists()
    assert SessionArchive.objects.filter(pk=moved.pk).exists()
    invitation.refresh_from_db()
    assert invitation.session_id is None  # the invitation stays, with its status


def test_archived_sessions_are_deleted_seven_years_after_completion(backup_storage):
    completed(3, answers=2)
    retention_run(now=NOW)
    assert SessionArchive.objects.count() == 1

    # Five years on the session is 8 years old.
    report = retention_run(now=NOW + dt.timedelta(days=365 * 5))
    assert (report.archive_sessions_deleted, report.archive_responses_deleted) == (1, 2)
    assert not SessionArchive.objects.exists() and not ResponseArchive.objects.exists()


def test_a_run_is_audited(backup_storage):
    completed(3)
    retention_run(now=NOW)
    from audit.models import AuditLog

    entry = AuditLog.objects.get(event="retention.sessions_archive")
    assert entry.changes["after"]["sessions"] == 1


def _old_audit_month(months_ago: int) -> tuple[str, dt.date]:
    day = (NOW - dt.timedelta(days=31 * months_ago)).date().replace(day=15)
    (name,) = audit_partitions_ensure(today=day, months_ahead=0)
    return name, day


def test_audit_partitions_older_than_a_year_are_exported_then_dropped(backup_storage):
    old, day = _old_audit_month(14)
    young, young_day = _old_audit_month(6)
    stamp = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    for index in range(3):
        AuditLogFactory(timestamp=stamp + dt.timedelta(minutes=index), changes={"after": {"n": index}})
    AuditLogFactory(timestamp=dt.datetime.combine(young_day, dt.time(12), tzinfo=dt.UTC))

    dry = retention_run(now=NOW, dry_run=True)
    assert dry.audit_partitions == {old: 3}
    assert old in audit_partitions_existing()

    report = retention_run(now=NOW)
    assert report.audit_partitions == {old: 3}
    existing = audit_partitions_existing()
    assert old not in existing and young in existing
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [old])
        assert cursor.fetchone()[0] is None  # dropped, not only detached

    data_name, manifest_name = audit_export_names(old)
    manifest = json.loads(backup_storage.open(manifest_name).read())
    assert manifest["rows"] == 3
    # The hash chain (audit/chain.py) links the export to the rows that remain.
    assert manifest["chain_last_seq"] - manifest["chain_first_seq"] == 2
    assert len(manifest["chain_last_signature"]) == 64
    with backup_storage.open(data_name, "rb") as stored, gzip.open(stored) as unpacked:
        rows = list(csv.DictReader(io.TextIOWrapper(unpacked, encoding="utf-8")))
    assert [json.loads(row["changes"])["after"]["n"] for row in rows] == [0, 1, 2]
    assert {row["action"] for row in rows} == {"test.event"}
    # The drop's own audit entry records the dropped month's last link, so what remains still verifies.
    report = audit_chain_verify()
    assert report.intact, report.summary()


def test_a_partition_left_detached_by_a_stopped_run_is_finished(backup_storage):
    old, day = _old_audit_month(20)
    AuditLogFactory(timestamp=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC))
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE audit_logs DETACH PARTITION {old}")
    report = retention_run(now=NOW)
    assert report.audit_partitions == {old: 1}
    assert backup_storage.exists(audit_export_names(old)[0])
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [old])
        assert cursor.fetchone()[0] is None


def test_audit_exports_are_deleted_after_seven_years(backup_storage):
    old, day = _old_audit_month(14)
    retention_run(now=NOW)
    assert backup_storage.exists(audit_export_names(old)[0])
    report = retention_run(now=NOW + dt.timedelta(days=365 * 7))
    assert report.audit_exports_deleted == [audit_export_names(old)[0]]
    assert not backup_storage.exists(audit_export_names(old)[0])
    assert not backup_storage.exists(audit_export_names(old)[1])


def test_usage_data_of_keys_ended_more_than_90_days_ago_is_cleared(backup_storage):
    used = NOW - dt.timedelta(days=200)
    revoked_long_ago = ApiKeyFactory(revoked_at=NOW - dt.timedelta(days=120), last_used_at=used)
    expired_long_ago = ApiKeyFactory(expires_at=NOW - dt.timedelta(days=91), last_used_at=used)
    revoked_lately = ApiKeyFactory(revoked_at=NOW - dt.timedelta(days=30), last_used_at=used)
    live = ApiKeyFactory(last_used_at=used)

    assert retention_run(now=NOW, dry_run=True).api_keys_cleared == 2
    assert retention_run(now=NOW).api_keys_cleared == 2
    cleared = set(ApiKey.objects.filter(last_used_at__isnull=True).values_list("pk", flat=True))
    assert cleared == {revoked_long_ago.pk, expired_long_ago.pk}
    assert ApiKey.objects.filter(pk__in=[revoked_lately.pk, live.pk], last_used_at=used).count() == 2


def test_the_command_previews_a_future_run_but_only_as_a_dry_run(backup_storage):
    completed(1.5, answers=1)  # archived half a year from now
    out = io.StringIO()
    later = (NOW + dt.timedelta(days=200)).isoformat()
    call_command("archive", "--dry-run", "--now", later, stdout=out)
    assert "(would move): 1 sessions, 1 responses" in out.getvalue()
    with pytest.raises(CommandError, match="needs --dry-run"):
        call_command("archive", "--now", later)
    assert Session.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_daily_task_archives_and_then_vacuums_what_it_emptied(backup_storage):
    from config.tasks import retention_run as retention_task

    completed(3, answers=2)
    result = retention_task.apply().get()
    assert (result["sessions_archived"], result["responses_archived"]) == (1, 2)
    assert SessionArchive.objects.count() == 1


def test_response_exports_and_their_files_go_after_30_days(backup_storage, org_a):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from sessions_app.export_models import ResponseExport
    from tests.questionnaires.factories import QuestionnaireFactory

    questionnaire = QuestionnaireFactory(organization=org_a)
    old_key = default_storage.save("exports/test-old.csv", ContentFile(b"session,version\n"))
    old = ResponseExport.objects.create(
        organization=org_a, questionnaire=questionnaire, format="csv", file_key=old_key
    )
    ResponseExport.objects.filter(pk=old.pk).update(created_at=NOW - dt.timedelta(days=31))
    recent = ResponseExport.objects.create(organization=org_a, questionnaire=questionnaire, format="xlsx")
    ResponseExport.objects.filter(pk=recent.pk).update(created_at=NOW - dt.timedelta(days=29))

    assert retention_run(now=NOW, dry_run=True).response_exports_deleted == 1
    assert default_storage.exists(old_key)
    report = retention_run(now=NOW)
    assert report.response_exports_deleted == 1
    assert "response exports deleted after 30 days, with their files: 1" in "\n".join(report.lines())
    assert not default_storage.exists(old_key)
    assert list(ResponseExport.objects.values_list("pk", flat=True)) == [recent.pk]
