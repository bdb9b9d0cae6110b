"""Make audit_logs tamper-evident: hash-chain columns, signatures for existing rows, append-only triggers.

The columns are added to the partitioned parent, which adds them to every partition. Existing rows are
chained in (created_at, id) order before the triggers exist; from then on rows can only be inserted.
"""

from django.db import migrations, models

from audit.chain import SIGNED_FIELDS, sign

ADD_COLUMNS_SQL = """
ALTER TABLE audit_logs
    ADD COLUMN chain_seq BIGINT NULL,
    ADD COLUMN previous_signature VARCHAR(64) NULL,
    ADD COLUMN signature VARCHAR(64) NULL;
"""

DROP_COLUMNS_SQL = """
ALTER TABLE audit_logs DROP COLUMN chain_seq, DROP COLUMN previous_signature, DROP COLUMN signature;
"""

# The refusal is a row trigger on the parent: PostgreSQL clones it to every partition, present and
# future. TRUNCATE has statement triggers only, which are not cloned, so audit/partitions.py adds one
# to each partition it creates. DETACH PARTITION and DROP TABLE fire neither: retention stays possible.
APPEND_ONLY_SQL = """
ALTER TABLE audit_logs
    ALTER COLUMN chain_seq SET NOT NULL,
    ALTER COLUMN previous_signature SET NOT NULL,
    ALTER COLUMN signature SET NOT NULL;
CREATE INDEX idx_audit_logs_chain_seq ON audit_logs (chain_seq);

-- The end of the chain, read under the chain's advisory lock in one round trip (audit/chain.py). The
-- function is VOLATILE, so its SELECT takes a fresh snapshot after the lock is granted and sees the
-- row the previous holder committed; a single plain statement would still see the older snapshot.
CREATE FUNCTION audit_chain_last_link(lock_key bigint, OUT now timestamptz, OUT seq bigint, OUT signature text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT last.chain_seq, last.signature INTO seq, signature
        FROM audit_logs AS last ORDER BY last.chain_seq DESC LIMIT 1;
    now := clock_timestamp();
END
$$;

CREATE FUNCTION audit_logs_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    RAISE EXCEPTION 'audit_logs is append-only: % of a row is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Old months are removed whole: ALTER TABLE audit_logs DETACH PARTITION, then DROP TABLE.';
END
$$;

CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs
    FOR EACH ROW EXECUTE FUNCTION audit_logs_refuse_change();

-- A role that owns the table (or a superuser) could drop these triggers anyway, so refusing it
-- TRUNCATE protects nothing and would break the test runner's flush; any other role is refused,
-- even one granted the TRUNCATE privilege.
CREATE FUNCTION audit_logs_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_logs is append-only: TRUNCATE of % is not allowed', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Old months are removed whole: ALTER TABLE audit_logs DETACH PARTITION, then DROP TABLE.';
END
$$;

CREATE TRIGGER audit_logs_refuse_truncate BEFORE TRUNCATE ON audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_refuse_truncate();

DO $$
DECLARE partition regclass;
BEGIN
    FOR partition IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'audit_logs'::regclass LOOP
        EXECUTE format(
            'CREATE TRIGGER audit_logs_refuse_truncate BEFORE TRUNCATE ON %s '
            'FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_refuse_truncate()',
            partition
        );
    END LOOP;
END
$$;
"""

DROP_APPEND_ONLY_SQL = """
DO $$
DECLARE partition regclass;
BEGIN
    FOR partition IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'audit_logs'::regclass LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS audit_logs_refuse_truncate ON %s', partition);
    END LOOP;
END
$$;
DROP TRIGGER audit_logs_refuse_truncate ON audit_logs;
DROP FUNCTION audit_logs_refuse_truncate();
DROP TRIGGER audit_logs_append_only ON audit_logs;
DROP FUNCTION audit_logs_refuse_change();
DROP FUNCTION audit_chain_last_link(bigint);
DROP INDEX idx_audit_logs_chain_seq;
ALTER TABLE audit_logs
    ALTER COLUMN chain_seq DROP NOT NULL,
    ALTER COLUMN previous_signature DROP NOT NULL,
    ALTER COLUMN signature DROP NOT NULL;
"""


def chain_existing_rows(apps, schema_editor):
    """Sign the rows written before the chain existed, oldest first, as one chain starting at seq 1."""
    AuditLog = apps.get_model("audit", "AuditLog")
    db = schema_editor.connection.alias
    rows = (
        AuditLog.objects.using(db)
        .order_by("timestamp", "id")
        .values(*(name for name in SIGNED_FIELDS if name not in {"chain_seq", "previous_signature"}))
        .iterator(chunk_size=2000)
    )
    previous = ""
    for seq, row in enumerate(rows, start=1):
        row.update(chain_seq=seq, previous_signature=previous)
        previous = sign(row)
        AuditLog.objects.using(db).filter(id=row["id"], timestamp=row["timestamp"]).update(
            chain_seq=seq, previous_signature=row["previous_signature"], signature=previous
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="auditlog",
                    name="chain_seq",
                    field=models.BigIntegerField(editable=False, null=True),
                ),
                migrations.AddField(
                    model_name="auditlog",
                    name="previous_signature",
                    field=models.CharField(blank=True, editable=False, max_length=64, null=True),
                ),
                migrations.AddField(
                    model_name="auditlog",
                    name="signature",
                    field=models.CharField(editable=False, max_length=64, null=True),
                ),
            ],
            database_operations=[
                migrations.RunSQL(ADD_COLUMNS_SQL, reverse_sql=DROP_COLUMNS_SQL),
            ],
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditlog",
                    name="chain_seq",
                    field=models.BigIntegerField(editable=False),
                ),
                migrations.AlterField(
                    model_name="auditlog",
                    name="previous_signature",
                    field=models.CharField(blank=True, editable=False, max_length=64),
                ),
                migrations.AlterField(
                    model_name="auditlog",
                    name="signature",
                    field=models.CharField(editable=False, max_length=64),
                ),
                migrations.AddIndex(
                    model_name="auditlog",
                    index=models.Index(fields=["chain_seq"], name="idx_audit_logs_chain_seq"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(APPEND_ONLY_SQL, reverse_sql=DROP_APPEND_ONLY_SQL),
            ],
        ),
    ]
