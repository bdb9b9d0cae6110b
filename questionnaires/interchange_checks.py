"""Check a questionnaire in the ``acqs-questionnaire/1`` JSON format before anything is imported.

``questionnaire_validate`` reads a document defensively (any JSON at all) and lists every problem with
its path: the document's JSON Schema (seed 000's columns and JSONB shapes), ids, option and row ids,
limits, default answers, rules, cycles and, optionally, clashes with the database. The import and the
admin's forms (questionnaires/interchange.py, questionnaires/checks.py) and the analysis run it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from questionnaires.expressions import computed_of, computed_problems
from questionnaires.keys import key_of, key_problem
from questionnaires.models import Question, Section, VisibilityRule
from questionnaires.rules import ACTIONS, MAX_CONDITION_DEPTH, Engine, QuestionSpec, RuleSpec
from questionnaires.schemas import (
    CONDITION_SCHEMA,
    DOCUMENT_MAPPINGS_SCHEMA,
    MATRIX_ROWS_SCHEMA,
    OPTIONS_SCHEMA,
    RESPONSE_VALUE_SCHEMAS,
    SUGGESTED_ANSWER_SCHEMA,
    UUID_PATTERN,
    VALIDATION_RULES_SCHEMA,
    schema_errors,
)
from questionnaires.types import (
    LIST_OPERATORS,
    OPERATORS_BY_TYPE,
    OPTION_TYPES,
    QUESTION_TYPES,
    TYPES,
    VALUELESS_OPERATORS,
    is_date_value,
    is_number_value,
)

__all__ = ["DOCUMENT_SCHEMA", "FORMAT", "questionnaire_validate"]

FORMAT = "acqs-questionnaire/1"


# --- The document's JSON Schema -------------------------------------------------------------------

_INT32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
_UUID = {"type": "string", "minLength": 36, "maxLength": 36, "pattern": UUID_PATTERN}
_MINUTES = {"type": ["integer", "null"], "minimum": 0, "maximum": 2**31 - 1}


def _embedded(schema: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """Return a copy of a column schema that can sit inside the document schema."""
    copy = {key: value for key, value in schema.items() if key != "$schema"}
    copy.update(extra)
    return copy


def _nullable(schema: Mapping[str, Any]) -> dict[str, Any]:
    # if/else rather than anyOf, so that errors inside the value keep their own paths and messages.
    return {"if": {"type": "null"}, "else": schema}


def _text(max_length: int | None = None, *, nullable: bool = True, blank: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"] if nullable else "string"}
    if max_length is not None:
        schema["maxLength"] = max_length
    if not blank:
        schema["minLength"] = 1
    return schema


RULE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "condition", "action", "target_question_ids"],
    "properties": {
        "id": _UUID,
        # Its own $id, so that the condition schema's "#" still means the condition node.
        "condition": _embedded(CONDITION_SCHEMA, **{"$id": "urn:acqs:visibility-condition"}),
        "action": {"type": "string", "enum": sorted(ACTIONS)},
        "target_question_ids": {"type": "array", "minItems": 1, "items": _UUID},
        "priority": _INT32,
        "is_active": {"type": "boolean"},
    },
    "additionalProperties": False,
}

QUESTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "text", "type", "order_index"],
    "properties": {
        "id": _UUID,
        "text": _text(nullable=False, blank=False),
        "type": {"type": "string", "enum": sorted(QUESTION_TYPES)},
        "help_text": _text(),
        "explanation": _text(),
        "placeholder": _text(255),
        "order_index": _INT32,
        "is_required": {"type": "boolean"},
        "options": _nullable(_embedded(OPTIONS_SCHEMA)),
        "validation_rules": _nullable(_embedded(VALIDATION_RULES_SCHEMA)),
        "default_value": {},
        "suggested_answer": _nullable(_embedded(SUGGESTED_ANSWER_SCHEMA)),
        "industry_tags": _nullable(
            {
                "type": "array",
                "items": {"type": "string", "minLength": 1, "maxLength": 50},
                "uniqueItems": True,
            }
        ),
        "document_mappings": _nullable(_embedded(DOCUMENT_MAPPINGS_SCHEMA)),
        "metadata": {"type": "object"},
        "visibility_rules": {"type": "array", "items": RULE_SCHEMA},
    },
    "additionalProperties": False,
}

SECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "order_index"],
    "properties": {
        "id": _UUID,
        "name": _text(255, nullable=False, blank=False),
        "description": _text(),
        "order_index": _INT32,
        "icon": _text(50),
        "estimated_time": _MINUTES,
        "metadata": {"type": "object"},
        "questions": {"type": "array", "items": QUESTION_SCHEMA},
    },
    "additionalProperties": False,
}

DOCUMENT_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "",
    "type": "object",
    "required": ["format", "id", "name", "sections"],
    "properties": {
        "format": {"const": FORMAT},
        "id": _UUID,
        "name": _text(255, nullable=False, blank=False),
        "description": _text(),
        "industry": _text(100),
        "version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "is_active": {"type": "boolean"},
        "is_default": {"type": "boolean"},
        "estimated_time": _MINUTES,
        "metadata": {"type": "object"},
        "published_at": {"type": ["string", "null"]},
        "sections": {"type": "array", "items": SECTION_SCHEMA},
    },
    "additionalProperties": False,
}


# --- Reading a document defensively ---------------------------------------------------------------
# Checks beyond the schema run on whatever parts of the document are well formed, so that one pass
# reports every problem; the schema has already reported the rest.

_UUID_RE = re.compile(UUID_PATTERN)
_MAX_NESTING = 200


def canonical_id(value: Any) -> str | None:
    """Return the id in PostgreSQL's spelling (lowercase), or None if it is not a UUID string."""
    if isinstance(value, str) and _UUID_RE.fullmatch(value):
        return str(uuid.UUID(value))
    return None


def _dicts(value: Any) -> Iterator[tuple[int, dict]]:
    if isinstance(value, list):
        for position, item in enumerate(value):
            if isinstance(item, dict):
                yield position, item


class _Parts:
    """The sections, questions and rules of a document with their paths, in document order."""

    def __init__(self, document: dict):
        self.sections: list[tuple[str, dict]] = []
        self.questions: list[tuple[str, dict]] = []
        self.rules: list[tuple[str, dict, dict]] = []  # (path, rule, owning question)
        for s, section in _dicts(document.get("sections")):
            section_path = f"sections[{s}]"
            self.sections.append((section_path, section))
            for q, question in _dicts(section.get("questions")):
                question_path = f"{section_path}.questions[{q}]"
                self.questions.append((question_path, question))
                for r, rule in _dicts(question.get("visibility_rules")):
                    self.rules.append((f"{question_path}.visibility_rules[{r}]", rule, question))
        # Computed values a rule may test by name (questionnaire metadata.computed).
        self.computed = {item.name for item in computed_of(document.get("metadata"))}
        # The first question with each id; duplicates are reported separately.
        self.by_id: dict[str, tuple[str, dict]] = {}
        for path, question in self.questions:
            question_id = canonical_id(question.get("id"))
            if question_id is not None:
                self.by_id.setdefault(question_id, (path, question))

    def question_type(self, question: dict) -> str | None:
        question_type = question.get("type")
        return question_type if isinstance(question_type, str) and question_type in QUESTION_TYPES else None


def _quoted(question: dict) -> str:
    text = question.get("text")
    if not isinstance(text, str) or not text.strip():
        return repr(question.get("id"))
    text = " ".join(text.split())
    return f'"{text if len(text) <= 60 else text[:57] + "..."}"'


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def path_join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


def _unstorable(document: Any) -> list[str]:
    """Report values PostgreSQL cannot store: NUL characters, lone surrogates, NaN and infinities."""
    problems = []
    stack: list[tuple[str, Any, int]] = [("", document, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > _MAX_NESTING:
            problems.append(f"{path or '(root)'}: is nested too deeply (more than {_MAX_NESTING} levels)")
            continue
        if isinstance(value, str):
            if "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value):
                problems.append(f"{path or '(root)'}: contains a NUL character or an unpaired surrogate")
        elif isinstance(value, float):
            if not math.isfinite(value):
                problems.append(f"{path or '(root)'}: {value} is not a number that can be stored")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and ("\x00" in key or any("\ud800" <= c <= "\udfff" for c in key)):
                    problems.append(
                        f"{path or '(root)'}: a key contains a NUL character or an unpaired surrogate"
                    )
                    continue
                stack.append((path_join(path, str(key)), item, depth + 1))
        elif isinstance(value, list):
            for position, item in enumerate(value):
                stack.append((path_join(path, position), item, depth + 1))
    return sorted(problems)


def _duplicates(parts: _Parts) -> list[str]:
    problems = []
    for kind, items in (
        ("section", [(path, part) for path, part in parts.sections]),
        ("question", [(path, part) for path, part in parts.questions]),
        ("visibility rule", [(path, part) for path, part, _ in parts.rules]),
    ):
        seen: dict[str, str] = {}
        for path, part in items:
            part_id = canonical_id(part.get("id"))
            if part_id is None:
                continue
            if part_id in seen:
                problems.append(f"{path}.id: {part_id} is already the id of the {kind} at {seen[part_id]}")
            else:
                seen[part_id] = path
    return problems


def _key_problems(parts: _Parts) -> list[str]:
    """Check the question keys a document gives (a missing key is made on import): form and uniqueness."""
    problems = []
    seen: dict[str, str] = {}
    for path, question in parts.questions:
        metadata = question.get("metadata")
        if not isinstance(metadata, dict) or "key" not in metadata:
            continue
        key = metadata["key"]
        problem = key_problem(key)
        if problem is not None:
            problems.append(f"{path}.metadata.key: {problem}")
        elif key in seen:
            problems.append(f"{path}.metadata.key: {key!r} is already the key of the question at {seen[key]}")
        else:
            seen[key] = path
    return problems


def _computed_problems(document: dict, parts: _Parts) -> list[str]:
    """Check the computed values a questionnaire declares in ``metadata.computed`` (expressions.py)."""
    metadata = document.get("metadata")
    declared = metadata.get("computed") if isinstance(metadata, dict) else None
    if declared is None:
        return []
    path = "metadata.computed"
    if not isinstance(declared, list):
        return [f"{path}: a list of {{name, expression, label}} objects"]
    problems = []
    for index, entry in enumerate(declared):
        texts = isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("name", "expression"))
        if not texts:
            problems.append(f"{path}[{index}]: an object with a name and an expression (both text)")
        elif not isinstance(entry.get("label", ""), str):
            problems.append(f"{path}[{index}].label: a text")
    if problems:
        return problems
    keys = {key_of(question.get("metadata")) for _, question in parts.questions} - {None}
    for index, field_name, message in computed_problems(computed_of(metadata), keys):
        problems.append(f"{path}[{index}].{field_name}: {message}")
    return problems


def _client_page_problems(document: dict, parts: _Parts) -> list[str]:
    """Check the settings the client's page reads: ``industryQuestion`` and ``numberQuestions``."""
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return []
    problems = []
    if "numberQuestions" in metadata and not isinstance(metadata["numberQuestions"], bool):
        problems.append("metadata.numberQuestions: true or false")
    named = metadata.get("industryQuestion")
    if named is not None:
        found = [q for _, q in parts.questions if key_of(q.get("metadata")) == named]
        if not isinstance(named, str) or not found:
            problems.append(f"metadata.industryQuestion: {named!r} is not the key of a question")
        elif found[0].get("type") != "SINGLE_CHOICE":
            problems.append(f"metadata.industryQuestion: {named!r} must be a single-choice question")
    return problems


def _listed_ids(items: Any, path: str, what: str) -> tuple[set[str], list[str]]:
    """Return the ids of a list of {id, ...} objects and a problem for each repeated one."""
    ids: set[str] = set()
    problems = []
    for position, item in _dicts(items):
        item_id = item.get("id")
        if not isinstance(item_id, str):
            continue
        if item_id in ids:
            problems.append(f"{path}[{position}].id: {what} id {item_id!r} is used twice")
        ids.add(item_id)
    return ids, problems


def _option_ids(question: dict) -> set[str]:
    return {item["id"] for _, item in _dicts(question.get("options")) if isinstance(item.get("id"), str)}


def _row_ids(question: dict) -> set[str]:
    metadata = question.get("metadata")
    rows = metadata.get("rows") if isinstance(metadata, dict) else None
    return {item["id"] for _, item in _dicts(rows) if isinstance(item.get("id"), str)}


def _number_or_none(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _date_or_none(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _limits_problems(path: str, question_type: str, rules: dict) -> list[str]:
    problems = []
    low, high = rules.get("minLength"), rules.get("maxLength")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        problems.append(f"{path}: minLength {low} is greater than maxLength {high}")
    low, high = rules.get("min"), rules.get("max")
    # A limit that is neither a number nor a date is the schema's to report; these are the limits of
    # the wrong kind for the question.
    if question_type == "DATE":
        for key, value in (("min", low), ("max", high)):
            if _number_or_none(value) is not None:
                problems.append(
                    f"{path}.{key}: a DATE question needs a date (YYYY-MM-DD), not {_shown(value)}"
                )
        low_date, high_date = _date_or_none(low), _date_or_none(high)
        if low_date and high_date and low_date > high_date:
            problems.append(f"{path}: min {low} is later than max {high}")
        return problems
    for key, value in (("min", low), ("max", high)):
        if _date_or_none(value) is not None:
            problems.append(f"{path}.{key}: a {question_type} question needs a number, not {_shown(value)}")
    low_number, high_number = _number_or_none(low), _number_or_none(high)
    if low_number is not None and high_number is not None and low_number > high_number:
        problems.append(f"{path}: min {low} is greater than max {high}")
    return problems


def answer_problems(
    path: str, question_type: str, options: set[str], rows: set[str], value: Any
) -> list[str]:
    """Check a value meant to be used as an answer against its question's type, options and rows."""
    problems = schema_errors(value, RESPONSE_VALUE_SCHEMAS[question_type], root=path)
    if problems or not isinstance(value, dict):
        return problems
    if question_type == "SINGLE_CHOICE" and value["selectedOptionId"] not in options:
        problems.append(
            f"{path}.selectedOptionId: {value['selectedOptionId']!r} is not an option of the question"
        )
    elif question_type == "MULTIPLE_CHOICE":
        for position, option_id in enumerate(value["selectedOptionIds"]):
            if option_id not in options:
                problems.append(
                    f"{path}.selectedOptionIds[{position}]: {option_id!r} is not an option of the question"
                )
    elif question_type == "MATRIX":
        for row_id, option_id in value["rows"].items():
            if row_id not in rows:
                problems.append(f"{path}.rows: {row_id!r} is not a row of the question")
            elif option_id not in options:
                problems.append(
                    f"{path_join(path + '.rows', row_id)}: {option_id!r} is not an option of the question"
                )
    return problems


def _question_problems(parts: _Parts) -> list[str]:
    problems = []
    for path, question in parts.questions:
        question_type = parts.question_type(question)
        if question_type is None:
            continue
        options = question.get("options")
        option_ids, repeated = _listed_ids(options, f"{path}.options", "option")
        problems += repeated
        if question_type in OPTION_TYPES and (options is None or options == []):
            problems.append(f"{path}.options: a {question_type} question needs at least one option")
        metadata = question.get("metadata")
        if question_type == "MATRIX" and isinstance(metadata, dict):
            rows = metadata.get("rows")
            if rows is None:
                problems.append(f"{path}.metadata.rows: a MATRIX question needs rows")
            else:
                problems += schema_errors(rows, MATRIX_ROWS_SCHEMA, root=f"{path}.metadata.rows")
                problems += _listed_ids(rows, f"{path}.metadata.rows", "row")[1]
        rules = question.get("validation_rules")
        if isinstance(rules, dict):
            problems += _limits_problems(f"{path}.validation_rules", question_type, rules)
        if question.get("default_value") is not None:
            problems += answer_problems(
                f"{path}.default_value",
                question_type,
                option_ids,
                _row_ids(question),
                question["default_value"],
            )
    return problems


def _leaf_problems(path: str, node: dict, parts: _Parts) -> list[str]:
    field = node.get("field")
    if not isinstance(field, str):
        return []
    field_id = canonical_id(field)
    found = parts.by_id.get(field_id) if field_id else None
    if found is None and field in parts.computed:
        # A computed value is compared as a number (docs/rules.md): checked as a number question.
        found = (path, {"type": "NUMBER", "text": f"the computed value {field}"})
    if found is None:
        return [f"{path}.field: {_shown(field)} is not a question of this questionnaire"]
    question = found[1]
    question_type = parts.question_type(question)
    operator = node.get("operator")
    if question_type is None or not isinstance(operator, str):
        return []
    allowed = OPERATORS_BY_TYPE[question_type]
    if operator not in allowed:
        return [
            f"{path}.operator: {operator!r} cannot compare the {question_type} question {_quoted(question)}; "
            f"use one of {', '.join(sorted(allowed))}"
        ]
    if operator in VALUELESS_OPERATORS or "value" not in node:
        return []
    value = node["value"]
    if isinstance(value, list) and operator not in LIST_OPERATORS and question_type not in OPTION_TYPES:
        return [f"{path}.value: {operator!r} compares against one value, not a list"]
    values = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    comparison = TYPES[question_type].shape.comparison
    problems = []
    for position, item in values:
        where = f"{path}.value" if position is None else f"{path}.value[{position}]"
        if comparison == "number" and not is_number_value(item):
            problems.append(f"{where}: {_shown(item)} is not a number")
        elif comparison == "date" and not is_date_value(item):
            problems.append(f"{where}: {_shown(item)} is not a date (YYYY-MM-DD)")
        elif comparison == "text" and not isinstance(item, str):
            problems.append(f"{where}: {_shown(item)} is not text")
        elif comparison in ("single", "multiple") and (
            not isinstance(item, str) or item not in _option_ids(question)
        ):
            problems.append(f"{where}: {_shown(item)} is not an option of {_quoted(question)}")
    return problems


def _rule_problems(parts: _Parts) -> list[str]:
    problems = []
    for path, rule, _owner in parts.rules:
        condition = rule.get("condition")
        stack: list[tuple[str, Any, int]] = [(f"{path}.condition", condition, 0)]
        while stack:
            node_path, node, depth = stack.pop()
            if not isinstance(node, dict):
                continue
            if depth > MAX_CONDITION_DEPTH:
                problems.append(f"{node_path}: conditions may nest at most {MAX_CONDITION_DEPTH} levels deep")
                continue
            problems += _leaf_problems(node_path, node, parts)
            for position, child in reversed(list(_dicts(node.get("nested")))):
                stack.append((f"{node_path}.nested[{position}]", child, depth + 1))
        targets = rule.get("target_question_ids")
        if isinstance(targets, list):
            for position, target in enumerate(targets):
                target_id = canonical_id(target)
                if target_id is not None and target_id not in parts.by_id:
                    where = f"{path}.target_question_ids[{position}]"
                    problems.append(f"{where}: {target} is not a question of this questionnaire")
    return problems


def _document_engine(parts: _Parts) -> Engine:
    """Build the rule engine from the well-formed parts of a document (duplicates left out)."""
    specs = []
    seen: set[str] = set()
    for _path, question in parts.questions:
        question_id = canonical_id(question.get("id"))
        if question_id is None or question_id in seen:
            continue
        seen.add(question_id)
        specs.append(QuestionSpec(id=question_id, type=str(question.get("type"))))
    rules = []
    rule_ids: set[str] = set()
    for path, rule, owner in parts.rules:
        rule_id = canonical_id(rule.get("id")) or path
        targets = rule.get("target_question_ids")
        if (
            rule_id in rule_ids
            or not isinstance(rule.get("condition"), dict)
            or not isinstance(targets, list)
        ):
            continue
        rule_ids.add(rule_id)
        rules.append(
            RuleSpec(
                id=rule_id,
                question_id=str(owner.get("id")),
                condition=canonical_condition(rule["condition"]),
                action=str(rule.get("action")),
                target_question_ids=tuple(canonical_id(t) or str(t) for t in targets),
                priority=rule.get("priority") if isinstance(rule.get("priority"), int) else 0,
                is_active=rule.get("is_active", True) is not False,
            )
        )
    return Engine(specs, rules)


def _cycle_problems(parts: _Parts) -> list[str]:
    problems = []
    for cycle in _document_engine(parts).find_cycles():
        path, _ = parts.by_id[cycle[0]]
        steps = [_quoted(parts.by_id[question_id][1]) for question_id in [*cycle, cycle[0]]]
        problems.append(
            f"{path}: SHOW/HIDE rules form a cycle: whether {steps[0]} is shown depends on "
            + ", which depends on ".join(steps[1:])
        )
    return problems


def _database_problems(document: dict, parts: _Parts) -> list[str]:
    """Report ids that already belong to a different questionnaire (import keeps ids)."""
    questionnaire_id = canonical_id(document.get("id"))
    problems = []
    checks = (
        (Section, "questionnaire_id", [(path, part) for path, part in parts.sections]),
        (Question, "section__questionnaire_id", [(path, part) for path, part in parts.questions]),
        (
            VisibilityRule,
            "question__section__questionnaire_id",
            [(path, part) for path, part, _ in parts.rules],
        ),
    )
    for model, owner, items in checks:
        paths: dict[str, str] = {}
        for path, part in items:
            part_id = canonical_id(part.get("id"))
            if part_id is not None:
                paths.setdefault(part_id, path)
        if not paths:
            continue
        taken = model.objects.filter(pk__in=list(paths))
        if questionnaire_id is not None:
            taken = taken.exclude(**{owner: questionnaire_id})
        for taken_id in sorted(str(pk) for pk in taken.values_list("pk", flat=True)):
            problems.append(
                f"{paths[taken_id]}.id: {taken_id} already belongs to another questionnaire in the database"
            )
    return problems


def _published_at_problems(document: dict) -> list[str]:
    value = document.get("published_at")
    if isinstance(value, str) and parse_moment(value) is None:
        return [f"published_at: {_shown(value)} is not an ISO 8601 date and time"]
    return []


def parse_moment(value: str) -> dt.datetime | None:
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


def questionnaire_validate(document: Any, *, check_database: bool = True) -> list[str]:
    """Return every problem of an interchange document, each prefixed with its JSON path; [] if none.

    Beyond the JSON Schema this checks ids (unique, and with ``check_database`` not already used by
    another questionnaire), question keys (well formed and unique; a missing one is made on import),
    that rules only reference questions and options of the document, that an
    operator suits the question it compares, min/max limits, choice and matrix questions, and that the
    SHOW/HIDE rules have no cycle.
    """
    problems = schema_errors(document, DOCUMENT_SCHEMA, root="")
    if not isinstance(document, dict):
        return problems
    parts = _Parts(document)
    problems += _unstorable(document)
    problems += _published_at_problems(document)
    problems += _duplicates(parts)
    problems += _key_problems(parts)
    problems += _computed_problems(document, parts)
    problems += _client_page_problems(document, parts)
    problems += _question_problems(parts)
    problems += _rule_problems(parts)
    problems += _cycle_problems(parts)
    if check_database:
        problems += _database_problems(document, parts)
    return list(dict.fromkeys(problems))


def canonical_condition(node: Any) -> Any:
    """Return a copy of a condition whose question references use PostgreSQL's spelling of ids."""
    if not isinstance(node, dict):
        return node
    copy = dict(node)
    field_id = canonical_id(copy.get("field"))
    if field_id is not None:
        copy["field"] = field_id
    if isinstance(copy.get("nested"), list):
        copy["nested"] = [canonical_condition(child) for child in copy["nested"]]
    return copy
