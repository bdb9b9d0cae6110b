"""Tell PostgreSQL which organization the current request or task acts for (row-level security).

The policies (config/migrations/0001_row_level_security.py) read the `app.tenant` setting. It is set
at the start of every request, and of every Celery task, on the connection that request or task uses,
and reset when a pooled connection goes back to the pool, so a connection never carries one tenant's
scope into another's work. When the database role is a superuser or owner (tests, migrations), RLS
does not restrict it and nothing is sent.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
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


def tenant_for(user) -> str:
    if user is None or not user.is_authenticated:
        return ""
    if user.is_superuser:
        return SYSTEM
    return str(user.organization_id) if user.organization_id else ""


class TenantMiddleware:
    """Scope each request's database work to the user's organization; goes after authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        user_id = str(user.pk) if user is not None and user.is_authenticated else ""
        tenant = tenant_for(user)
        tenant_set(tenant, user_id=user_id)
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        # Replicas enforce the same policies; they are scoped on their first query of the request
        # only, so a request that never reads from a replica never connects to one.
        with contextlib.ExitStack() as stack:
            for alias in settings.DATABASE_REPLICAS:
                stack.enter_context(
                    connections[alias].execute_wrapper(_ScopeOnFirstQuery(alias, tenant, user_id))
                )
            return self.get_response(request)


class _ScopeOnFirstQuery:
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
