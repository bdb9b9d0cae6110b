"""What an answer to each question type is: read it from a form, shape it as seed 000 §5.3, check it.

Pure Python, no Django: the session services call this before saving a response (the API and the
HTML views reach it only through them), and the admin's engine panel and the rule analysis use it to
know which answers a client could give. Whether a question is required is the rule engine's business
(``questionnaires.rules``), not this module's. Uploaded files are judged by their content here too.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from questionnaires.schemas import RESPONSE_VALUE_SCHEMAS, schema_errors
from questionnaires.types import TYPES

__all__ = [
    "DEFAULT_ALLOWED_TYPES",
    "DEFAULT_MAX_FILE_SIZE",
    "DOCX",
    "PPTX",
    "XLSX",
    "QuestionInput",
    "ValidationResult",
    "check_upload",
    "file_content_type",
    "parse_form",
    "question_input",
    "sniff_mime_type",
    "stored_file_name",
    "validate_answer",
    "validate_value",
]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
DEFAULT_ALLOWED_TYPES: tuple[str, ...] = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    DOCX,
    XLSX,
    "text/plain",
)

DEFAULT_MAX_LENGTH = {"TEXT": 1_000, "TEXTAREA": 10_000}
DEFAULT_SCALE_MIN, DEFAULT_SCALE_MAX = 1, 10
MAX_EMAIL_LENGTH = 254
MAX_URL_LENGTH = 2_000

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class QuestionInput:
    """The parts of a question that answer validation needs, as plain data.

    ``options`` are §5.1 option dicts; a MATRIX question keeps its rows in ``metadata["rows"]``
    (``[{"id": "r1", "label": "..."}]``) and uses the options as its columns. ``None`` is accepted for
    the nullable JSONB columns and read as "nothing set".
    """

    id: str
    type: str
    options: tuple[Mapping[str, Any], ...] = ()
    validation_rules: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    metadata: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        options = self.options if isinstance(self.options, list | tuple) else ()
        object.__setattr__(self, "options", tuple(o for o in options if isinstance(o, Mapping)))
        for name in ("validation_rules", "metadata"):
            if not isinstance(getattr(self, name), Mapping):
                object.__setattr__(self, name, _EMPTY)


def question_input(question: Any) -> QuestionInput:
    """Return the plain form of a question (a model row or a structure's ``QuestionData``)."""
    return QuestionInput(
        id=question.id,
        type=question.type,
        options=tuple(question.options or ()),
        validation_rules=question.validation_rules or {},
        metadata=question.metadata or {},
    )


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of checking one answer.

    ``value`` is the normalised §5.3 shape, or ``None`` when nothing was answered. When the answer is
    invalid it is a JSON-safe copy of what was submitted (so it can be shown back to the client and
    stored with ``is_valid`` false), or ``None`` if what was submitted was not an object at all.
    """

    value: dict[str, Any] | None
    errors: tuple[str, ...] = ()

    @property
    def is_valid(self) -> bool:
        return not self.errors


# --- Reading HTML forms ------------------------------------------------------------------------------


def _values(data: Mapping[str, Any], key: str) -> list[str]:
    """Return every value submitted under ``key``, like ``QueryDict.getlist``."""
    getlist = getattr(data, "getlist", None)
    raw = getlist(key) if callable(getlist) else data.get(key)
    if raw is None:
        return []
    items = raw if isinstance(raw, list | tuple) else [raw]
    values = []
    for item in items:
        if isinstance(item, bytes):
            item = item.decode("utf-8", "replace")
        if item is not None:
            values.append(item if isinstance(item, str) else str(item))
    return values


def _last(data: Mapping[str, Any], key: str) -> str:
    # The last value wins, as with Django's QueryDict.
    values = _values(data, key)
    return values[-1] if values else ""


_FORM_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_FORM_INTEGER = re.compile(r"[+-]?[0-9]+")


def _form_number(raw: str) -> int | float | str:
    if len(raw) > 100 or not _FORM_NUMBER.fullmatch(raw):
        return raw
    return int(raw) if _FORM_INTEGER.fullmatch(raw) else float(raw)


def _row_ids(question: QuestionInput) -> list[str]:
    rows = question.metadata.get("rows")
    if not isinstance(rows, list | tuple):
        return []
    ids = (row.get("id") for row in rows if isinstance(row, Mapping))
    return list(dict.fromkeys(i for i in ids if isinstance(i, str) and i))


def parse_form(question: QuestionInput, data: Mapping[str, Any], *, prefix: str) -> dict[str, Any] | None:
    """Build the §5.3 value shape from HTML form fields, or return ``None`` when nothing was entered.

    Single-value types read the field ``prefix``, MULTIPLE_CHOICE its repeated values and MATRIX one
    field per row, ``f"{prefix}.{row_id}"``. Nothing here raises on bad input: what cannot be converted
    is kept as the raw string so that ``validate_value`` reports it. FILE_UPLOAD always gives ``None``:
    a file answer is built from the stored upload (see ``check_upload``), never from form text.
    """
    spec = TYPES.get(question.type)
    shape = spec.shape.name if spec is not None else None
    if shape == "text":
        text = _last(data, prefix)
        return {"text": text} if text.strip() else None
    if shape == "number":
        raw = _last(data, prefix).strip()
        return {"number": _form_number(raw)} if raw else None
    if shape == "rating":
        raw = _last(data, prefix).strip()
        if not raw:
            return None
        return {"rating": int(raw) if len(raw) <= 18 and _FORM_INTEGER.fullmatch(raw) else raw}
    if shape == "date":
        raw = _last(data, prefix).strip()
        return {"date": raw} if raw else None
    if shape == "option":
        raw = _last(data, prefix).strip()
        return {"selectedOptionId": raw} if raw else None
    if shape == "options":
        ids = [v.strip() for v in _values(data, prefix) if v.strip()]
        return {"selectedOptionIds": ids} if ids else None
    if shape == "matrix":
        rows = {}
        for row_id in _row_ids(question):
            raw = _last(data, f"{prefix}.{row_id}").strip()
            if raw:
                rows[row_id] = raw
        return {"rows": rows} if rows else None
    return None


# --- Checking values ---------------------------------------------------------------------------------


class _Rejected(Exception):
    """The value is not an answer of the question's type; no rule is checked after this."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class _Problems:
    rules: list[str] = field(default_factory=list)  # replaced by customMessage when one is set
    # A broken minimum or maximum is always said in its own words: a custom message written for a
    # pattern must not leave the client guessing which number or date is allowed.
    # The custom message, when set, follows them.
    ranges: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


def _plural(count: int | float, word: str) -> str:
    return f"{_shown_number(count)} {word}" + ("" if count == 1 else "s")


def _shown_number(number: int | float) -> str:
    """A limit as a person reads it: 1000000 as "1,000,000", 2.5 as "2.5"."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e16:
        number = int(number)
    if isinstance(number, int) and abs(number) >= 10_000:
        return f"{number:,}"
    return str(number)


def _shown_date(date: dt.date) -> str:
    """A date as a person reads it (3 December 2026), the same whatever the client's locale."""
    return f"{date.day} {date:%B %Y}"


def _number_rule(rules: Mapping[str, Any], key: str) -> int | float | None:
    value = rules.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def _count_rule(rules: Mapping[str, Any], key: str) -> int | None:
    value = _number_rule(rules, key)
    if value is None or value < 0 or (isinstance(value, float) and not value.is_integer()):
        return None
    return int(value)


def _date_rule(rules: Mapping[str, Any], key: str) -> dt.date | None:
    value = rules.get(key)
    return _iso_date(value) if isinstance(value, str) else None


def _iso_date(text: str) -> dt.date | None:
    if len(text) != 10 or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except (re.error, ValueError, OverflowError, RecursionError):
        return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean_text(text: str) -> str:
    # PostgreSQL's jsonb cannot hold NUL or unpaired surrogates; browsers send CRLF line breaks.
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _SURROGATE.sub("\ufffd", text)
    return text


def _json_safe(value: Any, depth: int = 0) -> Any:
    """Return a copy of ``value`` that PostgreSQL's jsonb accepts."""
    if depth > 32:
        return None
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, Mapping):
        return {_clean_text(str(k)): _json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v, depth + 1) for v in value]
    return _clean_text(str(value))


def _options(question: QuestionInput) -> dict[str, Mapping[str, Any]]:
    return {o["id"]: o for o in question.options if isinstance(o.get("id"), str)}


def _step_problem(number: int | float, step: int | float | None, base: int | float) -> str | None:
    if step is None or step <= 0:
        return None
    # Fractions of the shortest decimal spelling keep 0.1 + 0.2 style noise out of the check.
    offset = (Fraction(repr(number)) - Fraction(repr(base))) / Fraction(repr(step))
    if offset.denominator == 1:
        return None
    if base == 0:
        return f"Enter a multiple of {_shown_number(step)}."
    return f"Enter {_shown_number(base)} plus a multiple of {_shown_number(step)}."


def _check_length_and_pattern(text: str, kind: str, rules: Mapping[str, Any], problems: _Problems) -> None:
    min_length = _count_rule(rules, "minLength")
    max_length = _count_rule(rules, "maxLength")
    if max_length is None:
        max_length = DEFAULT_MAX_LENGTH.get(kind)
    if min_length is not None and len(text) < min_length:
        problems.rules.append(f"Enter at least {_plural(min_length, 'character')}.")
    if max_length is not None and len(text) > max_length:
        problems.rules.append(f"Enter no more than {_plural(max_length, 'character')}.")
    pattern = rules.get("pattern")
    if pattern is None or pattern == "":
        return
    compiled = _compiled(pattern) if isinstance(pattern, str) else None
    if compiled is None:
        problems.other.append("This question's pattern is invalid.")
    elif not compiled.fullmatch(text):
        problems.rules.append("Enter a value in the requested format.")


_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def _is_domain(domain: str) -> bool:
    """Return whether ``domain`` (lower case) is a host name with a top-level domain."""
    try:
        encoded = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = encoded.split(".")
    if len(encoded) > 253 or len(labels) < 2:
        return False
    if not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        return False
    top = labels[-1]
    return top.isalpha() or top.startswith("xn--")


def _normalised_email(text: str) -> str | None:
    if len(text) > MAX_EMAIL_LENGTH or text.count("@") != 1 or any(c.isspace() for c in text):
        return None
    local, domain = text.split("@")
    domain = domain.lower()
    if len(local) > 64 or not _EMAIL_LOCAL.fullmatch(local) or not _is_domain(domain):
        return None
    return f"{local}@{domain}"


def _normalised_url(text: str) -> str | None:
    if len(text) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
        host = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host or "@" in parts.netloc:
        return None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _is_domain(host):
            return None
    authority = text[len(scheme) + 3 :]
    if text[len(scheme) : len(scheme) + 3] != "://" or not authority.startswith(parts.netloc):
        return None
    return f"{scheme}://{parts.netloc.lower()}{authority[len(parts.netloc) :]}"


def _check_text(question: QuestionInput, value: Mapping[str, Any], problems: _Problems) -> dict | None:
    kind = question.type
    text = _clean_text(value["text"]).strip()
    if not text:
        return None
    if kind == "EMAIL":
        text = _normalised_email(text) or _reject("Enter a valid email address.")
    elif kind == "URL":
        text = _normalised_url(text) or _reject("Enter a valid URL starting with http:// or https://.")
    _check_length_and_pattern(text, kind, question.validation_rules, problems)
    return {"text": text}


def _check_number(question: QuestionInput, value: Mapping[str, Any], problems: _Problems) -> dict:
    number = value["number"]
    if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number):
        _reject("Enter a number.")
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    rules = question.validation_rules
    low, high = _number_rule(rules, "min"), _number_rule(rules, "max")
    if low is not None and number < low:
        problems.ranges.append(f"Enter a number no less than {_shown_number(low)}.")
    if high is not None and number > high:
        problems.ranges.append(f"Enter a number no greater than {_shown_number(high)}.")
    step_problem = _step_problem(number, _number_rule(rules, "step"), low or 0)
    if step_problem:
        problems.rules.append(step_problem)
    return {"number": number}


def _scale_range(rules: Mapping[str, Any]) -> tuple[int | float, int | float]:
    low, high = _number_rule(rules, "min"), _number_rule(rules, "max")
    return (DEFAULT_SCALE_MIN if low is None else low, DEFAULT_SCALE_MAX if high is None else high)


def _check_scale(question: QuestionInput, value: Mapping[str, Any], problems: _Problems) -> dict:
    rules = question.validation_rules
    low, high = _scale_range(rules)
    rating = int(value["rating"])
    if not low <= rating <= high:
        problems.ranges.append(_type_message(question))
    else:
        step_problem = _step_problem(rating, _number_rule(rules, "step"), low)
        if step_problem:
            problems.rules.append(step_problem)
    return {"rating": rating}


def _check_date(question: QuestionInput, value: Mapping[str, Any], problems: _Problems) -> dict:
    date = _iso_date(value["date"]) or _reject(_TYPE_MESSAGES["DATE"])
    rules = question.validation_rules
    earliest, latest = _date_rule(rules, "min"), _date_rule(rules, "max")
    if earliest is not None and date < earliest:
        problems.ranges.append(f"Enter a date on or after {_shown_date(earliest)}.")
    if latest is not None and date > latest:
        problems.ranges.append(f"Enter a date on or before {_shown_date(latest)}.")
    shaped: dict[str, Any] = {"date": date.isoformat()}
    if "includeTime" in value:
        shaped["includeTime"] = value["includeTime"]
    return shaped


def _check_single_choice(question: QuestionInput, value: Mapping[str, Any], problems: _Problems) -> dict:
    option_id = value["selectedOptionId"]
    if option_id not in _options(question):
        _reject("Choose one of the listed options.")
    return {"selectedOptionId": option_id}


def _check_multiple_choice(
    question: QuestionInput, value: Mapping[str, Any], problems: _Problems
) -> dict | None:
    selected = list(dict.fromkeys(value["selectedOptionIds"]))
    if not selected:
        return None
    options = _options(question)
    if any(option_id not in options for option_id in selected):
        _reject("Choose one of the listed options.")
    if len(selected) > 1:
        for option_id in selected:
            option = options[option_id]
            if option.get("isExclusive") is True:
                label = option.get("label") or "This option"
                problems.other.append(f'"{label}" cannot be combined with other options.')
                break
    rules = question.validation_rules
    fewest = _count_rule(rules, "minLength")
    fewest = _count_rule(rules, "min") if fewest is None else fewest
    most = _count_rule(rules, "maxLength")
    most = _count_rule(rules, "max") if most is None else most
    if fewest is not None and len(selected) < fewest:
        problems.ranges.append(f"Choose at least {_plural(fewest, 'option')}.")
    if most is not None and len(selected) > most:
        problems.ranges.append(f"Choose no more than {_plural(most, 'option')}.")
    return {"selectedOptionIds": selected}


def _check_matrix(question: QuestionInput, value: Mapping[str, Any], problems: _Problems) -> dict | None:
    answered = value["rows"]
    if not answered:
        return None
    row_ids = _row_ids(question)
    if any(row_id not in row_ids for row_id in answered):
        _reject("Answer only the rows listed in this question.")
    options = _options(question)
    if any(option_id not in options for option_id in answered.values()):
        _reject(_TYPE_MESSAGES["MATRIX"])
    rules = question.validation_rules
    fewest, most = _count_rule(rules, "min"), _count_rule(rules, "max")
    if fewest is not None and len(answered) < fewest:
        problems.ranges.append(f"Answer at least {_plural(fewest, 'row')}.")
    if most is not None and len(answered) > most:
        problems.ranges.append(f"Answer no more than {_plural(most, 'row')}.")
    return {"rows": {row_id: answered[row_id] for row_id in row_ids if row_id in answered}}


def _max_file_size(rules: Mapping[str, Any]) -> int:
    size = _count_rule(rules, "maxFileSize")
    return size if size else DEFAULT_MAX_FILE_SIZE


def _allowed_types(rules: Mapping[str, Any]) -> tuple[str, ...]:
    allowed = rules.get("allowedTypes")
    if isinstance(allowed, list | tuple) and allowed and all(isinstance(t, str) for t in allowed):
        return tuple(t.strip().lower() for t in allowed)
    return DEFAULT_ALLOWED_TYPES


def _type_allowed(mime_type: str | None, allowed: tuple[str, ...]) -> bool:
    if not mime_type:
        return False
    mime_type = mime_type.lower()
    return mime_type in allowed or f"{mime_type.split('/')[0]}/*" in allowed


def _human_size(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            amount = size / factor
            return f"{amount:.0f} {unit}" if amount.is_integer() else f"{amount:.1f} {unit}"
    return _plural(size, "byte")


def _too_large(max_size: int) -> str:
    return f"The file is too large (maximum {_human_size(max_size)})."


_FILE_TYPE_NOT_ALLOWED = "This file type is not allowed."
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _check_file(question: QuestionInput, value: Mapping[str, Any], problems: _Problems) -> dict:
    file_url, file_name = value["fileUrl"], value["fileName"]
    if _CONTROL.search(file_url) or _CONTROL.search(file_name):
        _reject(_TYPE_MESSAGES["FILE_UPLOAD"])
    scheme = urlsplit(file_url).scheme.lower() if ":" in file_url else ""
    if scheme not in ("", "http", "https"):
        _reject(_TYPE_MESSAGES["FILE_UPLOAD"])
    rules = question.validation_rules
    max_size = _max_file_size(rules)
    if value["fileSize"] > max_size:
        problems.other.append(_too_large(max_size))
    if not _type_allowed(value["mimeType"], _allowed_types(rules)):
        problems.other.append(_FILE_TYPE_NOT_ALLOWED)
    return {
        "fileUrl": file_url,
        "fileName": file_name,
        "fileSize": int(value["fileSize"]),
        "mimeType": value["mimeType"],
    }


def _reject(message: str) -> Any:
    raise _Rejected(message)


_TYPE_MESSAGES = {
    "TEXT": "Enter text.",
    "TEXTAREA": "Enter text.",
    "EMAIL": "Enter a valid email address.",
    "URL": "Enter a valid URL starting with http:// or https://.",
    "NUMBER": "Enter a number.",
    "DATE": "Enter a real date in the form YYYY-MM-DD.",
    "SINGLE_CHOICE": "Choose one of the listed options.",
    "MULTIPLE_CHOICE": "Choose one of the listed options.",
    "FILE_UPLOAD": "Upload a valid file.",
    "MATRIX": "Choose one of the listed options for each row.",
}


def _type_message(question: QuestionInput) -> str:
    if question.type == "SCALE":
        low, high = _scale_range(question.validation_rules)
        return f"Choose a rating from {_shown_number(low)} to {_shown_number(high)}."
    return _TYPE_MESSAGES[question.type]


_Checker = Callable[[QuestionInput, Mapping[str, Any], _Problems], "dict | None"]
_CHECKS_BY_SHAPE: dict[str, _Checker] = {
    "text": _check_text,
    "number": _check_number,
    "rating": _check_scale,
    "date": _check_date,
    "option": _check_single_choice,
    "options": _check_multiple_choice,
    "file": _check_file,
    "matrix": _check_matrix,
}
_CHECKERS: dict[str, _Checker] = {name: _CHECKS_BY_SHAPE[spec.shape.name] for name, spec in TYPES.items()}


def validate_value(question: QuestionInput, value: Any) -> ValidationResult:
    """Check an answer already in its §5.3 shape and return it normalised, with client-facing errors.

    The shape is checked against ``RESPONSE_VALUE_SCHEMAS`` first, then the type's own rules and the
    question's ``validation_rules``. Normalising strips text (and turns CRLF into LF), lowercases an
    e-mail domain and a URL's scheme and host, makes integral numbers ints and drops repeated option
    ids. A ``customMessage`` rule replaces the messages of broken length, pattern and step rules, never
    those of a broken minimum or maximum (always said in their own words) or of a value of the wrong
    type. Blank text, an empty selection or an empty matrix count
    as no answer: ``value`` is ``None`` and there is no error.
    """
    if value is None:
        return ValidationResult(None, ())
    checker = _CHECKERS.get(question.type)
    safe_copy = _json_safe(value) if isinstance(value, Mapping) else None
    if checker is None:
        return ValidationResult(safe_copy, ("This question type is not supported.",))
    if not isinstance(value, Mapping):
        return ValidationResult(None, (_type_message(question),))
    schema = RESPONSE_VALUE_SCHEMAS[question.type]
    unexpected = sorted(str(key) for key in value if key not in schema["properties"])
    if unexpected:
        return ValidationResult(safe_copy, (f"Unexpected field: {', '.join(unexpected)}.",))
    if schema_errors(value, schema):
        return ValidationResult(safe_copy, (_type_message(question),))
    problems = _Problems()
    try:
        shaped = checker(question, value, problems)
    except _Rejected as rejected:
        return ValidationResult(safe_copy, (rejected.message,))
    rule_errors = problems.rules
    custom = question.validation_rules.get("customMessage")
    if (rule_errors or problems.ranges) and isinstance(custom, str) and custom.strip():
        rule_errors = [custom.strip()]
    return ValidationResult(shaped, tuple(problems.ranges + rule_errors + problems.other))


def validate_answer(question: QuestionInput, data: Mapping[str, Any], *, prefix: str) -> ValidationResult:
    """Read an answer from HTML form fields and check it (``parse_form`` then ``validate_value``)."""
    return validate_value(question, parse_form(question, data, prefix=prefix))


# --- Uploaded files ----------------------------------------------------------------------------------

_HTML_TAGS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<svg",
    b"<?xml",
)
# Browsers end a tag name at a space or ">"; "/" and other white space are counted too, to be safe.
_TAG_ENDS = (b" ", b">", b"/", b"\t", b"\n", b"\x0c", b"\r", b"")
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1c-\x1f]")


def _looks_like_markup(head: bytes) -> bool:
    # The browser's own sniffing patterns for HTML (WHATWG MIME Sniffing §7.1), plus SVG and XML.
    lead = head.removeprefix(b"\xef\xbb\xbf").lstrip(b"\t\n\x0c\r ").lower()
    if lead.startswith(b"<!--"):
        return True
    return any(lead.startswith(tag) and lead[len(tag) : len(tag) + 1] in _TAG_ENDS for tag in _HTML_TAGS)


def _is_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The head may end in the middle of a multi-byte character.
        if error.reason != "unexpected end of data" or error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8", "strict")
    return not _BINARY_CONTROL.search(text) and not _looks_like_markup(head)


def _zip_entry_names(head: bytes) -> list[bytes]:
    names = []
    at = head.find(b"PK\x03\x04")
    while at != -1 and at + 30 <= len(head):
        name_length = int.from_bytes(head[at + 26 : at + 28], "little")
        names.append(head[at + 30 : at + 30 + name_length])
        at = head.find(b"PK\x03\x04", at + 30)
    return names


def _office_type(head: bytes) -> str | None:
    # An Office Open XML file is a zip whose parts live under word/, xl/ or ppt/; the first local
    # file headers usually name one of them within the first two kilobytes.
    for name in _zip_entry_names(head):
        if name.startswith(b"word/"):
            return DOCX
        if name.startswith(b"xl/"):
            return XLSX
        if name.startswith(b"ppt/"):
            return PPTX
    return None


def sniff_mime_type(head: bytes) -> str | None:
    """Return the MIME type that the first bytes of a file show, or ``None`` if it is none we accept.

    Decided from content only: PDF, PNG, JPEG, GIF, WebP, DOCX, XLSX, PPTX and UTF-8 plain text (CSV
    included). HTML, SVG and XML are not plain text here, and neither are a bare zip or any binary.
    """
    if not head:
        return None
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        return _office_type(head)
    if _is_text(head):
        return "text/plain"
    return None


# The extensions of each type sniff_mime_type() recognises. A stored file keeps its own extension when
# it is one of its type's, and takes the first one otherwise.
FILE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
    PPTX: ("pptx",),
    "text/plain": ("txt", "csv"),
}
_CONTENT_TYPES = {extension: mime for mime, extensions in FILE_EXTENSIONS.items() for extension in extensions}


@dataclass(frozen=True, slots=True)
class FileAccept:
    """What a file question takes, for the file input's ``accept`` and the line that says it."""

    accept: str  # "application/pdf,.pdf,image/png,.png"
    names: str  # "PDF, PNG"
    max_size: int


def file_accept(rules: Mapping[str, Any]) -> FileAccept:
    """Return the types and size a file question accepts, as the browser's picker and the client read them.

    The picker only narrows what is offered; the upload is still checked by its content
    (``check_upload``).
    """
    accept, names = [], []
    for mime_type in _allowed_types(rules):
        accept.append(mime_type)
        if mime_type.endswith("/*"):
            names.append(f"any {mime_type.split('/')[0]}")
            continue
        extensions = FILE_EXTENSIONS.get(mime_type, ())
        accept.extend(f".{extension}" for extension in extensions)
        names.append(extensions[0].upper() if extensions else mime_type)
    return FileAccept(",".join(accept), ", ".join(dict.fromkeys(names)), _max_file_size(rules))


def stored_file_name(file_name: str, mime_type: str) -> str:
    """Return the name to store a file under: ``file_name`` with the extension of its detected type.

    A PDF uploaded as ``evil.html`` is stored as ``evil.pdf``; ``photo.JPEG`` holding a JPEG stays
    ``photo.jpeg``. ``mime_type`` is one that ``sniff_mime_type()`` returns.
    """
    stem, dot, extension = file_name.rpartition(".")
    if not dot or not stem:
        stem, extension = file_name, ""
    extensions = FILE_EXTENSIONS[mime_type]
    extension = extension.lower()
    return f"{stem}.{extension if extension in extensions else extensions[0]}"


def file_content_type(file_name: str) -> str:
    """Return the Content-Type to serve a stored file with, from the extension ``stored_file_name()`` gave.

    A name with any other extension (a file stored before names followed the content) is served as
    opaque bytes.
    """
    mime_type = _CONTENT_TYPES.get(file_name.rpartition(".")[2].lower()) if "." in file_name else None
    if mime_type is None:
        return "application/octet-stream"
    return f"{mime_type}; charset=utf-8" if mime_type == "text/plain" else mime_type


def check_upload(
    question: QuestionInput, *, file_name: str, size: int, head: bytes
) -> tuple[str | None, tuple[str, ...]]:
    """Check an uploaded file before it is stored; return its sniffed MIME type and any errors.

    ``head`` is the file's first 2 KB. The type comes from those bytes, never from ``file_name`` or
    the type the browser claims; the name is sanitised where the file is stored. Limits come from the
    question's ``maxFileSize`` and ``allowedTypes`` rules, defaulting to ``DEFAULT_MAX_FILE_SIZE`` and
    ``DEFAULT_ALLOWED_TYPES``.
    """
    if size <= 0 or not head:
        return None, ("The file is empty.",)
    rules = question.validation_rules
    errors = []
    max_size = _max_file_size(rules)
    if size > max_size:
        errors.append(_too_large(max_size))
    mime_type = sniff_mime_type(head)
    if not _type_allowed(mime_type, _allowed_types(rules)):
        errors.append(_FILE_TYPE_NOT_ALLOWED)
    return mime_type, tuple(errors)
