"""Page layout: no PDF ends with a page that holds only its closing or its provenance line."""

import io

import pypdf
import pytest

from documents import services
from documents.models import Document, DocumentFormat
from tests.documents.test_generation import stored

pytestmark = pytest.mark.django_db


def test_no_last_page_holds_only_the_closing(demo_session):
    for document in Document.objects.filter(session=demo_session, format=DocumentFormat.PDF):
        services.document_generate(document_id=document.pk)
        document.refresh_from_db()
        pages = pypdf.PdfReader(io.BytesIO(stored(document))).pages
        last = pages[-1].extract_text().strip()
        assert not last.startswith(("Next steps", "Prepared from the client's answers")), (
            document.document_type.slug,
            last[:120],
        )
