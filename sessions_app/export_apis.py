"""REST API of response exports: a questionnaire's responses as CSV, XLSX or SPSS, and large exports' jobs.

The key needs the `exports:read` scope and its user must be an organization's staff holding the export
permission (the pages' check, sessions_app.export_selectors.may), else 403; another organization's
questionnaire or export is a 404. Up to EXPORT_INLINE_MAX sessions the file comes back at once; above,
an export job is started (202) whose status and download have their own URLs.
"""

from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.authentication import ApiView, api_schema
from core.api_errors import ErrorSerializer
from sessions_app import export_selectors as selectors
from sessions_app import export_services as services
from sessions_app.export_models import ExportFormat, ExportStatus
from sessions_app.exports import CONTENT_TYPES
from sessions_app.models import SessionStatus

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No valid API key or session."),
    403: OpenApiResponse(
        ErrorSerializer,
        description="`insufficient_scope`: the key lacks `exports:read`; `permission_denied`: its user "
        "is not staff holding the export permission.",
    ),
    429: OpenApiResponse(ErrorSerializer, description="The key's hourly limit is used up."),
}


class ExportJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    questionnaire_id = serializers.UUIDField()
    format = serializers.ChoiceField(choices=ExportFormat.values)
    status = serializers.ChoiceField(choices=ExportStatus.values)
    progress = serializers.IntegerField(
        min_value=0, max_value=100, help_text="Percent of the sessions written."
    )
    row_count = serializers.IntegerField(allow_null=True, help_text="Sessions written, once ready.")
    filters = serializers.DictField(help_text="The filters the sessions were chosen by.")
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    status_url = serializers.URLField()
    download_url = serializers.URLField(allow_null=True, help_text="Set once the file is ready.")


def _job(request, export) -> dict:
    ready = export.status == ExportStatus.DONE
    return {
        "id": export.pk,
        "questionnaire_id": export.questionnaire_id,
        "format": export.format,
        "status": export.status,
        "progress": export.progress,
        "row_count": export.row_count,
        "filters": export.filters,
        "error": export.error,
        "created_at": export.created_at,
        "finished_at": export.finished_at,
        "status_url": request.build_absolute_uri(reverse("api:export-detail", args=[export.pk])),
        "download_url": request.build_absolute_uri(reverse("api:export-download", args=[export.pk]))
        if ready
        else None,
    }


def _require(request) -> None:
    if not selectors.may(request.user, selectors.VIEW):
        raise exceptions.PermissionDenied(
            "Only your organization's staff who may export responses can do this."
        )


class _FilesApi(ApiView):
    def perform_content_negotiation(self, request, force=False):
        # `?format=` names the export's format here, not DRF's renderer; errors are JSON whatever is asked.
        return JSONRenderer(), JSONRenderer.media_type


_FILE_RESPONSES = {
    (200, content_type.split(";")[0]): OpenApiTypes.BINARY for content_type in CONTENT_TYPES.values()
}


class QuestionnaireExportApi(_FilesApi):
    required_scopes = {"GET": "exports:read"}

    @api_schema(
        operation_id="questionnaires_export",
        summary="Export the responses to a questionnaire",
        description="One row per session of your organization, across every version of the questionnaire "
        "(a `version` column; blanks where a version lacks a question), one column per question (a multiple "
        "choice's options and a matrix's rows spread into columns), the session's status, industry, dates, "
        "progress and computed values. Only the answers of questions each client was shown. Up to "
        "EXPORT_INLINE_MAX (2,000) sessions the file is the response (200); above, an export job starts "
        "(202, `Location` is its status URL). No session, or none matching, gives the header row only.",
        tags=["exports"],
        parameters=[
            OpenApiParameter(
                "format", str, enum=ExportFormat.values, required=True, description="The file format."
            ),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="Sessions started on or after."),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="Sessions started on or before."),
            OpenApiParameter("version", int, description="Only sessions of this version."),
            OpenApiParameter("industry", str, description="Only sessions of this industry."),
            OpenApiParameter(
                "status", str, enum=SessionStatus.values, description="Only sessions in this status."
            ),
        ],
        responses={
            **_FILE_RESPONSES,
            202: ExportJobSerializer,
            400: OpenApiResponse(ErrorSerializer, description="An unknown format or an invalid filter."),
            404: OpenApiResponse(ErrorSerializer, description="No such questionnaire for your organization."),
            **ERRORS,
        },
    )
    def get(self, request, questionnaire_id):
        questionnaire = selectors.questionnaire_for_export(
            user=request.user, questionnaire_id=questionnaire_id
        )
        _require(request)
        fmt = request.query_params.get("format")
        if fmt not in ExportFormat.values:
            raise exceptions.ValidationError(
                {"format": [f"Choose a format: {', '.join(ExportFormat.values)} (for example ?format=csv)."]}
            )
        try:
            filters = selectors.filters_parse(request.query_params)
        except selectors.FiltersInvalid as invalid:
            raise exceptions.ValidationError(invalid.errors) from None
        count = services.session_count(
            questionnaire=questionnaire, organization_id=request.user.organization_id, filters=filters
        )
        if count > services.inline_max():
            export = services.response_export_start(
                questionnaire=questionnaire, fmt=fmt, filters=filters, requested_by=request.user
            )
            job = _job(request, export)
            return Response(
                ExportJobSerializer(job).data,
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": job["status_url"]},
            )
        handle, _ = services.response_export_inline(
            questionnaire=questionnaire, fmt=fmt, filters=filters, actor=request.user
        )
        export_name = f"{questionnaire.name}-responses.{fmt}"
        return FileResponse(handle, as_attachment=True, filename=export_name, content_type=CONTENT_TYPES[fmt])


class ExportDetailApi(ApiView):
    required_scopes = {"GET": "exports:read"}
    serializer_class = ExportJobSerializer

    @api_schema(
        operation_id="exports_retrieve",
        summary="Follow an export job",
        tags=["exports"],
        responses={
            200: ExportJobSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such export in your organization."),
            **ERRORS,
        },
    )
    def get(self, request, export_id):
        export = selectors.response_export_for_staff(user=request.user, export_id=export_id)
        _require(request)
        return Response(ExportJobSerializer(_job(request, export)).data)


class ExportDownloadApi(_FilesApi):
    required_scopes = {"GET": "exports:read"}

    @api_schema(
        operation_id="exports_download",
        summary="Download a finished export",
        tags=["exports"],
        responses={
            **_FILE_RESPONSES,
            404: OpenApiResponse(ErrorSerializer, description="No such export, or it is not ready."),
            **ERRORS,
        },
    )
    def get(self, request, export_id):
        export = selectors.response_export_for_staff(user=request.user, export_id=export_id)
        _require(request)
        try:
            handle = services.response_export_open(export=export, actor=request.user)
        except FileNotFoundError:
            raise exceptions.NotFound("This export has no file yet: see its status.") from None
        return FileResponse(
            handle, as_attachment=True, filename=export.file_name, content_type=CONTENT_TYPES[export.format]
        )
