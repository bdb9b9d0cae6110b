"""Bring your own Word template: checked on upload with where the problem is, filled in the same sandbox
as the content blocks, with charts as images, and never able to run code or inject Word markup."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from documents import services
from documents.models import Document, DocumentStatus, DocumentType
from documents.storage import documents_storage
from documents.word import DRAFT_MARKING
from documents.wordtemplates import WordTemplateError, word_template_problems, word_template_render
from tests.documents.conftest import type_form
from tests.documents.test_generation import stored


def word(*paragraphs: str, header: str = "") -> bytes:
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def text_of(payload: bytes) -> str:
    document = docx.Document(io.BytesIO(payload))
    return "\n".join(p.text for p in document.paragraphs)


GOOD = word(
    "Technology review for {{ company }}",
    "Budget: {{ technology_budget|money }}; maturity {{ maturity_score }} of 5.",
    "{% for r in recommendations %}{{ loop.index }}. {{ r.title }} ({{ r.when }}){% endfor %}",
    "{{ charts.engineering_maturity }}",
    header="{{ document }} · {{ company }}",
)


# ----------------------------------------------------------------- checked on upload (no database)


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"not a zip", "This is not a Word document (.docx)."),
        (word("Hello {{ company }"), "In the document's body near “Hello {{ company }”: unexpected '}'"),
        (word("{% for x in y %}never closed"), "In the document's body near “{% for x in y %}never closed”:"),
        (word("{% include '/etc/passwd' %}"), "In the document's body: Templates may not use includes."),
        (word("{% macro m() %}{% endmacro %}"), "In the document's body: Templates may not use macros."),
        (word("{{ nope }}"), "In the document's body: “nope” is not a question key or computed value."),
        (word("{{ x|shell }}"), "In the document's body: There is no filter “shell”."),
        (word("fine", header="{{ company "), "In a header near “{{ company”:"),
    ],
)
def test_a_template_that_cannot_be_used_is_refused_with_where_the_problem_is(data, problem):
    found = word_template_problems(data, {"company", "x", "y"})
    assert any(p.startswith(problem) for p in found), found


def test_a_good_template_has_no_problem():
    assert word_template_problems(GOOD, {"technology_budget", "maturity_score"}) == []


def test_filling_escapes_answers_and_keeps_python_out_of_reach():
    payload = word_template_render(word("{{ company }}"), {"company": "<w:p>Evil & Sons</w:p>"}, {})
    assert text_of(payload) == "<w:p>Evil & Sons</w:p>"  # text, not markup
    with pytest.raises(WordTemplateError, match="internal"):
        word_template_render(word("{{ company.__class__.__mro__ }}"), {"company": "Acme"}, {})
    with pytest.raises(WordTemplateError, match="range"):
        word_template_render(word("{% for i in range(10**6) %}x{% endfor %}"), {}, {})
    with pytest.raises(WordTemplateError, match="includes"):
        word_template_render(word("{% include '/etc/passwd' %}"), {}, {})


# ----------------------------------------------------------------- uploaded in the admin and used


def test_an_uploaded_template_fills_the_types_word_files(operator, media_root):
    call_command("seed_demo", stdout=io.StringIO())
    roadmap = DocumentType.objects.get(slug="technology-roadmap")
    url = reverse("admin:documents_documenttype_change", args=[roadmap.pk])

    broken = SimpleUploadedFile("review.docx", word("Hello {{ company }"))
    response = operator.post(url, type_form(roadmap, word_template=broken))
    assert response.status_code == 200
    assert "near “Hello {{ company }”" in str(response.context["adminform"].form.errors["word_template"])
    roadmap.refresh_from_db()
    assert "word_template" not in roadmap.metadata

    upload = SimpleUploadedFile("review.docx", GOOD)
    assert operator.post(url, type_form(roadmap, word_template=upload)).status_code == 302
    roadmap.refresh_from_db()
    assert roadmap.metadata["word_template"]["name"] == "review.docx"

    startup = User.objects.get(email="startup@demo.example")
    document = Document.objects.get(session__user=startup, document_type=roadmap, format="DOCX", version=1)
    services.document_generate(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING_REVIEW
    filled = docx.Document(io.BytesIO(stored(document)))
    text = "\n".join(p.text for p in filled.paragraphs)
    assert "Technology review for Sprout Analytics Ltd" in text
    assert "Budget: US$40,000; maturity 1.4 of 5." in text
    assert "1. Introduce continuous integration on every repository (Now)" in text
    header = [p.text for p in filled.sections[0].header.paragraphs]
    assert header == [DRAFT_MARKING, "Technology Roadmap · Sprout Analytics Ltd"]  # marked while a draft
    assert len(filled.inline_shapes) == 1  # the maturity chart

    # A reviewer's note, which the template's fields cannot show, closes the file; the final is stamped.
    from documents import review

    reviewer = User.objects.get(email="reviewer@demo.example")
    section = next(s for s in review.document_sections(document) if s["kind"] == "text")
    review.document_amend(
        document=document, actor=reviewer, section=section["id"], note="Checked with the CTO."
    )
    services.document_approve(document=document, reviewer=reviewer)
    services.document_generate(document_id=document.pk)
    document.refresh_from_db()
    with documents_storage().open(document.generation_metadata["final"]["key"]) as handle:
        final = docx.Document(io.BytesIO(handle.read()))
    text = "\n".join(p.text for p in final.paragraphs)
    assert "Reviewer’s note: Checked with the CTO." in text and "Approved by" in text
    assert DRAFT_MARKING not in "\n".join(p.text for p in final.sections[0].header.paragraphs)

    assert operator.post(url, type_form(roadmap, word_template_clear="on")).status_code == 302
    roadmap.refresh_from_db()
    assert "word_template" not in roadmap.metadata
