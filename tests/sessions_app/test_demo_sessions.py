"""seed_demo's two contrasting clients: completed sessions whose documents differ, not only in quotes."""

import io

import docx
import pytest
from django.core.management import call_command

from accounts.models import User
from documents import services as document_services
from documents.models import Document, DocumentStatus
from sessions_app.models import Session, SessionStatus
from tests.documents.test_generation import stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(media_root):
    call_command("seed_demo", stdout=io.StringIO())
    return {u.email: u for u in User.objects.filter(email__endswith="@demo.example")}


def _roadmap(user) -> docx.Document:
    document = Document.objects.get(
        session__user=user, document_type__slug="technology-roadmap", format="DOCX", version=1
    )
    document_services.document_generate(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING_REVIEW
    return docx.Document(io.BytesIO(stored(document)))


def test_two_clients_have_completed_the_questionnaire_and_the_main_client_is_fresh(seeded):
    for email in ("startup@demo.example", "enterprise@demo.example"):
        session = Session.objects.get(user=seeded[email])
        assert session.status == SessionStatus.COMPLETED
        assert Document.objects.filter(session=session).count() >= 16  # 8 types, PDF and DOCX
    assert not Session.objects.filter(user=seeded["client@demo.example"]).exists()
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing more
    assert (
        Session.objects.filter(user__email__in=["startup@demo.example", "enterprise@demo.example"]).count()
        == 2
    )


def test_their_roadmaps_differ_in_company_and_charts(seeded):
    startup, enterprise = (
        _roadmap(seeded["startup@demo.example"]),
        _roadmap(seeded["enterprise@demo.example"]),
    )

    def cover(word):
        return next(p.text for p in word.paragraphs if p.text.startswith("Prepared for"))

    def chart(word):
        found = [s._inline.docPr.get("descr") for s in word.inline_shapes]
        return next(d for d in found if d.startswith("Engineering practices."))

    assert cover(startup) == "Prepared for Sprout Analytics Ltd"
    assert cover(enterprise) == "Prepared for Meridian Logistics Group plc"
    assert "Continuous integration: Not in place (1 of 5)" in chart(startup)
    assert "Continuous integration: Optimised (5 of 5)" in chart(enterprise)
