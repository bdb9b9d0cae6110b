"""Every URL that takes an object id is a 404 for users (and API keys) of another organization.

The URL resolver is enumerated: a new URL with an id in it must get an entry in ENTRIES (how to build
an object of organization A for it), or EXEMPT with the reason, or this test fails. The files are real
and their owner downloads them, so an outsider's 404 is the organization's boundary, not a missing file.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.api_keys import api_key_create
from documents import storage
from documents.models import DocumentStatus
from sessions_app import services
from sessions_app.export_models import ResponseExport
from sessions_app.models import ChangeRequest
from tests.accounts.factories import ApiKeyFactory, ReviewerFactory, UserFactory
from tests.documents.factories import DocumentFactory
from tests.questionnaires.factories import QuestionFactory
from tests.sessions_app.builders import branching_questionnaire
from tests.sessions_app.factories import InvitationFactory

pytestmark = pytest.mark.django_db

ALL_SCOPES = [
    "questionnaires:read",
    "sessions:read",
    "sessions:write",
    "documents:read",
    "invitations:read",
    "invitations:write",
    "exports:read",
]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
PDF = b"%PDF-1.4\n% the approved document of organization A\n%%EOF\n"


def _walk(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace == "admin":
                continue  # the admin has a generated test of its own: tests/core/test_admin.py
            for ns, name, route in _walk(pattern, prefix + str(pattern.pattern)):
                yield (namespace or ns), name, route
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if "<" in route:
                yield None, pattern.name, route


def url_patterns_with_ids() -> set[str]:
    return {f"{ns}:{name}" if ns else name for ns, name, _ in _walk(get_resolver())}


def _uploaded_file(session, question) -> dict:
    """Upload a file as the client does; return the kwargs of its download URL."""
    upload = SimpleUploadedFile("org-chart.png", PNG, content_type="image/png")
    services.response_save(
        session=session, question_id=question.id, data={}, files={f"q-{question.id}": upload}
    )
    file_url = services.session_answers(session=session)[str(question.id)].value["fileUrl"]
    # /sessions/<session_id>/files/<question_id>/<token>/<name>
    _, _, token, name = file_url.strip("/").split("/")[-4:]
    return {"session_id": session.pk, "question_id": question.pk, "token": token, "name": name}


def _approved_document(session):
    """An approved document of the session, its file in storage."""
    document = DocumentFactory(session=session, status=DocumentStatus.APPROVED, format="PDF")
    draft = f"documents/{session.pk}/{document.pk}/v1/plan.pdf"
    document.storage_url = storage.document_write(key=draft, payload=b"%PDF-1.4\n% the draft\n%%EOF\n")
    final = f"documents/{session.pk}/{document.pk}/v1/final/plan.pdf"
    storage.document_write(key=final, payload=PDF)
    document.generation_metadata = {"final": {"key": final, "sha256": "-", "fileSize": len(PDF)}}
    document.file_name, document.file_size = "plan.pdf", len(PDF)
    document.save()
    return document


@pytest.fixture
def tenant_a(org_a, client_a, media_root):
    flow = branching_questionnaire(organization=org_a)
    upload_question = QuestionFactory(section=flow.first, order_index=9, type="FILE_UPLOAD", text="Org chart")
    session = services.session_start(user=client_a, questionnaire=flow.questionnaire)
    return {
        "questionnaire": flow.questionnaire,
        "section": flow.first,
        "question": flow.has_product,
        "session": session,
        "document": DocumentFactory(session=session),
        "approved_document": _approved_document(session),
        "uploaded_file": _uploaded_file(session, upload_question),
        "api_key": ApiKeyFactory(user=client_a),
        "change_request": ChangeRequest.objects.create(
            session=session, message="Check this.", question_ids=[flow.has_product.pk]
        ),
        "invitation": InvitationFactory(organization=org_a, questionnaire=flow.questionnaire),
        "response_export": ResponseExport.objects.create(
            organization=org_a, questionnaire=flow.questionnaire, format="csv"
        ),
    }


# name → (method, kwargs from organization A's objects)
ENTRIES = {
    "sessions_app:start": ("post", lambda a: {"questionnaire_id": a["questionnaire"].pk}),
    "sessions_app:resume": ("get", lambda a: {"session_id": a["session"].pk}),
    "sessions_app:section": ("get", lambda a: {"session_id": a["session"].pk, "section_id": a["section"].pk}),
    "sessions_app:answer": (
        "post",
        lambda a: {"session_id": a["session"].pk, "question_id": a["question"].pk},
    ),
    "sessions_app:review": ("get", lambda a: {"session_id": a["session"].pk}),
    "sessions_app:email_link": ("post", lambda a: {"session_id": a["session"].pk}),
    "sessions_app:complete": ("post", lambda a: {"session_id": a["session"].pk}),
    "sessions_app:file": ("get", lambda a: a["uploaded_file"]),
    "documents:detail": ("get", lambda a: {"document_id": a["document"].pk}),
    "documents:approve": ("post", lambda a: {"document_id": a["document"].pk}),
    "documents:reject": ("post", lambda a: {"document_id": a["document"].pk}),
    "documents:assign": ("post", lambda a: {"document_id": a["document"].pk}),
    "documents:regenerate": ("post", lambda a: {"document_id": a["document"].pk}),
    "documents:retry": ("post", lambda a: {"document_id": a["document"].pk}),
    "documents:file": ("get", lambda a: {"document_id": a["approved_document"].pk}),
    "documents:session_panel": ("get", lambda a: {"session_id": a["session"].pk}),
    "documents:comment": ("post", lambda a: {"document_id": a["document"].pk}),
    "documents:amend": ("post", lambda a: {"document_id": a["document"].pk}),
    "documents:request_changes": ("post", lambda a: {"document_id": a["document"].pk}),
    "documents:withdraw_changes": ("post", lambda a: {"document_id": a["document"].pk}),
    "documents:compare": ("get", lambda a: {"document_id": a["document"].pk}),
    "sessions_app:changes": (
        "get",
        lambda a: {"session_id": a["session"].pk, "request_id": a["change_request"].pk},
    ),
    "api:questionnaire-detail": ("get", lambda a: {"questionnaire_id": a["questionnaire"].pk}),
    "api:session-detail": ("get", lambda a: {"session_id": a["session"].pk}),
    "api:session-answer": ("put", lambda a: {"session_id": a["session"].pk, "question_id": a["question"].pk}),
    "api:session-complete": ("post", lambda a: {"session_id": a["session"].pk}),
    "api:session-documents": ("get", lambda a: {"session_id": a["session"].pk}),
    "api:document-download": ("get", lambda a: {"document_id": a["approved_document"].pk}),
    "api:invitation-revoke": ("post", lambda a: {"invitation_id": a["invitation"].pk}),
    "api:questionnaire-export": ("get", lambda a: {"questionnaire_id": a["questionnaire"].pk}),
    "api:export-detail": ("get", lambda a: {"export_id": a["response_export"].pk}),
    "api:export-download": ("get", lambda a: {"export_id": a["response_export"].pk}),
    "exports:page": ("get", lambda a: {"questionnaire_id": a["questionnaire"].pk}),
    "exports:list": ("get", lambda a: {"questionnaire_id": a["questionnaire"].pk}),
    "exports:download": ("get", lambda a: {"export_id": a["response_export"].pk}),
    "analytics:questionnaire": ("get", lambda a: {"questionnaire_id": a["questionnaire"].pk}),
    "invitations:resend": ("post", lambda a: {"invitation_id": a["invitation"].pk}),
    "invitations:revoke": ("post", lambda a: {"invitation_id": a["invitation"].pk}),
    "api_keys:revoke": ("post", lambda a: {"api_key_id": a["api_key"].pk}),
    "accounts:gdpr_user": ("get", lambda a: {"user_id": a["session"].user_id}),
    "accounts:gdpr_user_export": ("get", lambda a: {"user_id": a["session"].user_id}),
    "accounts:gdpr_user_anonymise": ("post", lambda a: {"user_id": a["session"].user_id}),
}
EXEMPT = {
    "accounts:password_reset_confirm": "no tenant object: a signed, expiring token names the user",
    "invitations:accept": "no tenant object: a single-use token names the invitation "
    "(tests/sessions_app/test_invitations.py)",
    "accounts:reminders_unsubscribe": "no tenant object: a signed token names the user, who may only opt out",
    "admin_help": "no tenant object: the slug names one of the product's guides, the same for all "
    "(tests/questionnaires/test_admin_names.py)",
}
# The downloads, and the bytes their owner (client A) gets from each.
FILES = {"sessions_app:file": PNG, "documents:file": PDF, "api:document-download": PDF}


def test_every_url_with_an_id_has_an_isolation_entry():
    missing = url_patterns_with_ids() - set(ENTRIES) - set(EXEMPT)
    assert not missing, f"add these URLs to ENTRIES in {__file__}: {sorted(missing)}"


def _request(browser, method, url, **headers):
    if method == "get":
        return browser.get(url, **headers)
    return getattr(browser, method)(url, data="{}", content_type="application/json", **headers)


@pytest.fixture(params=["client", "reviewer"])
def outsider(request, org_b):
    """A client and a reviewer of organization B, logged in."""
    factory = UserFactory if request.param == "client" else ReviewerFactory
    browser = Client()
    browser.force_login(factory(organization=org_b))
    return browser


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_another_organizations_object_is_a_404(name, tenant_a, outsider):
    method, kwargs = ENTRIES[name]
    url = reverse(name, kwargs=kwargs(tenant_a))
    response = _request(outsider, method, url)
    assert response.status_code == 404, f"{name}: {response.status_code}"


@pytest.mark.parametrize("name", sorted(n for n in ENTRIES if n.startswith("api:")))
def test_another_organizations_object_is_a_404_for_an_api_key(name, tenant_a, org_b):
    _, raw_key = api_key_create(user=UserFactory(organization=org_b), name="Outsider", scopes=ALL_SCOPES)
    method, kwargs = ENTRIES[name]
    url = reverse(name, kwargs=kwargs(tenant_a))
    response = _request(Client(), method, url, HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert response.status_code == 404, f"{name}: {response.status_code}"


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_owner_downloads_each_file_that_another_organization_cannot(name, tenant_a, client_a):
    browser = Client()
    browser.force_login(client_a)
    response = browser.get(reverse(name, kwargs=ENTRIES[name][1](tenant_a)))
    assert response.status_code == 200, f"{name}: {response.status_code}"
    assert b"".join(response.streaming_content) == FILES[name]


def test_the_owner_downloads_the_document_with_an_api_key(tenant_a, client_a):
    _, raw_key = api_key_create(user=client_a, name="Owner", scopes=ALL_SCOPES)
    url = reverse("api:document-download", kwargs=ENTRIES["api:document-download"][1](tenant_a))
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
