"""Draw a document's content as a Word file with python-docx.

The structure follows the type's outline exactly as the PDF does (documents/rendering.py builds both
from the same Content): a title block, the type's summary, one heading per section with its intro and
answers (paragraphs, bullet lists, tables for matrices), and the closing paragraph. No Django here.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
from dataclasses import dataclass, field

from accounts.branding import Branding
from documents.rendering import WORDS_PER_PAGE, Answer, Content

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cover:
    title: str
    prepared_for: str  # the client's company as they named it (else the client)
    prepared_by: str
    questionnaire: str
    version: int
    date: str
    # A draft (under review) carries a marking on every page; a final carries its approval instead.
    draft: bool = True
    approval: str = ""  # "Approved by <reviewer> on <date>", on a final
    branding: Branding = field(default_factory=Branding)
    logo: bytes | None = None  # the organization's logo (PNG or JPEG), read from storage

    @property
    def status_note(self) -> str:
        return "Draft for review" if self.draft else (self.approval or "Approved")

    @property
    def brand_style(self) -> str:
        """The CSS custom properties of the colours the organization set (validated #rrggbb values)."""
        colors = {"--accent": self.branding.primary_color, "--muted": self.branding.accent_color}
        return " ".join(f"{name}: {value};" for name, value in colors.items() if value)


def _chart(doc, chart, suffix: str = "") -> None:
    """Add a chart's PNG with its figures as the picture's alternative text, and its caption."""
    from docx.shared import Cm, Pt

    picture = doc.add_picture(io.BytesIO(chart.png), width=Cm(15))
    picture._inline.docPr.set("descr", chart.alt)  # what a screen reader says for the picture
    caption = doc.add_paragraph()
    run = caption.add_run(f"{chart.caption}{suffix}")
    run.italic, run.font.size = True, Pt(8.5)


def _answer(doc, answer: Answer, chart=None) -> None:
    from docx.shared import Pt

    heading = doc.add_paragraph()
    run = heading.add_run(answer.label)
    run.bold = True
    heading.paragraph_format.space_after = Pt(2)
    heading.paragraph_format.keep_with_next = True
    if answer.kind == "paragraphs":
        for text in answer.paragraphs:
            doc.add_paragraph(text)
    elif answer.kind == "list":
        for item in answer.items:
            doc.add_paragraph(item, style="List Bullet")
    elif answer.kind == "table":
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        head = table.rows[0].cells
        for cell, text in zip(head, answer.headers, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for label, value in answer.rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
        doc.add_paragraph()
        if chart is not None:
            _chart(doc, chart, ", as in the table above.")
    else:
        doc.add_paragraph(answer.text)


def _table(doc, columns, rows, *, first_bold: bool = False) -> None:
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=False)):
            cell.text = str(text)
            if first_bold and index == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    doc.add_paragraph()


def _block(doc, block, chart=None) -> None:
    """Add one assembled content block (documents/blocks.py), as the PDF's _block.html draws it."""
    _block_body(doc, block, chart)
    if block.note:  # the reviewer's note on this part of the document (docs/review.md)
        from docx.shared import Pt, RGBColor

        paragraph = doc.add_paragraph()
        label = paragraph.add_run("Reviewer’s note: ")
        label.bold, label.font.size = True, Pt(9.5)
        text = paragraph.add_run(block.note)
        text.italic, text.font.size = True, Pt(9.5)
        text.font.color.rgb = RGBColor(0x3A, 0x42, 0x52)


DRAFT_MARKING = "DRAFT FOR REVIEW — not for distribution"


def docx_mark_draft(doc) -> None:
    """Put the draft marking at the top of every page's header, the cover's included."""
    from docx.shared import Pt, RGBColor

    for section in doc.sections:
        for header in (section.header, section.first_page_header):
            paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            run = paragraph.insert_paragraph_before().add_run(DRAFT_MARKING)
            run.bold, run.font.size, run.font.color.rgb = True, Pt(9), RGBColor(0xB0, 0x1E, 0x1E)


def docx_bytes_review(payload: bytes, *, cover: Cover, blocks=()) -> bytes:
    """Return a Word file filled from an uploaded template with what the review adds: the draft
    marking (or, on a final, the approval), and the reviewer's amendments, which the template's own
    fields cannot show, as a closing section (docs/review.md)."""
    from docx import Document as WordDocument

    doc = WordDocument(io.BytesIO(payload))
    amended = [block for block in blocks if block.note or block.amended]
    if amended:
        doc.add_heading("Reviewer’s amendments", level=1)
        for block in amended:
            if block.amended:
                doc.add_paragraph("\n\n".join(block.paragraphs))
            if block.note:
                paragraph = doc.add_paragraph()
                paragraph.add_run("Reviewer’s note: ").bold = True
                paragraph.add_run(block.note).italic = True
    _review_marks(doc, cover)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _review_marks(doc, cover: Cover) -> None:
    """Mark a draft on every page, or close a final with its approval."""
    if cover.draft:
        docx_mark_draft(doc)
    else:
        doc.add_paragraph().add_run(f"{cover.approval}.").bold = True


def _block_body(doc, block, chart=None) -> None:
    from docx.shared import Pt

    if block.kind == "heading":
        doc.add_heading(block.title, level=1 if block.level == 1 else 2)
        return
    if block.title:
        doc.add_heading(block.title, level=3)
    if block.kind == "text":
        for text in block.paragraphs:
            doc.add_paragraph(text)
    elif block.kind == "table":
        _table(doc, block.columns, block.rows)
    elif block.kind == "chart":
        if chart is not None:
            _chart(doc, chart)
        if block.rows:
            _table(doc, block.columns, block.rows)
    elif block.kind == "findings":
        for item in block.items:
            paragraph = doc.add_paragraph(style="List Number")
            paragraph.add_run(f"{item.title}. ").bold = True
            paragraph.add_run(item.finding)
            if item.evidence:
                evidence = "; ".join(f"“{question}” — {answer}" for question, answer in item.evidence)
                run = doc.add_paragraph().add_run(f"Evidence: {evidence}")
                run.italic, run.font.size = True, Pt(8.5)
    elif block.kind == "recommendations":
        rows = [
            (str(n), f"{i.title}\n{i.rationale}".strip(), i.impact_label, i.effort_label, i.when, i.owner)
            for n, i in enumerate(block.items, start=1)
        ]
        _table(doc, ("#", "Recommendation", "Impact", "Effort", "When", "Owner"), rows)
    elif block.kind == "risks":
        rows = [(i.risk, i.impact_label, i.title) for i in block.items]
        _table(doc, ("Risk", "Impact", "Mitigation"), rows)
    elif block.kind == "roadmap":
        if chart is not None:
            _chart(doc, chart)
        rows, previous = [], None
        for item in block.items:
            phase = item.phase if item.phase != previous else ""  # each phase named once, as in the PDF
            rows.append((phase, item.title, item.owner, item.impact_label, item.effort_label))
            previous = item.phase
        _table(doc, ("Phase", "Initiative", "Owner", "Impact", "Effort"), rows, first_bold=True)


def _field(paragraph, instruction: str, shown: str) -> None:
    """Add a Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _running_header_and_footer(doc, cover: Cover, content: Content, color) -> None:
    """Put the document and the company in every page's header, the footer line and page numbers below."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section = doc.sections[0]
    section.different_first_page_header_footer = True  # the cover carries neither
    header = section.header.paragraphs[0]
    run = header.add_run(f"{content.name} · {cover.prepared_for}")
    run.font.size, run.font.color.rgb = Pt(8), color
    footer = section.footer.paragraphs[0]
    if cover.branding.footer:
        note = footer.add_run(f"{cover.branding.footer}    ")
        note.font.size, note.font.color.rgb = Pt(8), color
    footer.add_run("Page ").font.size = Pt(8)
    _field(footer, "PAGE", "1")
    footer.add_run(" of ").font.size = Pt(8)
    _field(footer, "NUMPAGES", "1")
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def docx_render(content: Content, cover: Cover, charts=None) -> tuple[bytes, int]:
    """Return the DOCX bytes and an estimate of its page count (Word paginates when it opens).

    ``charts`` (documents/charts.py) are drawn after the answers they belong to, by ``chart_key``.
    """
    charts = charts or {}
    from docx import Document as WordDocument
    from docx.enum.text import WD_BREAK
    from docx.image.exceptions import UnrecognizedImageError
    from docx.shared import Cm, Pt, RGBColor

    doc = WordDocument()
    doc.core_properties.title = cover.title
    doc.core_properties.subject = content.name
    doc.core_properties.author = "Adaptive Client Questionnaires"
    doc.core_properties.comments = f"Version {cover.version}"
    # python-docx's blank document carries its own 2013 dates and author: the file says when it was made.
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    doc.core_properties.created = doc.core_properties.modified = now
    doc.core_properties.last_modified_by = "Adaptive Client Questionnaires"
    doc.core_properties.revision = max(1, int(cover.version or 1))
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)

    primary, muted = RGBColor(*cover.branding.primary_rgb), RGBColor(*cover.branding.accent_rgb)
    for name in ("Title", "Heading 1", "Heading 2"):  # Word's navigation pane and contents use these
        doc.styles[name].font.color.rgb = primary
    _running_header_and_footer(doc, cover, content, muted)

    if cover.logo:
        try:
            doc.add_picture(io.BytesIO(cover.logo), height=Cm(2))
        except (UnrecognizedImageError, ValueError, OSError) as error:
            # A damaged image leaves the cover without a logo rather than the client without a document.
            logger.warning("The organization's logo could not be drawn: %s", error)
    doc.add_paragraph(content.name, style="Title")
    subtitle = doc.add_paragraph()
    subtitle.add_run(f"Prepared for {cover.prepared_for}").italic = True
    details = doc.add_table(rows=0, cols=2)
    details.style = "Table Grid"
    for label, value in (
        ("Prepared by", cover.prepared_by),
        ("Questionnaire", cover.questionnaire),
        ("Version", str(cover.version)),
        ("Date", cover.date),
        ("Status", cover.status_note),
    ):
        if not value:
            continue
        cells = details.add_row().cells
        cells[0].text, cells[1].text = label, value
    doc.add_paragraph()
    if content.summary and not content.blocks:
        doc.add_heading("Purpose", level=1)
        doc.add_paragraph(content.summary)

    for block in content.blocks:
        _block(doc, block, charts.get(block.chart.key) if block.chart is not None else None)
    if content.blocks and content.sections:
        doc.add_page_break()
        doc.add_heading("Appendix: the client’s answers", level=1)
    for section in content.sections:
        doc.add_heading(section.title, level=2 if content.blocks else 1)
        if section.intro:
            intro = doc.add_paragraph()
            run = intro.add_run(section.intro)
            run.italic = True
            run.font.color.rgb = RGBColor(0x5A, 0x62, 0x72)
        for answer in section.answers:
            _answer(doc, answer, charts.get(answer.chart_key))

    if content.closing and not content.blocks:
        doc.add_heading("Next steps", level=1)
        doc.add_paragraph(content.closing)
    note = doc.add_paragraph()
    note.add_run().add_break(WD_BREAK.LINE)
    note.add_run(f"Prepared from the client's answers to {cover.questionnaire}.").italic = True
    _review_marks(doc, cover)

    buffer = io.BytesIO()
    doc.save(buffer)
    pages = 1 + max(1, math.ceil(content.word_count / WORDS_PER_PAGE))  # the title page, then the body
    return buffer.getvalue(), pages
