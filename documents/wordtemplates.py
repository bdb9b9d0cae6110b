"""Bring your own Word template: a .docx written with docxtpl tags, checked on upload, rendered sandboxed.

An author writes the client's deliverable in Word, with ``{{ company }}``, ``{{ technology_budget|money }}``,
``{% for r in recommendations %}…{% endfor %}`` and ``{{ charts.engineering_maturity }}`` in its text
(docs/documents.md, "Bring your own Word template"). docxtpl turns the document's XML into one Jinja2
template; it runs in the same sandbox as the content blocks (documents/templating.py): the same
filters, no method calls or internals, no includes (so no file is read), bounded loops and ranges,
and autoescaping, so an answer can never become Word markup. Pure Python, no Django.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

from jinja2 import TemplateSyntaxError
from jinja2.exceptions import TemplateError

from documents.rendering import WORDS_PER_PAGE
from documents.templating import MAX_TEMPLATE, environment, template_problems

MAX_UPLOAD = 5 * 1024 * 1024  # bytes of one uploaded template
# The XML of a template holds Word's markup around the author's text: far more than a block's source.
MAX_TEMPLATE_XML = 200 * MAX_TEMPLATE
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The names a Word template reads besides answers and computed values.
WORD_NAMES = frozenset({"company", "document", "recommendations", "charts", "today", "version"})
CHART_WIDTH_MM = 150


class WordTemplateError(ValueError):
    """An uploaded template that cannot be used, with what is wrong and where."""


def _template(data: bytes):
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    if len(data) > MAX_UPLOAD:
        raise WordTemplateError(f"A Word template may be at most {MAX_UPLOAD // (1024 * 1024)} MB.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WordTemplateError("This is not a Word document (.docx).")
    try:
        template = DocxTemplate(io.BytesIO(data))
        template.init_docx()
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise WordTemplateError(f"This is not a Word document (.docx): {error}") from None
    return template


def _sources(template) -> list[tuple[str, str]]:
    """Return each part's Jinja2 source as docxtpl will render it: the body, then headers and footers."""
    from docx.oxml import parse_xml

    parts = [("the document's body", template.patch_xml(template.get_xml()))]
    for relation in template.docx.part.rels.values():
        if relation.reltype in (template.HEADER_URI, template.FOOTER_URI) and not relation.is_external:
            where = "a header" if relation.reltype == template.HEADER_URI else "a footer"
            xml = template.xml_to_string(parse_xml(relation.target_part.blob))
            parts.append((where, template.patch_xml(xml)))
    return parts


def _near(source: str, line: int | None) -> str:
    """Return the author's text around a line of the template's XML, without Word's markup."""
    if not line:
        return ""
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", source).splitlines()
    around = lines[max(line - 2, 0) : line + 1]
    text = " ".join(re.sub(r"<[^>]+>", "", piece).strip() for piece in around).strip()
    return f" near “{text[:120]}”" if text else ""


def word_template_problems(data: bytes, names: Iterable[str] = ()) -> list[str]:
    """Return what is wrong with an uploaded template: not a .docx, a tag that does not parse (with the
    text near it), a forbidden construct, an unknown filter or a name that is not a key or computed value."""
    try:
        template = _template(data)
        sources = _sources(template)
    except WordTemplateError as error:
        return [str(error)]
    known = set(names) | WORD_NAMES if names else set()
    problems = []
    for where, source in sources:
        if len(source) > MAX_TEMPLATE_XML:
            problems.append(f"In {where}: the document is too large to be a template.")
            continue
        try:
            environment(autoescape=True).parse(re.sub(r"<w:p([ >])", r"\n<w:p\1", source))
        except TemplateSyntaxError as error:
            problems.append(f"In {where}{_near(source, error.lineno)}: {error.message}")
            continue
        found = template_problems(source, known, limit=MAX_TEMPLATE_XML)
        problems.extend(f"In {where}: {problem}" for problem in found if not problem.startswith("Line "))
    return problems


def chart_names(data: bytes) -> set[str]:
    """Return the charts a template shows (``charts.<name>``), so only those are drawn."""
    try:
        sources = _sources(_template(data))
    except WordTemplateError:
        return set()
    return {name for _, source in sources for name in re.findall(r"charts\.([a-z][a-z0-9_]*)", source)}


def word_template_render(data: bytes, context: Mapping[str, Any], charts: Mapping[str, bytes]) -> bytes:
    """Return the Word file of an uploaded template filled with ``context``; ``charts`` are PNGs by name,
    offered to the template as ``charts.<name>`` images. Raise WordTemplateError when it cannot be used."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    problems = word_template_problems(data)
    if problems:
        raise WordTemplateError("; ".join(problems))
    template = _template(data)
    images = {
        name: InlineImage(template, io.BytesIO(png), width=Mm(CHART_WIDTH_MM)) for name, png in charts.items()
    }
    try:
        sandbox = environment(autoescape=True)
        template.render({**context, "charts": images}, jinja_env=sandbox, autoescape=True)
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as error:
        raise WordTemplateError(f"The Word template could not be filled: {error}") from error
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def word_fill(data: bytes, content, *, company: str, color: str) -> tuple[bytes, int]:
    """Return a template filled with a document's content (documents/rendering.Content) and an estimate
    of its pages: the charts it names are drawn (a matrix's key, or ``roadmap``), then it is rendered."""
    from documents.blocks import matrix_chart_data
    from documents.charts import chart_draw
    from documents.recommendations import roadmap_chart_data, roadmap_order

    charts = {}
    for name in sorted(chart_names(data)):
        if name == "roadmap":
            items = roadmap_order(content.context.get("recommendations") or ())
            figures = roadmap_chart_data(items, key=name, caption="Roadmap") if items else None
        else:
            figures = (
                matrix_chart_data(content.facts, name, key=name, context=content.context)
                if content.facts
                else None
            )
        drawn = chart_draw(figures, color=color, formats=("png",)) if figures is not None else None
        if drawn is not None:
            charts[name] = drawn.png
    context = {**content.context, "company": company, "document": content.name}
    payload = word_template_render(data, context, charts)
    return payload, 1 + max(1, math.ceil(_words(payload) / WORDS_PER_PAGE))


def _words(payload: bytes) -> int:
    from docx import Document as WordDocument

    document = WordDocument(io.BytesIO(payload))
    words = sum(len(p.text.split()) for p in document.paragraphs)
    for table in document.tables:
        words += sum(len(cell.text.split()) for row in table.rows for cell in row.cells)
    return words
