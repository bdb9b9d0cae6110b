"""Fixtures of the documents tests: the type catalogue, a reviewer of organization B, the demo and small
sessions (reviewer_a, media_root and the run's own documents queue come from tests/conftest.py and the
settings).

Transactional tests (a real worker, the browser) flush every table afterwards, data migrations
included, so the catalogue is put back here before each test that needs it (and the Reviewers group by
ReviewerFactory).
"""

import pytest

from documents.catalogue import catalogue_load
from documents.content import content_load
from documents.models import DocumentType, Recommendation
from tests.accounts.factories import ReviewerFactory
from tests.documents import broker
from tests.documents.builders import (
    LEGAL_NAME,
    MISSION,
    complete_demo_session,
    complete_small_session,
    small_questionnaire,
)


@pytest.fixture(autouse=True)
def document_types(request):
    """The 25 document types and their content (present after migrate; restored after a transactional
    test's flush).

    Tests of pure logic, which use no database, get None.
    """
    uses_database = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_database:
        return None
    request.getfixturevalue("db")  # the marker decides whether it is transactional
    catalogue_load(DocumentType, only_missing=True)
    content_load(DocumentType, Recommendation)  # the types' blocks and the shared recommendations
    return {document_type.slug: document_type for document_type in DocumentType.objects.all()}


@pytest.fixture
def reviewer_b(org_b):
    return ReviewerFactory(email="reviewer@borealis.example", organization=org_b)


@pytest.fixture
def demo_session(client_a, org_a, media_root):
    """A completed session of the demo questionnaire, with two dormant answers (see builders)."""
    return complete_demo_session(user=client_a, organization=org_a)


@pytest.fixture
def small(org_a):
    """The small questionnaire of organization A: one document type, quick to render (see builders)."""
    return small_questionnaire(organization=org_a)


@pytest.fixture
def small_session(client_a, small, media_root, django_capture_on_commit_callbacks):
    """A completed session of the small questionnaire: its documents PENDING, their messages taken off
    the queue (the tests generate them in this process)."""
    with django_capture_on_commit_callbacks(execute=True):
        session = complete_small_session(
            user=client_a,
            questionnaire=small,
            answers={"Legal name": LEGAL_NAME, "Mission": MISSION},
            dormant_website="https://dormant-site.example",
        )
    broker.queue_take_delivered()
    return session


@pytest.fixture
def operator(client, db):
    """The test client logged in to the admin as a superuser (MFA passed): who edits document types."""
    from accounts.services import mfa_activate
    from tests.accounts.factories import TOTP_SECRET, UserFactory
    from tests.accounts.helpers import login_with_mfa

    superuser = UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)
    mfa_activate(user=superuser, secret=TOTP_SECRET, actor=None)
    superuser.refresh_from_db()
    return login_with_mfa(client, superuser)


def type_form(document_type: DocumentType, **changes) -> dict:
    """Return the admin's change form of a document type as posted unchanged, with ``changes``."""
    import json

    return {
        "name": document_type.name,
        "slug": document_type.slug,
        "description": document_type.description or "",
        "category": document_type.category,
        "template_path": document_type.template_path,
        "required_questions": "",
        "output_formats": "PDF,DOCX",
        "estimated_pages": document_type.estimated_pages,
        "is_active": "on",
        "metadata": json.dumps(document_type.metadata),
        **changes,
    }
