"""Warm a worker's renderers before its first task: WeasyPrint, its fonts, python-docx, the templates.

Connected to Celery's ``worker_init`` (documents/tasks.py), so it runs once in the worker's main
process, before a prefork pool forks its children (which then share the loaded code and fonts). The
first real document is then as fast as the others, and a worker's memory no longer climbs during
its first documents. No database access: nothing here must be inherited across a fork.
"""

from __future__ import annotations

import logging

from documents.pdf import html_render, pdf_render
from documents.rendering import Answer, Content, Section
from documents.word import Cover, docx_render

logger = logging.getLogger(__name__)

FAMILY_TEMPLATES = ("documents/pdf/cto.html", "documents/pdf/cfo.html", "documents/pdf/ba.html")


def _sample() -> tuple[Content, Cover]:
    def answer(kind: str, **values) -> Answer:
        return Answer(
            field=kind,
            label=kind.capitalize(),
            question_id="",
            question_text="",
            question_type="",
            kind=kind,
            **values,
        )

    section = Section(
        title="Sample",
        intro="Every kind of answer a document shows, in regular, bold and italic type.",
        answers=(
            answer("text", text="Sample text 1,250,000 · 14 March 2025 — “quoted” €$£"),
            answer("paragraphs", paragraphs=("A first paragraph.", "A second paragraph.")),
            answer("list", items=("First item", "Second item")),
            answer("table", headers=("Area", "Assessment"), rows=(("Testing", "Defined"),)),
        ),
    )
    content = Content(
        slug="warm-up",
        name="Warm-up",
        category="CTO",
        summary="Summary.",
        closing="Closing.",
        sections=(section,),
    )
    cover = Cover(
        title="Warm-up",
        prepared_for="Client",
        prepared_by="Organization",
        questionnaire="Sample",
        version=1,
        date="",
    )
    return content, cover


def renderers_warm_up(**kwargs) -> None:
    """Render one small PDF per document family and one DOCX; log, never raise."""
    try:
        content, cover = _sample()
        for template_name in FAMILY_TEMPLATES:
            pdf_render(html_render(template_name=template_name, context={"content": content, "cover": cover}))
        docx_render(content, cover)
    except Exception:
        logger.exception("Warming the document renderers failed; the first documents will be slower")
