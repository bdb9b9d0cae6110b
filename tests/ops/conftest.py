"""Shared pieces of the operations tests: a backup storage in a temporary folder, scratch databases."""

import os

import psycopg
import pytest
from django.core.files.storage import storages
from psycopg import sql

from config.ops import pgtools


@pytest.fixture
def backup_storage(settings, tmp_path):
    """Backups and audit exports go to a folder of this test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "backups": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "ops-storage")},
        },
    }
    return storages["backups"]


def _drop(name: str) -> None:
    with pgtools.connect(pgtools.conninfo(dbname="postgres")) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def scratch_database():
    """Return the name of a fresh, empty database on the test server; dropped afterwards."""
    name = f"test_restore_{os.getpid()}"
    _drop(name)
    with pgtools.connect(pgtools.conninfo(dbname="postgres")) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    _drop(name)


def query(dbname: str, statement: str, params=()) -> list[tuple]:
    """Run one statement in another database of the test server and return its rows."""
    with psycopg.connect(**pgtools.conninfo(dbname=dbname), autocommit=True) as conn:
        return conn.execute(statement, params).fetchall()
