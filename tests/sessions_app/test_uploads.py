"""An uploaded file is stored and served as the type its content shows, whatever name the client gave it."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditLog
from questionnaires.answers import DOCX, file_content_type, stored_file_name
from sessions_app import services
from sessions_app.models import Response
from tests.questionnaires.factories import QuestionFactory
from tests.sessions_app.builders import branching_questionnaire

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


@pytest.fixture
def upload(db, client, client_a, org_a, media_root):
    """Post one file to a FILE_UPLOAD question as client A; return (response, stored answer value)."""
    flow = branching_questionnaire(organization=org_a)
    session = services.session_start(user=client_a, questionnaire=flow.questionnaire)
    question = QuestionFactory(section=flow.first, order_index=9, type="FILE_UPLOAD", text="Your evidence")
    client.force_login(client_a)

    def post(name: str, body: bytes, claimed: str):
        response = client.post(
            reverse("sessions_app:answer", args=[session.pk, question.pk]),
            {f"q-{question.id}": SimpleUploadedFile(name, body, content_type=claimed)},
        )
        answer = Response.objects.filter(session=session, question=question).first()
        return response, answer.value if answer else None

    return post


def stored_key(file_url: str) -> str:
    # /sessions/<session>/files/<question>/<token>/<name> names uploads/<session>/<question>/<token>/<name>
    session_id, _, question_id, token, name = file_url.strip("/").split("/")[1:]
    return services.upload_storage_key(session_id=session_id, question_id=question_id, token=token, name=name)


def test_a_pdf_sent_as_html_is_stored_and_served_as_a_pdf(upload, client):
    response, value = upload("evil.html", PDF, claimed="text/html")

    assert response.status_code == 200, response.content
    assert value["mimeType"] == "application/pdf"
    assert value["fileName"] == "evil.html"  # shown to people as the client named it
    assert value["fileUrl"].endswith("/evil.pdf")
    key = stored_key(value["fileUrl"])
    assert key.endswith("/evil.pdf") and default_storage.exists(key)
    assert not default_storage.exists(key.removesuffix(".pdf") + ".html")

    download = client.get(value["fileUrl"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="evil.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def test_a_refused_file_leaves_the_file_sent_before_as_the_answer(upload, client):
    _, sent = upload("plan.pdf", PDF, claimed="application/pdf")
    audited = AuditLog.objects.filter(event="response.save").count()

    refused, value = upload("page.html", PAGE, claimed="text/html")

    assert refused.status_code == 422
    assert b"not allowed" in refused.content and b"plan.pdf" in refused.content  # why, and what is kept
    assert value == sent
    assert client.get(sent["fileUrl"]).status_code == 200
    assert AuditLog.objects.filter(event="response.save").count() == audited  # nothing changed


def test_a_refused_first_file_stores_no_answer(upload):
    refused, value = upload("page.html", PAGE, claimed="text/html")

    assert refused.status_code == 422 and b"not allowed" in refused.content
    assert value is None


def test_plain_text_named_as_a_page_is_served_as_plain_text(upload, client):
    _, value = upload("notes.htm", b"Quarterly figures, as agreed.\n", claimed="text/html")

    assert value["mimeType"] == "text/plain"
    assert value["fileUrl"].endswith("/notes.txt")
    download = client.get(value["fileUrl"])
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="notes.txt"'


def test_a_file_whose_extension_matches_its_content_keeps_it(upload, client):
    _, value = upload("Site Photo.JPEG", JPEG, claimed="application/octet-stream")

    assert value["fileUrl"].endswith("/Site-Photo.jpeg")
    assert client.get(value["fileUrl"])["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    "name, mime_type, stored",
    [
        ("evil.html", "application/pdf", "evil.pdf"),
        ("report.PDF", "application/pdf", "report.pdf"),
        ("figures.csv", "text/plain", "figures.csv"),
        ("figures.svg", "text/plain", "figures.txt"),
        ("photo.jpg", "image/png", "photo.png"),
        ("upload", "image/gif", "upload.gif"),
        ("archive.tar.docx.exe", DOCX, "archive.tar.docx.docx"),
        ("plan.docx", DOCX, "plan.docx"),
    ],
)
def test_the_stored_name_takes_the_extension_of_the_detected_type(name, mime_type, stored):
    assert stored_file_name(name, mime_type) == stored


def test_a_stored_name_without_a_known_extension_is_served_as_opaque_bytes():
    assert file_content_type("legacy.html") == "application/octet-stream"
    assert file_content_type("no-extension") == "application/octet-stream"
    assert file_content_type("scan.pdf") == "application/pdf"
