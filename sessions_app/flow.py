"""The client's position in a questionnaire, computed from its structure, the engine and the answers.

Pure logic on plain data: services and views call it, the rule engine decides visibility and
requirement, and nothing here touches the database.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from questionnaires.rules import Engine, Evaluation, industry_key


@dataclass(frozen=True)
class StoredAnswer:
    value: Any
    is_valid: bool = True
    errors: tuple[str, ...] = ()
    response_id: Any = None  # the responses row, when it is stored
    revision: int = 1


@dataclass(frozen=True)
class FlowState:
    """Where a client stands: the rules' decisions, and what follows from them (derived when first asked).

    The state before an answer is only asked what was visible and required; the sections, progress
    and what is missing are derived, in one pass over the questionnaire, by the states that are shown.
    """

    evaluation: Evaluation
    answers: Mapping[str, StoredAnswer]
    structure: Any = field(repr=False, compare=False)
    industry: str | None = None  # the industry the rules were evaluated for (from an answer, or chosen)

    def is_visible(self, question_id: str) -> bool:
        return question_id in self.evaluation.visible

    def is_required(self, question_id: str) -> bool:
        return question_id in self.evaluation.required

    def section_index(self, section_id: str) -> int | None:
        for index, section in enumerate(self.visible_sections):
            if section.id == section_id:
                return index
        return None

    @property
    def visible_sections(self) -> tuple:
        """The sections with at least one visible question, in order (SectionData)."""
        return self._derived.visible_sections

    @property
    def section_questions(self) -> Mapping[str, tuple]:
        """Section id -> its visible questions."""
        return self._derived.section_questions

    @property
    def progress(self) -> dict:
        return self._derived.progress

    @property
    def missing(self) -> tuple:
        """QuestionData: visible and required but unanswered, or visible and invalid."""
        return self._derived.missing

    @property
    def minutes_left(self) -> int | None:
        return self._derived.minutes_left

    @cached_property
    def _derived(self) -> _Derived:
        return _derive(self.structure, self.evaluation, self.answers)


@dataclass(frozen=True)
class _Derived:
    visible_sections: tuple
    section_questions: Mapping[str, tuple]
    progress: dict
    missing: tuple
    minutes_left: int | None


def is_answered(answer: StoredAnswer | None) -> bool:
    return answer is not None and answer.is_valid and answer.value not in (None, {}, "")


def flow_state(
    *,
    structure,
    engine: Engine,
    answers: Mapping[str, StoredAnswer],
    industry: str | None,
    previous: FlowState | None = None,
    changed: Iterable[str] = (),
) -> FlowState:
    """Evaluate the rules on the valid answers; the state derives sections, progress and what is missing.

    With the ``previous`` state of the same session and the questions ``changed`` since, the engine
    decides again only what those answers can move (``Engine.evaluate_change``, same result).
    """
    valid = {qid: answer.value for qid, answer in answers.items() if answer.is_valid}
    industry = industry_from_answers(structure, valid) or industry or None
    if previous is not None:
        evaluation = engine.evaluate_change(previous.evaluation, valid, changed, industry=industry)
    else:
        evaluation = engine.evaluate(valid, industry=industry)
    return FlowState(evaluation=evaluation, answers=answers, structure=structure, industry=industry)


def _derive(structure, evaluation: Evaluation, answers: Mapping[str, StoredAnswer]) -> _Derived:
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
    return _Derived(
        visible_sections=tuple(visible_sections),
        section_questions=section_questions,
        progress={"percentage": percentage, "answered": answered, "total": total},
        missing=tuple(missing),
        minutes_left=minutes_left,
    )


def industry_question(structure):
    """Return the question whose answer decides the session's industry (metadata.industryQuestion), or None.

    It names a single-choice question by its key; each option's ``value`` (or else its label) is an
    industry, compared with the questions' tags by ``industry_key``.
    """
    key = (structure.metadata or {}).get("industryQuestion")
    if not isinstance(key, str) or not key:
        return None
    for question in structure.questions:
        if question.key == key and question.type == "SINGLE_CHOICE":
            return question
    return None


def industry_from_answers(structure, values: Mapping[str, Any]) -> str | None:
    """Return the industry the client's answer to the industry question names, or None."""
    question = industry_question(structure)
    value = values.get(question.id) if question is not None else None
    chosen = value.get("selectedOptionId") if isinstance(value, dict) else None
    for option in question.options or () if chosen else ():
        if isinstance(option, dict) and str(option.get("id")) == str(chosen):
            industry = option.get("value") or option.get("label")
            return industry[:100] if isinstance(industry, str) and industry_key(industry) else None
    return None


def section_completion(state: FlowState) -> list[dict]:
    """Each visible section with how much of it is answered, for the list of sections to jump between."""
    missing = {question.id for question in state.missing}
    rows = []
    for section in state.visible_sections:
        questions = state.section_questions.get(section.id, ())
        answered = sum(1 for q in questions if is_answered(state.answers.get(q.id)))
        rows.append(
            {
                "section": section,
                "answered": answered,
                "total": len(questions),
                "missing": sum(1 for q in questions if q.id in missing),
                "done": answered == len(questions),
            }
        )
    return rows


# "{company_legal_name}" or "{company_legal_name|your company}": an earlier answer, by its key.
_PIPE = re.compile(r"\{([a-z][a-z0-9_]{0,62})(?:\|([^{}]{0,200}))?\}")
PIPE_FALLBACK = "(not answered yet)"


def piped_answers(structure, state: FlowState) -> dict[str, str]:
    """Return the answers a text may pipe in, by question key: visible and valid answers only, in words."""
    values = {}
    for question in structure.questions:
        key = question.key
        if not key or not state.is_visible(question.id):
            continue
        answer = state.answers.get(question.id)
        if is_answered(answer):
            text = answer_text(question, answer.value)
            if text:
                values[key] = text
    return values


def pipe(text: str | None, values: Mapping[str, str], known_keys: frozenset | set = frozenset()) -> str:
    """Put earlier answers into a question's text (``{key}``), or the fallback after ``|``.

    Only the questionnaire's own keys are replaced, so other braces in a text stay as written. The
    result is plain text: the page escapes it like any other.
    """
    if not text or "{" not in text:
        return text or ""

    def replace(match: re.Match) -> str:
        key, fallback = match.group(1), match.group(2)
        if key not in known_keys:
            return match.group(0)
        return values.get(key) or (fallback.strip() if fallback is not None else PIPE_FALLBACK)

    return _PIPE.sub(replace, text)


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
