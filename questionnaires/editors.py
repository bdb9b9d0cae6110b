"""Structured editors for a question's JSONB fields: a form in place of a JSON box, the JSON kept at hand.

Each editor shows one input per key the field may hold (validation rules by question type, the
default and suggested answers with the type's own input, scale end labels, matrix rows, document
mappings), and the field's JSON under "Edit as JSON". What is posted decides which counts: when the
JSON was edited (it differs from the JSON the page showed) the JSON wins, otherwise the inputs are
read into the field's value. Either way the value goes through the same checks (seed 000's JSON
Schemas, by questionnaires.checks), whose messages sit on the field. Inputs that apply to some
question types only carry ``data-types``; static/questionnaires/authoring.js shows those of the type
chosen, and only those of the posted type are read.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from questionnaires.keys import key_from_text
from questionnaires.types import TEXT_TYPES

MEGABYTE = 1024 * 1024
BLANK_ROWS = 2


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, choice (from ``choices`` of the editor), suggest (free text with suggestions)


@dataclass(frozen=True)
class Part:
    """One input of an editor: the key it fills, for which question types, and how it is read."""

    key: str
    label: str
    types: frozenset[str] = frozenset()  # empty: every type
    kind: str = "text"  # text, pattern, integer, number, date, megabytes, list, option, options, rows
    help: str = ""
    under: str = ""  # the key of the object it sits in ("value" for a suggested answer's answer)
    columns: tuple[Column, ...] = ()  # kind "rows"

    def applies(self, question_type: str | None) -> bool:
        return not self.types or question_type in self.types


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _number(text: str) -> Any:
    """A number typed, as a number; anything else as typed, for the schema to name the problem."""
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)  # exact, however large
    if _NUMBER.fullmatch(text):
        number = float(text)
        return number if math.isfinite(number) else text
    return text


def _integer(text: str) -> Any:
    number = _number(text)
    return int(number) if isinstance(number, float) and number.is_integer() else number


def _read(part: Part, text: str) -> Any:
    if part.kind == "integer":
        return _integer(text)
    if part.kind == "number":
        return _number(text)
    if part.kind == "megabytes":
        number = _number(text)
        return round(number * MEGABYTE) if isinstance(number, int | float) else text
    if part.kind == "list":
        return [item.strip() for item in text.split(",") if item.strip()]
    return text


def _shown(part: Part, value: Any) -> Any:
    if value is None:
        return ""
    if part.kind == "megabytes" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value / MEGABYTE:g}"
    if part.kind == "list" and isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if part.kind in ("options", "rows"):
        return value if isinstance(value, list) else []
    return value if isinstance(value, str) else json.dumps(value)


class StructuredWidget(forms.Widget):
    """Inputs for the parts of a JSON object (or, with ``rows_only``, a list of rows), and its JSON."""

    template_name = "admin/questionnaires/widgets/structured.html"

    def __init__(self, parts: Iterable[Part], *, rows_only: bool = False, attrs=None):
        super().__init__(attrs)
        self.parts = tuple(parts)
        self.rows_only = rows_only
        self.question_type: str | None = None  # the saved type, when none is posted
        self.options: list[dict] = []  # the question's saved options, for the answer inputs
        self.choices: list[tuple[str, str]] = []  # for "choice" columns
        self.suggestions: dict[str, list[str]] = {}  # for "suggest" columns, by the row's choice

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        copied.options, copied.choices, copied.suggestions = list(self.options), list(self.choices), {}
        return copied

    # Rendering -------------------------------------------------------------------------------------

    def _value(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value) if value.strip() else None
            except ValueError:
                return value  # JSON that does not parse: shown as typed, under "Edit as JSON"
        return value

    def _json_text(self, value: Any) -> str:
        if value is None or value == {} or value == []:
            return ""
        return value if isinstance(value, str) else json.dumps(value, indent=1, ensure_ascii=False)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = self._value(value)
        holder = value if isinstance(value, dict) else {}
        rows = []
        for index, part in enumerate(self.parts):
            if part.kind == "rows":
                current = value if self.rows_only else holder.get(part.key)
            else:
                container = holder.get(part.under) if part.under else holder
                current = container.get(part.key) if isinstance(container, dict) else None
            entry = {
                "part": part,
                "name": f"{name}.{index}",
                "id": f"{(attrs or {}).get('id') or name}_{index}",
                "types": " ".join(sorted(part.types)),
                "value": _shown(part, current),
            }
            entry["numeric"] = part.kind in ("integer", "number", "megabytes")
            if part.kind == "rows":
                stored = [r for r in entry["value"] if isinstance(r, dict)] + [{}] * BLANK_ROWS
                entry["rows"] = [
                    [{"column": column, "value": _cell(row.get(column.key))} for column in part.columns]
                    for row in stored
                ]
            rows.append(entry)
        json_text = self._json_text(value)
        context["widget"].update(
            parts=rows,
            json_text=json_text,
            json_open=isinstance(value, str),  # JSON that does not parse: open where it can be mended
            options=[o for o in self.options if isinstance(o, dict) and o.get("id")],
            choices=self.choices,
            suggestions=self.suggestions,
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        return mark_safe(render_to_string(self.template_name, context))  # noqa: S308 - autoescaped template

    def named(self, message: str, question_type: str | None) -> str:
        """Name a schema message's key ("min: …") by the input the author sees ("Smallest number: …")."""
        key, colon, rest = message.partition(": ")
        if not colon:
            return message
        head, _, tail = key.partition(".")
        for part in self.parts:
            if part.applies(question_type) and (part.key == key or (part.under == head and part.key == tail)):
                return f"{part.label}: {rest}"
        return message

    # Reading ----------------------------------------------------------------------------------------

    def value_from_datadict(self, data, files, name):
        raw = data.get(name)
        shown = data.get(f"{name}-shown")
        if shown is None:
            return raw  # posted as JSON alone (a script, or a page without the inputs)
        if raw is not None and (not _parses(shown) or _edited(raw, shown)):
            return raw  # the author edited the JSON (or the page showed JSON that did not parse): it wins
        question_type = data.get("type") or self.question_type
        before = self._value(shown)
        value = self._from_parts(data, name, question_type, before)
        if value in ({}, [], None):
            return ""
        return json.dumps(value)

    def _from_parts(self, data, name: str, question_type: str | None, before: Any) -> Any:
        if self.rows_only:
            return self._rows(data, f"{name}.0", self.parts[0], before)
        before = before if isinstance(before, dict) else {}
        # Keys no input covers are kept as they were (an import may hold more); a key only another
        # type's inputs cover goes with the type it meant something for.
        owned = {(p.under, p.key) for p in self.parts}
        value: dict[str, Any] = {}
        for key, item in before.items():
            if isinstance(item, dict) and any(under == key for under, _ in owned):
                kept = {k: v for k, v in item.items() if (key, k) not in owned}
                if kept:
                    value[key] = kept
            elif ("", key) not in owned:
                value[key] = item
        for index, part in enumerate(self.parts):
            if not part.applies(question_type):
                continue
            container = before.get(part.under) if part.under else before
            stored = container.get(part.key) if isinstance(container, dict) else None
            read = self._part(data, f"{name}.{index}", part, stored)
            if read is None:
                continue
            holder = value
            if part.under:
                if not isinstance(value.get(part.under), dict):
                    value[part.under] = {}  # what the inputs give replaces a value written as JSON
                holder = value[part.under]
            holder[part.key] = read
        return value

    def _part(self, data, field_name: str, part: Part, stored: Any) -> Any:
        """Read one input; a value posted as it was shown keeps its stored form (no rounding on a save)."""
        if part.kind == "rows":
            return self._rows(data, field_name, part, stored) or None
        if part.kind == "options":
            return [v for v in _getlist(data, field_name) if v] or None
        text = (data.get(field_name) or "").strip()
        if not text:
            return None
        if stored is not None and text == str(_shown(part, stored)).strip():
            return stored
        return _read(part, text)

    def _rows(self, data, field_name: str, part: Part, before: Any = None) -> list[dict]:
        """Read a table's rows; a row keeps what its inputs do not show (a matrix row's order, say)."""
        columns = {column.key: _getlist(data, f"{field_name}.{column.key}") for column in part.columns}
        count = max((len(values) for values in columns.values()), default=0)
        earlier = [r for r in before if isinstance(r, dict)] if isinstance(before, list) else []
        by_id = {str(r["id"]): r for r in earlier if r.get("id")}
        rows = []
        for position in range(count):
            cells = {
                key: (values[position] if position < len(values) else "").strip()
                for key, values in columns.items()
            }
            if not any(cells.values()):
                continue
            if "id" in cells:
                row = dict(by_id.get(cells["id"], {})) if cells["id"] else {}
            else:
                row = dict(earlier[position]) if position < len(earlier) else {}
            for key, text in cells.items():
                if text:
                    row[key] = text if _cell(row.get(key)) != text else row[key]
                else:
                    row.pop(key, None)
            rows.append(row)
        if part.key == "rows":
            _row_ids_fill(rows)
        return rows

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}-shown" not in data


def _cell(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else json.dumps(value)


def _parses(text: str) -> bool:
    try:
        json.loads(text or "null")
    except ValueError:
        return False
    return True


def _edited(raw: str, shown: str) -> bool:
    """Whether the JSON posted differs from the JSON the page showed (browsers may change line ends)."""
    try:
        return json.loads(raw or "null") != json.loads(shown or "null")
    except ValueError:
        return raw.replace("\r\n", "\n").strip() != shown.replace("\r\n", "\n").strip()


def _getlist(data, name: str) -> list[str]:
    return data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])


def _row_ids_fill(rows: list[dict]) -> None:
    """Give each matrix row without an id one made from its label, unique among the rows."""
    taken = {row["id"]: row.get("label", "") for row in rows if row.get("id")}
    for row in rows:
        if not row.get("id") and row.get("label"):
            row["id"] = key_from_text(row["label"], taken)
            taken[row["id"]] = row["label"]


# --- The editors of a question ---------------------------------------------------------------------

_TEXTS = frozenset(TEXT_TYPES)
_LENGTHS = _TEXTS
_COUNTS = frozenset({"MULTIPLE_CHOICE"})


def validation_rules_widget() -> StructuredWidget:
    return StructuredWidget(
        [
            Part("minLength", "Shortest answer (characters)", _LENGTHS, "integer"),
            Part("maxLength", "Longest answer (characters)", _LENGTHS, "integer"),
            Part(
                "pattern",
                "Pattern the answer must match",
                _TEXTS,
                "pattern",
                help="A regular expression, e.g. ^[A-Z]{2}[0-9]{6}$. Try it in the box beside it.",
            ),
            Part("min", "Smallest number", frozenset({"NUMBER"}), "number"),
            Part("max", "Largest number", frozenset({"NUMBER"}), "number"),
            Part(
                "step",
                "In steps of",
                frozenset({"NUMBER", "SCALE"}),
                "number",
                help="e.g. 1 for whole numbers, 0.5 for halves.",
            ),
            Part("min", "Scale starts at", frozenset({"SCALE"}), "integer", help="1 when left empty."),
            Part("max", "Scale ends at", frozenset({"SCALE"}), "integer", help="10 when left empty."),
            Part("min", "Earliest date", frozenset({"DATE"}), "date"),
            Part("max", "Latest date", frozenset({"DATE"}), "date"),
            Part("min", "Fewest choices", _COUNTS, "integer"),
            Part("max", "Most choices", _COUNTS, "integer"),
            Part("min", "Fewest rows answered", frozenset({"MATRIX"}), "integer"),
            Part("max", "Most rows answered", frozenset({"MATRIX"}), "integer"),
            Part("maxFileSize", "Largest file (MB)", frozenset({"FILE_UPLOAD"}), "megabytes"),
            Part(
                "allowedTypes",
                "Allowed file types",
                frozenset({"FILE_UPLOAD"}),
                "list",
                help="MIME types separated by commas, e.g. application/pdf, image/png.",
            ),
            Part(
                "customMessage",
                "Message when an answer breaks these rules",
                kind="text",
                help="Shown to the client in place of the messages about length, pattern and steps.",
            ),
        ]
    )


def _answer_parts(under: str = "") -> list[Part]:
    return [
        Part("text", "Answer", _TEXTS, "text", under=under),
        Part("number", "Answer", frozenset({"NUMBER"}), "number", under=under),
        Part("rating", "Answer", frozenset({"SCALE"}), "integer", under=under),
        Part("date", "Answer", frozenset({"DATE"}), "date", under=under),
        Part("selectedOptionId", "Answer", frozenset({"SINGLE_CHOICE"}), "option", under=under),
        Part("selectedOptionIds", "Answer", frozenset({"MULTIPLE_CHOICE"}), "options", under=under),
    ]


def default_value_widget() -> StructuredWidget:
    return StructuredWidget(_answer_parts())


def suggested_answer_widget() -> StructuredWidget:
    return StructuredWidget(
        [
            *_answer_parts(under="value"),
            Part("reason", "Why it is suggested", kind="text"),
            Part("confidence", "Confidence (0 to 1)", kind="number", help="e.g. 0.8"),
        ]
    )


def metadata_widget() -> StructuredWidget:
    return StructuredWidget(
        [
            Part(
                "minLabel",
                "Label of the lowest point",
                frozenset({"SCALE"}),
                "text",
                help="e.g. “Not at all”, shown beside the scale's first point.",
            ),
            Part(
                "maxLabel",
                "Label of the highest point",
                frozenset({"SCALE"}),
                "text",
                help="e.g. “Completely”.",
            ),
            Part(
                "rows",
                "Rows",
                frozenset({"MATRIX"}),
                "rows",
                help="Each row is answered with one of the options (the columns). Leave the id empty: "
                "it is made from the label.",
                columns=(Column("label", "Label"), Column("description", "Description"), Column("id", "Id")),
            ),
        ]
    )


def document_mappings_widget() -> StructuredWidget:
    return StructuredWidget(
        [
            Part(
                "",
                "Goes into",
                kind="rows",
                help="Which documents show this answer, in which of their sections, under which name.",
                columns=(
                    Column("documentType", "Document", "choice"),
                    Column("section", "Section", "suggest"),
                    Column("field", "Shown as"),
                ),
            )
        ],
        rows_only=True,
    )


# --- Document types, from the app that has them ----------------------------------------------------

# documents registers what its types offer (questionnaires does not know documents exist).
_document_targets: list[Callable[[], list[dict]]] = []


def document_targets_register(provider: Callable[[], list[dict]]) -> None:
    """Register a callable returning [{"slug", "name", "sections": [titles]}] for the mapping picker."""
    if provider not in _document_targets:
        _document_targets.append(provider)


def document_targets() -> list[dict]:
    found: list[dict] = []
    for provider in _document_targets:
        found += provider()
    return found


@dataclass
class EditorData:
    """What the editors of one question read: its type and options, the document types on offer."""

    question_type: str | None
    options: list[dict] = field(default_factory=list)

    def apply(self, form: forms.BaseForm) -> None:
        for bound in form.fields.values():
            widget = bound.widget
            if not isinstance(widget, StructuredWidget):
                continue
            widget.question_type = self.question_type
            widget.options = list(self.options or [])
            if widget.rows_only:
                targets = document_targets()
                widget.choices = [(t["slug"], t["name"]) for t in targets]
                widget.suggestions = {t["slug"]: list(t["sections"]) for t in targets}
