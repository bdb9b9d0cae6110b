"""The columns of a response export and the cells of one session's row (docs/exports.md).

Plain Python, no Django: sessions_app/exports.py loads the versions' structures and the sessions, this
module decides what the columns are and what goes in each cell, and the writers there turn the cells
into CSV, XLSX or SPSS. Versions of one questionnaire are matched by question key (questionnaires/
keys.py): the columns are the keys of the newest version in its order, then the keys only older versions
had; a version without a question leaves its cells blank. Only the answers of questions shown to the
session (``adaptive_state.activeQuestionIds``) and valid ones are exported: a dormant answer never is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from questionnaires.expressions import NOT_AVAILABLE, answer_values, computed_evaluate, computed_of
from questionnaires.keys import key_of

__all__ = ["Column", "ExportPlan", "SESSION_COLUMNS", "plan_build"]

NAME_MAX = 64  # SPSS's limit on a variable name, in bytes (names here are ASCII)
LABEL_MAX = 250
# SPSS refuses these as variable names.
_RESERVED = frozenset({"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"})
FLAG_LABELS = {0: "Not selected", 1: "Selected"}


@dataclass
class Column:
    """One column: its variable name, its label, and what its cells hold.

    ``kind`` is "text", "number", "date" (a date or a date and time), "datetime", "code" (an option's
    place, 1 for the first, with ``value_labels``; CSV and XLSX show the label), "flag" (0 or 1: a
    multiple choice's option not chosen or chosen) or "mixed" (a computed value: a number or a text).
    """

    name: str
    label: str
    kind: str
    value_labels: dict[int, str] = field(default_factory=dict)


# The session's own columns, before the questions'.
SESSION_COLUMNS = (
    Column("session_id", "Session", "text"),
    Column("version", "Questionnaire version", "number"),
    Column("status", "Status", "text"),
    Column("industry", "Industry", "text"),
    Column("started_at", "Started", "datetime"),
    Column("last_activity_at", "Last activity", "datetime"),
    Column("completed_at", "Completed", "datetime"),
    Column("progress_percent", "Progress (%)", "number"),
    Column("answered", "Questions answered", "number"),
    Column("question_total", "Questions shown", "number"),
)

_TEXT_TYPES = frozenset({"TEXT", "TEXTAREA", "EMAIL", "URL"})


def _slug(text: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text or "").lower()).strip("_")


class _Names:
    """Hand out unique, SPSS-valid variable names."""

    def __init__(self):
        self.taken: set[str] = set()

    def take(self, wanted: str) -> str:
        base = _slug(wanted) or "v"
        if not base[0].isalpha():
            base = f"v_{base}"
        if base in _RESERVED:
            base = f"{base}_"
        base = base[:NAME_MAX]
        name, number = base, 2
        while name in self.taken:
            suffix = f"_{number}"
            name, number = base[: NAME_MAX - len(suffix)] + suffix, number + 1
        self.taken.add(name)
        return name


def _label(*parts: Any) -> str:
    text = ": ".join(str(part).strip() for part in parts if str(part or "").strip())
    return text[:LABEL_MAX]


def _option_label(option: Mapping[str, Any]) -> str:
    return str(option.get("label") or option.get("value") or option.get("id"))


def _union(lists: Iterable[Iterable[Any]], ident: Callable[[Any], Any]) -> list:
    """Items of every list, the first list's order first, each id once (the newest version's wins)."""
    seen, union = set(), []
    for items in lists:
        for item in items or ():
            if isinstance(item, Mapping) and ident(item) is not None and ident(item) not in seen:
                seen.add(ident(item))
                union.append(item)
    return union


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def _date(value: Any) -> dt.date | dt.datetime | None:
    raw = str(value or "").strip()
    if not raw:
        return None
    try:
        if "T" in raw or " " in raw:
            moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            return moment.replace(tzinfo=None)
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


# A filler writes one answer's cells into a row: filler(row, value).
Filler = Callable[[list, Mapping[str, Any]], None]


def _filler(question, kind: str, at: int | dict, codes: dict[str, int]) -> Filler:
    """Return how this version's question writes its answer into the columns planned for its key."""
    qtype = question.type
    if qtype != kind:
        # The question changed type between versions: its answers do not fit the newest version's columns.
        return lambda row, value: None
    if qtype in _TEXT_TYPES:
        return lambda row, value: row.__setitem__(at, str(value.get("text") or "").strip() or None)
    if qtype == "NUMBER":
        return lambda row, value: row.__setitem__(at, _number(value.get("number")))
    if qtype == "SCALE":
        return lambda row, value: row.__setitem__(at, _number(value.get("rating")))
    if qtype == "DATE":
        return lambda row, value: row.__setitem__(at, _date(value.get("date")))
    if qtype == "SINGLE_CHOICE":
        return lambda row, value: row.__setitem__(at, codes.get(value.get("selectedOptionId")))
    if qtype == "MULTIPLE_CHOICE":

        def fill_multiple(row, value):
            chosen = set(value.get("selectedOptionIds") or ())
            for option_id, index in at.items():
                row[index] = 1 if option_id in chosen else 0

        return fill_multiple
    if qtype == "MATRIX":

        def fill_matrix(row, value):
            chosen = value.get("rows") if isinstance(value.get("rows"), Mapping) else {}
            for row_id, index in at.items():
                row[index] = codes.get(chosen.get(row_id))

        return fill_matrix
    if qtype == "FILE_UPLOAD":
        return lambda row, value: row.__setitem__(at, str(value.get("fileName") or "").strip() or None)
    return lambda row, value: row.__setitem__(at, str(value.get("text") or "").strip() or None)


@dataclass
class _Version:
    version: int
    questions: Sequence[Any]
    fillers: dict[str, Filler]
    computed: list
    computed_at: dict[str, int]


class ExportPlan:
    """The columns of an export, and each version's way of filling a row."""

    def __init__(self, columns: list[Column], versions: dict[str, _Version]):
        self.columns = columns
        self._versions = versions

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def row(
        self,
        *,
        questionnaire_id: str,
        session: Mapping[str, Any],
        visible: Iterable[str],
        answers: Mapping[str, tuple[Any, bool]],
    ) -> list:
        """Return one session's cells.

        ``session`` holds the values of SESSION_COLUMNS by name; ``answers`` maps a question id to its
        stored ``(value, is_valid)``. Only visible questions' valid answers are read.
        """
        row: list[Any] = [session.get(column.name) for column in SESSION_COLUMNS]
        row.extend([None] * (len(self.columns) - len(SESSION_COLUMNS)))
        version = self._versions.get(str(questionnaire_id))
        if version is None:
            return row
        visible = set(visible)
        usable = {}
        for question_id, (value, is_valid) in answers.items():
            if question_id in visible and is_valid and isinstance(value, Mapping):
                usable[question_id] = value
                filler = version.fillers.get(question_id)
                if filler is not None:
                    filler(row, value)
        if version.computed:
            values = answer_values(version.questions, usable, visible)
            for name, result in computed_evaluate(version.computed, values).items():
                if result is NOT_AVAILABLE or result is None:
                    continue
                if isinstance(result, bool):
                    result = int(result)
                elif not isinstance(result, int | float):
                    result = str(result)
                row[version.computed_at[name]] = result
        return row


def plan_build(structures: Sequence[Any]) -> ExportPlan:
    """Plan the columns for these versions' structures (questionnaires.structure), newest first.

    Each structure needs ``id``, ``version``, ``metadata`` and ``questions`` (each with ``id``, ``text``,
    ``type``, ``options`` and ``metadata``). A question without a key is matched by nothing: it gets a
    column of its own, named after its text.
    """
    structures = sorted(structures, key=lambda s: s.version, reverse=True)
    names = _Names()
    for column in SESSION_COLUMNS:
        names.take(column.name)
    columns = list(SESSION_COLUMNS)

    by_key: dict[str, list[tuple[Any, Any]]] = {}  # key → [(structure, question)], newest first
    for structure in structures:
        for question in structure.questions:
            key = key_of(question.metadata) or f"id:{question.id}"
            by_key.setdefault(key, []).append((structure, question))

    fillers: dict[str, dict[str, Filler]] = {str(s.id): {} for s in structures}
    for key, found in by_key.items():
        lead = found[0][1]
        base = key if not key.startswith("id:") else (_slug(lead.text)[:40] or "question")
        kind = lead.type
        same_kind = [question for _, question in found if question.type == kind]
        options = _union((q.options for q in same_kind), lambda o: o.get("id"))
        codes = {option.get("id"): index for index, option in enumerate(options, start=1)}
        value_labels = {index: _option_label(option) for index, option in enumerate(options, start=1)}
        at: int | dict
        if kind == "MULTIPLE_CHOICE":
            at = {}
            for option in options:
                at[option.get("id")] = len(columns)
                name = names.take(f"{base}_{_slug(option.get('value')) or _slug(_option_label(option))}")
                label = _label(lead.text, _option_label(option))
                columns.append(Column(name, label, "flag", dict(FLAG_LABELS)))
        elif kind == "MATRIX":
            rows = _union(((q.metadata or {}).get("rows") for q in same_kind), lambda r: r.get("id"))
            at = {}
            for matrix_row in rows:
                at[matrix_row.get("id")] = len(columns)
                row_label = str(matrix_row.get("label") or matrix_row.get("id"))
                name = names.take(f"{base}_{_slug(matrix_row.get('id')) or _slug(row_label)}")
                columns.append(Column(name, _label(lead.text, row_label), "code", dict(value_labels)))
        else:
            at = len(columns)
            column_kind = {
                "NUMBER": "number",
                "SCALE": "number",
                "DATE": "date",
                "SINGLE_CHOICE": "code",
            }.get(kind, "text")
            labels = dict(value_labels) if kind == "SINGLE_CHOICE" else {}
            columns.append(Column(names.take(base), _label(lead.text), column_kind, labels))
        for structure, question in found:
            fillers[str(structure.id)][str(question.id)] = _filler(question, kind, at, codes)

    computed_at: dict[str, int] = {}
    for structure in structures:
        for item in computed_of(structure.metadata):
            if item.name not in computed_at:
                computed_at[item.name] = len(columns)
                columns.append(Column(names.take(item.name), _label(item.title), "mixed"))

    versions = {
        str(s.id): _Version(
            version=s.version,
            questions=s.questions,
            fillers=fillers[str(s.id)],
            computed=computed_of(s.metadata),
            computed_at=computed_at,
        )
        for s in structures
    }
    return ExportPlan(columns, versions)
