"""Backups: pg_dump with a manifest into the backup storage, restore into an empty database, pruning."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from audit.services import audit_record
from config.ops.backup import backup_create, backups_existing, backups_prune, manifest_name_for
from sessions_app import services
from sessions_app.models import Response, Session
from tests.ops.conftest import query
from tests.sessions_app.builders import branching_questionnaire

# pg_dump reads committed rows only, so these tests commit (and the database is flushed after each).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def answered_sessions(org_a, client_a):
    """Two clients' sessions with answers, and the audit rows their writes left."""
    flow = branching_questionnaire(organization=org_a, extra_questions=5)
    sessions = []
    for _ in range(2):
        session = services.session_start(user=client_a, questionnaire=flow.questionnaire)
        for question, raw in [(flow.has_product, flow.yes), (flow.team_size, "12")]:
            services.response_save(
                session=session, question_id=str(question.id), data={f"q-{question.id}": raw}
            )
        sessions.append(session)
    audit_record(action="ops.test", resource=client_a, after={"note": "before the backup"})
    return sessions


def test_backup_restore_into_an_empty_database_finds_every_row(
    answered_sessions, backup_storage, scratch_database, capsys
):
    answers = {(str(r.session_id), str(r.question_id)): r.value for r in Response.objects.all()}
    assert len(answers) == 4

    call_command("backup")
    archive, _ = backups_existing(backup_storage)[-1]
    manifest = json.loads(backup_storage.open(manifest_name_for(archive)).read())
    assert manifest["tables"]["responses"] == 4
    assert manifest["tables"]["sessions"] == 2
    assert manifest["tables"]["audit_logs"] >= 1
    assert manifest["size"] == backup_storage.size(archive)
    assert len(manifest["sha256"]) == 64

    # The disaster: every client's answers gone.
    Session.objects.all().delete()
    assert not Response.objects.exists()

    call_command("restore", archive, target_db=scratch_database)
    assert "match the manifest" in capsys.readouterr().out

    restored = {
        (str(session_id), str(question_id)): value
        for session_id, question_id, value in query(
            scratch_database, "SELECT session_id, question_id, value FROM responses"
        )
    }
    assert restored == answers
    for table, count in manifest["tables"].items():
        assert query(scratch_database, f'SELECT count(*) FROM "{table}"')[0][0] == count, table
    # The schema came back too: migrations, constraints, partitions.
    applied = query(scratch_database, "SELECT count(*) FROM django_migrations")[0][0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        assert applied == cursor.fetchone()[0]


def test_restore_refuses_a_database_that_is_not_empty(answered_sessions, backup_storage):
    backup = backup_create(storage=backup_storage)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", backup.archive)  # the live database


def test_restore_refuses_a_damaged_archive(answered_sessions, backup_storage, scratch_database):
    backup = backup_create(storage=backup_storage)
    with open(backup_storage.path(backup.archive), "r+b") as archive:
        archive.seek(200)
        archive.write(b"\x00" * 16)
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", backup.archive, target_db=scratch_database)
    assert query(scratch_database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")[0][0] == 0


def test_restore_refuses_a_backup_without_manifest(answered_sessions, backup_storage, scratch_database):
    backup = backup_create(storage=backup_storage)
    backup_storage.delete(backup.manifest_name)
    with pytest.raises(CommandError, match="no manifest"):
        call_command("restore", backup.archive, target_db=scratch_database)


def test_pruning_keeps_thirty_days_and_always_the_newest(backup_storage, db):
    now = timezone.now()
    made = [
        backup_create(storage=backup_storage, now=now - dt.timedelta(days=days)).archive
        for days in (45, 31, 29, 1)
    ]
    deleted = backups_prune(storage=backup_storage, now=now)
    assert deleted == made[:2]
    assert [name for name, _ in backups_existing(backup_storage)] == made[2:]
    assert not backup_storage.exists(manifest_name_for(made[0]))
    # Long after the last backup, the newest one still stays.
    assert backups_prune(storage=backup_storage, now=now + dt.timedelta(days=400)) == made[2:3]
    assert [name for name, _ in backups_existing(backup_storage)] == made[3:]


BUCKET = "acqs-backups-test"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@pytest.fixture
def s3_backups(settings):
    """Backups in S3 (django-storages), against moto's real S3 HTTP server."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)
    s3.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "backups": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "region_name": CREDENTIALS["region_name"],
                "default_acl": None,
                "file_overwrite": True,
            },
        },
    }
    yield s3
    server.stop()


def test_a_backup_in_s3_restores_and_verifies(answered_sessions, s3_backups, scratch_database):
    call_command("backup")
    keys = sorted(item["Key"] for item in s3_backups.list_objects_v2(Bucket=BUCKET)["Contents"])
    assert len(keys) == 2 and keys[0].endswith(".dump") and keys[1].endswith(".manifest.json")
    call_command("restore", keys[0], target_db=scratch_database)
    assert query(scratch_database, "SELECT count(*) FROM responses")[0][0] == 4


def test_the_client_binaries_match_the_servers_major_version(db):
    import glob

    from config.ops import pgtools

    path, major = pgtools.pg_binary("pg_dump", server=16)
    assert major == 16 and path.endswith("pg_dump")
    if glob.glob("/usr/lib/postgresql/15/bin/pg_dump"):
        assert pgtools.pg_binary("pg_dump", server=15) == ("/usr/lib/postgresql/15/bin/pg_dump", 15)
        # An archive written by pg_dump 16 needs pg_restore 16, even for a PostgreSQL 15 server.
        assert pgtools.pg_binary("pg_restore", server=15, at_least=16)[1] == 16
    with pytest.raises(pgtools.ToolMissing, match="PostgreSQL 99"):
        pgtools.pg_binary("pg_dump", server=99)


def test_the_daily_task_backs_up_and_prunes(answered_sessions, backup_storage):
    from config.tasks import backup_daily

    old = backup_create(storage=backup_storage, now=timezone.now() - dt.timedelta(days=40)).archive
    result = backup_daily.apply().get()
    assert result["pruned"] == [old]
    assert [name for name, _ in backups_existing(backup_storage)] == [result["archive"]]
