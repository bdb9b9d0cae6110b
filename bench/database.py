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
