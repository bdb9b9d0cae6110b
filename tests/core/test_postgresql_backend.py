"""core/postgresql: a statement kept for the COMMIT is sent with it, or before anything else, or dropped."""

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


def test_without_pipeline_mode_the_kept_statement_goes_just_before_the_commit(probe, monkeypatch):
    from core.postgresql import base

    monkeypatch.setattr(base, "PIPELINE", False)  # a system libpq older than 14
    with transaction.atomic():
        connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", [9])
        assert connection.kept_for_commit
    assert _numbers() == [9]
    with pytest.raises(DataError), transaction.atomic():
        connection.run_with_commit("INSERT INTO kept_probe (n) VALUES (%s)", ["not a number"])
    assert _numbers() == [9]
