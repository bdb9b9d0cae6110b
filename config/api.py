"""URLs of the REST API, version 1 (included at /api/v1/), its OpenAPI schema and its documentation.

The documentation page is Swagger UI from drf-spectacular-sidecar's static files, started by
static/js/api-docs.js, so it loads nothing from another host and runs no inline script.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.templatetags.static import static
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from accounts.authentication import api_schema
from core.api_errors import api_exception_handler, api_not_found
from documents import apis as document_apis
from questionnaires import apis as questionnaire_apis
from sessions_app import apis as session_apis
from sessions_app import export_apis, invitation_apis

app_name = "api"

API_DESCRIPTION = """\
The Adaptive Client Questionnaire System's API: start questionnaire sessions, answer questions and
complete sessions on behalf of the user who owns the API key.

Authenticate with `Authorization: Bearer <key>` (or `X-API-Key: <key>`); create keys at
/account/api-keys/. Each endpoint needs one scope. Errors are JSON:
`{"error": {"code": "...", "message": "...", "details": ...}}`. See docs/api.md for the guide.
"""

SCHEMA_SETTINGS = {
    "TITLE": "Adaptive Client Questionnaires API",
    "DESCRIPTION": API_DESCRIPTION,
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"],
}


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema, public like the documentation (it holds no data)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    custom_settings = SCHEMA_SETTINGS

    def get_exception_handler(self):
        return api_exception_handler

    @api_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# Where drf-spectacular-sidecar (an installed app) keeps Swagger UI's files among the static files.
SWAGGER_UI = "drf_spectacular_sidecar/swagger-ui-dist"

_DOCS_PAGE = engines["django"].from_string(
    """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>API documentation · Adaptive Client Questionnaires</title>
  <link rel="stylesheet" href="{{ css }}">
  <link rel="icon" type="image/png" href="{{ favicon }}">
</head>
<body>
  <div id="swagger-ui"></div>
  {{ config|json_script:"swagger-config" }}
  <script src="{{ bundle }}"></script>
  <script src="{{ start }}"></script>
</body>
</html>
"""
)


@require_GET
def docs(request):
    """Swagger UI over the schema, from this site's static files only.

    Not drf-spectacular's SpectacularSwaggerSplitView: its page has an inline <style>, which the
    Content-Security-Policy refuses.
    """
    html = _DOCS_PAGE.render(
        {
            "css": static(f"{SWAGGER_UI}/swagger-ui.css"),
            "bundle": static(f"{SWAGGER_UI}/swagger-ui-bundle.js"),
            "start": static("js/api-docs.js"),
            "favicon": static(f"{SWAGGER_UI}/favicon-32x32.png"),
            "config": {
                "schemaUrl": reverse("api:schema") + "?format=json",
                "csrfToken": get_token(request),
            },
        }
    )
    return HttpResponse(html)


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", docs, name="docs"),
    path("questionnaires/", questionnaire_apis.QuestionnaireListApi.as_view(), name="questionnaire-list"),
    path(
        "questionnaires/<uuid:questionnaire_id>/",
        questionnaire_apis.QuestionnaireDetailApi.as_view(),
        name="questionnaire-detail",
    ),
    path("sessions/", session_apis.SessionListApi.as_view(), name="session-list"),
    path("sessions/<uuid:session_id>/", session_apis.SessionDetailApi.as_view(), name="session-detail"),
    path(
        "sessions/<uuid:session_id>/answers/<uuid:question_id>/",
        session_apis.SessionAnswerApi.as_view(),
        name="session-answer",
    ),
    path(
        "sessions/<uuid:session_id>/complete/",
        session_apis.SessionCompleteApi.as_view(),
        name="session-complete",
    ),
    path(
        "sessions/<uuid:session_id>/documents/",
        document_apis.SessionDocumentsApi.as_view(),
        name="session-documents",
    ),
    path(
        "documents/<uuid:document_id>/download/",
        document_apis.DocumentDownloadApi.as_view(),
        name="document-download",
    ),
    path("invitations/", invitation_apis.InvitationListApi.as_view(), name="invitation-list"),
    path(
        "invitations/<uuid:invitation_id>/revoke/",
        invitation_apis.InvitationRevokeApi.as_view(),
        name="invitation-revoke",
    ),
    path(
        "questionnaires/<uuid:questionnaire_id>/export/",
        export_apis.QuestionnaireExportApi.as_view(),
        name="questionnaire-export",
    ),
    path("exports/<uuid:export_id>/", export_apis.ExportDetailApi.as_view(), name="export-detail"),
    path(
        "exports/<uuid:export_id>/download/", export_apis.ExportDownloadApi.as_view(), name="export-download"
    ),
    # Last: whatever else is asked for under /api/v1/ is a JSON 404, never Django's HTML page.
    re_path(r"^.*$", api_not_found),
]
