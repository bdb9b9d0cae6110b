"""From a session's answers to a document's content: which types apply, their sections, answers in words.

Pure Python, no Django: the completion hook asks which document types a session yields (and why not),
the generation task asks for one document's content, and the PDF and DOCX renderers draw that content.
Visibility is never decided here: callers pass the set of visible question ids that the rule engine
computed, and an answer outside it (a dormant answer) never reaches a document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_COMPANY_KEY = "company_legal_name"
WORDS_PER_PAGE = 350  # a page of the Word layout, headings and tables included, holds about this many

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# ----------------------------------------------------------------- inputs


@dataclass(frozen=True)
class OutlineSection:
    title: str
    intro: str = ""


@dataclass(frozen=True)
class TypeSpec:
    """What rendering needs of a document_types row."""

    slug: str
    name: str
    category: str = ""
    required_questions: tuple[str, ...] = ()
    summary: str = ""
    closing: str = ""
    outline: tuple[OutlineSection, ...] = ()
    fields: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Where the cover finds the client's company: the answer mapped to ``company_field`` for this
    # type, else the answer of the question whose key is ``company_key`` (metadata.cover).
    company_field: str = ""
    company_key: str = DEFAULT_COMPANY_KEY
    # The type's content as ordered blocks (documents/blocks.py); none: the outline of answers alone.
    blocks: tuple[Any, ...] = ()
    version: str = ""  # when the type was last changed: provenance names the template's version
    word_template: str = ""  # the storage key of an uploaded docxtpl template (documents/wordtemplates.py)

    @classmethod
    def from_row(
        cls,
        *,
        slug: str,
        name: str,
        category: str = "",
        required_questions=None,
        metadata=None,
        version: str = "",
    ) -> TypeSpec:
        metadata = metadata if isinstance(metadata, Mapping) else {}
        outline = tuple(
            OutlineSection(str(item["title"]), str(item.get("intro") or ""))
            for item in metadata.get("sections") or ()
            if isinstance(item, Mapping) and item.get("title")
        )
        fields = metadata.get("fields")
        cover = metadata.get("cover") if isinstance(metadata.get("cover"), Mapping) else {}
        return cls(
            slug=slug,
            name=name,
            category=category,
            required_questions=tuple(str(q) for q in required_questions or ()),
            summary=str(metadata.get("summary") or ""),
            closing=str(metadata.get("closing") or ""),
            outline=outline,
            fields=fields if isinstance(fields, Mapping) else {},
            company_field=str(cover.get("company_field") or ""),
            company_key=str(cover.get("company_key") or DEFAULT_COMPANY_KEY),
            blocks=tuple(metadata.get("blocks") or ()) if isinstance(metadata.get("blocks"), list) else (),
            version=version,
            word_template=str((metadata.get("word_template") or {}).get("key") or "")
            if isinstance(metadata.get("word_template"), Mapping)
            else "",
        )


# ----------------------------------------------------------------- outputs


@dataclass(frozen=True)
class Answer:
    """One mapped answer as a document shows it.

    ``kind`` says how to draw it: "text" (one line), "paragraphs", "list" (items) or "table" (rows of
    label and value under ``headers``).
    """

    field: str
    label: str
    question_id: str
    question_text: str
    question_type: str
    kind: str
    text: str = ""
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    headers: tuple[str, str] = ("", "")
    rows: tuple[tuple[str, str], ...] = ()
    response_id: str | None = None
    revision: int | None = None
    # A matrix: the place of each row's chosen option (1 for the first) among the ``scale`` of options.
    levels: tuple[int, ...] = ()
    scale: tuple[str, ...] = ()

    @property
    def chart_key(self) -> str:
        """Names this answer's chart among a document's charts."""
        return f"{self.question_id}:{self.field}"

    @property
    def plain(self) -> str:
        """Return the answer as plain text, for summaries and search."""
        if self.kind == "paragraphs":
            return "\n\n".join(self.paragraphs)
        if self.kind == "list":
            return ", ".join(self.items)
        if self.kind == "table":
            return "; ".join(f"{label}: {value}" for label, value in self.rows)
        return self.text


@dataclass(frozen=True)
class ChartData:
    """The figures of one chart a content block asks for; documents/charts.py draws it.

    ``kind`` is "bar" or "radar" (``labels`` are areas, ``series`` their levels on ``scale``, where
    1 is ``scale[0]``), "line" (``labels`` are periods, ``series`` one or more named lines, ``unit``
    the prefix of their figures, e.g. "US$") or "timeline" (``labels`` are initiatives, ``phases``
    the timeframes in order, ``spans`` each initiative's first and last phase, 0-based).
    """

    key: str  # names the chart among a document's charts
    kind: str
    caption: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...] = ()
    scale: tuple[str, ...] = ()
    unit: str = ""
    phases: tuple[str, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Section:
    title: str
    intro: str
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Content:
    slug: str
    name: str
    category: str
    summary: str
    closing: str
    sections: tuple[Section, ...]
    company: str = ""  # the client's company, as they named it; "" when they did not
    # The assembled blocks (documents/blocks.Block) when the type declares blocks; the sections then
    # follow them as an appendix of the answers they were drawn from.
    blocks: tuple[Any, ...] = ()
    # What an uploaded Word template reads (answers, computed values, recommendations) and the session's
    # facts its charts are drawn from; empty for a type without blocks or a Word template.
    context: Mapping[str, Any] = field(default_factory=dict, compare=False)
    facts: Any = field(default=None, compare=False)

    def provenance(self) -> list[dict[str, Any]]:
        """Return what produced each block: questions, answers, computed values, rules, template."""
        return [dict(block.source) for block in self.blocks]

    def sources(self) -> list[dict[str, Any]]:
        """Return where each section came from: its questions, responses and their revisions."""
        return [
            {
                "section": section.title,
                "answers": [
                    {
                        "field": answer.field,
                        "questionId": answer.question_id,
                        "responseId": answer.response_id,
                        "revision": answer.revision,
                    }
                    for answer in section.answers
                ],
            }
            for section in self.sections
        ]

    @property
    def word_count(self) -> int:
        words = sum(len(text.split()) for text in (self.summary, self.closing))
        words += sum(block.words for block in self.blocks)
        for section in self.sections:
            words += len(section.title.split()) + len(section.intro.split())
            for answer in section.answers:
                words += len(answer.label.split()) + len(answer.plain.split()) + 2 * len(answer.rows)
        return words


@dataclass(frozen=True)
class Plan:
    """Whether one document type is generated for a session, and if not, why."""

    spec: TypeSpec
    content: Content | None
    reasons: tuple[str, ...] = ()

    @property
    def generate(self) -> bool:
        return not self.reasons and self.content is not None


# ----------------------------------------------------------------- answers in words


def _label_for(option_id: Any, options: Sequence[Mapping[str, Any]]) -> str | None:
    for option in options:
        if isinstance(option, Mapping) and option.get("id") == option_id:
            return str(option.get("label") or option.get("value") or option_id)
    return None


def format_number(number: Any) -> str:
    """Return a number with thousands separators: 1250000 → "1,250,000", 2.5 → "2.5"."""
    if isinstance(number, bool) or not isinstance(number, int | float):
        return str(number)
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, int):
        return f"{number:,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def format_date(text: Any) -> str:
    """Return an ISO date (or date and time) in words: "2025-03-14" → "14 March 2025"."""
    raw = str(text or "").strip()
    try:
        if "T" in raw or " " in raw:
            moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return raw
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _paragraphs(text: str) -> tuple[str, ...]:
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return tuple(" ".join(line.strip() for line in block.splitlines() if line.strip()) for block in blocks)


def _scale_text(question, value: Mapping[str, Any]) -> str | None:
    rating = value.get("rating")
    if isinstance(rating, bool) or not isinstance(rating, int | float):
        return None
    rules = question.validation_rules or {}
    low = value.get("min", rules.get("min", 1))
    high = value.get("max", rules.get("max", 10))
    metadata = question.metadata or {}
    text = f"{format_number(rating)} out of {format_number(high)}"
    low_label, high_label = metadata.get("minLabel"), metadata.get("maxLabel")
    if low_label and high_label:
        text += f" ({format_number(low)} = {low_label}, {format_number(high)} = {high_label})"
    return text


def answer_display(question, value: Any) -> dict[str, Any] | None:
    """Return how a stored answer reads in a document (the keyword arguments of ``Answer``), or None.

    None means there is nothing to show: an empty answer, or a value that no longer fits the question
    (an option id the question does not offer).
    """
    if not isinstance(value, Mapping):
        return None
    kind = question.type
    options = question.options or ()
    if kind in ("TEXT", "EMAIL", "URL"):
        text = str(value.get("text") or "").strip()
        return {"kind": "text", "text": text} if text else None
    if kind == "TEXTAREA":
        text = str(value.get("text") or "").strip()
        return {"kind": "paragraphs", "paragraphs": _paragraphs(text)} if text else None
    if kind == "NUMBER":
        number = value.get("number")
        if number is None or number == "":
            return None
        return {"kind": "text", "text": format_number(number)}
    if kind == "SCALE":
        text = _scale_text(question, value)
        return {"kind": "text", "text": text} if text else None
    if kind == "DATE":
        if not value.get("date"):
            return None
        return {"kind": "text", "text": format_date(value["date"])}
    if kind == "SINGLE_CHOICE":
        label = _label_for(value.get("selectedOptionId"), options)
        return {"kind": "text", "text": label} if label else None
    if kind == "MULTIPLE_CHOICE":
        chosen = set(value.get("selectedOptionIds") or ())
        labels = tuple(
            str(option.get("label") or option.get("value"))
            for option in options
            if isinstance(option, Mapping) and option.get("id") in chosen
        )
        return {"kind": "list", "items": labels} if labels else None
    if kind == "MATRIX":
        chosen = value.get("rows") if isinstance(value.get("rows"), Mapping) else {}
        listed = [o for o in options if isinstance(o, Mapping)]
        places = {o.get("id"): index for index, o in enumerate(listed, start=1)}
        rows, levels = [], []
        for row in (question.metadata or {}).get("rows") or ():
            if not isinstance(row, Mapping):
                continue
            label = _label_for(chosen.get(row.get("id")), options)
            if label:
                rows.append((str(row.get("label") or row.get("id")), label))
                levels.append(places[chosen.get(row.get("id"))])
        if not rows:
            return None
        headers = (question.metadata or {}).get("headers") or ("Area", "Assessment")
        return {
            "kind": "table",
            "rows": tuple(rows),
            "headers": (str(headers[0]), str(headers[1])),
            "levels": tuple(levels),
            "scale": tuple(str(o.get("label") or o.get("value")) for o in listed),
        }
    if kind == "FILE_UPLOAD":
        name = str(value.get("fileName") or "").strip()
        # The file itself stays with the questionnaire; documents name it and never embed it.
        return {"kind": "text", "text": f"{name} (provided with the questionnaire)"} if name else None
    text = str(value.get("text") or "").strip()
    return {"kind": "text", "text": text} if text else None


def humanize_field(name: str) -> str:
    """Return a mapping's field name as a label: "technical_debt_sources" → "Technical debt sources"."""
    words = re.sub(r"[_\-.]+", " ", str(name)).strip()
    return (words[:1].upper() + words[1:]) if words else str(name)


def _decorate(display: dict[str, Any], hint: Mapping[str, Any], question_type: str) -> dict[str, Any]:
    prefix, suffix = str(hint.get("prefix") or ""), str(hint.get("suffix") or "")
    if (prefix or suffix) and display["kind"] == "text" and question_type == "NUMBER":
        display = {**display, "text": f"{prefix}{display['text']}{suffix}"}
    return display


# ----------------------------------------------------------------- plans and content


def _usable(answers: Mapping[str, Any], visible: set[str] | frozenset[str], question_id: str):
    """Return the stored answer if the question is visible and its answer valid, else None."""
    if question_id not in visible:
        return None
    answer = answers.get(question_id)
    if answer is None or not getattr(answer, "is_valid", True):
        return None
    return answer


def _mappings(question, slug: str) -> Iterable[Mapping[str, Any]]:
    for mapping in question.document_mappings or ():
        if isinstance(mapping, Mapping) and mapping.get("documentType") == slug:
            yield mapping


def document_content(
    *,
    spec: TypeSpec,
    questions: Sequence[Any],
    visible: set[str] | frozenset[str],
    answers: Mapping[str, Any],
) -> Content:
    """Return the content of one document: its outline filled with the visible, valid mapped answers.

    Sections follow the type's outline; a mapping to a section the outline lacks adds that section
    after the outline's, in questionnaire order. Sections without answers are left out.
    """
    collected: dict[str, list[Answer]] = {}
    order: list[str] = []
    for question in questions:
        mappings = list(_mappings(question, spec.slug))
        if not mappings:
            continue
        stored = _usable(answers, visible, question.id)
        if stored is None:
            continue
        display = answer_display(question, stored.value)
        if display is None:
            continue
        for mapping in mappings:
            field_name = str(mapping.get("field") or question.id)
            hint = spec.fields.get(field_name) or {}
            title = str(mapping.get("section") or "Details")
            if title not in collected:
                collected[title] = []
                order.append(title)
            collected[title].append(
                Answer(
                    field=field_name,
                    label=str(hint.get("label") or humanize_field(field_name)),
                    question_id=question.id,
                    question_text=question.text,
                    question_type=question.type,
                    response_id=_text_or_none(getattr(stored, "response_id", None)),
                    revision=getattr(stored, "revision", None),
                    **_decorate(display, hint, question.type),
                )
            )
    company = _company(spec, questions, visible, answers, collected)
    sections = []
    outlined = {item.title for item in spec.outline}
    for item in spec.outline:
        if collected.get(item.title):
            sections.append(Section(item.title, item.intro, tuple(collected[item.title])))
    for title in order:
        if title not in outlined:
            sections.append(Section(title, "", tuple(collected[title])))
    return Content(
        slug=spec.slug,
        name=spec.name,
        category=spec.category,
        summary=spec.summary,
        closing=spec.closing,
        sections=tuple(sections),
        company=company,
    )


def _company(spec: TypeSpec, questions, visible, answers, collected: Mapping[str, list[Answer]]) -> str:
    """Return the client's company as an answer names it (see TypeSpec.company_field/company_key)."""
    if spec.company_field:
        for found in collected.values():
            for answer in found:
                if answer.field == spec.company_field and answer.plain.strip():
                    return answer.plain.strip()
    for question in questions:
        if getattr(question, "key", None) != spec.company_key:
            continue
        stored = _usable(answers, visible, question.id)
        display = answer_display(question, stored.value) if stored is not None else None
        text = (display or {}).get("text") or ""
        return str(text).strip()
    return ""


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _quoted(text: str) -> str:
    return f"“{text.strip()}”"


def document_plans(
    *,
    specs: Sequence[TypeSpec],
    questions: Sequence[Any],
    visible: set[str] | frozenset[str],
    answers: Mapping[str, Any],
) -> list[Plan]:
    """Return, for each type that concerns this questionnaire, whether to generate it and why not.

    A type concerns a questionnaire when one of its questions maps to the type or is one of the
    type's required questions; other types are not listed. A concerned type is generated when every
    required question of this questionnaire is visible and validly answered, and at least one visible
    answer maps to it.
    """
    by_id = {question.id: question for question in questions}
    mapped_slugs = {
        mapping.get("documentType")
        for question in questions
        for mapping in question.document_mappings or ()
        if isinstance(mapping, Mapping)
    }
    plans = []
    for spec in specs:
        required = [by_id[qid] for qid in spec.required_questions if qid in by_id]
        if spec.slug not in mapped_slugs and not required:
            continue
        reasons = []
        for question in required:
            if question.id not in visible:
                reasons.append(f"The required question {_quoted(question.text)} is hidden by other answers.")
            elif _usable(answers, visible, question.id) is None or (
                answer_display(question, answers[question.id].value) is None
            ):
                reasons.append(f"The required question {_quoted(question.text)} was not answered.")
        content = document_content(spec=spec, questions=questions, visible=visible, answers=answers)
        if not content.sections and not reasons:
            reasons.append("No visible answer feeds this document.")
        plans.append(Plan(spec=spec, content=None if reasons else content, reasons=tuple(reasons)))
    return plans
