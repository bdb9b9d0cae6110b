"""The client's position in a questionnaire, computed from its structure, the engine and the answers.

Pure logic on plain data: services and views call it, the rule engine decides visibility and
requirement, and nothing here touches the database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaires.rules import Engine, Evaluation


@dataclass(frozen=True)
class StoredAnswer:
    value: Any
    is_valid: bool = True
    errors: tuple[str, ...] = ()
    response_id: Any = None  # the responses row, when it is stored
    revision: int = 1


@dataclass(frozen=True)
class FlowState:
    evaluation: Evaluation
    answers: Mapping[str, StoredAnswer]
    visible_sections: tuple  # SectionData with at least one visible question, in order
    progress: dict
    missing: tuple  # QuestionData: visible and required but unanswered, or visible and invalid
    minutes_left: int | None = None
    section_questions: Mapping[str, tuple] = field(default_factory=dict)  # section id -> visible questions

    def is_visible(self, question_id: str) -> bool:
        return question_id in self.evaluation.visible

    def is_required(self, question_id: str) -> bool:
        return question_id in self.evaluation.required

    def section_index(self, section_id: str) -> int | None:
        for index, section in enumerate(self.visible_sections):
            if section.id == section_id:
                return index
        return None


def is_answered(answer: StoredAnswer | None) -> bool:
    return answer is not None and answer.is_valid and answer.value not in (None, {}, "")


def flow_state(
    *, structure, engine: Engine, answers: Mapping[str, StoredAnswer], industry: str | None
) -> FlowState:
    """Evaluate the rules on the valid answers and derive sections, progress and what is missing."""
    valid = {qid: answer.value for qid, answer in answers.items() if answer.is_valid}
    evaluation = engine.evaluate(valid, industry=industry or None)

    visible_sections, section_questions, missing = [], {}, []
    total = answered = 0
    for section in structure.sections:
        shown = tuple(q for q in section.questions if q.id in evaluation.visible)
        if not shown:
            continue
        visible_sections.append(section)
        section_questions[section.id] = shown
        for question in shown:
            total += 1
            answer = answers.get(question.id)
            if is_answered(answer):
                answered += 1
            elif (answer is not None and not answer.is_valid) or question.id in evaluation.required:
                missing.append(question)

    percentage = math.floor(100 * answered / total) if total else 0
    minutes_left = None
    if structure.estimated_time:
        minutes_left = math.ceil(structure.estimated_time * (1 - answered / total)) if total else 0
    return FlowState(
        evaluation=evaluation,
        answers=answers,
        visible_sections=tuple(visible_sections),
        progress={"percentage": percentage, "answered": answered, "total": total},
        missing=tuple(missing),
        minutes_left=minutes_left,
        section_questions=section_questions,
    )


def answer_text(question, value) -> str:
    """Return an answer in the seed's value shape as plain words (option labels, not ids)."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    labels = {
        str(o.get("id")): str(o.get("label", "")) for o in (question.options or []) if isinstance(o, dict)
    }
    if "selectedOptionId" in value:
        return labels.get(str(value["selectedOptionId"]), "")
    if "selectedOptionIds" in value and isinstance(value["selectedOptionIds"], list):
        return ", ".join(labels.get(str(i), "") for i in value["selectedOptionIds"] if str(i) in labels)
    if isinstance(value.get("rows"), dict):
        rows = {
            str(r.get("id")): r.get("label", r.get("id")) for r in (question.metadata or {}).get("rows", [])
        }
        return "; ".join(f"{rows.get(k, k)}: {labels.get(str(v), v)}" for k, v in value["rows"].items())
    for key in ("text", "number", "rating", "date", "fileName"):
        if key in value and value[key] is not None:
            return str(value[key])
    return ""
