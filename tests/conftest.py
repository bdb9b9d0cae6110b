"""Personas shared by every test: a client and a reviewer of organization A, an admin, a client of B;
the admin logged in to the admin site; a private folder for stored files; a draft questionnaire.
"""

import contextlib

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from accounts.services import mfa_activate
from tests.accounts.factories import (
    TOTP_SECRET,
    AdminFactory,
    OrganizationFactory,
    ReviewerFactory,
    UserFactory,
)
from tests.accounts.helpers import login_with_mfa
from tests.documents import broker
from tests.questionnaires.builders import draft_with_rule


@pytest.fixture(scope="session", autouse=True)
def _media_root_of_this_run(tmp_path_factory):
    """Files the tests store go to a folder of this run's own (one per pytest-xdist worker), never to
    .data/media, which `make run` serves and which another run on the same checkout writes to."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(scope="session", autouse=True)
def _empty_documents_queue_at_the_end():
    """Completed sessions queue their documents on this run's own queue (settings.DOCUMENTS_QUEUE)."""
    yield
    with contextlib.suppress(Exception):
        broker.queue_purge()


@pytest.fixture
def media_root(settings, tmp_path):
    """A folder of the test's own for stored files, for tests that look at what was written."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


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
    """A member of the Reviewers group (put back by the factory after a transactional test's flush)."""
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
def staff_client(client, admin_user):
    """The test client, logged in to the admin site as admin_user, MFA passed.

    Not pytest-django's `admin_client`, which logs in a superuser without MFA.
    """
    return login_with_mfa(client, admin_user)


@pytest.fixture
def client_b(org_b):
    return UserFactory(email="client@borealis.example", organization=org_b)


@pytest.fixture
def draft():
    """A draft questionnaire (tests/questionnaires/builders.py) whose text question shows on "yes"."""
    return draft_with_rule()
