"""JSON Schemas for the JSONB columns of seed 000 (§5 and the shapes documented beside the tables).

Pure Python (stdlib and ``jsonschema``): the admin, imports, the API and the answer validation in
``questionnaires.answers`` check JSONB data against these schemas wherever it enters the system. The
question types, their answers' keys and the operators come from ``questionnaires.types``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from questionnaires.types import LIST_OPERATORS, OPERATORS, TYPES, VALUELESS_OPERATORS

__all__ = [
    "CONDITION_SCHEMA",
    "DOCUMENT_MAPPINGS_SCHEMA",
    "MATRIX_ROWS_SCHEMA",
    "OPTIONS_SCHEMA",
    "RESPONSE_VALUE_SCHEMAS",
    "SUGGESTED_ANSWER_SCHEMA",
    "VALIDATION_RULES_SCHEMA",
    "schema_errors",
]

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

# `format` is only an annotation unless a format checker is switched on, so identifiers and dates are
# also pinned down by a pattern. The fixed length keeps Python's `$` (which also matches before a final
# newline) from letting "…\n" through.
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MIME_TYPE_PATTERN = "^[a-z0-9][a-z0-9!#$&^_.+-]*/([a-z0-9][a-z0-9!#$&^_.+-]*|\\*)$"
# Row ids end up in form field names (`<prefix>.<rowId>`), so they stay plain tokens.
ROW_ID_PATTERN = "^[A-Za-z0-9_-]+$"

_UUID = {"type": "string", "format": "uuid", "minLength": 36, "maxLength": 36, "pattern": UUID_PATTERN}
_DATE = {"type": "string", "format": "date", "minLength": 10, "maxLength": 10, "pattern": DATE_PATTERN}
_MIME_TYPE = {"type": "string", "maxLength": 255, "pattern": MIME_TYPE_PATTERN}

# Readable names for the patterns above, used in error messages instead of the raw expression.
_PATTERN_NAMES = {
    UUID_PATTERN: "a valid UUID",
    DATE_PATTERN: "a valid date (YYYY-MM-DD)",
    MIME_TYPE_PATTERN: "a valid MIME type such as 'application/pdf'",
    ROW_ID_PATTERN: "a valid id (letters, digits, '-' and '_' only)",
}
_FIXED = (UUID_PATTERN, DATE_PATTERN)
_FORMAT_NAMES = {
    "date": "a valid date (YYYY-MM-DD)",
    "regex": "a valid regular expression",
}

# §5.1, with the option id held to a UUID and a label that is never blank.
OPTIONS_SCHEMA: dict[str, Any] = {
    "$schema": DRAFT_07,
    "title": "options",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "label"],
        "properties": {
            "id": _UUID,
            "label": {"type": "string", "minLength": 1, "maxLength": 500},
            "description": {"type": "string", "maxLength": 1000},
            "icon": {"type": "string", "maxLength": 50},
            "value": {"type": ["string", "number", "boolean"]},
            "isExclusive": {"type": "boolean"},
            "order": {"type": "integer"},
        },
    },
}

# §5.2, relaxed so that a node is a leaf ({field, operator, value?}), a pure group
# ({logicalOp?, nested: [...]}) or both. `is_empty`/`is_not_empty` take no value; every other operator
# needs one, and `in`/`not_in` compare against a list.
CONDITION_SCHEMA: dict[str, Any] = {
    "$schema": DRAFT_07,
    "title": "condition",
    "type": "object",
    "properties": {
        "field": {"type": "string", "minLength": 1, "description": "Question ID reference"},
        "operator": {"type": "string", "enum": list(OPERATORS)},
        "value": {},
        "logicalOp": {"type": "string", "enum": ["AND", "OR"]},
        "nested": {"type": "array", "items": {"$ref": "#"}},
    },
    "additionalProperties": False,
    "dependencies": {"field": ["operator"], "operator": ["field"], "value": ["operator"]},
    "anyOf": [
        {"required": ["field", "operator"]},
        {"required": ["nested"], "properties": {"nested": {"minItems": 1}}},
    ],
    "description": "a leaf with 'field' and 'operator', or a group with a non-empty 'nested' list",
    "allOf": [
        {
            "if": {
                "required": ["operator"],
                "properties": {"operator": {"not": {"enum": sorted(VALUELESS_OPERATORS)}}},
            },
            "then": {"required": ["value"]},
        },
        {
            "if": {"required": ["operator"], "properties": {"operator": {"enum": sorted(LIST_OPERATORS)}}},
            "then": {"properties": {"value": {"type": "array"}}},
        },
    ],
}

_NUMBER_OR_DATE = {
    "anyOf": [{"type": "number"}, _DATE],
    "description": "a number, or a date (YYYY-MM-DD) for a DATE question",
}

# questions.validation_rules: the seed's keys plus the file and step limits.
VALIDATION_RULES_SCHEMA: dict[str, Any] = {
    "$schema": DRAFT_07,
    "title": "validation_rules",
    "type": "object",
    "properties": {
        "minLength": {"type": "integer", "minimum": 0},
        "maxLength": {"type": "integer", "minimum": 0},
        "min": _NUMBER_OR_DATE,
        "max": _NUMBER_OR_DATE,
        "pattern": {"type": "string", "format": "regex", "maxLength": 1000},
        "customMessage": {"type": "string", "maxLength": 500},
        "maxFileSize": {"type": "integer", "minimum": 1},
        "allowedTypes": {"type": "array", "items": _MIME_TYPE, "minItems": 1, "uniqueItems": True},
        "step": {"type": "number", "exclusiveMinimum": 0},
    },
    "additionalProperties": False,
}

# questions.suggested_answer: { value, reason, confidence }.
SUGGESTED_ANSWER_SCHEMA: dict[str, Any] = {
    "$schema": DRAFT_07,
    "title": "suggested_answer",
    "type": "object",
    "required": ["value"],
    "properties": {
        "value": {},
        "reason": {"type": "string", "maxLength": 2000},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    },
    "additionalProperties": False,
}

# questions.document_mappings: [{ documentType, section, field }].
DOCUMENT_MAPPINGS_SCHEMA: dict[str, Any] = {
    "$schema": DRAFT_07,
    "title": "document_mappings",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["documentType"],
        "properties": {
            "documentType": {"type": "string", "minLength": 1, "maxLength": 100},
            "section": {"type": "string", "maxLength": 255},
            "field": {"type": "string", "maxLength": 255},
        },
        "additionalProperties": False,
    },
}

# questions.metadata["rows"] of a MATRIX question; its columns are the question's options.
MATRIX_ROWS_SCHEMA: dict[str, Any] = {
    "$schema": DRAFT_07,
    "title": "metadata.rows",
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["id", "label"],
        "properties": {
            "id": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": ROW_ID_PATTERN},
            "label": {"type": "string", "minLength": 1, "maxLength": 500},
            "description": {"type": "string", "maxLength": 1000},
            "order": {"type": "integer"},
        },
    },
}


def _value_schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "$schema": DRAFT_07,
        "title": "value",
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
    }


# The JSON Schema of each key a §5.3 answer may have; questionnaires.types says which keys each has.
_VALUE_KEYS: dict[str, dict[str, Any]] = {
    "text": {"type": "string"},
    "number": {"type": "number"},
    "rating": {"type": "integer"},
    "date": _DATE,
    "includeTime": {"type": "boolean"},
    "selectedOptionId": _UUID,
    "selectedOptionIds": {"type": "array", "items": _UUID},
    "fileUrl": {"type": "string", "minLength": 1, "maxLength": 2000},
    "fileName": {"type": "string", "minLength": 1, "maxLength": 255},
    "fileSize": {"type": "integer", "minimum": 0},
    "mimeType": _MIME_TYPE,
    "rows": {
        "type": "object",
        "propertyNames": {"minLength": 1, "maxLength": 64, "pattern": ROW_ID_PATTERN},
        "additionalProperties": _UUID,
    },
}

# responses.value, one shape per question type (§5.3).
RESPONSE_VALUE_SCHEMAS: dict[str, dict[str, Any]] = {
    name: _value_schema(
        {key: _VALUE_KEYS[key] for key in (*spec.shape.keys, *spec.shape.optional_keys)},
        list(spec.shape.keys),
    )
    for name, spec in TYPES.items()
}

# Only formats checkable with the standard library; "uuid" is covered by its pattern.
FORMAT_CHECKER = FormatChecker(formats=("date", "regex"))

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DEPENDENCY = re.compile(r"('.*') is a dependency of ('.*')")
_MAX_SHOWN = 60
_validators: dict[int, tuple[Mapping[str, Any], Draft7Validator]] = {}


def _validator(schema: Mapping[str, Any]) -> Draft7Validator:
    # Keyed by identity but holding the schema itself, so a recycled id() never returns a stale entry.
    cached = _validators.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    validator = Draft7Validator(schema, format_checker=FORMAT_CHECKER)
    if len(_validators) < 256:
        _validators[id(schema)] = (schema, validator)
    return validator


def _shown(instance: Any) -> str:
    text = repr(instance)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _path(root: str, parts: Iterator[Any]) -> str:
    path = root
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            path += f".{part}" if path else part
        else:
            path += f"[{part!r}]"
    return path or "(root)"


def _message(error: ValidationError) -> str:
    subschema = error.schema if isinstance(error.schema, Mapping) else {}
    kind, instance = error.validator, error.instance
    if kind in ("minLength", "maxLength", "pattern", "format") and subschema.get("pattern") in _FIXED:
        # One message for a malformed UUID or date, however many of its keywords it breaks.
        return f"{_shown(instance)} is not {_PATTERN_NAMES[subschema['pattern']]}"
    if kind == "pattern":
        name = _PATTERN_NAMES.get(error.validator_value)
        if name:
            return f"{_shown(instance)} is not {name}"
        return f"{_shown(instance)} does not match the pattern {error.validator_value!r}"
    if kind == "format":
        name = _FORMAT_NAMES.get(error.validator_value, f"a valid {error.validator_value}")
        return f"{_shown(instance)} is not {name}"
    if kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"{_shown(instance)} is not of type {expected}"
    if kind == "enum":
        return f"{_shown(instance)} is not one of {', '.join(map(repr, error.validator_value))}"
    if kind == "minLength" and error.validator_value == 1:
        return "must not be empty"
    if kind == "minLength":
        return f"{_shown(instance)} is shorter than {error.validator_value} characters"
    if kind == "maxLength":
        return f"{_shown(instance)} is longer than {error.validator_value} characters"
    if kind in ("anyOf", "oneOf"):
        if "description" in subschema:
            return f"must be {subschema['description']}"
        if error.context:
            inner = best_match(error.context)
            where = _path("", iter(inner.relative_path))
            return f"{where}: {_message(inner)}" if inner.relative_path else _message(inner)
    message = error.message
    if kind == "dependencies" and (match := _DEPENDENCY.fullmatch(message)):
        return f"{match[1]} is required when {match[2]} is given"
    return message if len(message) <= 200 else message[:197] + "..."


def _sort_key(item: tuple[tuple[Any, ...], str]) -> tuple[Any, ...]:
    parts, message = item
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in parts), message


def schema_errors(value: Any, schema: Mapping[str, Any], *, root: str | None = None) -> list[str]:
    """Return readable messages for every way ``value`` breaks ``schema``, or an empty list.

    Each message starts with the JSON path of the offending part, named from ``root`` (by default the
    schema's ``title``), e.g. ``"options[2].id: 'abc' is not a valid UUID"``. The list is sorted by
    path, so the same input always gives the same messages in the same order.
    """
    name = schema.get("title", "") if root is None else root
    found: set[tuple[tuple[Any, ...], str]] = set()
    try:
        for error in _validator(schema).iter_errors(value):
            found.add((tuple(error.absolute_path), _message(error)))
    except RecursionError:
        return [f"{name or '(root)'}: is nested too deeply"]
    return [f"{_path(name, iter(parts))}: {message}" for parts, message in sorted(found, key=_sort_key)]
