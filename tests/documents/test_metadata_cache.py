"""Document metadata in Redis: the client's list is read once, and dropped on generation and review."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from documents import selectors, services
from documents.metadata_cache import session_key
from documents.models import Document, DocumentStatus
from tests.documents.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def _queries(call):
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, len(captured)


def listed(session) -> dict[str, str]:
    """What the client's session page lists: each document's format and status."""
    return {d.format: d.status for d in selectors.documents_for_session(session=session)}


@pytest.fixture
def pending_docx(small_session):
    """The small session's Business Plan as DOCX (quick to render), waiting to be generated."""
    return Document.objects.get(session=small_session, format="DOCX")


def test_the_session_list_comes_from_redis_until_a_document_changes():
    document = DocumentFactory()
    session = document.session
    first, cold = _queries(lambda: selectors.documents_for_session(session=session))
    assert cold >= 1 and [d.pk for d in first] == [document.pk]
    assert cache.get(session_key(session.pk)) is not None
    again, warm = _queries(lambda: selectors.documents_for_session(session=session))
    assert warm == 0 and [d.status for d in again] == [DocumentStatus.PENDING]

    document.status = DocumentStatus.GENERATING  # as the worker does when it starts
    document.save()
    fresh, _ = _queries(lambda: selectors.documents_for_session(session=session))
    assert [d.status for d in fresh] == [DocumentStatus.GENERATING]


def test_generating_drops_the_list_that_the_page_cached_while_the_document_was_generating(pending_docx):
    session = pending_docx.session
    assert listed(session)["DOCX"] == DocumentStatus.PENDING

    def page_polls_during_rendering(sender, instance, **kwargs):
        # The client's page polls while the worker renders: it caches the list that says GENERATING.
        if instance.pk == pending_docx.pk and instance.status == DocumentStatus.GENERATING:
            assert listed(session)["DOCX"] == DocumentStatus.GENERATING

    post_save.connect(page_polls_during_rendering, sender=Document, dispatch_uid="test-page-polls")
    try:
        generated = services.document_generate(document_id=pending_docx.pk)
    finally:
        post_save.disconnect(sender=Document, dispatch_uid="test-page-polls")

    assert generated.status == DocumentStatus.PENDING_REVIEW
    assert cache.get(session_key(session.pk)) is None
    assert listed(session)["DOCX"] == DocumentStatus.PENDING_REVIEW


def test_approving_drops_the_cached_list(pending_docx, reviewer_a):
    services.document_generate(document_id=pending_docx.pk)
    session = pending_docx.session
    assert listed(session)["DOCX"] == DocumentStatus.PENDING_REVIEW
    assert cache.get(session_key(session.pk)) is not None

    services.document_approve(document=Document.objects.get(pk=pending_docx.pk), reviewer=reviewer_a)

    assert cache.get(session_key(session.pk)) is None
    assert listed(session)["DOCX"] == DocumentStatus.APPROVED
