"""A fresh database of its own for each benchmark, on the server `config.embedded` chooses."""

from __future__ import annotations

import os
from urllib.parse import unquote


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


def bench_django_setup(name: str) -> None:
    """Point Django at a fresh database `name` (and a cache prefix of its own), set it up and migrate.

    DEBUG is off, as in production: no query log grows in memory while a benchmark runs.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["CACHE_KEY_PREFIX"] = name.replace("_", "-")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    bench_database_use(name)

    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def quiet_server(app):
    """A one-thread WSGI server on a free port of 127.0.0.1 that logs no request."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    return make_server("127.0.0.1", 0, app, handler_class=Quiet)
