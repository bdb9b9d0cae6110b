"""The 25 document types: loaded by migration, each with a template that renders, editable in admin."""

import json

import pytest
from django.template.loader import get_template

from documents.admin import DocumentTypeForm
from documents.catalogue import DOCUMENT_TYPES
from documents.models import DocumentCategory, DocumentType
from questionnaires.demo import DEMO_QUESTIONNAIRE_PATH
from tests.documents.builders import DEMO_TYPE_SLUGS

pytestmark = pytest.mark.django_db


def test_the_migration_loads_twenty_five_types_across_the_three_families():
    types = DocumentType.objects.all()
    assert types.count() == 25
    families = {category: types.filter(category=category).count() for category in DocumentCategory.values}
    assert families == {"CTO": 9, "CFO": 8, "BA": 8}
    seeded = set(types.values_list("slug", flat=True))
    assert {
        "technology-roadmap",
        "technology-strategy",
        "product-architecture",
        "business-plan",
        "brd",
    } <= seeded
    for document_type in types:
        assert document_type.output_formats == ["PDF", "DOCX"]
        assert document_type.estimated_pages and document_type.metadata["sections"]


def test_every_slug_the_demo_questionnaire_maps_to_is_a_type():
    document = json.loads(DEMO_QUESTIONNAIRE_PATH.read_text())
    mapped = {
        mapping["documentType"]
        for section in document["sections"]
        for question in section["questions"]
        for mapping in question.get("document_mappings") or []
    }
    assert mapped == DEMO_TYPE_SLUGS
    assert mapped <= set(DocumentType.objects.values_list("slug", flat=True))


def test_required_questions_name_questions_of_the_demo_that_map_to_the_type():
    document = json.loads(DEMO_QUESTIONNAIRE_PATH.read_text())
    questions = {q["id"]: q for s in document["sections"] for q in s["questions"]}
    for entry in DOCUMENT_TYPES:
        for question_id in entry["required_questions"]:
            slugs = {m["documentType"] for m in questions[question_id].get("document_mappings") or []}
            assert entry["slug"] in slugs, (entry["slug"], questions[question_id]["text"])


def test_every_type_has_a_template_that_compiles():
    for document_type in DocumentType.objects.all():
        assert get_template(document_type.template_path)


def _form_data(document_type, **changes):
    data = {
        "name": document_type.name,
        "slug": document_type.slug,
        "description": document_type.description,
        "category": document_type.category,
        "template_path": document_type.template_path,
        "required_questions": ",".join(str(q) for q in document_type.required_questions or []),
        "output_formats": "PDF,DOCX",
        "estimated_pages": document_type.estimated_pages,
        "is_active": True,
        "metadata": json.dumps(document_type.metadata),
    }
    data.update(changes)
    return data


def test_admin_refuses_a_malformed_outline_a_missing_template_and_unknown_formats():
    document_type = DocumentType.objects.get(slug="business-plan")
    form = DocumentTypeForm(
        data=_form_data(
            document_type,
            metadata=json.dumps({"sections": [{"intro": "no title"}]}),
            template_path="documents/types/nowhere.html",
            output_formats="PDF,XLSX",
        ),
        instance=document_type,
    )
    assert not form.is_valid()
    assert "title" in str(form.errors["metadata"])
    assert "No template named" in str(form.errors["template_path"])
    assert "XLSX" in str(form.errors["output_formats"])


def test_admin_saves_an_edited_type():
    document_type = DocumentType.objects.get(slug="business-plan")
    metadata = {**document_type.metadata, "summary": "A shorter purpose."}
    form = DocumentTypeForm(
        data=_form_data(document_type, metadata=json.dumps(metadata), output_formats="pdf"),
        instance=document_type,
    )
    assert form.is_valid(), form.errors
    form.save()
    document_type.refresh_from_db()
    assert document_type.metadata["summary"] == "A shorter purpose."
    assert document_type.output_formats == ["PDF"]
