"""The admin previews a document type against one of its organization's sessions, storing nothing."""

import io

import docx
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import UserRole
from accounts.services import mfa_activate
from audit.models import AuditLog
from documents.models import Document, DocumentType
from sessions_app.models import Session
from tests.accounts.factories import TOTP_SECRET, UserFactory
from tests.accounts.helpers import login_with_mfa
from tests.documents.builders import LEGAL_NAME
from tests.documents.test_generation import pdf_text
from tests.sessions_app.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _state():
    return sorted(Document.objects.values_list("id", "status", "storage_url")), AuditLog.objects.count()


@pytest.fixture
def org_admin(client, org_a):
    """A staff admin of organization A with every permission, not a superuser (what customers get)."""
    admin = UserFactory(email="orgadmin@acme.example", organization=org_a, role=UserRole.ADMIN, is_staff=True)
    admin.user_permissions.set(Permission.objects.all())
    mfa_activate(user=admin, secret=TOTP_SECRET, actor=None)
    admin.refresh_from_db()
    return login_with_mfa(client, admin)


@pytest.fixture
def url():
    roadmap = DocumentType.objects.get(slug="technology-roadmap")
    return reverse("admin:documents_documenttype_preview", args=[roadmap.pk])


def test_the_page_offers_the_organizations_sessions_and_renders_a_pdf_inline(org_admin, demo_session, url):
    page = org_admin.get(url)
    assert page.status_code == 200
    assert list(page.context["form"].fields["session"].queryset) == [demo_session]
    before = _state()
    response = org_admin.get(url, {"session": str(demo_session.pk), "format": "PDF"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert f"Prepared for {LEGAL_NAME}" in pdf_text(response.content)
    assert _state() == before


def test_a_word_preview_downloads(org_admin, demo_session, url):
    response = org_admin.get(url, {"session": str(demo_session.pk), "format": "DOCX"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert any(p.text == "Technology Roadmap" for p in docx.Document(io.BytesIO(response.content)).paragraphs)


def test_another_organizations_session_is_refused_and_nothing_of_it_shows(org_admin, client_b, url):
    other = SessionFactory(user=client_b)
    response = org_admin.get(url, {"session": str(other.pk), "format": "PDF"})
    assert response.status_code == 400
    assert "Select a valid choice" in " ".join(response.context["form"].errors["session"])
    assert client_b.email not in response.content.decode()
    assert Session.objects.filter(pk=other.pk).exists()


def test_the_preview_page_shows_the_file_beside_what_produced_each_block(org_admin, demo_session, url):
    before = _state()
    page = org_admin.get(url, {"session": str(demo_session.pk), "format": "PDF", "show": "page"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "How this document was produced" in html
    assert f'src="{url}?session={demo_session.pk}&amp;format=PDF"' in html
    assert "Recommendation <code>" in html
    assert "<style" not in html  # the policy allows the site's own style sheets only
    framed = org_admin.get(url, {"session": str(demo_session.pk), "format": "PDF"})
    assert (
        framed["X-Frame-Options"] == "SAMEORIGIN"
        and "frame-ancestors 'self'" in framed["Content-Security-Policy"]
    )
    assert _state() == before
