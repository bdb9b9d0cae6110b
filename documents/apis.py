"""REST API of documents: the documents made from a session, and the download of an approved one.

Each view calls the same selectors and services as the client's pages (documents/views.py): scoping
(someone else's session or document is a 404), what a client may download, and the audit row of each
download are decided there, once.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions
from rest_framework.response import Response

from accounts.authentication import ApiView, api_schema
from core.api_errors import ErrorSerializer
from documents import selectors, services, storage
from documents.finals import document_final
from documents.models import DocumentStatus
from documents.serializers import SessionDocumentSerializer, document_data
from documents.templatetags.documents import client_status
from sessions_app import selectors as session_selectors
from sessions_app.apis import ERRORS, NOT_FOUND


class SessionDocumentsApi(ApiView):
    required_scopes = {"GET": "documents:read"}
    serializer_class = SessionDocumentSerializer
    pagination_class = None  # a handful per session

    @api_schema(
        operation_id="sessions_documents",
        summary="List the documents made from a session, with their status",
        description="The latest version of each document type and format. A document can be "
        "downloaded once a reviewer has approved it: `download_url` is set then.",
        tags=["documents"],
        responses={200: SessionDocumentSerializer(many=True), **NOT_FOUND, **ERRORS},
    )
    def get(self, request, session_id):
        session = session_selectors.session_for_client(user=request.user, session_id=session_id)
        items = []
        for document in selectors.documents_for_session(session=session):
            download_url = None
            if document.status == DocumentStatus.APPROVED and document_final(document):
                download_url = request.build_absolute_uri(
                    reverse("api:document-download", args=[document.pk])
                )
            items.append(
                document_data(
                    document, status_label=client_status(document.status), download_url=download_url
                )
            )
        return Response(SessionDocumentSerializer(items, many=True).data)


class DocumentDownloadApi(ApiView):
    required_scopes = {"GET": "documents:read"}

    @api_schema(
        operation_id="documents_download",
        summary="Download a document",
        description="The approved final (PDF or DOCX: no draft marking, stamped with its approval) once it "
        "is stored; with S3 storage, a redirect to a "
        "short-lived signed URL. Anything else, or someone else's document, is a 404.",
        tags=["documents"],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): (
                OpenApiTypes.BINARY
            ),
            302: OpenApiResponse(description="A redirect to the file in S3."),
            404: OpenApiResponse(ErrorSerializer, description="No such document to download."),
            **ERRORS,
        },
    )
    def get(self, request, document_id):
        found = selectors.document_for_download(user=request.user, document_id=document_id)
        document, name = found.document, found.file_name
        services.document_download_record(document=document, actor=request.user, final=found.final)
        if storage.is_remote():
            return HttpResponseRedirect(
                storage.presigned_url(key=found.key, file_name=name, content_type=document.content_type)
            )
        try:
            handle = storage.document_open(found.key)
        except FileNotFoundError:
            raise exceptions.NotFound("The file is missing.") from None
        return FileResponse(handle, as_attachment=True, filename=name, content_type=document.content_type)

    def perform_content_negotiation(self, request, force=False):
        # Errors are JSON whatever the client accepts (e.g. Accept: application/pdf).
        return super().perform_content_negotiation(request, force=True)
