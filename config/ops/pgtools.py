"""Direct access to PostgreSQL for operations: libpq parameters, the server's version, client binaries.

Backups, restores and exports run outside Django's connection handling (pg_dump in a subprocess, a
REPEATABLE READ snapshot held open beside it, COPY streams), so they connect with psycopg themselves,
with the same parameters as a Django database alias.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections


class ToolMissing(RuntimeError):
    """No installed client binary can talk to this server."""


def conninfo(alias: str = "default", *, dbname: str | None = None) -> dict[str, str]:
    """Return the libpq parameters of a Django database alias (optionally for another database)."""
    db = connections[alias].settings_dict
    params = {
        "dbname": dbname or db["NAME"],
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
    }
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "application_name"):
        value = (db.get("OPTIONS") or {}).get(key)
        if value:
            params[key] = str(value)
    return {key: value for key, value in params.items() if value}


def connect(params: dict[str, str], *, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(**params, autocommit=autocommit, connect_timeout=10)


def libpq_environment(params: dict[str, str]) -> dict[str, str]:
    """Return an environment for pg_dump/pg_restore: the password never appears on a command line."""
    names = {
        "dbname": "PGDATABASE",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "host": "PGHOST",
        "port": "PGPORT",
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "application_name": "PGAPPNAME",
    }
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    environment.update({names[key]: value for key, value in params.items() if key in names})
    return environment


def server_major(params: dict[str, str]) -> int:
    with connect(params) as conn:
        return conn.info.server_version // 10000


def _candidate_dirs() -> list[Path]:
    """Where client binaries may be: the configured folder, pgserver's, the distribution's, PATH."""
    dirs: list[Path] = []
    configured = getattr(settings, "PG_BIN_DIR", "") or os.environ.get("PG_BIN_DIR", "")
    if configured:
        dirs.append(Path(configured))
    try:
        import pgserver  # the embedded server's wheel ships pg_dump and pg_restore

        dirs.append(Path(pgserver.__file__).parent / "pginstall" / "bin")
    except ImportError:
        pass
    dirs.extend(Path(found) for found in sorted(glob.glob("/usr/lib/postgresql/*/bin")))
    dirs.extend(Path(found) for found in sorted(glob.glob("/usr/pgsql-*/bin")))
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    return dirs


@functools.cache
def _binary_major(path: str) -> int | None:
    try:
        output = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\b(\d+)(?:\.\d+)?", output)
    return int(found.group(1)) if found else None


def pg_binary(name: str, *, server: int, at_least: int = 0) -> tuple[str, int]:
    """Return the path and major version of the client binary to use against a server.

    pg_dump refuses a server newer than itself, and pg_restore cannot read an archive written by a
    newer pg_dump; an older server is fine for both. So: the server's own major version when it is
    installed (and no older than ``at_least``), otherwise the oldest newer one.
    """
    floor = max(server, at_least)
    found: dict[int, str] = {}
    for folder in _candidate_dirs():
        path = folder / name
        if path.is_file() and os.access(path, os.X_OK):
            major = _binary_major(str(path))
            if major is not None:
                found.setdefault(major, str(path))
    usable = sorted(major for major in found if major >= floor)
    if not usable:
        have = ", ".join(f"{major} ({path})" for major, path in sorted(found.items())) or "none"
        raise ToolMissing(
            f"No {name} of PostgreSQL {floor} or newer is installed (found: {have}). "
            "Install the matching client package or set PG_BIN_DIR."
        )
    return found[usable[0]], usable[0]


def ops_alias() -> str:
    """Return the database alias for DDL, VACUUM and dumps: settings.MAINTENANCE_DATABASE, else "default".

    With row-level security the application's role owns no table, so it can neither detach a partition
    nor vacuum; DATABASE_OWNER_URL configures the owner's connection (the "owner" alias) for that work.
    """
    return getattr(settings, "MAINTENANCE_DATABASE", "default")
