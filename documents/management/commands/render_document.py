"""Render one document from a session's answers to a file, storing nothing and changing no status.

For authors trying a document type's template or metadata against real answers, and for operators
checking what a client would receive: ``manage.py render_document technology-roadmap --session ID
--format pdf --output roadmap.pdf``.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.tenancy import system_scope
from documents.models import Document, DocumentFormat, DocumentType
from documents.services import document_render
from sessions_app.models import Session


class Command(BaseCommand):
    help = "Render a document type from a session's answers to a PDF or DOCX file, without storing it."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the document type's slug, e.g. technology-roadmap")
        parser.add_argument("--session", required=True, metavar="ID", help="the session whose answers to use")
        parser.add_argument("--format", choices=["pdf", "docx"], default="pdf")
        parser.add_argument("--output", required=True, metavar="FILE", help="where to write the file")

    def handle(self, *args, slug: str, session: str, format: str, output: str, **options):
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a folder.")
        with system_scope():  # an operator's command: any organization's session
            document_type = self._document_type(slug)
            found = self._session(session)
            # An unsaved document: the renderer reads its type, session, format and version, nothing else.
            document = Document(
                session=found,
                document_type=document_type,
                format=DocumentFormat.PDF if format == "pdf" else DocumentFormat.DOCX,
                version=1,
            )
            artefact = document_render(document=document)
        target.write_bytes(artefact.payload)
        pages = f"{artefact.pages} page{'s' if artefact.pages != 1 else ''}"
        estimate = " (estimated: Word paginates when it opens the file)" if artefact.pages_estimated else ""
        self.stdout.write(f"Wrote {target} ({len(artefact.payload):,} bytes, {pages}{estimate}).")

    def _document_type(self, slug: str) -> DocumentType:
        try:
            return DocumentType.objects.get(slug=slug)
        except DocumentType.DoesNotExist:
            known = ", ".join(DocumentType.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No document type {slug!r}. Known: {known}.") from None

    def _session(self, session_id: str) -> Session:
        try:
            return Session.objects.select_related("user__organization", "questionnaire").get(pk=session_id)
        except (Session.DoesNotExist, ValidationError, ValueError):
            raise CommandError(f"No session {session_id!r}.") from None
