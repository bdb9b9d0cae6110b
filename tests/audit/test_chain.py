"""The audit trail is append-only and hash-chained; tampering is refused or, below the app, detected."""

import contextlib
import datetime as dt
import io
import threading
import uuid

import pytest
from auditlog.context import set_actor
from auditlog.registry import auditlog
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from accounts.models import Organization
from audit.chain import SIGNED_FIELDS, UNSIGNED_COLUMNS, ChainAnchor
from audit.models import AuditLog
from audit.partitions import audit_partitions_ensure
from audit.services import audit_chain_anchor_before, audit_chain_verify, audit_record, audit_record_all
from tests.accounts.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _record(n=5, actor=None):
    return [
        audit_record(
            actor=actor,
            action="thing.update",
            resource_type="tests.thing",
            resource_id=uuid.uuid4(),
            before={"state": "old", "step": i},
            after={"state": "new", "step": i + 1},
        )
        for i in range(n)
    ]


def _verify() -> str:
    """Run the command; return its output, or raise CommandError (non-zero exit) with its message."""
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    return out.getvalue()


@contextlib.contextmanager
def _below_the_app():
    """Act as a superuser who switched the triggers off: what the chain exists to catch."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def _refused(statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        statement()


# --------------------------------------------------------------------------- append-only


def test_the_database_refuses_to_update_or_delete_a_row_through_the_orm():
    entry = _record(1)[0]
    _refused(lambda: AuditLog.objects.filter(pk=entry.pk).update(event="thing.forged"))
    _refused(lambda: AuditLog.objects.filter(pk=entry.pk).delete())
    entry.event = "thing.forged"
    _refused(entry.save)
    _refused(entry.delete)
    assert AuditLog.objects.get(pk=entry.pk).event == "thing.update"


def test_the_database_refuses_raw_update_and_delete_on_every_partition():
    entry = _record(1)[0]
    partition = f"audit_logs_{entry.timestamp:%Y_%m}"
    with connection.cursor() as cursor:
        for sql in [
            "UPDATE audit_logs SET changes = '{}' WHERE id = %s",
            "DELETE FROM audit_logs WHERE id = %s",
            f"UPDATE {partition} SET action = 'x' WHERE id = %s",
            f"DELETE FROM {partition} WHERE id = %s",
        ]:
            _refused(lambda sql=sql: cursor.execute(sql, [entry.pk]))
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_truncate_is_refused_to_a_role_that_does_not_own_the_table():
    _record(1)
    role = f"audit_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        # Created inside the test's transaction, so it disappears with it.
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON audit_logs TO {role}")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred FK check
        cursor.execute(f"SET LOCAL ROLE {role}")
        _refused(lambda: cursor.execute("TRUNCATE audit_logs"))
        # Row-level security gives such a role no DELETE policy: the statement reaches no row at all
        # (the append-only trigger refuses what a role that bypasses it reaches).
        cursor.execute("DELETE FROM audit_logs")
        assert cursor.rowcount == 0
        cursor.execute("RESET ROLE")
    assert AuditLog.objects.exists()


def test_a_new_months_partition_gets_the_same_protection():
    audit_partitions_ensure(today=dt.date(2032, 5, 1), months_ahead=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_logs_2032_05'::regclass "
            "AND NOT tgisinternal ORDER BY tgname"
        )
        assert [row[0] for row in cursor.fetchall()] == [
            "audit_logs_append_only",
            "audit_logs_organization",  # fills org_id (config/migrations/0002_row_level_security_more.py)
            "audit_logs_refuse_truncate",
        ]
        cursor.execute("SELECT relrowsecurity FROM pg_class WHERE oid = 'audit_logs_2032_05'::regclass")
        assert cursor.fetchone() == (True,)


# --------------------------------------------------------------------------- the chain


def test_rows_are_chained_in_order_and_the_command_says_the_chain_is_intact():
    entries = _record(4)
    seqs = [entry.chain_seq for entry in entries]
    assert seqs == list(range(seqs[0], seqs[0] + 4))
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.previous_signature == previous.signature
    total = AuditLog.objects.count()
    assert _verify().startswith(f"Audit chain intact: {total} rows")


def test_entries_recorded_together_are_chained_in_order_in_two_statements(django_assert_num_queries):
    _record(2)
    entries = [
        {
            "action": "thing.update",
            "resource_type": "tests.thing",
            "resource_id": uuid.uuid4(),
            "after": {"step": i},
        }
        for i in range(3)
    ]
    with transaction.atomic():
        with django_assert_num_queries(1):  # the chain's end under its lock
            recorded = audit_record_all(entries)
        # and one INSERT of the three rows, sent with the COMMIT (core/postgresql/base.py)
        assert [sql.split(" (")[0] for sql in connection.kept_for_commit] == ['INSERT INTO "audit_logs"']
    assert [entry.changes["after"]["step"] for entry in recorded] == [0, 1, 2]
    rows = list(AuditLog.objects.order_by("chain_seq"))
    assert [row.chain_seq for row in rows] == list(range(rows[0].chain_seq, rows[0].chain_seq + 5))
    assert [row.id for row in rows[2:]] == [entry.id for entry in recorded]
    assert _verify().startswith("Audit chain intact: 5 rows")
    with django_assert_num_queries(0):
        assert audit_record_all([]) == []


def test_a_domain_events_insert_leaves_the_columns_it_never_sets_to_their_defaults():
    from audit.services import _append

    with transaction.atomic():
        audit_record(action="thing.update", resource_type="tests.thing", resource_id=uuid.uuid4())
        (short,) = connection.kept_for_commit
        # An entry that sets one of those columns goes in with every column.
        _append([AuditLog(event="thing.update", resource_type="tests.thing", object_pk="42", changes={})])
        full = connection.kept_for_commit[-1]
    for column in ("object_pk", "serialized_data", "changes_text", "remote_port", "org_id"):
        assert f'"{column}"' not in short and f'"{column}"' in full
    for column in ("signature", "previous_signature", "chain_seq", "changes"):
        assert f'"{column}"' in short
    rows = list(AuditLog.objects.order_by("chain_seq").values_list("object_pk", "changes_text", "object_id"))
    assert rows == [("", "", None), ("42", "", None)]
    assert _verify().startswith("Audit chain intact: 2 rows")  # the defaults are what was signed


def test_an_empty_trail_is_intact():
    assert AuditLog.objects.count() == 0
    assert _verify().startswith("Audit chain intact: 0 rows")


def test_an_edited_row_is_named_by_the_command():
    entries = _record(5)
    edited = entries[2]
    with _below_the_app() as cursor:
        cursor.execute(
            "UPDATE audit_logs SET changes = %s WHERE id = %s",
            ['{"before": {}, "after": {"state": "forged"}}', edited.pk],
        )
    with pytest.raises(CommandError) as raised:
        _verify()
    message = str(raised.value)
    assert str(edited.pk) in message and f"seq {edited.chain_seq}" in message and "was changed" in message
    assert audit_chain_verify().problem.kind == "changed"


def test_a_deleted_row_is_reported_as_a_gap_before_the_next_row():
    entries = _record(5)
    with _below_the_app() as cursor:
        cursor.execute("DELETE FROM audit_logs WHERE id = %s", [entries[2].pk])
    with pytest.raises(CommandError) as raised:
        _verify()
    message = str(raised.value)
    assert f"seq {entries[2].chain_seq} is missing" in message and str(entries[3].pk) in message
    assert "removed" in message


def test_a_deleted_row_is_found_even_when_the_rows_after_it_are_renumbered():
    entries = _record(5)
    with _below_the_app() as cursor:
        cursor.execute("DELETE FROM audit_logs WHERE id = %s", [entries[2].pk])
        cursor.execute(
            "UPDATE audit_logs SET chain_seq = chain_seq - 1 WHERE chain_seq > %s", [entries[2].chain_seq]
        )
    report = audit_chain_verify()
    assert report.problem.kind == "removed" and report.problem.row_id == entries[3].pk


def test_swapped_rows_are_reported_as_reordered():
    entries = _record(5)
    first, second = entries[1], entries[3]
    with _below_the_app() as cursor:
        cursor.execute(
            "UPDATE audit_logs SET chain_seq = CASE WHEN id = %s THEN %s ELSE %s END WHERE id IN (%s, %s)",
            [first.pk, second.chain_seq, first.chain_seq, first.pk, second.pk],
        )
    with pytest.raises(CommandError) as raised:
        _verify()
    message = str(raised.value)
    assert str(second.pk) in message and f"seq {first.chain_seq}" in message and "out of order" in message
    assert audit_chain_verify().problem.kind == "reordered"


def test_a_row_signed_with_another_key_does_not_verify(settings):
    _record(2)
    settings.AUDIT_SIGNING_KEY = "a-different-key-entirely"
    report = audit_chain_verify()
    assert report.problem.kind == "changed"


def _drop_oldest(entries, keep_from):
    """Do what dropping the oldest partitions does; return the anchor retention keeps for them."""
    anchor = audit_chain_anchor_before(moment=entries[keep_from].timestamp)
    assert anchor == ChainAnchor(entries[keep_from - 1].chain_seq, entries[keep_from - 1].signature)
    with _below_the_app() as cursor:
        cursor.execute("DELETE FROM audit_logs WHERE chain_seq <= %s", [anchor.seq])
    return anchor


def test_after_old_rows_are_dropped_the_command_verifies_from_the_anchor_it_is_given():
    entries = _record(5)
    anchor = _drop_oldest(entries, keep_from=2)
    with pytest.raises(CommandError, match="the chain starts at seq"):
        _verify()
    out = io.StringIO()
    call_command(
        "verify_audit_log", "--after-seq", anchor.seq, "--after-signature", anchor.signature, stdout=out
    )
    assert "Audit chain intact: 3 rows" in out.getvalue()
    with pytest.raises(CommandError, match="does not follow"):
        call_command("verify_audit_log", "--after-seq", anchor.seq, "--after-signature", "0" * 64)


def test_an_anchor_recorded_in_the_trail_by_retention_is_found_by_itself():
    entries = _record(5)
    anchor = _drop_oldest(entries, keep_from=3)
    audit_record(
        action="retention.audit_partition_drop",
        resource_type="audit.auditlog",
        after={"partition": "audit_logs_2020_01", "chain_anchor": anchor.as_dict()},
    )
    assert _verify().startswith("Audit chain intact: 3 rows")


def test_numbers_and_text_in_changes_survive_jsonb_and_still_verify():
    audit_record(
        action="thing.odd",
        resource_type="tests.thing",
        before={"big": 1e20, "whole": 2.0, "tiny": 1.5e-7, "pi": 3.141592653589793, "neg": -0.0},
        after={"text": 'é ü 中文 \\n "quoted"', "nested": [{"b": 1, "a": [True, None]}], "int": 10**20},
    )
    assert audit_chain_verify().intact


def test_every_column_but_the_signature_is_signed_or_left_out_with_a_reason():
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_logs'")
        columns = {row[0] for row in cursor.fetchall()}
    assert columns - {"signature"} - set(UNSIGNED_COLUMNS) == {column for column, _ in SIGNED_FIELDS.values()}


def test_anonymising_the_actor_keeps_the_chain_valid(client_a):
    _record(3, actor=client_a)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE users SET email = %s, profile = '{}' WHERE id = %s", ["anonymised@invalid", client_a.pk]
        )
    assert audit_chain_verify().intact
    assert not AuditLog.objects.filter(actor_email__isnull=False).exists()


def test_a_rolled_back_append_leaves_no_gap():
    before = _record(1)[0]
    with contextlib.suppress(RuntimeError), transaction.atomic():
        _record(1)
        raise RuntimeError("the service failed after auditing")
    after = _record(1)[0]
    assert after.chain_seq == before.chain_seq + 1
    assert after.previous_signature == before.signature
    assert audit_chain_verify().intact


# --------------------------------------------------------------------------- both kinds of entry


@pytest.fixture
def organizations_audited():
    auditlog.register(Organization)
    yield
    auditlog.unregister(Organization)


def test_django_auditlog_entries_and_domain_events_share_one_chain(organizations_audited, admin_user):
    with set_actor(admin_user, remote_addr="203.0.113.7"):
        org = OrganizationFactory(name="Chained Ltd", slug="chained")
        audit_record(actor=admin_user, action="organization.review", resource=org, after={"ok": True})
        org.name = "Chained Limited"
        org.save()
    entries = list(AuditLog.objects.filter(resource_id=org.pk).order_by("chain_seq"))
    assert [entry.event for entry in entries] == [
        "organization.create",
        "organization.review",
        "organization.update",
    ]
    assert [entry.chain_seq for entry in entries] == list(
        range(entries[0].chain_seq, entries[0].chain_seq + 3)
    )
    history = entries[2]
    # Filled by django-auditlog's pre_save receiver, after save() began: signed all the same.
    assert history.actor_id == admin_user.pk and history.remote_addr == "203.0.113.7"
    assert history.changes["after"]["name"] == "Chained Limited"
    assert history.actor_email is None
    assert _verify().startswith("Audit chain intact")


# --------------------------------------------------------------------------- concurrency


@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_writers_keep_one_unforked_chain():
    writers, per_writer = 16, 20
    start = threading.Barrier(writers)
    errors = []

    def write(n):
        try:
            start.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    audit_record(
                        action="thing.concurrent", resource_type="tests.thing", after={"w": n, "i": i}
                    )
        except Exception as error:  # surfaced below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    rows = list(AuditLog.objects.order_by("chain_seq").values_list("chain_seq", "timestamp"))
    assert [seq for seq, _ in rows] == list(range(1, writers * per_writer + 1))
    timestamps = [stamp for _, stamp in rows]
    assert timestamps == sorted(timestamps)
    report = audit_chain_verify()
    assert report.intact and report.rows == writers * per_writer
