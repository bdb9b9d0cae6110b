"""Can a condition hold? Candidate answers a client could give, evaluated with the rule engine.

The analysis (questionnaires/analysis.py) asks the Prober whether each rule's condition can ever be
true, and whether each question can ever be visible. It never evaluates a condition itself: the
candidates go through the answer validator (questionnaires/answers.py) and the engine
(questionnaires/rules.py), so a verdict is what a client would meet.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from questionnaires.answers import DEFAULT_SCALE_MAX, DEFAULT_SCALE_MIN, question_input, validate_value
from questionnaires.expressions import computed_of
from questionnaires.rules import Engine, QuestionSpec, RuleSpec, condition_fields
from questionnaires.structure import QuestionData, QuestionnaireStructure
from questionnaires.types import TEXT_TYPES, TYPES

# Probing a condition tries every combination of candidate answers; beyond this many the analysis
# makes no claim about it rather than guess.
MAX_COMBINATIONS = 4096
_MAX_SUBSET_OPTIONS = 8  # a MULTIPLE_CHOICE with at most this many options is probed exhaustively
_MAX_SCALE_POINTS = 1000
_PROBE_TARGET = "probe-target"


def as_uuid(value: Any) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def leaf_nodes(condition: Any) -> Iterator[Mapping]:
    """Yield every node of a condition tree that holds a leaf (field and operator)."""
    stack = [(condition, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, Mapping) or depth > 64:
            continue
        if "field" in node or "operator" in node:
            yield node
        nested = node.get("nested")
        if isinstance(nested, list):
            stack.extend((child, depth + 1) for child in reversed(nested))


def leaf_only(node: Mapping) -> dict:
    return {key: node[key] for key in ("field", "operator", "value") if key in node}


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        return int(number) if number.is_integer() else number
    return None


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _bounds(question: QuestionData) -> tuple[Any, Any]:
    rules = question.validation_rules if isinstance(question.validation_rules, Mapping) else {}
    if question.type == "DATE":
        return _date(rules.get("min")), _date(rules.get("max"))
    low, high = rules.get("min"), rules.get("max")
    low = low if _number(low) is not None and not isinstance(low, str) else None
    high = high if _number(high) is not None and not isinstance(high, str) else None
    if question.type == "SCALE":
        low = DEFAULT_SCALE_MIN if low is None else low
        high = DEFAULT_SCALE_MAX if high is None else high
    return low, high


def bounds_words(question: QuestionData) -> str:
    if _comparison(question) not in ("number", "date"):
        return ""
    low, high = _bounds(question)
    low = low.isoformat() if isinstance(low, dt.date) else low
    high = high.isoformat() if isinstance(high, dt.date) else high
    if low is not None and high is not None:
        return f" (from {low} to {high})"
    if low is not None:
        return f" (from {low})"
    if high is not None:
        return f" (up to {high})"
    return ""


def _texts(question: QuestionData, values: list) -> list[str]:
    rules = question.validation_rules if isinstance(question.validation_rules, Mapping) else {}
    shortest = rules.get("minLength") if isinstance(rules.get("minLength"), int) else 1
    texts = [v for v in values if isinstance(v, str)]
    texts += [v + " and more" for v in texts]
    if question.type == "EMAIL":
        texts += ["someone@example.com", "other.person@example.org"]
    elif question.type == "URL":
        texts += ["https://example.com", "https://example.org/page"]
    else:
        texts += ["Example answer", "x", "x" * max(1, min(shortest, 10_000))]
    return texts


def _numbers(question: QuestionData, values: list) -> list[Any]:
    low, high = _bounds(question)
    rules = question.validation_rules if isinstance(question.validation_rules, Mapping) else {}
    step = _number(rules.get("step"))
    points = {0, 1, -1}
    for value in values:
        number = _number(value)
        if number is not None:
            points |= {number, number - 1, number + 1, number - 0.5, number + 0.5}
            if step:
                points |= {number - step, number + step}
    for edge in (low, high):
        if edge is not None:
            points |= {edge, edge + 1, edge - 1}
            if step:
                points |= {edge + step, edge - step}
    if low is not None and high is not None:
        points.add((low + high) / 2)
    if low is None:
        points.add(min(points) - 1000)
    if high is None:
        points.add(max(points) + 1000)
    numbers = []
    for point in sorted(points):
        numbers.append(int(point) if isinstance(point, float) and point.is_integer() else point)
    return numbers


def _dates(question: QuestionData, values: list) -> list[str]:
    low, high = _bounds(question)
    days = {dt.date.today(), dt.date(2000, 1, 1)}
    for day in [_date(v) for v in values] + [low, high]:
        if day is not None:
            days |= {day, day - dt.timedelta(days=1), day + dt.timedelta(days=1)}
    return sorted(d.isoformat() for d in days if dt.date.min < d < dt.date.max)


def _selections(question: QuestionData, values: list) -> list[list[str]]:
    options = [o.get("id") for o in question.options or () if isinstance(o, Mapping)]
    options = [o for o in dict.fromkeys(options) if isinstance(o, str)]
    if len(options) <= _MAX_SUBSET_OPTIONS:
        return [
            list(subset)
            for size in range(1, len(options) + 1)
            for subset in itertools.combinations(options, size)
        ]
    wanted = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        wanted.append([item for item in items if item in options])
    selections = [[o] for o in options] + [options]
    for chosen in wanted:
        if chosen:
            selections.append(chosen)
            selections += [[c for c in chosen if c != left_out] for left_out in chosen]
            selections += [chosen + [o] for o in options if o not in chosen]
            selections.append([o for o in options if o not in chosen])
    return [s for s in selections if s]


def _comparison(question: QuestionData) -> str | None:
    spec = TYPES.get(question.type)
    return spec.shape.comparison if spec is not None else None


def _raw_candidates(question: QuestionData, values: list) -> list[Any]:
    spec = TYPES.get(question.type)
    shape = spec.shape.name if spec is not None else None
    if shape == "text":
        return [{"text": text} for text in _texts(question, values)]
    if shape == "number":
        return [{"number": number} for number in _numbers(question, values)]
    if shape == "rating":
        low, high = _bounds(question)
        if isinstance(low, int) and isinstance(high, int) and 0 <= high - low <= _MAX_SCALE_POINTS:
            return [{"rating": point} for point in range(low, high + 1)]
        return [{"rating": n} for n in _numbers(question, values) if isinstance(n, int)]
    if shape == "date":
        return [{"date": day} for day in _dates(question, values)]
    if shape == "option":
        return [{"selectedOptionId": o.get("id")} for o in question.options or () if isinstance(o, Mapping)]
    if shape == "options":
        return [{"selectedOptionIds": selection} for selection in _selections(question, values)]
    return []


def _present(question: QuestionData) -> list[Any]:
    """Answers to FILE_UPLOAD and MATRIX questions, which conditions only test for presence."""
    if question.type == "FILE_UPLOAD":
        return [{"fileUrl": "/probe", "fileName": "probe.pdf", "fileSize": 1, "mimeType": "application/pdf"}]
    rows = (question.metadata or {}).get("rows") if isinstance(question.metadata, Mapping) else None
    row_ids = [r.get("id") for r in rows or () if isinstance(r, Mapping) and isinstance(r.get("id"), str)]
    options = [o.get("id") for o in question.options or () if isinstance(o, Mapping)]
    if row_ids and options:
        return [{"rows": {row_ids[0]: options[0]}}]
    return []


class Prober:
    """Answer "can this condition hold?" by evaluating it with the engine on candidate answers.

    The candidates for a question are an empty answer plus the answers built from the values the
    condition compares with, the question's bounds and options, kept only if the answer validator
    accepts them: exactly what a client could submit. A question that can never be visible only
    ever contributes an empty answer, as the engine treats a hidden question's answer.
    """

    def __init__(self, structure: QuestionnaireStructure):
        self._questions = {q.id: q for q in structure.questions}
        self._computed = frozenset(item.name for item in computed_of(structure.metadata))
        self._candidates: dict[tuple, list | None] = {}
        self._outcomes: dict[tuple, frozenset | None] = {}

    def candidates(self, question_id: str, values: list, never: frozenset) -> list | None:
        """Return the candidate answers (None first: unanswered), or None if they cannot be told."""
        question = self._questions[question_id]
        if question_id in never:
            return [None]
        key = (question_id, json.dumps(values, sort_keys=True, default=str))
        if key in self._candidates:
            return self._candidates[key]
        if _comparison(question) == "presence":
            found: list | None = [None, *_present(question)]
        else:
            checked = question_input(question)
            found = [None]
            for raw in _raw_candidates(question, values):
                result = validate_value(checked, raw)
                if result.is_valid and result.value is not None and result.value not in found:
                    found.append(result.value)
            rules = question.validation_rules if isinstance(question.validation_rules, Mapping) else {}
            if len(found) == 1 and question.type in TEXT_TYPES and rules.get("pattern"):
                found = None  # no guess of ours matches the pattern: make no claim about this question
        self._candidates[key] = found
        return found

    def outcomes(self, condition: Any, never: frozenset) -> frozenset[bool] | None:
        """Return the results the condition can have ({True}, {False} or both); None if unknown."""
        read = condition_fields(condition)
        if read & self._computed:
            return None  # a computed value's range is not probed: no claim about this condition
        fields = sorted(f for f in read if f in self._questions)
        key = (json.dumps(condition, sort_keys=True, default=str), never & frozenset(fields))
        if key in self._outcomes:
            return self._outcomes[key]
        values: dict[str, list] = defaultdict(list)
        for node in leaf_nodes(condition):
            if "value" in node and isinstance(node.get("field"), str):
                values[node["field"]].append(node["value"])
        lists = []
        for question_id in fields:
            found = self.candidates(question_id, values.get(question_id, []), never)
            if found is None:
                self._outcomes[key] = None
                return None
            lists.append(found)
        if math.prod(len(found) for found in lists) > MAX_COMBINATIONS:
            self._outcomes[key] = None
            return None
        engine = Engine(
            [QuestionSpec(id=f, type=self._questions[f].type) for f in fields]
            + [QuestionSpec(id=_PROBE_TARGET, type="TEXT")],
            [
                RuleSpec(
                    id="probe",
                    question_id=_PROBE_TARGET,
                    condition=condition if isinstance(condition, Mapping) else {},
                    action="SHOW",
                    target_question_ids=(_PROBE_TARGET,),
                )
            ],
        )
        seen: set[bool] = set()
        for combination in itertools.product(*lists):
            answers = {f: answer for f, answer in zip(fields, combination, strict=True) if answer is not None}
            seen.add(_PROBE_TARGET in engine.evaluate(answers).visible)
            if len(seen) == 2:
                break
        result = frozenset(seen)
        self._outcomes[key] = result
        return result

    def can_hold(self, condition: Any, never: frozenset) -> bool:
        found = self.outcomes(condition, never)
        return found is None or True in found

    def never_holds(self, condition: Any, never: frozenset) -> bool:
        found = self.outcomes(condition, never)
        return found is not None and True not in found

    def always_holds(self, condition: Any, never: frozenset) -> bool:
        return self.outcomes(condition, never) == frozenset({True})
