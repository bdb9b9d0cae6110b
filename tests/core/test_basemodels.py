"""The abstract base models: ids and timestamps on both sides of the ORM, soft deletion, enum checks."""

import uuid

import pytest
from django.db import connection, models

from accounts.models import Organization, UserRole
from core.basemodels import choices_check
from tests.accounts.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_orm_gives_a_new_row_its_id_and_timestamps_before_saving():
    organization = Organization(name="Acme Advisory", slug="acme-unsaved")
    assert isinstance(organization.id, uuid.UUID)
    assert organization.created_at is not None


def test_the_database_fills_id_and_timestamps_of_a_row_written_by_sql_alone():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO organizations (name, slug) VALUES ('Written in SQL', 'sql-only') "
            "RETURNING id, created_at, updated_at"
        )
        row_id, created_at, updated_at = cursor.fetchone()
    assert isinstance(row_id, uuid.UUID) and created_at and updated_at


def test_soft_deleted_organizations_disappear_from_default_queries():
    kept, gone = OrganizationFactory(), OrganizationFactory()
    Organization.objects.filter(pk=gone.pk).soft_delete()
    assert list(Organization.objects.filter(pk__in=[kept.pk, gone.pk])) == [kept]
    assert Organization.all_objects.filter(pk=gone.pk).exists()
    assert list(Organization.all_objects.filter(pk__in=[kept.pk, gone.pk]).alive()) == [kept]


def test_an_enum_column_is_checked_against_every_value_of_its_choices():
    check = choices_check("role", UserRole, "users_role_valid")
    assert check.name == "users_role_valid"
    assert check.condition == models.Q(role__in=list(UserRole.values))
