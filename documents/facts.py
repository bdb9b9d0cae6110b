"""What a document's blocks may read: the answers by question key, matrix rows and computed values.

One ``Facts`` per rendered document. It answers three questions the blocks ask:

- does a condition hold? Conditions are written in the visibility rules' JSON shape, with question
  keys (``ci_maturity``), a matrix row as ``key.row`` and computed values by name in ``field``, and
  option *values* (``"aws"``) rather than ids. They are translated to the rule engine's terms and
  evaluated by ``questionnaires.rules.evaluate_condition``: one condition language in the product.
- what does a template see? ``context()``: answers as readers expect them (an option's label that
  also knows its value, numbers as numbers, dates in words), computed values, the company.
- where did a value come from? ``sources()``: the questions, responses and revisions behind names.

Hidden (dormant) and invalid answers are missing here, as they are for the engine. Pure Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from documents.rendering import answer_display, format_date
from questionnaires.expressions import (
    NOT_AVAILABLE,
    Computed,
    answer_values,
    computed_evaluate,
    expression_names,
)
from questionnaires.rules import condition_fields, evaluate_condition
from questionnaires.types import (
    OPERATOR_LABELS,
    OPERATORS,
    OPERATORS_BY_TYPE,
    VALUELESS_OPERATORS,
    is_date_value,
    is_number_value,
)

CHOICE_TYPES = frozenset({"SINGLE_CHOICE", "MULTIPLE_CHOICE"})
NUMBER_TYPES = frozenset({"NUMBER", "SCALE"})  # a computed value may be a number or a text
COMPUTED = "COMPUTED"
# A computed value compares as a number or a text, whichever it turns out to be.
_COMPUTED_OPERATORS = frozenset(OPERATORS) - {"contains", "not_contains"}


# ----------------------------------------------------------------- values as templates read them


class Option(str):
    """A chosen option: reads as its label, and knows its ``value`` and place among the options."""

    value: Any
    position: int

    def __new__(cls, label: str, value: Any, position: int = 0):
        made = super().__new__(cls, label)
        made.value, made.position = value, position
        return made


class Options(list):
    """The options of a multiple-choice answer: reads as "A, B and C"."""

    def __str__(self) -> str:
        items = [str(item) for item in self]
        return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"

    @property
    def values(self) -> list:
        return [item.value for item in self]


class Day(dt.date):
    """A date that reads in words: "14 March 2025"."""

    def __str__(self) -> str:
        return format_date(self.isoformat())


class Rows(dict):
    """A matrix answer: ``rows.ci`` is the row's chosen ``Option``; reads as "Row: option; …"."""

    labels: dict

    def __str__(self) -> str:
        return "; ".join(f"{self.labels.get(row, row)}: {option}" for row, option in self.items())


# ----------------------------------------------------------------- the schema a block is checked against


@dataclass(frozen=True)
class Field:
    """A name a condition or template may read: a question key, a matrix row or a computed value."""

    name: str
    type: str  # a question type, or COMPUTED
    options: tuple[Mapping[str, Any], ...] = ()
    rows: tuple[str, ...] = ()  # a matrix's row ids
    question: Any = None

    def option_id(self, wanted: Any) -> Any:
        """Return the id of the option whose value, label or id is ``wanted`` (else ``wanted``)."""
        for option in self.options:
            if wanted in (option.get("value"), option.get("id"), option.get("label")):
                return option.get("id")
        return wanted

    def knows_option(self, wanted: Any) -> bool:
        return any(wanted in (o.get("value"), o.get("id"), o.get("label")) for o in self.options)


def schema_of(questions: Iterable[Any], computed: Iterable[Computed] = ()) -> dict[str, Field]:
    """Return every name blocks may read: keyed questions, ``key.row`` of matrices, computed values."""
    fields: dict[str, Field] = {}
    for question in questions:
        key = getattr(question, "key", None)
        if not key:
            continue
        options = tuple(o for o in question.options or () if isinstance(o, Mapping))
        rows = tuple(
            str(row.get("id"))
            for row in (question.metadata or {}).get("rows") or ()
            if isinstance(row, Mapping) and row.get("id")
        )
        fields[key] = Field(key, question.type, options, rows, question)
        for row in rows if question.type == "MATRIX" else ():
            fields[f"{key}.{row}"] = Field(f"{key}.{row}", "SINGLE_CHOICE", options, (), question)
    for item in computed:
        fields.setdefault(item.name, Field(item.name, COMPUTED))
    return fields


def merge_schemas(schemas: Iterable[Mapping[str, Field]]) -> dict[str, list[Field]]:
    """Return, for each name, every field it is in several questionnaires (a type serves several)."""
    merged: dict[str, list[Field]] = {}
    for schema in schemas:
        for name, found in schema.items():
            merged.setdefault(name, []).append(found)
    return merged


def condition_problems(condition: Any, schema: Mapping[str, Sequence[Field]], depth: int = 0) -> list[str]:
    """Return what is wrong with a block's condition against the names of the questionnaires it serves."""
    if condition in (None, {}):
        return []
    if not isinstance(condition, Mapping):
        return ["A condition must be an object with field, operator and value, or logicalOp and nested."]
    if depth > 16:
        return ["The condition nests too deeply."]
    problems = []
    if "field" in condition or "operator" in condition:
        problems.extend(_leaf_problems(condition, schema))
    nested = condition.get("nested")
    if nested is not None:
        if not isinstance(nested, list):
            problems.append("“nested” must be a list of conditions.")
        else:
            for child in nested:
                problems.extend(condition_problems(child, schema, depth + 1))
    if str(condition.get("logicalOp") or "AND").upper() not in ("AND", "OR"):
        problems.append("“logicalOp” must be AND or OR.")
    if "field" not in condition and "operator" not in condition and not nested:
        problems.append("An empty condition: give a field and operator, or nested conditions.")
    return problems


def _leaf_problems(leaf: Mapping[str, Any], schema: Mapping[str, Sequence[Field]]) -> list[str]:
    name, operator = leaf.get("field"), leaf.get("operator")
    found = schema.get(name) if isinstance(name, str) else None
    if not found:
        return [f"“{name}” is not a question key, matrix row or computed value."]
    if operator not in OPERATORS:
        return [f"“{operator}” is not an operator ({', '.join(OPERATORS)})."]
    allowed = set()
    for each in found:
        allowed |= _COMPUTED_OPERATORS if each.type == COMPUTED else set(OPERATORS_BY_TYPE.get(each.type, ()))
    if operator not in allowed:
        return [f"“{operator}” does not apply to {name} ({found[0].type.lower().replace('_', ' ')})."]
    if operator in VALUELESS_OPERATORS:
        return []
    if "value" not in leaf:
        return [f"The condition on {name} needs a value."]
    value = leaf["value"]
    if all(each.type in NUMBER_TYPES for each in found) and not all(
        is_number_value(item) for item in (value if isinstance(value, list) else [value])
    ):
        return [f"{name} is compared as a number, and {value!r} is not one."]
    if all(each.type == "DATE" for each in found) and not all(
        is_date_value(item) for item in (value if isinstance(value, list) else [value])
    ):
        return [f"{name} is a date: compare it with a date written YYYY-MM-DD, not {value!r}."]
    choices = [each for each in found if each.type in CHOICE_TYPES]
    if choices:
        wanted = leaf["value"] if isinstance(leaf["value"], list) else [leaf["value"]]
        unknown = [w for w in wanted if not any(each.knows_option(w) for each in choices)]
        if unknown:
            values = sorted({str(o.get("value")) for each in choices for o in each.options})
            return [f"{name} has no option {unknown[0]!r} (its values: {', '.join(values)})."]
    return []


def describe_condition(condition: Any, schema: Mapping[str, Field] | None = None, depth: int = 0) -> str:
    """Return a condition in words: "engineering_maturity.ci is any of Not in place, Ad hoc and …".

    With the ``schema`` of the answers, choices read as their option labels rather than values.
    """
    if not isinstance(condition, Mapping) or depth > 16:
        return ""
    parts = []
    if "field" in condition:
        operator = str(condition.get("operator"))
        words = f"{condition.get('field')} {OPERATOR_LABELS.get(operator, operator)}"
        if operator not in VALUELESS_OPERATORS:
            value = condition.get("value")
            found = (
                (schema or {}).get(condition.get("field"))
                if isinstance(condition.get("field"), str)
                else None
            )
            shown = [_option_label(found, v) for v in (value if isinstance(value, list) else [value])]
            words += " " + ", ".join(shown)
        parts.append(words)
    for child in condition.get("nested") or () if isinstance(condition.get("nested"), list) else ():
        described = describe_condition(child, schema, depth + 1)
        grouped = isinstance(child, Mapping) and child.get("nested")
        if described:
            parts.append(f"({described})" if grouped else described)
    joiner = " or " if str(condition.get("logicalOp") or "AND").upper() == "OR" else " and "
    return joiner.join(parts)


def _option_label(found: Field | None, value: Any) -> str:
    if found is not None and found.type in CHOICE_TYPES:
        for option in found.options:
            if value in (option.get("value"), option.get("id")):
                return str(option.get("label") or value)
    return str(value)


# ----------------------------------------------------------------- one document's facts


class Facts:
    """The answers and computed values of one session, by name, for one document's blocks."""

    def __init__(
        self,
        *,
        questions: Sequence[Any],
        visible: Iterable[str],
        answers: Mapping[str, Any],
        computed: Sequence[Computed] = (),
        extra: Mapping[str, Any] | None = None,
    ):
        self.visible = frozenset(visible)
        self.schema = schema_of(questions, computed)
        self.answers = {
            question_id: stored
            for question_id, stored in answers.items()
            if question_id in self.visible and getattr(stored, "is_valid", True) is not False
        }
        self.values = answer_values(questions, self.answers, self.visible)
        self.computed = computed_evaluate(list(computed), self.values)
        self.expressions = {item.name: item.expression for item in computed}
        self.labels = {item.name: item.title for item in computed}
        self.extra = dict(extra or {})

    # -- conditions

    def holds(self, condition: Any) -> bool:
        """Return whether a block's condition holds; no condition always holds."""
        if condition in (None, {}):
            return True
        types: dict[str, str] = {}
        stored: dict[str, Any] = {}
        for name in condition_fields(condition):
            found = self.schema.get(name)
            if found is None:
                continue
            types[name], stored[name] = self._as_engine_answer(found)
        return evaluate_condition(self._translated(condition), stored, types)

    def _as_engine_answer(self, found: Field) -> tuple[str, Any]:
        if found.type == COMPUTED:
            value = self.computed.get(found.name)
            if isinstance(value, bool):
                value = int(value)
            if isinstance(value, int | float):
                return "NUMBER", {"number": value}
            return "TEXT", ({"text": value} if isinstance(value, str) else None)
        answer = self.answers.get(found.question.id)
        value = getattr(answer, "value", None)
        if "." in found.name and found.question.type == "MATRIX":
            row = found.name.split(".", 1)[1]
            chosen = (value or {}).get("rows", {}).get(row) if isinstance(value, Mapping) else None
            return "SINGLE_CHOICE", ({"selectedOptionId": chosen} if chosen else None)
        return found.type, value

    def _translated(self, node: Any, depth: int = 0) -> Any:
        """Return the condition with option values turned into the ids the engine compares."""
        if not isinstance(node, Mapping) or depth > 64:
            return node
        copy = dict(node)
        found = self.schema.get(node.get("field")) if isinstance(node.get("field"), str) else None
        if found is not None and found.type in CHOICE_TYPES and "value" in node:
            value = node["value"]
            copy["value"] = (
                [found.option_id(v) for v in value] if isinstance(value, list) else found.option_id(value)
            )
        if isinstance(node.get("nested"), list):
            copy["nested"] = [self._translated(child, depth + 1) for child in node["nested"]]
        return copy

    # -- templates

    def context(self) -> dict[str, Any]:
        """Return what a template reads: answers by key, computed values, ``company`` and extras."""
        context: dict[str, Any] = {}
        for name, found in self.schema.items():
            if found.type == COMPUTED:
                value = self.computed.get(name)
                context[name] = None if value is NOT_AVAILABLE else value
            elif "." not in name:
                context[name] = self._readable(found)
        context.update(self.extra)
        return context

    def _readable(self, found: Field) -> Any:
        answer = self.answers.get(found.question.id)
        value = getattr(answer, "value", None)
        if not isinstance(value, Mapping):
            return None
        kind = found.type
        listed = list(found.options)
        positions = {o.get("id"): index for index, o in enumerate(listed, start=1)}

        def option(option_id: Any) -> Option | None:
            for candidate in listed:
                if candidate.get("id") == option_id:
                    label = str(candidate.get("label") or candidate.get("value"))
                    return Option(label, candidate.get("value"), positions[option_id])
            return None

        if kind == "SINGLE_CHOICE":
            return option(value.get("selectedOptionId"))
        if kind == "MULTIPLE_CHOICE":
            chosen = set(value.get("selectedOptionIds") or ())
            found_options = Options(option(o.get("id")) for o in listed if o.get("id") in chosen)
            return found_options or None
        if kind == "MATRIX":
            rows = Rows()
            rows.labels = _row_labels(found.question)
            for row, option_id in (value.get("rows") or {}).items():
                chosen = option(option_id)
                if chosen is not None:
                    rows[row] = chosen
            return rows or None
        if kind == "DATE":
            try:
                return Day.fromisoformat(str(value.get("date") or ""))
            except ValueError:
                return None
        return self.values.get(found.name)

    # -- provenance

    def sources(self, names: Iterable[str]) -> dict[str, list]:
        """Return the questions (with responses and revisions) and computed values behind ``names``."""
        questions, computed, seen = [], [], set()
        pending = [str(name) for name in names]
        # A template reading ``engineering_maturity.ci`` names the question too: the row is the evidence.
        rows_read = {name.split(".", 1)[0] for name in pending if "." in name}
        pending = [name for name in pending if name not in rows_read]
        while pending:
            name = pending.pop(0)
            if name in seen:
                continue
            seen.add(name)
            found = self.schema.get(name)
            if found is None:
                continue
            if found.type == COMPUTED:
                value = self.computed.get(name)
                computed.append(
                    {
                        "name": name,
                        "label": self.labels.get(name, name),
                        "value": None if value is NOT_AVAILABLE else _plain(value),
                    }
                )
                pending.extend(self._computed_reads(name))
                continue
            stored = self.answers.get(found.question.id)
            question = found.question.text
            if "." in name:  # a matrix row: the row's label after the question
                question = f"{question} — {_row_labels(found.question).get(name.split('.', 1)[1], '')}"
            questions.append(
                {
                    "key": name,
                    "questionId": str(found.question.id),
                    "question": question,
                    "answer": self.answer_text(name),
                    "responseId": _text(getattr(stored, "response_id", None)),
                    "revision": getattr(stored, "revision", None),
                }
            )
        return {"questions": questions, "computed": computed}

    def _computed_reads(self, name: str) -> set[str]:
        expression = self.expressions.get(name, "")
        try:
            return expression_names(expression) if expression else set()
        except ValueError:
            return set()

    def answer_text(self, name: str) -> str:
        """Return one answer in words, as a document shows it ("" when unanswered or hidden)."""
        found = self.schema.get(name)
        if found is None or found.type == COMPUTED:
            return ""
        stored = self.answers.get(found.question.id)
        if "." in name:  # a matrix row: the label of the option chosen in it
            rows = getattr(stored, "value", None) or {}
            chosen = rows.get("rows", {}).get(name.split(".", 1)[1]) if isinstance(rows, Mapping) else None
            return next((str(o.get("label")) for o in found.options if o.get("id") == chosen), "")
        display = answer_display(found.question, getattr(stored, "value", None)) if stored else None
        if not display:
            return ""
        if display["kind"] == "paragraphs":
            return "\n\n".join(display["paragraphs"])
        if display["kind"] == "list":
            return ", ".join(display["items"])
        if display["kind"] == "table":
            return "; ".join(f"{label}: {value}" for label, value in display["rows"])
        return str(display.get("text") or "")


def _row_labels(question: Any) -> dict[str, str]:
    return {
        str(row.get("id")): str(row.get("label") or row.get("id"))
        for row in (question.metadata or {}).get("rows") or ()
        if isinstance(row, Mapping)
    }


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
