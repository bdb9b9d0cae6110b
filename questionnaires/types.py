"""The question types: the shape of an answer to each and the operators a condition may apply to it.

The one declaration of them (seed 000 §5.2 and §5.3, docs/rules.md). Pure Python that imports nothing:
the rule engine (rules.py), answer validation (answers.py), the JSON Schemas (schemas.py), the model's
choices, the interchange format, the admin's condition builder and the API all read it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = [
    "LIST_OPERATORS",
    "NUMBER_TEXT",
    "OPERATORS",
    "OPERATORS_BY_TYPE",
    "OPERATOR_LABELS",
    "OPTION_TYPES",
    "QUESTION_TYPES",
    "TEXT_TYPES",
    "TRUE_WHEN_EMPTY",
    "TYPES",
    "VALUELESS_OPERATORS",
    "is_date_value",
    "is_number_value",
    "TypeSpec",
    "ValueShape",
]

# --- Operators --------------------------------------------------------------------------------------

# In the order the admin lists them.
OPERATORS: tuple[str, ...] = (
    "eq",
    "ne",
    "gt",
    "lt",
    "gte",
    "lte",
    "in",
    "not_in",
    "contains",
    "not_contains",
    "is_empty",
    "is_not_empty",
)
OPERATOR_LABELS: dict[str, str] = {
    "eq": "is",
    "ne": "is not",
    "gt": "is greater than",
    "lt": "is less than",
    "gte": "is at least",
    "lte": "is at most",
    "in": "is any of",
    "not_in": "is none of",
    "contains": "includes",
    "not_contains": "does not include",
    "is_empty": "is unanswered",
    "is_not_empty": "is answered",
}
VALUELESS_OPERATORS = frozenset({"is_empty", "is_not_empty"})
LIST_OPERATORS = frozenset({"in", "not_in"})  # compare against a list of values
TRUE_WHEN_EMPTY = frozenset({"ne", "not_in", "not_contains", "is_empty"})  # hold for an empty answer

_ORDERED = frozenset({"eq", "ne", "gt", "lt", "gte", "lte", "in", "not_in"}) | VALUELESS_OPERATORS
_MATCHED = frozenset({"eq", "ne", "in", "not_in", "contains", "not_contains"}) | VALUELESS_OPERATORS

# How a condition compares an answer, and the operators that comparison knows.
_OPERATORS_BY_COMPARISON = {
    "text": _MATCHED,  # stripped text; contains is a case-insensitive substring
    "number": _ORDERED,
    "date": _ORDERED,  # ISO dates
    "single": _MATCHED,  # one option id
    "multiple": _MATCHED,  # a set of option ids
    "presence": VALUELESS_OPERATORS,  # answered or not
}

# A number written as text, as a condition on a NUMBER or SCALE question may compare with.
NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def is_number_value(value: object) -> bool:
    """Whether a condition's value can be compared with a number: a number, or one written as text."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and NUMBER_TEXT.fullmatch(value.strip()) is not None


def is_date_value(value: object) -> bool:
    """Whether a condition's value can be compared with a date: an ISO date or date and time."""
    if not isinstance(value, str):
        return False
    for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
        try:
            parse(value.strip())
            return True
        except ValueError:
            continue
    return False


# --- Value shapes and types ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValueShape:
    """The §5.3 shape of an answer: the keys of its JSON object and how conditions compare it."""

    name: str
    keys: tuple[str, ...]  # every one required
    comparison: str  # a key of _OPERATORS_BY_COMPARISON
    optional_keys: tuple[str, ...] = ()


_TEXT = ValueShape("text", ("text",), "text")
_NUMBER = ValueShape("number", ("number",), "number")
_RATING = ValueShape("rating", ("rating",), "number")
_DATE = ValueShape("date", ("date",), "date", optional_keys=("includeTime",))
_OPTION = ValueShape("option", ("selectedOptionId",), "single")
_OPTIONS = ValueShape("options", ("selectedOptionIds",), "multiple")
_FILE = ValueShape("file", ("fileUrl", "fileName", "fileSize", "mimeType"), "presence")
_MATRIX = ValueShape("matrix", ("rows",), "presence")


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """One question type: its name (``questions.type``), its label, its answer's shape."""

    name: str
    label: str
    shape: ValueShape
    has_options: bool = False  # answered by choosing among ``questions.options`` (a matrix's columns)

    @property
    def operators(self) -> frozenset[str]:
        return _OPERATORS_BY_COMPARISON[self.shape.comparison]


TYPES: dict[str, TypeSpec] = {
    spec.name: spec
    for spec in (
        TypeSpec("TEXT", "Short text", _TEXT),
        TypeSpec("TEXTAREA", "Long text", _TEXT),
        TypeSpec("NUMBER", "Number", _NUMBER),
        TypeSpec("EMAIL", "E-mail", _TEXT),
        TypeSpec("URL", "URL", _TEXT),
        TypeSpec("DATE", "Date", _DATE),
        TypeSpec("SINGLE_CHOICE", "Single choice", _OPTION, has_options=True),
        TypeSpec("MULTIPLE_CHOICE", "Multiple choice", _OPTIONS, has_options=True),
        TypeSpec("SCALE", "Scale", _RATING),
        TypeSpec("FILE_UPLOAD", "File upload", _FILE),
        TypeSpec("MATRIX", "Matrix", _MATRIX, has_options=True),
    )
}
QUESTION_TYPES: tuple[str, ...] = tuple(TYPES)  # in the seed's order
TEXT_TYPES = frozenset(name for name, spec in TYPES.items() if spec.shape is _TEXT)
OPTION_TYPES = frozenset(name for name, spec in TYPES.items() if spec.has_options)
OPERATORS_BY_TYPE: dict[str, frozenset[str]] = {name: spec.operators for name, spec in TYPES.items()}
