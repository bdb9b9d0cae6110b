"""The documents API: a session's documents with their status, and downloading an approved one."""

import pytest
from django.urls import reverse

from audit.models import AuditLog
from documents import storage
from documents.models import DocumentStatus
from tests.documents.factories import DocumentFactory, DocumentTypeFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a tiny test file\n"


@pytest.fixture
def approved(session_a, media_root):
    document_type = DocumentTypeFactory(name="Technology roadmap", slug="technology-roadmap")
    document = DocumentFactory(session=session_a, document_type=document_type, status=DocumentStatus.APPROVED)
    key = storage.document_key(
        session_id=session_a.pk, document_id=document.pk, version=1, slug=document_type.slug, extension="pdf"
    )
    storage.document_write(key=key, payload=b"%PDF-1.4\n% the draft under review\n")
    final = storage.document_key(
        session_id=session_a.pk,
        document_id=document.pk,
        version=1,
        slug=document_type.slug,
        extension="pdf",
        final=True,
    )
    storage.document_write(key=final, payload=PDF)
    document.storage_url, document.file_name, document.file_size = key, "roadmap.pdf", len(PDF)
    document.generation_metadata = {"final": {"key": final, "sha256": "-", "fileSize": len(PDF)}}
    document.save()
    return document


@pytest.fixture
def waiting(session_a):
    return DocumentFactory(
        session=session_a,
        document_type=DocumentTypeFactory(name="Business plan", slug="business-plan"),
        status=DocumentStatus.PENDING_REVIEW,
    )


def documents_url(session):
    return reverse("api:session-documents", args=[session.pk])


def download_url(document):
    return reverse("api:document-download", args=[document.pk])


def test_a_sessions_documents_are_listed_with_their_status(api_a, session_a, approved, waiting):
    response = api_a.get(documents_url(session_a))
    assert response.status_code == 200
    listed = {item["document_type"]["slug"]: item for item in response.json()}
    assert listed["technology-roadmap"]["status"] == "APPROVED"
    assert listed["technology-roadmap"]["download_url"].endswith(download_url(approved))
    assert listed["business-plan"]["status"] == "PENDING_REVIEW"
    assert listed["business-plan"]["status_label"] == "Waiting for review"
    assert listed["business-plan"]["download_url"] is None


def test_an_approved_document_downloads_and_the_download_is_audited(api_a, approved):
    response = api_a.get(download_url(approved))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "technology-roadmap-v1.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF  # the final, never the draft
    assert AuditLog.objects.filter(event="document.download", resource_id=approved.pk).count() == 1


def test_an_approved_document_without_its_final_yet_has_no_download(api_a, approved):
    approved.generation_metadata = {}
    approved.save()
    [listed] = api_a.get(documents_url(approved.session)).json()
    assert listed["status"] == "APPROVED" and listed["download_url"] is None
    assert api_a.get(download_url(approved)).status_code == 404


def test_a_document_waiting_for_review_cannot_be_downloaded(api_a, waiting):
    response = api_a.get(download_url(waiting))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_another_clients_documents_are_404s(api_b, session_a, approved):
    assert api_b.get(documents_url(session_a)).status_code == 404
    response = api_b.get(download_url(approved), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_documents_need_the_documents_scope(key_client, client_a, session_a, approved):
    sessions_only = key_client(client_a, ["sessions:read"])
    assert sessions_only.get(documents_url(session_a)).status_code == 403
    assert sessions_only.get(download_url(approved)).status_code == 403
