"""core/postgresql: a statement kept for the COMMIT is sent with it, or before anything else, or dropped."""

import re

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def probe():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE kept_probe (n integer NOT NULL CHECK (n > 0))")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE kept_probe")


def _numbers() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM kept_probe ORDER BY n")
        return [n for (n,) in cursor.fetchall()]


def test_a_kept_statement_is_sent_with_the_commit_and_logged_before_it(probe):
    seen = []

    def watch(execute, sql, *rest):
        seen.append(sql)
        return execute(sql, *rest)

    # The transaction ends first, inside the capture and the watch.
    capture = CaptureQueriesContext(connection)
    with capture as captured, connection.execute_wrapper(watch), transaction.atomic():
        connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", [1])
        assert seen == []  # nothing sent yet
    assert _numbers() == [1]
    logged = [query["sql"] for query in captured.captured_queries]
    assert logged[-2:] == ["INSERT INTO kept_probe (n) VALUES (%s)", "COMMIT"]
    assert connection.kept_for_commit == ()


def test_any_other_statement_sends_what_is_kept_first(probe):
    with transaction.atomic():
        connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", [2])
        connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", [3])
        assert _numbers() == [2, 3]  # the transaction reads its own writes, in order
        with transaction.atomic():  # a savepoint, rolled back: the kept rows were written before it
            connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", [4])
            transaction.set_rollback(True)
    assert _numbers() == [2, 3]


def test_a_rollback_drops_what_is_kept(probe):
    with pytest.raises(RuntimeError), transaction.atomic():
        connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", [5])
        raise RuntimeError("the service failed after its audit row")
    assert connection.kept_for_commit == ()
    with transaction.atomic():
        connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", [6])
    assert _numbers() == [6]  # the dropped row did not travel with the next commit


def test_a_kept_statement_that_fails_fails_the_commit_and_commits_nothing(probe):
    with pytest.raises(DataError), transaction.atomic():
        connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", [7])
        connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", ["not a number"])
    assert not connection.in_atomic_block
    assert _numbers() == []  # the connection is usable, and the first row went with the rollback


def test_outside_a_transaction_the_statement_runs_at_once(probe):
    connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", [8])
    assert connection.kept_for_commit == ()
    assert _numbers() == [8]


def test_the_kept_statements_and_the_commit_go_in_one_message(probe, tmp_path):
    # libpq's trace of what the client sends as the transaction commits: one Query message (the simple
    # protocol) holding both INSERTs and the COMMIT, and nothing of the extended protocol.
    from psycopg import pq

    trace = tmp_path / "libpq.trace"
    with trace.open("w") as handle:
        with transaction.atomic():
            connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", [10])
            connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", [11])
            pgconn = connection.connection.pgconn
            pgconn.trace(handle.fileno())
            pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        pgconn.untrace()
    assert _numbers() == [10, 11]
    text = trace.read_text()
    # What the client sent: psycopg's BEGIN (nothing ran before in this transaction), then one message
    # with the kept statements and the COMMIT; no Parse, Bind or Sync of the extended protocol.
    assert re.findall(r"^F\t\d+\t(\w+)\t", text, flags=re.MULTILINE) == ["Query", "Query"], text
    assert (
        'Query\t "INSERT INTO kept_probe (n) VALUES (10);\nINSERT INTO kept_probe (n) VALUES (11);\nCOMMIT"\n'
        in text
    )
    assert text.count("ReadyForQuery") == 2, text  # two round trips, the BEGIN's and the commit's


def test_a_kept_statements_values_are_bound_into_its_text_safely(probe):
    # The values are quoted into the message's text (as Django binds every statement); a percent sign or
    # a quote in a value is data, never SQL or a placeholder.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE kept_notes (note text NOT NULL)")
    try:
        with transaction.atomic():
            connection.run_with_commit(
                "INSERT INTO kept_notes (note) VALUES (%s)", ["50% done'); DROP TABLE x; --"]
            )
        with connection.cursor() as cursor:
            cursor.execute("SELECT note FROM kept_notes")
            assert cursor.fetchall() == [("50% done'); DROP TABLE x; --",)]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE kept_notes")
