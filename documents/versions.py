"""What changed between two versions of a document: the answers and the text of each section.

Each generated version keeps a snapshot of what it said (``generation_metadata.snapshot``, written by
the worker from the same content it rendered): the answers it drew on and the plain text of each of
its parts. Comparing two snapshots gives the answers that changed and, part by part, the text before
and after with the words inserted and removed marked, as a reviewer reads a redline. Pure Python.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["AnswerChange", "Comparison", "SectionChange", "content_snapshot", "snapshot_compare"]

_TOKENS = re.compile(r"\s+|[^\s]+")


def block_text(block) -> str:
    """Return an assembled block (documents/blocks.Block) as the plain text a reader sees."""
    lines: list[str] = []
    if block.kind == "heading":
        lines.append(block.title)
    lines.extend(block.paragraphs)
    lines.extend(" — ".join(cell for cell in row if cell) for row in block.rows)
    for item in block.items:
        if block.kind == "findings":
            lines.append(f"{item.title}. {item.finding}")
        elif block.kind == "risks":
            lines.append(f"{item.risk} — {item.title}")
        elif block.kind == "roadmap":
            lines.append(f"{item.phase}: {item.title} ({item.owner})")
        else:
            lines.append(f"{item.title}: {item.rationale} ({item.impact_label} impact, {item.when})")
    if block.note:
        lines.append(f"Reviewer’s note: {block.note}")
    return "\n".join(line for line in lines if line)


def section_id(source: Mapping[str, Any]) -> str:
    """Name a block within its type: its place in the type's list, stable across versions."""
    return f"block-{source.get('block')}"


def content_snapshot(content) -> dict:
    """Return what a version says: {answers: {questionId: {question, answer}}, sections: [...]}."""
    answers: dict[str, dict] = {}
    for block in content.blocks:
        source = block.source or {}
        cited_all = [*(source.get("questions") or ())]
        for included in source.get("recommendations") or ():
            cited_all.extend(included.get("questions") or ())
        for cited in cited_all:
            answers.setdefault(
                str(cited.get("questionId")),
                {"question": cited.get("question") or "", "answer": cited.get("answer") or ""},
            )
    for section in content.sections:
        for answer in section.answers:
            answers.setdefault(answer.question_id, {"question": answer.question_text, "answer": answer.plain})
    sections, heading = [], ""
    for block in content.blocks:
        if block.kind == "heading" and block.level == 1:
            heading = block.title
        source = block.source or {}
        label = block.title or source.get("excerpt") or str(block.kind).capitalize()
        sections.append(
            {
                "id": section_id(source),
                "label": label if not heading or label == heading else f"{heading} › {label}",
                "kind": block.kind,
                "text": block_text(block),
                # A text block's paragraphs alone: what a reviewer's amendment rewrites.
                **({"body": "\n\n".join(block.paragraphs)} if block.kind == "text" else {}),
            }
        )
    for section in content.sections:  # a type without blocks, or the appendix of answers
        text = "\n".join(f"{answer.label}: {answer.plain}" for answer in section.answers)
        sections.append(
            {"id": f"answers-{section.title}", "label": section.title, "kind": "answers", "text": text}
        )
    return {"answers": answers, "sections": sections}


@dataclass(frozen=True)
class AnswerChange:
    question: str
    before: str
    after: str


@dataclass(frozen=True)
class SectionChange:
    label: str
    change: str  # "changed", "added" or "removed"
    segments: tuple[tuple[str, str], ...]  # (op, text): op is "same", "insert" or "delete"


@dataclass(frozen=True)
class Comparison:
    answers: tuple[AnswerChange, ...]
    sections: tuple[SectionChange, ...]
    unchanged: int  # how many sections read the same

    @property
    def is_empty(self) -> bool:
        return not self.answers and not self.sections


def words_diff(before: str, after: str) -> tuple[tuple[str, str], ...]:
    """Return the text after, word by word, with the words removed from before and inserted marked."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    segments: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("same", "".join(new[b1:b2])))
            continue
        if op in ("delete", "replace"):
            segments.append(("delete", "".join(old[a1:a2])))
        if op in ("insert", "replace"):
            segments.append(("insert", "".join(new[b1:b2])))
    return tuple(segments)


def snapshot_compare(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> Comparison:
    """Compare two versions' snapshots (the older first)."""
    before, after = before or {}, after or {}
    old_answers, new_answers = before.get("answers") or {}, after.get("answers") or {}
    answers = []
    for question_id in [*new_answers, *(q for q in old_answers if q not in new_answers)]:
        old, new = old_answers.get(question_id) or {}, new_answers.get(question_id) or {}
        if (old.get("answer") or "") != (new.get("answer") or ""):
            question = new.get("question") or old.get("question") or ""
            answers.append(AnswerChange(question, old.get("answer") or "", new.get("answer") or ""))
    old_sections = {s["id"]: s for s in before.get("sections") or () if isinstance(s, Mapping)}
    new_sections = [s for s in after.get("sections") or () if isinstance(s, Mapping)]
    changes, unchanged, seen = [], 0, set()
    for section in new_sections:
        seen.add(section["id"])
        old = old_sections.get(section["id"])
        if old is None:
            changes.append(SectionChange(section["label"], "added", (("insert", section["text"]),)))
        elif old["text"] != section["text"]:
            changes.append(
                SectionChange(section["label"], "changed", words_diff(old["text"], section["text"]))
            )
        else:
            unchanged += 1
    for key, old in old_sections.items():
        if key not in seen:
            changes.append(SectionChange(old["label"], "removed", (("delete", old["text"]),)))
    return Comparison(tuple(answers), tuple(changes), unchanged)
