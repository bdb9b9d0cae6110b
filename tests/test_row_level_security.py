"""Row-level security: the application's role sees only the organization its request or task acts for."""

import json

import psycopg
import pytest
from django.db import connection

from core import tenancy
from tests.accounts.factories import ApiKeyFactory
from tests.documents.factories import DocumentFactory
from tests.sessions_app.factories import ResponseFactory

pytestmark = pytest.mark.django_db(transaction=True)
TENANT_TABLES = ["sessions", "responses", "documents", "api_keys"]


def app_role_connection():
    """A raw connection to the test database as the application's role, as production connects."""
    params = connection.get_connection_params()
    return psycopg.connect(
        dbname=params["dbname"],
        host=params.get("host"),
        port=params.get("port"),
        user="acqs_app",
        autocommit=True,
    )


@pytest.fixture
def two_tenants(org_a, org_b, client_a, client_b):
    for user in (client_a, client_b):
        response = ResponseFactory(session__user=user)
        DocumentFactory(session=response.session)
        ApiKeyFactory(user=user)
    return org_a, org_b


def counts(conn) -> dict[str, int]:
    return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TENANT_TABLES}


def test_the_app_role_owns_nothing_and_cannot_bypass_row_security():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'acqs_app'")
        assert cursor.fetchone() == (False, False)
        cursor.execute(
            "SELECT relname, pg_get_userbyid(relowner), relrowsecurity FROM pg_class WHERE relname = ANY(%s)",
            [TENANT_TABLES],
        )
        rows = cursor.fetchall()
    assert len(rows) == 4
    assert all(owner != "acqs_app" and secured for _, owner, secured in rows)


def test_a_raw_query_without_the_setting_returns_no_rows(two_tenants):
    with app_role_connection() as conn:
        assert counts(conn) == dict.fromkeys(TENANT_TABLES, 0)


def test_a_tenant_sees_only_its_own_rows_and_system_sees_all(two_tenants):
    org_a, _ = two_tenants
    with app_role_connection() as conn:
        conn.execute("SELECT set_config('app.tenant', %s, false)", [str(org_a.pk)])
        assert counts(conn) == dict.fromkeys(TENANT_TABLES, 1)
        conn.execute("SELECT set_config('app.tenant', 'system', false)")
        assert counts(conn) == dict.fromkeys(TENANT_TABLES, 2)


def test_a_tenant_cannot_write_a_row_for_another_organization(two_tenants, client_b):
    org_a, _ = two_tenants
    with app_role_connection() as conn:
        conn.execute("SELECT set_config('app.tenant', %s, false)", [str(org_a.pk)])
        questionnaire_id = conn.execute("SELECT questionnaire_id FROM sessions LIMIT 1").fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO sessions (user_id, questionnaire_id, questionnaire_version) VALUES (%s, %s, 1)",
                [client_b.pk, questionnaire_id],
            )
        assert (
            conn.execute("UPDATE sessions SET industry = 'x' WHERE user_id = %s", [client_b.pk]).rowcount == 0
        )


def test_each_request_scopes_the_connection_to_the_users_organization(client, client_a, monkeypatch):
    monkeypatch.setitem(tenancy._applies, "default", True)  # as if connected as the application's role
    client.force_login(client_a)
    client.get("/sessions/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.tenant', true), current_setting('app.user_id', true)")
        assert cursor.fetchone() == (str(client_a.organization_id), str(client_a.pk))
    client.logout()
    client.get("/sessions/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.tenant', true)")
        assert cursor.fetchone()[0] == ""


def test_the_answer_paths_function_reads_another_tenants_answers_as_none(two_tenants, client_a, client_b):
    """session_answers_json() asks about the session once, for the caller's scope, then reads its answers
    with the owner's rights: the rows the policy would let through, or none (sessions_app 0010)."""
    org_a, _ = two_tenants
    with connection.cursor() as cursor:
        cursor.execute("SELECT user_id, id FROM sessions")
        session_of = dict(cursor.fetchall())
        # The owner (the suite's role) is not subject to the policies: it reads any session's answers.
        cursor.execute("SELECT session_answers_json(%s)", [session_of[client_b.pk]])
        assert len(json.loads(cursor.fetchone()[0])) == 1  # Django's connection reads jsonb as text
    answers = "SELECT session_answers_json(%s)"
    with app_role_connection() as conn:
        assert conn.execute(answers, [session_of[client_a.pk]]).fetchone()[0] == []  # nobody named
        conn.execute("SELECT set_config('app.tenant', %s, false)", [str(org_a.pk)])
        own = conn.execute(answers, [session_of[client_a.pk]]).fetchone()[0]
        other = conn.execute(answers, [session_of[client_b.pk]]).fetchone()[0]
        assert len(own) == 1 and other == []
        # A client named alone (before a tenant is set) reads its own session's answers, no one else's.
        conn.execute(
            "SELECT set_config('app.tenant', '', false), set_config('app.user_id', %s, false)",
            [str(client_b.pk)],
        )
        assert len(conn.execute(answers, [session_of[client_b.pk]]).fetchone()[0]) == 1
        assert conn.execute(answers, [session_of[client_a.pk]]).fetchone()[0] == []


def test_the_row_tests_that_read_other_tables_keep_their_plans():
    """A SQL function with an EXISTS cannot be inlined, and is parsed and planned again in every
    statement that calls it; PL/pgSQL keeps the plan. app_session_visible() reads with the owner's
    rights, so what it reads is not put through the policies again (config/migrations/0003_*)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, l.lanname, p.provolatile, p.prosecdef, p.proconfig FROM pg_proc p"
            " JOIN pg_language l ON l.oid = p.prolang"
            " WHERE p.proname IN ('app_user_visible', 'app_session_visible') ORDER BY p.proname"
        )
        assert cursor.fetchall() == [
            ("app_session_visible", "plpgsql", "s", True, ["search_path=pg_catalog, public"]),
            ("app_user_visible", "plpgsql", "s", False, None),
        ]
