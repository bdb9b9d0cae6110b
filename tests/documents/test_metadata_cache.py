"""Document metadata in Redis: the client's list is read once, and dropped on generation and review."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents import selectors
from documents.metadata_cache import session_key
from documents.models import Document, DocumentStatus
from tests.documents.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def _queries(call):
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, len(captured)


def test_the_session_list_comes_from_redis_until_a_document_changes():
    from django.core.cache import cache

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


def test_a_bulk_status_write_by_the_generator_drops_the_entry_too():
    from documents.metadata_cache import document_metadata_changed

    document = DocumentFactory()
    selectors.documents_for_session(session=document.session)
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.FAILED)
    document_metadata_changed(document)  # what document_generate does after its update()
    assert [d.status for d in selectors.documents_for_session(session=document.session)] == [
        DocumentStatus.FAILED
    ]
