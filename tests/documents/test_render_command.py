"""`manage.py render_document` renders a document type from a session's answers, storing nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditLog
from documents.models import Document
from tests.documents.builders import LEGAL_NAME
from tests.documents.test_generation import docx_text, pdf_text

pytestmark = pytest.mark.django_db


def _state():
    return (
        sorted(Document.objects.values_list("id", "status", "storage_url", "version")),
        AuditLog.objects.count(),
    )


@pytest.mark.parametrize(("fmt", "read"), [("pdf", pdf_text), ("docx", docx_text)])
def test_a_document_is_rendered_to_a_file_and_nothing_changes(demo_session, tmp_path, fmt, read):
    before = _state()
    output = tmp_path / f"roadmap.{fmt}"
    out = io.StringIO()
    call_command(
        "render_document",
        "technology-roadmap",
        session=str(demo_session.pk),
        format=fmt,
        output=str(output),
        stdout=out,
    )
    text = read(output.read_bytes())
    assert "Technology Roadmap" in text and f"Prepared for {LEGAL_NAME}" in text
    assert f"Wrote {output}" in out.getvalue()
    assert _state() == before


@pytest.mark.parametrize(
    ("slug", "session", "message"),
    [
        ("no-such-type", None, "No document type 'no-such-type'. Known: "),
        ("technology-roadmap", "not-a-uuid", "No session 'not-a-uuid'"),
        ("technology-roadmap", "00000000-0000-0000-0000-000000000000", "No session"),
    ],
)
def test_a_wrong_type_or_session_is_a_clear_error(demo_session, tmp_path, slug, session, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "render_document", slug, session=session or str(demo_session.pk), output=str(tmp_path / "x.pdf")
        )
    assert not (tmp_path / "x.pdf").exists()
