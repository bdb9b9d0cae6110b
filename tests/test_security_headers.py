"""Security headers on HTML, API and file responses, and `check --deploy` passing under production settings.

That the pages work under the policy, in Debian's chromium, is tests/browser/test_content_security_policy.py
(browser tests live under tests/browser/, which owns the one Playwright instance a run may have).
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt

from config import embedded
from core.security_headers import PERMISSIONS_POLICY, SecurityHeadersMiddleware
from documents import storage as document_storage
from documents.models import DocumentStatus
from sessions_app.models import Response
from tests.accounts.helpers import login_with_mfa
from tests.documents.factories import DocumentFactory, DocumentTypeFactory
from tests.questionnaires.factories import QuestionFactory
from tests.sessions_app.builders import branching_questionnaire
from tests.sessions_app.factories import SessionFactory

BASE_DIR = Path(__file__).resolve().parent.parent
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
# A valid, one-page PDF: enough for chromium's viewer to open it in the reviewer's preview frame.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


def assert_security_headers(response, *, policy=PAGE_POLICY):
    # django-csp writes the directives in no fixed order; their order carries no meaning.
    assert directives(response["Content-Security-Policy"]) == directives(policy)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


# ------------------------------------------------------------------ headers, through the test client


def test_the_policy_is_the_one_the_pages_are_written_for():
    configured = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert {name: " ".join(sources) for name, sources in configured.items()} == directives(PAGE_POLICY)


@pytest.mark.django_db
def test_an_html_page_carries_every_security_header(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_logged_in_page_and_an_error_page_carry_them_too(client, client_a):
    client.force_login(client_a)
    assert_security_headers(client.get("/account/"))
    missing = client.get("/sessions/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404
    assert_security_headers(missing)


@pytest.mark.django_db
def test_api_responses_carry_them(client, client_a):
    unauthenticated = client.get("/api/v1/questionnaires/")
    assert unauthenticated.status_code in (401, 403)
    assert unauthenticated["Content-Type"].startswith("application/json")
    assert_security_headers(unauthenticated)
    assert_security_headers(client.get("/api/v1/no-such-endpoint/"))
    assert_security_headers(client.get("/api/v1/schema/?format=json"))


@pytest.mark.django_db
def test_health_probes_answered_before_the_other_middleware_carry_them(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
def test_the_api_documentation_needs_no_exception_to_the_policy(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert "<script>" not in response.content.decode()  # its start-up script is a static file


@pytest.mark.django_db
def test_an_uploaded_file_keeps_its_own_sandboxing_policy(client, client_a, media_root):
    flow = branching_questionnaire(organization=client_a.organization)
    question = QuestionFactory(section=flow.first, order_index=9, type="FILE_UPLOAD", text="A file")
    session = SessionFactory(user=client_a, questionnaire=flow.questionnaire)
    token, name = "a" * 32, "notes.txt"
    default_storage.save(f"uploads/{session.pk}/{question.pk}/{token}/{name}", ContentFile(b"notes"))
    url = reverse("sessions_app:file", args=[session.pk, question.pk, token, name])
    value = {"fileUrl": url, "fileName": name, "fileSize": 5, "mimeType": "text/plain"}
    Response.objects.create(session=session, question=question, value=value)
    client.force_login(client_a)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def reviewed_pdf(client_a, org_a, media_root):
    """A PDF waiting for review in organization A, with its file in storage."""
    session = SessionFactory(
        user=client_a, questionnaire=branching_questionnaire(organization=org_a).questionnaire
    )
    document = DocumentFactory(
        session=session,
        document_type=DocumentTypeFactory(),
        status=DocumentStatus.PENDING_REVIEW,
        format="PDF",
        file_name="preview.pdf",
    )
    key = document_storage.document_key(
        session_id=session.pk, document_id=document.pk, version=1, slug="preview", extension="pdf"
    )
    document.storage_url = document_storage.document_write(key=key, payload=TINY_PDF)
    document.file_size = len(TINY_PDF)
    document.save()
    return document


@pytest.mark.django_db
def test_the_pdf_preview_may_be_framed_by_this_site_only(client, reviewer_a, reviewed_pdf):
    client.force_login(reviewer_a)
    url = reverse("documents:file", args=[reviewed_pdf.pk])

    preview = client.get(url + "?inline=1")
    detail = client.get(reverse("documents:detail", args=[reviewed_pdf.pk]))

    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    # frame-ancestors says what X-Frame-Options says: browsers obey the policy over the older header.
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(preview["Content-Security-Policy"])["frame-ancestors"] == "'self'"
    assert detail["X-Frame-Options"] == "DENY"
    assert directives(detail["Content-Security-Policy"])["frame-ancestors"] == "'none'"
    assert_security_headers(detail)


def test_a_view_exempt_from_x_frame_options_gets_no_frame_ancestors():
    @xframe_options_exempt
    def embeddable(request):
        return HttpResponse("framed anywhere")

    response = SecurityHeadersMiddleware(embeddable)(RequestFactory().get("/embeddable/"))

    assert "X-Frame-Options" not in response
    policy = directives(response["Content-Security-Policy"])
    assert "frame-ancestors" not in policy
    assert policy == {k: v for k, v in directives(PAGE_POLICY).items() if k != "frame-ancestors"}


@pytest.mark.django_db
def test_admin_pages_carry_them(client, admin_user):
    login_with_mfa(client, admin_user)
    response = client.get("/admin/questionnaires/questionnaire/")
    assert response.status_code == 200
    assert_security_headers(response)


# ------------------------------------------------------------------ manage.py check --deploy


def test_check_deploy_passes_under_production_settings():
    """`manage.py check --deploy` finds nothing, not even a warning, with production settings.

    It runs in a child process (settings are read once per process) against the servers this run
    already uses, so nothing new is started; the checks themselves need no database.
    """
    # The browser tests' fixture sets DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never would.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "example.com",
        "DATABASE_URL": embedded.database_url(),
        "REDIS_URL": embedded.redis_url(),
        "ACQS_TESTING": "false",
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_headers_middleware_comes_first():
    """First, so it sees the final X-Frame-Options and covers what the health middleware answers itself."""
    assert settings.MIDDLEWARE[0] == "core.security_headers.SecurityHeadersMiddleware"
