"""The tenancy context: which organization the connection acts for, set, nested, restored and reset.

What the policies then let each scope see is tests/test_row_level_security*.py.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.db.backends.signals import connection_created
from django.test.utils import CaptureQueriesContext

from core import tenancy
from tests.accounts.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def _scope() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting('app.tenant', true), ''), "
            "coalesce(current_setting('app.user_id', true), '')"
        )
        return cursor.fetchone()


@pytest.fixture
def row_security_on(monkeypatch):
    """Act as if connected as the application's role (the test suite connects as a superuser)."""
    monkeypatch.setitem(tenancy._applies, "default", True)
    yield
    tenancy.tenant_set("")


def test_nothing_is_sent_when_the_role_is_not_subject_to_row_security(monkeypatch):
    monkeypatch.setitem(tenancy._applies, "default", False)
    with CaptureQueriesContext(connection) as queries:
        tenancy.tenant_set(tenancy.SYSTEM, user_id="3f1c0c56-6b9a-4c39-9a07-2b8a8f8f1a10")
    assert len(queries) == 0


def test_the_scope_names_an_organization_and_a_user(row_security_on):
    tenancy.tenant_set("org-id", user_id="user-id")
    assert _scope() == ("org-id", "user-id")


def test_a_tenant_scope_is_cleared_when_its_block_ends(row_security_on):
    with tenancy.tenant_scope(tenancy.SYSTEM):
        assert _scope() == ("system", "")
    assert _scope() == ("", "")


def test_a_tenant_scope_is_cleared_when_its_block_raises(row_security_on):
    with pytest.raises(RuntimeError), tenancy.tenant_scope(tenancy.SYSTEM):
        raise RuntimeError("the task failed")
    assert _scope() == ("", "")


def test_a_system_scope_puts_back_the_scope_the_connection_had(row_security_on):
    tenancy.tenant_set("org-id", user_id="user-id")
    with tenancy.system_scope():
        assert _scope() == ("system", "user-id")
    assert _scope() == ("org-id", "user-id")


def test_a_system_scope_left_by_an_error_in_a_transaction_is_undone_by_the_rollback(row_security_on):
    tenancy.tenant_set("org-id", user_id="user-id")
    scope = tenancy.system_scope()
    with pytest.raises(DatabaseError), transaction.atomic(), scope, connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
    assert _scope() == ("org-id", "user-id")


def test_a_system_scope_changes_nothing_when_the_role_is_not_subject_to_row_security(monkeypatch):
    monkeypatch.setitem(tenancy._applies, "default", False)
    with CaptureQueriesContext(connection) as queries, tenancy.system_scope():
        pass
    assert len(queries) == 0


def test_a_user_acts_for_their_organization_an_administrator_for_all_an_anonymous_visitor_for_none():
    member = UserFactory()
    assert tenancy.tenant_for(member) == str(member.organization_id)
    assert tenancy.tenant_for(UserFactory(organization=None)) == ""
    assert tenancy.tenant_for(AdminFactory()) == tenancy.SYSTEM
    assert tenancy.tenant_for(AnonymousUser()) == ""
    assert tenancy.tenant_for(None) == ""


def test_a_replica_connection_is_scoped_once_on_its_first_query(row_security_on):
    scoper = tenancy.ScopeOnFirstQuery("default", "org-id", "user-id")
    with connection.execute_wrapper(scoper), CaptureQueriesContext(connection) as queries:
        assert _scope() == ("org-id", "user-id")
        _scope()
    assert sum("set_config" in query["sql"] for query in queries) == 1


def test_a_connection_back_in_the_pool_carries_no_scope(row_security_on):
    tenancy.tenant_set("org-id", user_id="user-id")
    connection.ensure_connection()
    tenancy.reset_pooled_connection(connection.connection)
    assert _scope() == ("", "")


@pytest.mark.django_db(transaction=True)
def test_a_worker_acts_for_every_organization_on_each_connection_it_opens():
    tenancy.worker_scope_system()
    try:
        connection.close()  # Celery closes the connection around every task: the scope must come back
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('app.tenant', true)")
            assert cursor.fetchone()[0] == "system"
    finally:
        connection_created.disconnect(dispatch_uid="tenancy-worker-system-scope")
        connection.close()
