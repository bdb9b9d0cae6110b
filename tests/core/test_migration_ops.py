"""Migration helpers: ON DELETE and updated_at kept by the database itself, for rows changed by SQL alone."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Organization
from core.migration_ops import UPDATED_AT_FUNCTION, foreign_key_on_delete, updated_at_trigger
from tests.accounts.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _sql(*statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _one(statement: str):
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()


@pytest.fixture
def parent_and_child():
    """Two scratch tables, dropped with the test's transaction: a child row references its parent row."""
    _sql(
        "CREATE TABLE scratch_parents (id uuid PRIMARY KEY DEFAULT gen_random_uuid())",
        "CREATE TABLE scratch_children (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
        "parent_id uuid REFERENCES scratch_parents(id), "
        "updated_at timestamptz NOT NULL DEFAULT now() - interval '3 days')",
        "INSERT INTO scratch_parents DEFAULT VALUES",
        "INSERT INTO scratch_children (parent_id) SELECT id FROM scratch_parents",
    )


def test_a_cascading_foreign_key_deletes_the_children_with_their_parent(parent_and_child):
    _sql(foreign_key_on_delete("scratch_children", "parent_id", "scratch_parents", "CASCADE").sql)
    _sql("DELETE FROM scratch_parents")
    assert _one("SELECT count(*) FROM scratch_children") == (0,)


def test_a_set_null_foreign_key_keeps_the_children_without_their_parent(parent_and_child):
    _sql(foreign_key_on_delete("scratch_children", "parent_id", "scratch_parents", "SET NULL").sql)
    _sql("DELETE FROM scratch_parents")
    assert _one("SELECT count(*), count(parent_id) FROM scratch_children") == (1, 0)


def test_the_helper_replaces_the_existing_key_and_its_reverse_puts_back_a_plain_one(parent_and_child):
    operation = foreign_key_on_delete("scratch_children", "parent_id", "scratch_parents", "CASCADE")
    _sql(operation.sql, operation.reverse_sql)
    assert _one(
        "SELECT count(*) FROM pg_constraint WHERE conrelid = 'scratch_children'::regclass AND contype = 'f'"
    ) == (1,)
    with pytest.raises(IntegrityError), transaction.atomic():
        _sql("SET CONSTRAINTS ALL IMMEDIATE", "DELETE FROM scratch_parents")  # the key is deferrable


def test_the_trigger_sets_updated_at_on_an_update_written_in_sql(parent_and_child):
    _sql(UPDATED_AT_FUNCTION.sql, updated_at_trigger("scratch_children").sql)
    before = _one("SELECT updated_at FROM scratch_children")[0]
    _sql("UPDATE scratch_children SET parent_id = NULL")
    assert _one("SELECT updated_at FROM scratch_children")[0] > before + dt.timedelta(days=2)


def test_updated_at_moves_on_an_update_written_in_sql():
    organization = OrganizationFactory()
    past = timezone.now() - dt.timedelta(days=3)
    Organization.objects.filter(pk=organization.pk).update(updated_at=past)
    # The trigger overrides any value an UPDATE supplies: updated_at is the time of the change.
    organization.refresh_from_db()
    assert organization.updated_at > past + dt.timedelta(days=2)
