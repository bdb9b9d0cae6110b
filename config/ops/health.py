"""Database health from the core pg_stat_* views (seed 002's monitoring queries), and maintenance.

`database_health()` gathers table and index sizes, unused indexes, the cache hit ratio, long-running
queries, blocked queries and connections against max_connections, and marks each figure past its
threshold; `manage.py dbhealth` prints it and exits non-zero when something is. `maintenance_vacuum()`
is the periodic VACUUM ANALYZE for what autovacuum leaves undone. `readiness()` probes every
dependency for /readyz.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import OperationalError, connections, transaction

from config.ops.pgtools import ops_alias

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thresholds:
    long_query_seconds: float = 300  # seed 002: active for more than 5 minutes
    blocked_seconds: float = 30
    connections_ratio: float = 0.8  # seed 002: 80% of max_connections
    min_cache_hit_ratio: float = 0.99
    min_cache_blocks: int = 10_000  # below this many block reads the ratio says nothing yet
    top: int = 15


@dataclass
class HealthReport:
    sections: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


def _rows(cursor, statement: str, params=()) -> list[dict[str, Any]]:
    cursor.execute(statement, params)
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


TABLE_SIZES = """
SELECT relname AS table, pg_total_relation_size(relid) AS total_bytes, pg_relation_size(relid) AS data_bytes,
       pg_total_relation_size(relid) - pg_relation_size(relid) AS external_bytes,
       n_live_tup AS live_rows, n_dead_tup AS dead_rows,
       greatest(last_vacuum, last_autovacuum) AS last_vacuum,
       greatest(last_analyze, last_autoanalyze) AS last_analyze
FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC, relname LIMIT %s
"""

INDEX_USAGE = """
SELECT s.relname AS table, s.indexrelname AS index, s.idx_scan AS scans, s.idx_tup_read AS tuples_read,
       s.idx_tup_fetch AS tuples_fetched, pg_relation_size(s.indexrelid) AS bytes
FROM pg_stat_user_indexes s ORDER BY pg_relation_size(s.indexrelid) DESC, s.indexrelname LIMIT %s
"""

# Never scanned, and enforcing nothing (unique and primary keys and exclusion constraints do work unseen).
UNUSED_INDEXES = """
SELECT s.relname AS table, s.indexrelname AS index, pg_relation_size(s.indexrelid) AS bytes
FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = s.indexrelid)
ORDER BY pg_relation_size(s.indexrelid) DESC, s.indexrelname
"""

CACHE_HIT = """
SELECT coalesce(sum(heap_blks_hit), 0) AS heap_hit, coalesce(sum(heap_blks_read), 0) AS heap_read,
       coalesce(sum(idx_blks_hit), 0) AS index_hit, coalesce(sum(idx_blks_read), 0) AS index_read
FROM pg_statio_user_tables
"""

# Active for too long, or idle inside an open transaction for too long (it holds locks and stops VACUUM).
LONG_RUNNING = """
SELECT pid, usename AS role, state, extract(epoch FROM now() - coalesce(
           CASE WHEN state = 'active' THEN query_start ELSE state_change END, now()))::float AS seconds,
       left(query, 200) AS query
FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
  AND state IS NOT NULL AND state <> 'idle'
  AND now() - CASE WHEN state = 'active' THEN query_start ELSE state_change END > make_interval(secs => %s)
ORDER BY seconds DESC
"""

BLOCKED = """
SELECT waiting.pid, pg_blocking_pids(waiting.pid) AS blocked_by,
       extract(epoch FROM now() - waiting.query_start)::float AS seconds,
       left(waiting.query, 200) AS query,
       (SELECT left(string_agg(blocker.query, ' | '), 200) FROM pg_stat_activity blocker
        WHERE blocker.pid = ANY (pg_blocking_pids(waiting.pid))) AS blocking_query
FROM pg_stat_activity waiting
WHERE waiting.datname = current_database() AND cardinality(pg_blocking_pids(waiting.pid)) > 0
ORDER BY seconds DESC
"""

CONNECTIONS = """
SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS used,
       current_setting('max_connections')::int AS max,
       current_setting('superuser_reserved_connections')::int AS reserved
"""


def _estimated(statement: str) -> str:
    """Rewrite a size query to read the page counts the last VACUUM/ANALYZE recorded: no lock needed."""
    pages = "(SELECT relpages::bigint * current_setting('block_size')::int FROM pg_class WHERE oid = {})"
    statement = statement.replace("pg_total_relation_size(relid)", pages.format("relid"))
    statement = statement.replace("pg_relation_size(relid)", pages.format("relid"))
    return statement.replace("pg_relation_size(s.indexrelid)", pages.format("s.indexrelid"))


def database_health(*, using: str | None = None, thresholds: Thresholds | None = None) -> HealthReport:
    """Gather the monitoring figures of seed 002 and list what is past its threshold."""
    limits = thresholds or Thresholds()
    report = HealthReport()
    alias = using or ops_alias()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        # Measuring a table's size takes a share lock on it; a table locked by a migration or a stuck
        # transaction must not make the health check hang with everything else.
        cursor.execute("SET LOCAL lock_timeout = '2s'")
        try:
            with transaction.atomic(using=alias):
                report.sections["tables"] = _rows(cursor, TABLE_SIZES, [limits.top])
                report.sections["indexes"] = _rows(cursor, INDEX_USAGE, [limits.top])
                report.sections["unused_indexes"] = _rows(cursor, UNUSED_INDEXES)
        except OperationalError:
            report.sections["sizes_estimated"] = True
            report.sections["tables"] = _rows(cursor, _estimated(TABLE_SIZES), [limits.top])
            report.sections["indexes"] = _rows(cursor, _estimated(INDEX_USAGE), [limits.top])
            report.sections["unused_indexes"] = _rows(cursor, _estimated(UNUSED_INDEXES))

        (cache,) = _rows(cursor, CACHE_HIT)
        blocks = cache["heap_hit"] + cache["heap_read"] + cache["index_hit"] + cache["index_read"]
        ratio = (cache["heap_hit"] + cache["index_hit"]) / blocks if blocks else 1.0
        report.sections["cache_hit_ratio"] = {"ratio": round(float(ratio), 4), "blocks": int(blocks)}
        if blocks >= limits.min_cache_blocks and ratio < limits.min_cache_hit_ratio:
            report.problems.append(
                f"cache hit ratio {ratio:.2%} is below {limits.min_cache_hit_ratio:.0%}: "
                "shared_buffers (or the machine's memory) is too small for the working set"
            )

        long_running = _rows(cursor, LONG_RUNNING, [limits.long_query_seconds])
        report.sections["long_running"] = long_running
        if long_running:
            report.problems.append(
                f"{len(long_running)} queries or open transactions running longer than "
                f"{limits.long_query_seconds:g} s (longest {long_running[0]['seconds']:.0f} s, pid "
                f"{long_running[0]['pid']})"
            )

        blocked = _rows(cursor, BLOCKED)
        report.sections["blocked"] = blocked
        stuck = [
            row for row in blocked if row["seconds"] is not None and row["seconds"] >= limits.blocked_seconds
        ]
        if stuck:
            report.problems.append(
                f"{len(stuck)} queries waiting on locks for more than {limits.blocked_seconds:g} s "
                f"(pid {stuck[0]['pid']} blocked by {stuck[0]['blocked_by']})"
            )

        (conns,) = _rows(cursor, CONNECTIONS)
        usable = conns["max"] - conns["reserved"]
        conns["ratio"] = round(conns["used"] / usable, 4) if usable > 0 else 1.0
        report.sections["connections"] = conns
        if conns["ratio"] > limits.connections_ratio:
            report.problems.append(
                f"{conns['used']} of {usable} connections in use ({conns['ratio']:.0%} > "
                f"{limits.connections_ratio:.0%}): check the pools and PgBouncer"
            )
    return report


# --- Maintenance ----------------------------------------------------------------------------------------

# Tables whose dead rows passed 10% (and 1,000) without a vacuum for a day, or whose changes since the
# last ANALYZE passed 10% without an analyze for a day: autovacuum's own thresholds (20% + 50 rows) and
# its single worker per table leave big, busy tables like responses and audit partitions behind.
MAINTENANCE_CANDIDATES = """
SELECT relname, n_dead_tup > greatest(%(min_rows)s, %(ratio)s * n_live_tup)
           AND coalesce(greatest(last_vacuum, last_autovacuum), '-infinity') < now() - interval '1 day'
           AS vacuum,
       n_mod_since_analyze > greatest(%(min_rows)s, %(ratio)s * n_live_tup)
           AND coalesce(greatest(last_analyze, last_autoanalyze), '-infinity') < now() - interval '1 day'
           AS analyze
FROM pg_stat_user_tables WHERE schemaname = current_schema()
ORDER BY relname
"""

PARTITIONED_PARENTS = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'p' AND n.nspname = current_schema() ORDER BY c.relname
"""


def maintenance_vacuum(
    *, using: str | None = None, ratio: float = 0.1, min_rows: int = 1000, tables: list[str] | None = None
) -> list[str]:
    """VACUUM (ANALYZE) or ANALYZE what autovacuum leaves undone; return the statements run.

    Autovacuum never analyzes a partitioned table itself (only its partitions), so the planner's
    figures for `audit_logs` as a whole come from here. ``tables`` forces a VACUUM ANALYZE of those
    (after archival deleted many of their rows). Must run outside a transaction, as a role that owns
    the tables (MAINTENANCE_DATABASE when the application's role owns none).
    """
    connection = connections[using or ops_alias()]
    if connection.in_atomic_block:
        raise RuntimeError("VACUUM cannot run inside a transaction.")
    quote = connection.ops.quote_name
    statements = [f"VACUUM (ANALYZE) {quote(name)}" for name in tables or []]
    with connection.cursor() as cursor:
        for row in _rows(cursor, MAINTENANCE_CANDIDATES, {"min_rows": min_rows, "ratio": ratio}):
            if row["relname"] in (tables or []):
                continue
            if row["vacuum"]:
                statements.append(f"VACUUM (ANALYZE) {quote(row['relname'])}")
            elif row["analyze"]:
                statements.append(f"ANALYZE {quote(row['relname'])}")
        statements += [f"ANALYZE {quote(row['relname'])}" for row in _rows(cursor, PARTITIONED_PARENTS)]
        for statement in statements:
            started = time.monotonic()
            cursor.execute(statement)
            logger.info("%s took %.1f s", statement, time.monotonic() - started)
    return statements


# --- Readiness ------------------------------------------------------------------------------------------


def _timed(check) -> dict[str, Any]:
    started = time.monotonic()
    try:
        detail = check()
    except Exception as failure:  # a probe reports every failure; it never raises
        logger.warning("Readiness check failed: %s: %s", type(failure).__name__, failure)
        return {
            "ok": False,
            "error": type(failure).__name__,
            "ms": round((time.monotonic() - started) * 1000),
        }
    result = {"ok": True, "ms": round((time.monotonic() - started) * 1000)}
    if detail:
        result.update(detail)
    return result


def _check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_redis():
    import redis
    from django.conf import settings

    location = settings.CACHES["default"]["LOCATION"]
    location = location[0] if isinstance(location, list | tuple) else location
    # A connection of its own: the cache itself hides outages from the pages (IGNORE_EXCEPTIONS).
    client = redis.Redis.from_url(location, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def _check_storage():
    import os

    from django.core.files.storage import FileSystemStorage, storages

    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        location = storage.location
        os.makedirs(location, exist_ok=True)
        if not os.access(location, os.W_OK):
            raise PermissionError(f"{location} is not writable")
        return
    # One HEAD request: it proves the bucket answers and the credentials work, and writes nothing.
    storage.exists("readyz-probe")


def _check_broker():
    from django.conf import settings
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=1) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


CHECKS = {
    "database": _check_database,
    "redis": _check_redis,
    "storage": _check_storage,
    "broker": _check_broker,
}


def readiness(names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Probe PostgreSQL, Redis, the file storage and the broker (or only ``names``); time each."""
    return {name: _timed(check) for name, check in CHECKS.items() if not names or name in names}
