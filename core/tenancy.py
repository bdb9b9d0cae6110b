"""Tell PostgreSQL which organization the current request or task acts for (row-level security).

The policies (config/migrations/0001_row_level_security.py and 0002) read the `app.tenant` and
`app.user_id` settings. They are set at the start of every request on the connection it uses
(accounts.middleware.TenantMiddleware, which knows who the request is for), and on every connection a
Celery worker opens, and reset when a pooled connection goes back to the pool, so a connection never
carries one tenant's scope into another's work. When the database role is a superuser
or owner (tests, migrations), RLS does not restrict it and nothing is sent. docs/security.md says what
each step before sign-in names, and which reads act for every organization.
"""

from __future__ import annotations

import contextlib

import psycopg
from django.db import connections
from django.db.backends.signals import connection_created

TENANT_SETTING = "app.tenant"
USER_SETTING = "app.user_id"
SYSTEM = "system"
_applies: dict[str, bool] = {}


def row_security_applies(using: str = "default") -> bool:
    """Return whether the connected role is subject to row-level security (asked once per process)."""
    if using not in _applies:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT NOT (rolsuper OR rolbypassrls) FROM pg_roles WHERE rolname = current_user")
            _applies[using] = bool(cursor.fetchone()[0])
    return _applies[using]


def tenant_set(value: str, *, user_id: str = "", using: str = "default") -> None:
    """Scope the connection to one organization's id, to SYSTEM, or to nothing (""), plus one user's rows."""
    if row_security_applies(using):
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT set_config(%s, %s, false), set_config(%s, %s, false)",
                [TENANT_SETTING, value, USER_SETTING, user_id],
            )


@contextlib.contextmanager
def tenant_scope(value: str, *, using: str = "default"):
    tenant_set(value, using=using)
    try:
        yield
    finally:
        tenant_set("", using=using)


# Reads the scope before switching it, in one round trip: the materialised CTE is evaluated first.
_SWAP_TO_SYSTEM = """
WITH before AS MATERIALIZED (
    SELECT current_setting('app.tenant', true) AS tenant, current_setting('app.user_id', true) AS user_id
)
SELECT coalesce(tenant, ''), coalesce(user_id, ''), set_config('app.tenant', %s, false) FROM before
"""


@contextlib.contextmanager
def system_scope(*, using: str = "default"):
    """Act for every organization inside the block, then return to the scope the connection had.

    For the few reads that span tenants by nature, whoever asks: checking the whole audit chain,
    counting failed log-ins per IP address in the audit trail while Redis is down.
    """
    if not row_security_applies(using):
        yield
        return
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_SWAP_TO_SYSTEM, [SYSTEM])
        tenant, user_id, _ = cursor.fetchone()
    try:
        yield
    finally:
        # After an error inside a transaction the restore could not run; the rollback that must follow
        # undoes the switch itself (a setting made in a transaction is rolled back with it).
        raw = connection.connection
        if raw is not None and raw.info.transaction_status != psycopg.pq.TransactionStatus.INERROR:
            tenant_set(tenant, user_id=user_id, using=using)


def tenant_for(user) -> str:
    if user is None or not user.is_authenticated:
        return ""
    if user.is_superuser:
        return SYSTEM
    return str(user.organization_id) if user.organization_id else ""


class ScopeOnFirstQuery:
    """A database execute wrapper that scopes its connection just before the first query it sees."""

    def __init__(self, alias: str, tenant: str, user_id: str):
        self.alias, self.tenant, self.user_id, self.done = alias, tenant, user_id, False

    def __call__(self, execute, sql, params, many, context):
        if not self.done:
            self.done = True  # set first: tenant_set's own query passes through this wrapper too
            tenant_set(self.tenant, user_id=self.user_id, using=self.alias)
        return execute(sql, params, many, context)


def reset_pooled_connection(connection) -> None:
    """psycopg_pool `reset` hook: drop the scope before a connection is reused."""
    connection.execute(
        "SELECT set_config(%s, %s, false), set_config(%s, %s, false)", [TENANT_SETTING, "", USER_SETTING, ""]
    )


def _system_scope_on_connect(sender, connection, **kwargs) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, false), set_config(%s, '', false)",
            [TENANT_SETTING, SYSTEM, USER_SETTING],
        )


def worker_scope_system() -> None:
    """In a Celery worker process: every connection it opens acts for every organization.

    Set on connection, not per task: Celery closes the task's connection around each task (and the
    pool resets it), so a setting made before the task would be gone by its first query.
    """
    connection_created.connect(_system_scope_on_connect, dispatch_uid="tenancy-worker-system-scope")
