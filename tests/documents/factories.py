import factory

from documents.models import Document, DocumentCategory, DocumentOutbox, DocumentType
from tests.sessions_app.factories import SessionFactory


class DocumentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentType
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Document type {n}")
    slug = factory.Sequence(lambda n: f"document-type-{n}")
    category = DocumentCategory.CTO
    template_path = "documents/pdf/cto.html"
    metadata = factory.LazyFunction(
        lambda: {"summary": "A document for tests.", "sections": [{"title": "Overview"}]}
    )


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    session = factory.SubFactory(SessionFactory)
    document_type = factory.SubFactory(DocumentTypeFactory)


class DocumentOutboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentOutbox

    document = factory.SubFactory(DocumentFactory)


def approved_final(*, session, name: str, slug: str):
    """An approved PDF whose final is recorded as stored: what the client's documents panel offers."""
    return DocumentFactory(
        session=session,
        document_type=DocumentTypeFactory(name=name, slug=slug),
        format="PDF",
        status="APPROVED",
        generation_metadata={"final": {"key": f"x/final/{slug}.pdf", "sha256": "0" * 64}},
    )
