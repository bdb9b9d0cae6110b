"""Personas shared by every test: a client and a reviewer of organization A, an admin, a client of B."""

import pytest
from django.core.cache import cache, caches

from accounts.services import mfa_activate
from tests.accounts.factories import (
    TOTP_SECRET,
    AdminFactory,
    OrganizationFactory,
    ReviewerFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the tests' own key prefix, never the app's)."""
    # A Redis outage simulated by an earlier test must not leave the cache's breaker open for this one.
    default = caches["default"]
    if hasattr(default, "_down_since"):
        default._down_since, default._down_until = None, 0.0
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
    """An administrator with MFA enrolled (TOTP_SECRET), as every admin must be.

    For the admin site, log in with tests.accounts.helpers.login_with_mfa(client, admin_user).
    """
    admin = AdminFactory(email="admin@acme.example", organization=org_a)
    mfa_activate(user=admin, secret=TOTP_SECRET, actor=None)
    admin.refresh_from_db()
    return admin


@pytest.fixture
def client_b(org_b):
    return UserFactory(email="client@borealis.example", organization=org_b)
