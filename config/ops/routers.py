"""Read/write splitting (seed 003 §5.4): reporting and list reads to replicas, everything else to the primary.

Replicas lag behind the primary, so reads go to one only where a slightly old answer is harmless and
the code says so: inside ``replica_reads()`` (a context manager and view decorator for reports, lists
and exports). Even there a read goes to the primary when

- it runs inside a transaction (``atomic``) on the primary: it must see that transaction's rows;
- the same request (or block of work) has already written: it must see its own writes;
- the client wrote within the last ``REPLICA_PIN_SECONDS`` (a cookie set by the middleware), so a
  redirect after a write never shows the page as it was before it;
- no replica is configured, or the replica is unreachable or further behind than
  ``REPLICA_MAX_LAG_SECONDS`` (asked at most every ``REPLICA_CHECK_SECONDS`` per process).

Replica aliases are listed in ``settings.DATABASE_REPLICAS``; migrations run on the primary only.
"""

from __future__ import annotations

import logging
import random
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from core import replicas as replicas_marks

logger = logging.getLogger(__name__)

PIN_COOKIE = "acqs_primary"


# Which reads may go to a replica is said by the code that reads (core/replicas.py, so that an app can say
# it); where they go is decided here.
_Work, _work, _replica_reads = replicas_marks._Work, replicas_marks._work, replicas_marks._replica_reads
replica_reads, reads_from_replica = replicas_marks.replica_reads, replicas_marks.reads_from_replica


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


# --- Replica freshness ------------------------------------------------------------------------------

_LAG = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""
_fresh: dict[str, tuple[float, bool]] = {}
_fresh_lock = threading.Lock()


def replica_usable(alias: str) -> bool:
    """Return whether a replica answers and is close enough behind the primary (cached per process)."""
    now = time.monotonic()
    checked = _fresh.get(alias)
    if checked and checked[0] > now:
        return checked[1]
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(_LAG)
            lag = float(cursor.fetchone()[0])
        usable = lag <= getattr(settings, "REPLICA_MAX_LAG_SECONDS", 5)
        if not usable:
            logger.warning("Replica %s is %.1f s behind; reading from the primary", alias, lag)
    except Exception as failure:
        logger.warning("Replica %s is unreachable (%s); reading from the primary", alias, failure)
        usable = False
    with _fresh_lock:
        _fresh[alias] = (now + getattr(settings, "REPLICA_CHECK_SECONDS", 10), usable)
    return usable


# --- The router -------------------------------------------------------------------------------------


class ReplicaRouter:
    """DATABASE_ROUTERS = ["config.ops.routers.ReplicaRouter"]."""

    def db_for_read(self, model, **hints):
        if not _replica_reads.get():
            return DEFAULT_DB_ALIAS
        work = _work.get()
        if work is not None and (work.wrote or work.pinned):
            return DEFAULT_DB_ALIAS
        if transaction.get_connection(DEFAULT_DB_ALIAS).in_atomic_block:
            return DEFAULT_DB_ALIAS
        candidates = [alias for alias in replicas() if replica_usable(alias)]
        return random.choice(candidates) if candidates else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        work = _work.get()
        if work is not None:
            work.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaRoutingMiddleware:
    """Track writes per request and pin a client that just wrote to the primary for a few seconds.

    Place it first in MIDDLEWARE, before the session middleware: a write anywhere in the request,
    the session's own included, counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        work = _Work(pinned=PIN_COOKIE in request.COOKIES)
        token = _work.set(work)
        try:
            response = self.get_response(request)
        finally:
            _work.reset(token)
        if work.wrote and replicas():
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=getattr(settings, "REPLICA_PIN_SECONDS", 5),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
