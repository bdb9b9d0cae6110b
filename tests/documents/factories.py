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
