"""Configuration comes from the environment; production refuses unsafe settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import embedded

ROOT = Path(__file__).resolve().parent.parent


def _import_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ENV"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_settings(DJANGO_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = _import_settings(DJANGO_ENV="production", SECRET_KEY="x" * 60, DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_configured_servers_are_used_instead_of_the_embedded_ones(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db.internal:5432/acqs")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/2")
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    assert embedded.database_url() == "postgres://app@db.internal:5432/acqs"
    assert embedded.redis_url() == "redis://cache.internal:6379/2"
    assert embedded.celery_broker_url() == "redis://cache.internal:6379/2"
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://broker.internal:6379/0")
    assert embedded.celery_broker_url() == "redis://broker.internal:6379/0"


def test_the_embedded_redis_is_spelled_for_kombu_as_a_socket(monkeypatch, tmp_path):
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", f"unix://{tmp_path}/redis.sock?db=0")
    assert embedded.celery_broker_url() == f"redis+socket://{tmp_path}/redis.sock?virtual_host=1"


@pytest.mark.django_db
def test_the_database_in_use_is_postgresql_16_or_15():
    from django.db import connection

    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 150000
