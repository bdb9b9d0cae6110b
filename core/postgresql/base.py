"""Django's PostgreSQL backend, plus statements that travel with the transaction's COMMIT.

The audit row is the last statement of an audited transaction, written under the audit chain's lock
(audit/chain.py), which every audited write in the system waits for. Sent on its own it costs a round
trip before the COMMIT can go, with the lock held, and under load the worker may wait for its GIL
between the two (docs/operations.md, "Load test"). `run_with_commit()` keeps such a statement until
the transaction commits and sends it and the COMMIT in one message of the simple query protocol: one
round trip, one parse-plan-execute on the server for each (the extended protocol of a pipeline takes
three messages a statement), and the lock is released as soon as the server has written them.

Nothing else can tell the difference. Any other statement on the connection (a query, a savepoint's
RELEASE or ROLLBACK TO) sends what is kept first, so the transaction reads its own writes in order; a
rollback drops it with the rest of the transaction; an error in it stops the server before the COMMIT
and fails the commit, which Django turns into a rollback and an exception, as it does for any COMMIT
that fails. Kept statements are logged in `connection.queries` like any other (query counts in tests
see them); `execute_wrapper()` hooks are not called for them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import psycopg
from django.db.backends.postgresql import base
from django.db.backends.utils import debug_transaction


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._with_commit: list[tuple[str, Sequence]] = []

    def run_with_commit(self, sql: str, params: Sequence) -> None:
        """Run `sql` later in this transaction: before any other statement, at the latest with the COMMIT."""
        if not self.in_atomic_block:  # autocommit: no COMMIT to wait for
            with self.cursor() as cursor:
                cursor.execute(sql, params)
            return
        self._with_commit.append((sql, params))

    @property
    def kept_for_commit(self) -> tuple[str, ...]:
        """The statements waiting for this transaction's COMMIT (or for the next statement)."""
        return tuple(sql for sql, _ in self._with_commit)

    def _cursor(self, name=None):
        self._send_kept()
        return super()._cursor(name)

    def _send_kept(self) -> None:
        if not self._with_commit:
            return
        kept, self._with_commit = self._with_commit, []
        with self.cursor() as cursor:  # an empty list now: the usual path, logging included
            for sql, params in kept:
                cursor.execute(sql, params)

    def _commit(self):
        if not self._with_commit or self.connection is None:
            return super()._commit()
        kept, self._with_commit = self._with_commit, []
        with debug_transaction(self, "COMMIT"), self.wrap_database_errors:
            started = time.monotonic()
            # One message of the simple query protocol: the kept statements, their values bound into the
            # text (as Django's client-side binding does for every statement), then COMMIT. The server
            # runs them in order, in the transaction, and stops at the first error, which aborts it.
            with psycopg.ClientCursor(self.connection) as cursor:
                statements = [cursor.mogrify(sql, params) for sql, params in kept]
                cursor.execute(";\n".join([*statements, "COMMIT"]))
            self.connection.commit()  # the server has ended the transaction: psycopg sends nothing
            if self.queries_logged:  # before the COMMIT, which debug_transaction logs as it leaves
                duration = f"{time.monotonic() - started:.3f}"
                self.queries_log.extend({"sql": sql, "time": duration} for sql, _ in kept)

    def _rollback(self):
        self._with_commit = []
        return super()._rollback()

    def _close(self):
        self._with_commit = []
        return super()._close()
