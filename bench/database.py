"""A fresh database of its own for each benchmark, on the server `config.embedded` chooses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit


def bench_database_use(name: str) -> str:
    """(Re)create database `name` on the project's server and point DATABASE_URL at it; return the URL.

    Starts the embedded PostgreSQL and Redis if they are the ones in use, and sets REDIS_URL.
    Call it before django.setup().
    """
    import environ
    import psycopg

    from config import embedded

    params = environ.Env.db_url_config(embedded.database_url())  # starts the embedded server if needed
    os.environ["REDIS_URL"] = embedded.redis_url()
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params.get("PASSWORD") or None,
        host=unquote(params["HOST"]) or None,
        port=params["PORT"] or None,
        autocommit=True,
    ) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    head, _, _ = embedded.database_url().rpartition("/")
    os.environ["DATABASE_URL"] = f"{head}/{name}"
    return os.environ["DATABASE_URL"]


def bench_django_setup(name: str, *, as_app_role: bool = False) -> None:
    """Point Django at a fresh database `name` (and a cache prefix of its own), migrated, and set it up.

    The migrations run as the tables' owner, in a process of their own. DEBUG is off, as in production:
    no query log grows in memory while a benchmark runs. With ``as_app_role`` this process then connects
    as the application's role, as `make run` and a deployment do, so that row-level security costs what
    it costs in production; the benchmark's own setting-up then needs
    ``tenancy.tenant_scope(tenancy.SYSTEM)``.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["CACHE_KEY_PREFIX"] = name.replace("_", "-")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    owner_url = bench_database_use(name)
    _migrate_as_owner()
    if as_app_role:
        os.environ["DATABASE_OWNER_URL"] = owner_url
        os.environ["DATABASE_URL"] = app_role_url(owner_url)

    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False


def app_role_url(owner_url: str) -> str:
    """The owner's URL with the application's role (config.embedded.APP_ROLE) as its user.

    DATABASE_APP_URL, when set, names the application's connection for a configured server (with its
    password); its database is replaced by the owner's, the benchmark's own.
    """
    from config.embedded import APP_ROLE

    owner = urlsplit(owner_url)
    configured = os.environ.get("DATABASE_APP_URL")
    if configured:
        return urlunsplit(urlsplit(configured)._replace(path=owner.path))
    host = owner.netloc.rpartition("@")[2]
    return urlunsplit(owner._replace(netloc=f"{APP_ROLE}@{host}"))


def _migrate_as_owner() -> None:
    manage = Path(__file__).resolve().parent.parent / "manage.py"
    subprocess.run([sys.executable, str(manage), "migrate", "--noinput", "-v", "0"], check=True)


def quiet_server(app):
    """A one-thread WSGI server on a free port of 127.0.0.1 that logs no request."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    return make_server("127.0.0.1", 0, app, handler_class=Quiet)
