"""dbhealth's figures and exit status, the /healthz and /readyz endpoints, maintenance."""

import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from config.ops import pgtools
from config.ops.health import maintenance_vacuum

ROOT = Path(__file__).resolve().parents[2]
DEAD_REDIS = "unix:///nonexistent/acqs-dead-redis.sock?db=0"

pytestmark = pytest.mark.django_db


def _dbhealth(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("dbhealth", *args, stdout=out)
    except CommandError as problem:
        return problem.returncode, out.getvalue() + str(problem)
    return 0, out.getvalue()


def test_dbhealth_prints_every_section_and_exits_zero_when_healthy():
    status, output = _dbhealth("--min-cache-hit-ratio", "0")
    assert status == 0, output
    for heading in (
        "Tables",
        "Indexes",
        "Unused indexes",
        "Cache hit ratio",
        "Long-running",
        "locks",
        "Connections",
    ):
        assert heading in output
    assert "sessions" in output and "Healthy." in output


def test_dbhealth_json_has_the_figures():
    out = io.StringIO()
    call_command("dbhealth", "--json", "--min-cache-hit-ratio", "0", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["healthy"] is True
    assert {row["table"] for row in figures["tables"]} & {"sessions", "responses", "questions"}
    assert figures["connections"]["max"] > 0 and 0 <= figures["cache_hit_ratio"]["ratio"] <= 1


def test_dbhealth_exits_non_zero_when_connections_pass_the_threshold():
    status, output = _dbhealth("--connections-ratio", "0", "--min-cache-hit-ratio", "0")
    assert status == 1
    assert "connections in use" in output


def _other_connection():
    return psycopg.connect(**pgtools.conninfo(), autocommit=True)


def test_dbhealth_reports_a_long_query_and_a_blocked_one():
    # Two sessions of their own: one holds a lock inside an open transaction, one waits for it.
    holder, waiter = _other_connection(), _other_connection()
    try:
        holder.execute("BEGIN")
        holder.execute("CREATE TEMP TABLE held (id int)")
        holder.execute("LOCK TABLE django_migrations IN ACCESS EXCLUSIVE MODE")
        blocked = threading.Thread(
            target=lambda: waiter.execute("SELECT count(*) FROM django_migrations"), daemon=True
        )
        blocked.start()
        time.sleep(1.5)
        status, output = _dbhealth(
            "--long-query-seconds", "1", "--blocked-seconds", "1", "--min-cache-hit-ratio", "0"
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        blocked.join(timeout=5)
        waiter.close()
    assert status == 1
    assert "waiting on locks" in output
    assert "running longer than 1 s" in output
    assert "SELECT count(*) FROM django_migrations" in output


@pytest.mark.django_db(transaction=True)
def test_manage_py_dbhealth_exit_status_is_what_cron_sees():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}"
    if db.get("PORT"):
        url += f"&port={db['PORT']}"
    env = {**os.environ, "DATABASE_URL": url, "DATABASE_POOL": "false", "LOG_LEVEL": "ERROR"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "manage.py", "dbhealth", "--min-cache-hit-ratio", "0", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run().returncode == 0
    failing = run("--connections-ratio", "0")
    assert failing.returncode == 1
    assert "connections in use" in failing.stderr


def test_maintenance_analyzes_the_partitioned_audit_table_which_autovacuum_never_does():
    # VACUUM cannot run inside the test's transaction; ANALYZE alone can, so check what would run.
    with pytest.raises(RuntimeError, match="transaction"):
        maintenance_vacuum()


@pytest.mark.django_db(transaction=True)
def test_maintenance_runs_outside_a_transaction():
    statements = maintenance_vacuum(tables=["responses"])
    assert statements[0] == 'VACUUM (ANALYZE) "responses"'
    assert 'ANALYZE "audit_logs"' in statements


# --- /healthz and /readyz ---------------------------------------------------------------------------


@pytest.fixture
def ops_urls(settings):
    settings.ROOT_URLCONF = "tests.ops.urls"


def test_healthz_answers_without_touching_the_database(client, ops_urls, django_assert_num_queries):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_the_middleware_answers_probes_before_hosts_https_sessions_and_tenancy(
    client, settings, django_assert_num_queries
):
    settings.MIDDLEWARE = ["config.health_views.HealthEndpointsMiddleware", *settings.MIDDLEWARE]
    settings.SECURE_SSL_REDIRECT = True
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.0.3.7")  # a balancer probing by IP
    assert response.status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.3.7").status_code == 200
    assert client.post("/healthz", HTTP_HOST="10.0.3.7").status_code == 405


def test_readyz_reports_every_dependency(client, ops_urls):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    checks = response.json()["checks"]
    assert set(checks) == {"database", "redis", "storage", "broker"}
    assert all(check["ok"] for check in checks.values())


def test_readyz_is_503_when_redis_and_the_broker_are_unreachable(client, ops_urls, settings):
    settings.CACHES = {"default": {"BACKEND": "config.ops.cache.ResilientRedisCache", "LOCATION": DEAD_REDIS}}
    settings.CELERY_BROKER_URL = "redis+socket:///nonexistent/acqs-dead-redis.sock"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    # An orchestrator that must not drop every instance at once for a shared outage asks for less.
    only_database = client.get("/readyz?checks=database")
    assert only_database.status_code == 200
    assert set(only_database.json()["checks"]) == {"database"}


def test_readyz_is_503_when_the_storage_is_unusable(client, ops_urls, settings, tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked / "media")},
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False
