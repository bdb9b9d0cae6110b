"""Fixtures of the documents tests: the type catalogue, reviewers, private file storage, the demo session.

Transactional tests (a real worker, the browser) flush every table afterwards, data migrations
included, so the catalogue and the Reviewers group are put back here before each test that needs them.
"""

import contextlib

import pytest
from django.contrib.auth.models import Group, Permission

from documents.catalogue import catalogue_load
from documents.models import DocumentType
from tests.accounts.factories import ReviewerFactory
from tests.documents import broker
from tests.documents.builders import complete_demo_session


def ensure_reviewers_group():
    group, _ = Group.objects.get_or_create(name="Reviewers")
    group.permissions.add(
        Permission.objects.get(codename="review_document", content_type__app_label="accounts")
    )
    return group


@pytest.fixture(autouse=True)
def document_types(request):
    """The 25 document types (present after migrate; restored after a transactional test's flush).

    Tests of pure logic, which use no database, get None.
    """
    uses_database = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_database:
        return None
    request.getfixturevalue("db")  # the marker decides whether it is transactional
    catalogue_load(DocumentType, only_missing=True)
    return {document_type.slug: document_type for document_type in DocumentType.objects.all()}


@pytest.fixture(autouse=True)
def documents_queue(settings):
    """Generation tasks go to this run's own queue on the real broker, never to the shared default."""
    settings.DOCUMENTS_QUEUE = broker.QUEUE
    return broker.QUEUE


@pytest.fixture(scope="session", autouse=True)
def _empty_documents_queue_at_the_end():
    yield
    with contextlib.suppress(Exception):
        broker.queue_purge()


@pytest.fixture
def reviewer_a(org_a):
    ensure_reviewers_group()
    return ReviewerFactory(email="reviewer@acme.example", organization=org_a)


@pytest.fixture
def reviewer_b(org_b):
    ensure_reviewers_group()
    return ReviewerFactory(email="reviewer@borealis.example", organization=org_b)


@pytest.fixture
def media_root(settings, tmp_path):
    """Files go to a private temporary folder, never to .data/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def demo_session(client_a, org_a, media_root):
    """A completed session of the demo questionnaire, with two dormant answers (see builders)."""
    return complete_demo_session(user=client_a, organization=org_a)
