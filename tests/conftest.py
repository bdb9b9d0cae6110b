"""Personas shared by every test: a client and a reviewer of organization A, an admin, a client of B."""

import pytest
from django.core.cache import cache

from tests.accounts.factories import AdminFactory, OrganizationFactory, ReviewerFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the tests' own key prefix, never the app's)."""
    cache.delete_pattern("*")
    yield


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="Acme Advisory", slug="acme")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="Borealis Partners", slug="borealis")


@pytest.fixture
def client_a(org_a):
    return UserFactory(email="client@acme.example", organization=org_a)


@pytest.fixture
def reviewer_a(org_a):
    return ReviewerFactory(email="reviewer@acme.example", organization=org_a)


@pytest.fixture
def admin_user(org_a):
    return AdminFactory(email="admin@acme.example", organization=org_a)


@pytest.fixture
def client_b(org_b):
    return UserFactory(email="client@borealis.example", organization=org_b)
