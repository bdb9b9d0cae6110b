"""SQL that Django's migration operations cannot express: ON DELETE in the database, updated_at triggers.

Django emulates ON DELETE in Python; seed 000 wants the database itself to behave so, for rows
deleted by SQL too. Each helper returns a reversible RunSQL.
"""

from django.db import migrations

UPDATED_AT_FUNCTION = migrations.RunSQL(
    sql="""
    CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
    BEGIN
        NEW.updated_at = NOW();
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql;
    """,
    reverse_sql="DROP FUNCTION IF EXISTS set_updated_at();",
)


def updated_at_trigger(table: str) -> migrations.RunSQL:
    """Keep updated_at current on every UPDATE, including bulk and raw ones."""
    name = f"trg_{table}_updated_at"
    return migrations.RunSQL(
        sql=f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION set_updated_at();",
        reverse_sql=f"DROP TRIGGER IF EXISTS {name} ON {table};",
    )


def _replace_fk(table: str, column: str, ref_table: str, on_delete: str) -> str:
    clause = f" ON DELETE {on_delete}" if on_delete else ""
    # Names come from migration files, never from input.
    return f"""
    DO $$
    DECLARE existing text;
    BEGIN
        FOR existing IN
            SELECT con.conname FROM pg_constraint con
            JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = ANY (con.conkey)
            WHERE con.conrelid = '{table}'::regclass AND con.contype = 'f' AND att.attname = '{column}'
        LOOP
            EXECUTE format('ALTER TABLE {table} DROP CONSTRAINT %I', existing);
        END LOOP;
    END
    $$;
    ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_fkey FOREIGN KEY ({column})
        REFERENCES {ref_table}(id){clause} DEFERRABLE INITIALLY DEFERRED;
    """  # noqa: S608


def foreign_key_on_delete(table: str, column: str, ref_table: str, on_delete: str) -> migrations.RunSQL:
    """Recreate a foreign key with the seed's ON DELETE action (CASCADE or SET NULL)."""
    return migrations.RunSQL(
        sql=_replace_fk(table, column, ref_table, on_delete),
        reverse_sql=_replace_fk(table, column, ref_table, ""),
    )
