"""The REST API's view of documents: the documents made from a session, with their status.

Plain data in, JSON out; documents/apis.py decides which documents a caller sees and their links.
"""

from __future__ import annotations

from rest_framework import serializers


class DocumentTypeRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()


class SessionDocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    document_type = DocumentTypeRefSerializer()
    format = serializers.CharField(help_text="PDF or DOCX.")
    version = serializers.IntegerField()
    status = serializers.CharField(
        help_text="PENDING, GENERATING, GENERATED, PENDING_REVIEW, APPROVED, REJECTED or FAILED."
    )
    status_label = serializers.CharField(help_text="The status in the words the client's page uses.")
    file_name = serializers.CharField(allow_null=True)
    file_size = serializers.IntegerField(allow_null=True, help_text="Bytes.")
    page_count = serializers.IntegerField(allow_null=True)
    generated_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.CharField(
        allow_null=True, help_text="Where to download the file once it is approved; null until then."
    )


def document_data(document, *, status_label: str, download_url: str | None) -> dict:
    return {
        "id": document.pk,
        "document_type": {
            "slug": document.document_type.slug,
            "name": document.document_type.name,
            "category": document.document_type.category,
        },
        "format": document.format,
        "version": document.version,
        "status": document.status,
        "status_label": status_label,
        "file_name": document.file_name,
        "file_size": document.file_size,
        "page_count": document.page_count,
        "generated_at": document.generated_at,
        "approved_at": document.approved_at,
        "download_url": download_url,
    }
