"""Row-level security on users, organizations, the questionnaire tables and the audit trail, read
with raw connections as the application's role; then the application itself, connected as that role.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import psycopg
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import connection, transaction

from accounts.models import User, UserRole
from accounts.services import mfa_activate
from audit.chain import CHAIN_LOCK_KEY
from audit.models import AuditLog
from audit.partitions import partition_name
from audit.services import audit_chain_verify, audit_record
from core import tenancy
from tests.accounts.factories import TOTP_SECRET, UserFactory
from tests.accounts.helpers import login_post, totp_code
from tests.questionnaires.factories import VisibilityRuleFactory
from tests.sessions_app.builders import branching_questionnaire
from tests.sessions_app.factories import SessionFactory
from tests.test_row_level_security import app_role_connection

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONNAIRE_TABLES = ["questionnaires", "sections", "questions", "visibility_rules"]
NEW_PASSWORD = "a-brand-new-passphrase-42"


@dataclass
class World:
    org_a: object
    org_b: object
    client_a: object
    client_b: object
    rule_a: object  # a rule, its question, section and questionnaire, of organization A
    rule_b: object
    rule_shared: object  # ... of the shared catalogue (no organization)
    audit_a: AuditLog
    audit_b: AuditLog
    audit_system: AuditLog


@pytest.fixture
def world(org_a, org_b, client_a, client_b) -> World:
    rules = [
        VisibilityRuleFactory(question__section__questionnaire__organization=org) for org in (org_a, org_b)
    ]
    shared = VisibilityRuleFactory(question__section__questionnaire__organization=None)
    audit = [
        audit_record(actor=client_a, action="test.a", resource=client_a),
        audit_record(actor=client_b, action="test.b", resource=client_b),
        audit_record(action="test.system", resource_type="system"),
    ]
    return World(org_a, org_b, client_a, client_b, *rules, shared, *audit)


def ids_of(rule) -> dict[str, str]:
    """The ids, per table, of a rule and the question, section and questionnaire above it."""
    question = rule.question
    return {
        "visibility_rules": str(rule.pk),
        "questions": str(question.pk),
        "sections": str(question.section_id),
        "questionnaires": str(question.section.questionnaire_id),
    }


def visible(conn, table: str) -> set[str]:
    return {str(row[0]) for row in conn.execute(f"SELECT id FROM {table}").fetchall()}  # noqa: S608


def scope(conn, tenant: object = "", user_id: object = "") -> None:
    conn.execute(
        "SELECT set_config('app.tenant', %s, false), set_config('app.user_id', %s, false)",
        [str(tenant), str(user_id)],
    )


def every_id(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table}")  # noqa: S608
        return {str(row[0]) for row in cursor.fetchall()}


def rows_of(sql: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [(str(a), b) for a, b in cursor.fetchall()]


# --------------------------------------------------------------------------- the policies, raw


def test_every_table_has_row_security_and_the_app_role_owns_none():
    tables = ["users", "organizations", "audit_logs", *QUESTIONNAIRE_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_get_userbyid(relowner), relrowsecurity FROM pg_class WHERE relname = ANY(%s)",
            [tables],
        )
        rows = cursor.fetchall()
    assert len(rows) == len(tables)
    assert all(owner != "acqs_app" and secured for _, owner, secured in rows)


def test_a_tenant_sees_its_own_users_and_organization_only(world):
    with app_role_connection() as conn:
        scope(conn, world.org_a.pk, world.client_a.pk)
        users = {row[0] for row in conn.execute("SELECT email FROM users").fetchall()}
        assert world.client_a.email in users and world.client_b.email not in users
        assert users == set(User.objects.filter(organization=world.org_a).values_list("email", flat=True))
        assert visible(conn, "organizations") == {str(world.org_a.pk)}


def test_a_tenant_sees_its_questionnaires_and_the_shared_catalogue_down_to_the_rules(world):
    own, other, shared = ids_of(world.rule_a), ids_of(world.rule_b), ids_of(world.rule_shared)
    with app_role_connection() as conn:
        scope(conn, world.org_a.pk, world.client_a.pk)
        for table in QUESTIONNAIRE_TABLES:
            rows = visible(conn, table)
            assert own[table] in rows and shared[table] in rows, table
            assert other[table] not in rows, table


def test_a_tenant_cannot_write_a_questionnaire_of_another_organization_or_the_catalogue(world):
    own, other, shared = ids_of(world.rule_a), ids_of(world.rule_b), ids_of(world.rule_shared)
    insert = (
        "INSERT INTO questionnaires (id, lineage_id, name, org_id) "
        "VALUES (gen_random_uuid(), gen_random_uuid(), 'Planted', %s)"
    )
    with app_role_connection() as conn:
        scope(conn, world.org_a.pk, world.client_a.pk)
        for org in (world.org_b.pk, None):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(insert, [org])
        for questionnaire in (other["questionnaires"], shared["questionnaires"]):
            assert (
                conn.execute(
                    "UPDATE questionnaires SET name = 'Taken' WHERE id = %s", [questionnaire]
                ).rowcount
                == 0
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # moving its own into the catalogue
            conn.execute("UPDATE questionnaires SET org_id = NULL WHERE id = %s", [own["questionnaires"]])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # a section into the catalogue
            conn.execute(
                "INSERT INTO sections (id, questionnaire_id, name, order_index) "
                "VALUES (gen_random_uuid(), %s, 'Planted', 99)",
                [shared["questionnaires"]],
            )
        assert (
            conn.execute("DELETE FROM visibility_rules WHERE id = %s", [shared["visibility_rules"]]).rowcount
            == 0
        )
        assert (
            conn.execute("UPDATE questions SET text = 'Mine' WHERE id = %s", [other["questions"]]).rowcount
            == 0
        )
        # Its own questionnaire it writes.
        assert (
            conn.execute(
                "UPDATE questionnaires SET name = 'Renamed' WHERE id = %s", [own["questionnaires"]]
            ).rowcount
            == 1
        )
        conn.execute(insert, [world.org_a.pk])
        scope(conn, tenancy.SYSTEM)  # and the system writes the catalogue
        conn.execute(insert, [None])
    names = dict(rows_of("SELECT id, name FROM questionnaires"))
    assert names[other["questionnaires"]] != "Taken" and names[shared["questionnaires"]] != "Taken"
    assert sorted(n for n in names.values() if n == "Planted") == ["Planted", "Planted"]


def test_a_member_cannot_move_their_own_user_row_into_another_organization(world):
    with app_role_connection() as conn:
        scope(conn, world.org_a.pk, world.client_a.pk)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE users SET org_id = %s WHERE id = %s", [world.org_b.pk, world.client_a.pk])
        assert (
            conn.execute("UPDATE users SET profile = '{}' WHERE id = %s", [world.client_b.pk]).rowcount == 0
        )


def test_system_sees_every_row(world):
    tables = ["users", "organizations", "audit_logs", *QUESTIONNAIRE_TABLES]
    with app_role_connection() as conn:
        scope(conn, tenancy.SYSTEM)
        for table in tables:
            assert visible(conn, table) == every_id(table), table


def test_without_a_scope_nothing_is_visible(world):
    with app_role_connection() as conn:
        for table in ["users", "organizations", "audit_logs", *QUESTIONNAIRE_TABLES]:
            assert visible(conn, table) == set(), table


def test_a_user_named_without_a_tenant_sees_their_own_row_and_the_catalogue_only(world):
    """Before sign-in (log-in, second factor, password reset) the request names its user alone."""
    with app_role_connection() as conn:
        scope(conn, "", world.client_a.pk)
        assert visible(conn, "users") == {str(world.client_a.pk)}
        assert visible(conn, "organizations") == set()
        assert visible(conn, "questionnaires") == {ids_of(world.rule_shared)["questionnaires"]}
        assert visible(conn, "audit_logs") == {str(world.audit_a.pk)}
        # Their own row they may write (the lockout counters of a failed log-in, a new password).
        assert (
            conn.execute(
                "UPDATE users SET failed_login_attempts = 1 WHERE id = %s", [world.client_a.pk]
            ).rowcount
            == 1
        )


def test_a_client_reads_the_questionnaire_of_their_own_session_whatever_its_organization(world):
    theirs = ids_of(world.rule_b)  # say the client moved from B to A after starting it
    SessionFactory(user=world.client_a, questionnaire=world.rule_b.question.section.questionnaire)
    reviewer = UserFactory(organization=world.org_a)
    with app_role_connection() as conn:
        scope(conn, world.org_a.pk, world.client_a.pk)
        for table in QUESTIONNAIRE_TABLES:
            assert theirs[table] in visible(conn, table), table
        scope(conn, world.org_a.pk, reviewer.pk)
        assert theirs["questionnaires"] not in visible(conn, "questionnaires")


def test_audit_rows_belong_to_the_organization_of_their_resource_or_actor_and_a_tenant_reads_its_own(world):
    assert AuditLog.objects.get(pk=world.audit_a.pk).organization_id == world.org_a.pk
    assert AuditLog.objects.get(pk=world.audit_b.pk).organization_id == world.org_b.pk
    assert AuditLog.objects.get(pk=world.audit_system.pk).organization_id is None
    with app_role_connection() as conn:
        scope(conn, world.org_a.pk, world.client_a.pk)
        rows = visible(conn, "audit_logs")
    assert str(world.audit_a.pk) in rows
    assert not {str(world.audit_b.pk), str(world.audit_system.pk)} & rows
    assert rows == {
        str(pk) for pk in AuditLog.objects.filter(organization=world.org_a).values_list("pk", flat=True)
    }


def test_the_chain_writer_reads_the_end_of_the_whole_chain_under_a_tenant_scope(world):
    last = AuditLog.objects.order_by("-chain_seq").values_list("chain_seq", "signature").first()
    assert last[0] == world.audit_system.chain_seq
    with app_role_connection() as conn, conn.transaction():
        scope(conn, world.org_a.pk, world.client_a.pk)
        # What the tenant itself may read ends earlier: a writer reading that would fork the chain.
        assert conn.execute("SELECT max(chain_seq) FROM audit_logs").fetchone()[0] < last[0]
        link = conn.execute(
            "SELECT seq, signature FROM audit_chain_last_link(%s)", [CHAIN_LOCK_KEY]
        ).fetchone()
    assert link == last


def test_an_audit_partition_named_directly_shows_the_app_role_nothing(world):
    partition = partition_name(dt.date.today().replace(day=1))
    with app_role_connection() as conn:
        scope(conn, tenancy.SYSTEM)
        assert conn.execute("SELECT count(*) FROM audit_logs").fetchone()[0] >= 3
        assert conn.execute(f"SELECT count(*) FROM {partition}").fetchone()[0] == 0  # noqa: S608
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                f"INSERT INTO {partition} SELECT * FROM audit_logs LIMIT 1"  # noqa: S608
            )


def test_the_login_lookup_finds_an_account_by_e_mail_in_any_case_and_nothing_else(world):
    with app_role_connection() as conn:
        found = conn.execute("SELECT app_user_id_for_login(%s)", [world.client_a.email.upper()]).fetchone()[0]
        assert found == world.client_a.pk
        assert conn.execute("SELECT app_user_id_for_login('nobody@acme.example')").fetchone()[0] is None
        assert visible(conn, "users") == set()  # the lookup named no one


# --------------------------------------------------------------------------- the application, as acqs_app


@pytest.fixture
def as_app_role(monkeypatch):
    """Connect Django itself as the application's role for the test, as the web server and workers do.

    The data is made first, as the test suite's superuser; the test's own reads and the requests it
    sends then run under row-level security. The pool's reset hook is played after every request.
    """
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "USER", "acqs_app")
    monkeypatch.delitem(tenancy._applies, "default", raising=False)

    def reset(**kwargs):
        if connection.connection is not None:
            tenancy.reset_pooled_connection(connection.connection)

    request_finished.connect(reset, dispatch_uid="test-pool-reset", weak=False)
    assert tenancy.row_security_applies()
    yield
    request_finished.disconnect(dispatch_uid="test-pool-reset")
    connection.close()


def _as_system():
    """The test's own look at the result, across tenants."""
    tenancy.tenant_set(tenancy.SYSTEM)


@pytest.fixture
def flows(org_a, org_b):
    return branching_questionnaire(organization=org_a), branching_questionnaire(organization=org_b)


def test_log_in_by_e_mail_then_start_and_answer_as_the_application_role(
    client, client_a, client_b, flows, as_app_role
):
    own, other = flows
    response = login_post(client, client_a.email.upper())
    assert response.status_code == 302
    page = client.get("/sessions/")
    assert page.status_code == 200
    assert own.questionnaire.name in page.content.decode()
    assert other.questionnaire.name not in page.content.decode()
    started = client.post(f"/sessions/start/{own.questionnaire.pk}/", {"industry": ""}, follow=True)
    assert started.status_code == 200 and b"Do you have a product?" in started.content
    session_id = started.redirect_chain[-1][0].split("/")[2]
    answered = client.post(
        f"/sessions/{session_id}/questions/{own.has_product.pk}/answer/",
        {f"q-{own.has_product.id}": own.yes},
        HTTP_HX_REQUEST="true",
    )
    assert answered.status_code == 200 and "Product name" in answered.content.decode()
    _as_system()
    assert AuditLog.objects.filter(event="auth.login", actor=client_a).count() == 1
    assert audit_chain_verify().intact


def test_a_wrong_password_is_counted_on_the_account_as_the_application_role(client, client_a, as_app_role):
    response = login_post(client, client_a.email, "not-the-password")
    assert response.status_code == 200 and b"do not match an account" in response.content
    assert login_post(client, "nobody@acme.example", "not-the-password").status_code == 200
    _as_system()
    assert User.objects.get(pk=client_a.pk).failed_login_attempts == 1
    failures = AuditLog.objects.filter(event="auth.login_failed").values_list("organization_id", flat=True)
    assert sorted(failures, key=str) == sorted([client_a.organization_id, None], key=str)


@pytest.fixture
def staff_admin(org_a):
    """An organization's admin: staff, not a superuser, enrolled in MFA, allowed to view users."""
    admin = UserFactory(email="staff@acme.example", organization=org_a, is_staff=True, role=UserRole.ADMIN)
    admin.user_permissions.add(Permission.objects.get(codename="view_user"))
    mfa_activate(user=admin, secret=TOTP_SECRET, actor=None)
    return admin


def test_an_admin_logs_in_with_a_second_factor_and_lists_only_their_organizations_users(
    client, staff_admin, client_a, client_b, as_app_role
):
    response = login_post(client, staff_admin.email)
    assert response.status_code == 302 and response["Location"].startswith("/login/mfa/")
    response = client.post("/login/mfa/", {"code": totp_code()})
    assert response.status_code == 302
    page = client.get("/admin/accounts/user/")
    assert page.status_code == 200
    assert client_a.email in page.content.decode()
    assert client_b.email not in page.content.decode()
    assert client.get(f"/admin/accounts/user/{client_b.pk}/change/").status_code in (302, 404)


def test_an_admins_audit_log_lists_their_organizations_rows_only(client, world, staff_admin, as_app_role):
    staff_admin.user_permissions.add(Permission.objects.get(codename="view_auditlog"))
    login_post(client, staff_admin.email)
    client.post("/login/mfa/", {"code": totp_code()})
    page = client.get("/admin/audit/auditlog/")
    assert page.status_code == 200
    assert "test.a" in page.content.decode() and "test.b" not in page.content.decode()


def test_a_password_reset_by_e_mail_works_as_the_application_role(client, client_a, as_app_role):
    assert client.post("/password-reset/", {"email": client_a.email.upper()}).status_code == 302
    assert client.post("/password-reset/", {"email": "nobody@acme.example"}).status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == "/reset/done/"
    assert login_post(client, client_a.email, NEW_PASSWORD).status_code == 302


def test_the_audit_writer_chains_a_row_under_a_tenant_scope_and_the_chain_verifies(world, as_app_role):
    total = world.audit_system.chain_seq
    tenancy.tenant_set(str(world.org_a.pk), user_id=str(world.client_a.pk))
    assert AuditLog.objects.count() < total  # the tenant's own rows only
    with transaction.atomic():
        entry = audit_record(actor=world.client_a, action="test.tenant", resource=world.client_a)
    assert entry.chain_seq == total + 1
    assert entry.previous_signature == world.audit_system.signature
    report = audit_chain_verify()  # the whole chain, though the connection acts for one tenant
    assert report.intact and report.rows == total + 1
    assert AuditLog.objects.get(pk=entry.pk).organization_id == world.org_a.pk
    with connection.cursor() as cursor:  # and the connection is back in the tenant's scope
        cursor.execute("SELECT current_setting('app.tenant')")
        assert cursor.fetchone()[0] == str(world.org_a.pk)
    tenancy.tenant_set("")  # the command, run as the application's role, acts for no one
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    assert f"Audit chain intact: {total + 1} rows" in out.getvalue()


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.ops.cache.ResilientRedisCache",
            "LOCATION": "unix:///nonexistent/acqs-dead-redis.sock?db=0",
            "KEY_PREFIX": django_settings.CACHES["default"]["KEY_PREFIX"],
            "OPTIONS": {"RETRY_AFTER": 60, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1},
        }
    }


def test_the_log_in_throttle_counts_every_organizations_failures_while_redis_is_down(
    client, client_a, client_b, settings, redis_down, as_app_role
):
    """The audit trail is the count during an outage; it is read across tenants, before sign-in."""
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    for email in (client_a.email, client_b.email, "nobody@acme.example"):
        assert login_post(client, email, "not-the-password").status_code == 200
    assert login_post(client, client_a.email).status_code == 429
