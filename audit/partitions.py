"""Monthly range partitions of audit_logs: created ahead of time, never by hand.

Called from the migration, after every `migrate` (post_migrate), and daily by a Celery beat task.
Each partition gets the TRUNCATE guard of the append-only trail (statement triggers are not cloned
from the parent, unlike the row trigger that refuses UPDATE and DELETE), and row-level security with
no policy of its own (policies are not inherited either).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def partition_name(start: dt.date) -> str:
    return f"audit_logs_{start:%Y_%m}"


def partition_ddl(start: dt.date) -> str:
    end = add_months(start, 1)
    return (
        f"CREATE TABLE IF NOT EXISTS {partition_name(start)} PARTITION OF audit_logs "
        f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    )


def partition_truncate_guard_ddl(start: dt.date) -> str:
    """Add the TRUNCATE guard to a partition once the guard exists (migration 0002) and it lacks it."""
    name = partition_name(start)  # built from a date: nothing from outside reaches this SQL
    return (
        "DO $$ BEGIN "  # noqa: S608
        "IF to_regprocedure('audit_logs_refuse_truncate()') IS NOT NULL AND NOT EXISTS ("
        f"SELECT 1 FROM pg_trigger WHERE tgrelid = '{name}'::regclass "
        "AND tgname = 'audit_logs_refuse_truncate'"
        ") THEN "
        f"CREATE TRIGGER audit_logs_refuse_truncate BEFORE TRUNCATE ON {name} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_refuse_truncate(); "
        "END IF; END $$"
    )


def partition_row_security_ddl(start: dt.date) -> str:
    """Turn row-level security on for a partition once audit_logs has it (config migration 0002).

    Queries through audit_logs get its policies; a partition named directly gets its own, and it has
    none, so the application's role reads no row of it and inserts none.
    """
    name = partition_name(start)  # built from a date: nothing from outside reaches this SQL
    return (
        "DO $$ BEGIN "  # noqa: S608
        "IF (SELECT relrowsecurity FROM pg_class WHERE oid = 'audit_logs'::regclass) "
        f"AND NOT (SELECT relrowsecurity FROM pg_class WHERE oid = '{name}'::regclass) THEN "
        f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY; "
        "END IF; END $$"
    )


def audit_partitions_ensure(
    *, today: dt.date | None = None, months_ahead: int | None = None, cursor=None
) -> list[str]:
    """Create the partitions for this month and the next `months_ahead` months; return their names."""
    today = today or timezone.now().date()
    months_ahead = settings.AUDIT_PARTITION_MONTHS_AHEAD if months_ahead is None else months_ahead
    starts = [add_months(month_start(today), offset) for offset in range(months_ahead + 1)]
    makers = (partition_ddl, partition_truncate_guard_ddl, partition_row_security_ddl)
    statements = [make(start) for start in starts for make in makers]
    if cursor is None:
        # DDL needs the table's owner: the application's own role may not create partitions.
        with connections[settings.MAINTENANCE_DATABASE].cursor() as own_cursor:
            for statement in statements:
                own_cursor.execute(statement)
    else:
        for statement in statements:
            cursor.execute(statement)
    return [partition_name(start) for start in starts]


def audit_partitions_existing() -> list[str]:
    """Return the names of audit_logs' partitions, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT child.relname FROM pg_inherits
            JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
            JOIN pg_class child ON child.oid = pg_inherits.inhrelid
            WHERE parent.relname = 'audit_logs' ORDER BY child.relname
            """
        )
        return [row[0] for row in cursor.fetchall()]
