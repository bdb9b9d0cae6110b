"""Decide which questions are visible, hidden and required for a set of answers (see docs/rules.md).

Pure Python, no Django or database: views, validation, progress, documents and rule analysis all call it.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from questionnaires.types import NUMBER_TEXT, OPERATORS, TRUE_WHEN_EMPTY, TYPES

__all__ = [
    "ACTIONS",
    "ComputedSpec",
    "MAX_CONDITION_DEPTH",
    "Decision",
    "Engine",
    "Evaluation",
    "QuestionSpec",
    "RuleSpec",
    "condition_fields",
    "evaluate",
    "evaluate_condition",
    "industry_key",
]

ACTIONS = frozenset({"SHOW", "HIDE", "REQUIRE", "UNREQUIRE"})

# Nodes nested deeper than this evaluate to false; it keeps compilation and evaluation far from
# Python's recursion limit whatever an imported condition looks like.
MAX_CONDITION_DEPTH = 64

# Codes for how a question's visibility was decided; a code of 2 or more means hidden.
_VISIBLE_DEFAULT = 0
_SHOWN_BY_RULE = 1
_HIDDEN_BY_RULE = 2
_HIDDEN_NO_SHOW = 3
_HIDDEN_INDUSTRY = 4
_HIDDEN_CYCLE = 5

_VISIBILITY_REASONS = {
    _VISIBLE_DEFAULT: "visible by default",
    _HIDDEN_NO_SHOW: "hidden: no SHOW rule holds",
    _HIDDEN_INDUSTRY: "hidden: industry",
    _HIDDEN_CYCLE: "hidden: unresolved cycle",
}


# --- Inputs and outputs -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """One question as the engine sees it."""

    id: str
    type: str
    is_required: bool = False
    industry_tags: tuple[str, ...] = ()
    order: tuple[int, int] = (0, 0)  # (section order_index, question order_index)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One visibility_rules row."""

    id: str
    question_id: str  # the question that owns the row; not used for evaluation
    condition: Mapping
    action: str
    target_question_ids: tuple[str, ...]
    priority: int = 0
    is_active: bool = True


@dataclass(frozen=True, slots=True)
class ComputedSpec:
    """A computed value a condition may test by its name, like an answer (docs/rules.md).

    ``question_ids`` are the questions it reads, directly or through other computed values; the
    engine decides their visibility first. ``compute`` receives the stored answers of those that
    are visible and answered, by question id, and returns the value (a number to compare), or
    anything else for "not available", which no comparison but is_empty and negations matches.
    """

    name: str
    question_ids: tuple[str, ...]
    compute: Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Decision:
    """How one question's visibility and requirement were decided."""

    question_id: str
    visible: bool
    required: bool
    visibility_rule_id: str | None
    requirement_rule_id: str | None
    reason: str


@dataclass(frozen=True)
class Evaluation:
    """The outcome of evaluating one questionnaire against one set of answers."""

    visible: frozenset[str]
    hidden: frozenset[str]
    required: frozenset[str]
    dormant: frozenset[str]  # answered but hidden: kept, yet ignored until shown again
    trace: Mapping[str, Decision]
    # What Engine.evaluate_change() starts from: the engine's working state after this evaluation.
    memory: Any = dataclasses.field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        """Return the visible, hidden and required question ids as sorted lists."""
        return {
            "visible": sorted(self.visible),
            "hidden": sorted(self.hidden),
            "required": sorted(self.required),
        }


# --- Reading answers ----------------------------------------------------------------------------
# Each reader turns a stored answer (seed 000 §5.3 shape) into the typed value conditions compare,
# or None when the answer is empty or malformed. Readers never raise.


def _member(raw: Any, key: str) -> Any:
    if type(raw) is dict or isinstance(raw, Mapping):
        return raw.get(key)
    return None


def _as_number(x: Any) -> int | float | Decimal | None:
    kind = type(x)
    if kind is int:
        return x
    if kind is float:
        return x if math.isfinite(x) else None
    if isinstance(x, bool):
        return None
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    return None


def _as_date(x: Any) -> date | None:
    if isinstance(x, datetime):
        return x.date()
    if isinstance(x, date):
        return x
    if isinstance(x, str):
        text = x.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            return None
    return None


def _read_text(raw: Any) -> str | None:
    text = _member(raw, "text")
    if isinstance(text, str):
        return text.strip() or None
    return None


def _read_number(raw: Any) -> int | float | Decimal | None:
    return _as_number(_member(raw, "number"))


def _read_rating(raw: Any) -> int | float | Decimal | None:
    return _as_number(_member(raw, "rating"))


def _read_date(raw: Any) -> date | None:
    return _as_date(_member(raw, "date"))


def _read_single(raw: Any) -> str | None:
    selected = _member(raw, "selectedOptionId")
    if isinstance(selected, str) and selected.strip():
        return selected
    return None


def _read_multiple(raw: Any) -> frozenset[str] | None:
    selected = _member(raw, "selectedOptionIds")
    if not isinstance(selected, list | tuple):
        return None
    ids = set()
    for option_id in selected:
        if not isinstance(option_id, str):
            return None
        if option_id.strip():
            ids.add(option_id)
    return frozenset(ids) or None


def _read_file(raw: Any) -> bool | None:
    for key in ("fileUrl", "fileName"):
        value = _member(raw, key)
        if isinstance(value, str) and value.strip():
            return True
    return None


def _read_matrix(raw: Any) -> bool | None:
    rows = _member(raw, "rows")
    if type(rows) is dict or isinstance(rows, Mapping):
        for row_id, option_id in rows.items():
            if isinstance(row_id, str) and isinstance(option_id, str) and option_id.strip():
                return True
    return None


def _read_nothing(raw: Any) -> None:
    return None


# A reader per §5.3 value shape (questionnaires.types), then per question type.
_READERS_BY_SHAPE: dict[str, Callable[[Any], Any]] = {
    "text": _read_text,
    "number": _read_number,
    "rating": _read_rating,
    "date": _read_date,
    "option": _read_single,
    "options": _read_multiple,
    "file": _read_file,
    "matrix": _read_matrix,
}
_READERS = {name: _READERS_BY_SHAPE[spec.shape.name] for name, spec in TYPES.items()}

# How each question type compares; a type missing here is unknown and its answer is always empty.
_KINDS = {name: spec.shape.comparison for name, spec in TYPES.items()}


def _upper_name(name: Any) -> str:
    """Return a question type or an action as the enum spells it (also accepts TextChoices members)."""
    return str(name).upper()


# --- Reading condition values -------------------------------------------------------------------
# Each coercion returns the typed value or None when the condition's value cannot be read as the
# question's type; such a leaf is false whatever the answer.


def _number_value(x: Any) -> int | float | Decimal | None:
    number = _as_number(x)
    if number is not None or not isinstance(x, str):
        return number
    text = x.strip()
    if not NUMBER_TEXT.fullmatch(text):
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _each(value: Any, coerce: Callable[[Any], Any]) -> frozenset | None:
    """Coerce a list value (a lone scalar counts as a list of one); None if any item fails."""
    items = value if isinstance(value, list | tuple) else [value]
    coerced = set()
    for item in items:
        typed = coerce(item)
        if typed is None:
            return None
        coerced.add(typed)
    return frozenset(coerced)


def _stripped_text(x: Any) -> str | None:
    return x.strip() if isinstance(x, str) else None


def _option_id(x: Any) -> str | None:
    return x if isinstance(x, str) else None


# --- Compiling conditions -----------------------------------------------------------------------
# A compiled condition is a function of `e`, the list of effective answers indexed by slot (None =
# empty). Operator, type and value are resolved once here so evaluation is a few comparisons. The
# closures take their constants as default arguments: those are fast locals, not cell lookups.

Compiled = Callable[[list], bool]


def _false(e: list) -> bool:
    return False


def _true(e: list) -> bool:
    return True


def _ordered_leaf(op: str, i: int, raw: Any, coerce: Callable[[Any], Any]) -> Compiled | None:
    if op in ("in", "not_in"):
        values = _each(raw, coerce)
        if values is None:
            return None
        if op == "in":
            return lambda e, i=i, values=values: e[i] in values
        return lambda e, i=i, values=values: e[i] not in values
    v = coerce(raw)
    if v is None:
        return None
    if op == "eq":
        return lambda e, i=i, v=v: e[i] == v
    if op == "ne":
        return lambda e, i=i, v=v: e[i] != v
    if op == "gt":
        return lambda e, i=i, v=v: (x := e[i]) is not None and x > v
    if op == "lt":
        return lambda e, i=i, v=v: (x := e[i]) is not None and x < v
    if op == "gte":
        return lambda e, i=i, v=v: (x := e[i]) is not None and x >= v
    if op == "lte":
        return lambda e, i=i, v=v: (x := e[i]) is not None and x <= v
    return None  # contains / not_contains do not apply to numbers and dates


def _text_leaf(op: str, i: int, raw: Any) -> Compiled | None:
    if op in ("eq", "ne"):
        v = _stripped_text(raw)
        if v is None:
            return None
        if op == "eq":
            return lambda e, i=i, v=v: e[i] == v
        return lambda e, i=i, v=v: e[i] != v
    if op in ("in", "not_in"):
        values = _each(raw, _stripped_text)
        if values is None:
            return None
        if op == "in":
            return lambda e, i=i, values=values: e[i] in values
        return lambda e, i=i, values=values: e[i] not in values
    if op in ("contains", "not_contains"):
        if not isinstance(raw, str):
            return None
        needle = raw.casefold()
        if op == "contains":
            return lambda e, i=i, needle=needle: (x := e[i]) is not None and needle in x.casefold()
        return lambda e, i=i, needle=needle: (x := e[i]) is None or needle not in x.casefold()
    return None  # gt / lt / gte / lte do not apply to text


def _single_choice_leaf(op: str, i: int, raw: Any) -> Compiled | None:
    wanted = _each(raw, _option_id)
    if wanted is None:
        return None
    if op == "in":
        return lambda e, i=i, wanted=wanted: e[i] in wanted
    if op == "not_in":
        return lambda e, i=i, wanted=wanted: e[i] not in wanted
    if op in ("contains", "not_contains") and not wanted:
        return None
    if op in ("eq", "contains"):
        # One selected option equals the value's set only when that set has exactly one id.
        if len(wanted) != 1:
            return _false
        (v,) = wanted
        return lambda e, i=i, v=v: e[i] == v
    if op in ("ne", "not_contains"):
        if len(wanted) != 1:
            return _true
        (v,) = wanted
        return lambda e, i=i, v=v: e[i] != v
    return None


def _multiple_choice_leaf(op: str, i: int, raw: Any) -> Compiled | None:
    wanted = _each(raw, _option_id)
    if wanted is None:
        return None
    if op == "eq":
        return lambda e, i=i, wanted=wanted: e[i] == wanted
    if op == "ne":
        return lambda e, i=i, wanted=wanted: e[i] != wanted
    if op == "in":
        return lambda e, i=i, wanted=wanted: (x := e[i]) is not None and not x.isdisjoint(wanted)
    if op == "not_in":
        return lambda e, i=i, wanted=wanted: (x := e[i]) is None or x.isdisjoint(wanted)
    if op in ("contains", "not_contains"):
        if not wanted:
            return None
        if len(wanted) == 1:
            (v,) = wanted
            if op == "contains":
                return lambda e, i=i, v=v: (x := e[i]) is not None and v in x
            return lambda e, i=i, v=v: (x := e[i]) is None or v not in x
        if op == "contains":
            return lambda e, i=i, wanted=wanted: (x := e[i]) is not None and wanted <= x
        return lambda e, i=i, wanted=wanted: (x := e[i]) is None or not wanted <= x
    return None


def _compile_leaf(node: Mapping, slots: Mapping[str, int], kinds: Mapping[str, str]) -> Compiled:
    field = node.get("field")
    op = node.get("operator")
    if not isinstance(field, str) or not isinstance(op, str) or op not in OPERATORS:
        return _false
    kind = kinds.get(field)
    if kind is None:
        # An unknown question is never answered.
        return _true if op in TRUE_WHEN_EMPTY else _false
    i = slots[field]
    if op == "is_empty":
        return lambda e, i=i: e[i] is None
    if op == "is_not_empty":
        return lambda e, i=i: e[i] is not None
    raw = node.get("value")
    if kind == "number":
        leaf = _ordered_leaf(op, i, raw, _number_value)
    elif kind == "date":
        leaf = _ordered_leaf(op, i, raw, _as_date)
    elif kind == "text":
        leaf = _text_leaf(op, i, raw)
    elif kind == "single":
        leaf = _single_choice_leaf(op, i, raw)
    elif kind == "multiple":
        leaf = _multiple_choice_leaf(op, i, raw)
    else:  # presence: FILE_UPLOAD and MATRIX only answer is_empty / is_not_empty
        leaf = None
    return leaf or _false


def _all_of(parts: list[Compiled]) -> Compiled:
    if _false in parts:
        return _false
    parts = [p for p in parts if p is not _true]
    if not parts:
        return _true
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda e, a=a, b=b: a(e) and b(e)
    if len(parts) == 3:
        a, b, c = parts
        return lambda e, a=a, b=b, c=c: a(e) and b(e) and c(e)
    every = tuple(parts)

    def all_hold(e: list) -> bool:
        for part in every:  # noqa: SIM110 - a plain loop is faster than all() over a generator
            if not part(e):
                return False
        return True

    return all_hold


def _any_of(parts: list[Compiled]) -> Compiled:
    if _true in parts:
        return _true
    parts = [p for p in parts if p is not _false]
    if not parts:
        return _false
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda e, a=a, b=b: a(e) or b(e)
    if len(parts) == 3:
        a, b, c = parts
        return lambda e, a=a, b=b, c=c: a(e) or b(e) or c(e)
    some = tuple(parts)

    def any_holds(e: list) -> bool:
        for part in some:  # noqa: SIM110 - a plain loop is faster than any() over a generator
            if part(e):
                return True
        return False

    return any_holds


def _compile(node: Any, slots: Mapping[str, int], kinds: Mapping[str, str], depth: int = 0) -> Compiled:
    """Compile one condition node; anything malformed compiles to a condition that never holds."""
    if depth > MAX_CONDITION_DEPTH or not isinstance(node, Mapping):
        return _false
    parts: list[Compiled] = []
    if "field" in node or "operator" in node:
        parts.append(_compile_leaf(node, slots, kinds))
    nested = node.get("nested")
    if isinstance(nested, list | tuple):
        parts.extend(_compile(child, slots, kinds, depth + 1) for child in nested)
    elif nested is not None:
        return _false
    if not parts:
        return _false
    logical_op = node.get("logicalOp")
    if logical_op is None:
        logical_op = "AND"
    if not isinstance(logical_op, str):
        return _false
    logical_op = logical_op.upper()
    if logical_op == "AND":
        return _all_of(parts)
    if logical_op == "OR":
        return _any_of(parts)
    return _false


def condition_fields(condition: Any) -> set[str]:
    """Return every question id the condition tree references (malformed parts are skipped)."""
    fields: set[str] = set()
    stack = [condition]
    while stack:
        node = stack.pop()
        if not isinstance(node, Mapping):
            continue
        field = node.get("field")
        if isinstance(field, str):
            fields.add(field)
        nested = node.get("nested")
        if isinstance(nested, list | tuple):
            stack.extend(nested)
    return fields


def evaluate_condition(condition: Any, answers: Mapping[str, Any], question_types: Mapping[str, str]) -> bool:
    """Return whether one condition holds for the answers, without regard to hidden questions.

    `question_types` maps question ids to their types; a field missing from it is an unknown
    question, whose answer is always empty.
    """
    if not isinstance(answers, Mapping):
        answers = {}
    fields = sorted(condition_fields(condition))
    slots = {field: slot for slot, field in enumerate(fields)}
    kinds: dict[str, str] = {}
    values: list[Any] = [None] * len(fields)
    for slot, field in enumerate(fields):
        question_type = question_types.get(field)
        if question_type is None:
            continue
        question_type = _upper_name(question_type)
        kind = _KINDS.get(question_type)
        if kind is not None:
            kinds[field] = kind
            values[slot] = _READERS[question_type](answers.get(field))
    return _compile(condition, slots, kinds)(values)


# --- Graph helpers ------------------------------------------------------------------------------


def _strongly_connected(successors: list[list[int]]) -> list[list[int]]:
    """Return the strongly connected components, each after every component it can reach.

    Iterative Tarjan, so long dependency chains cannot hit the recursion limit.
    """
    count = len(successors)
    index = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in range(count):
        if index[root] != -1:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        work = [(root, iter(successors[root]))]
        while work:
            v, pending = work[-1]
            for w in pending:
                if index[w] == -1:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, iter(successors[w])))
                    break
                if on_stack[w] and index[w] < low[v]:
                    low[v] = index[w]
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    if low[v] < low[parent]:
                        low[parent] = low[v]
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack[w] = False
                        component.append(w)
                        if w == v:
                            break
                    components.append(component)
    return components


def _shortest_cycle(start: int, successors: list[list[int]], members: set[int]) -> list[int]:
    """Return the shortest path from `start` back to itself inside one component (breadth first)."""
    previous = {start: -1}
    queue = [start]
    for v in queue:
        for w in successors[v]:
            if w == start:
                path = [v]
                while previous[path[-1]] != -1:
                    path.append(previous[path[-1]])
                path.reverse()
                return path
            if w in members and w not in previous:
                previous[w] = v
                queue.append(w)
    return [start]  # unreachable for a genuine cycle


def _decide(rules: tuple, has_show: bool, e: list) -> tuple[int, int]:
    """Return (visibility code, rule position) for a question whose rules are sorted by precedence."""
    for condition, hides, position in rules:
        if condition(e):
            return (_HIDDEN_BY_RULE if hides else _SHOWN_BY_RULE), position
    return (_HIDDEN_NO_SHOW if has_show else _VISIBLE_DEFAULT), -1


# --- The engine ---------------------------------------------------------------------------------


@dataclass
class _RuleTable:
    """The active rules of a questionnaire by the question they act on, before anything is compiled."""

    active: list[RuleSpec]  # by rule position
    summaries: list[tuple[str, str, int]]  # (rule id, action, priority) by rule position
    visibility: list[list[tuple]]  # per question: (precedence key, rule position) of its SHOW/HIDE rules
    requirement: list[list[tuple]]  # per question: the same for REQUIRE/UNREQUIRE
    has_show: list[bool]  # per question: a SHOW rule targets it (so it starts hidden)
    depends_on: list[set[int]]  # per question: the questions its SHOW/HIDE conditions read
    requirement_reads: list[set[int]]  # per question: the questions its REQUIRE/UNREQUIRE conditions read
    reads: set[int]  # the questions any condition reads

    @classmethod
    def build(
        cls, rules: Iterable[RuleSpec], index: Mapping[str, int], computed: Mapping[str, frozenset[int]]
    ) -> _RuleTable:
        """Sort the usable rules (active, a known action, a known target) onto their targets.

        A condition on a computed value reads the questions that value reads (``computed``).
        """
        count = len(index)
        table = cls(
            active=[],
            summaries=[],
            visibility=[[] for _ in range(count)],
            requirement=[[] for _ in range(count)],
            has_show=[False] * count,
            depends_on=[set() for _ in range(count)],
            requirement_reads=[set() for _ in range(count)],
            reads=set(),
        )
        for rule in rules:
            if not rule.is_active:
                continue
            action = _upper_name(rule.action)
            if action not in ACTIONS:
                continue
            target_ids = rule.target_question_ids
            if isinstance(target_ids, str):
                target_ids = (target_ids,)
            targets = sorted(_positions(index, target_ids or ()))
            if not targets:
                continue
            priority = _as_priority(rule.priority)
            fields = set()
            for field_name in condition_fields(rule.condition):
                if field_name in index:
                    fields.add(index[field_name])
                elif field_name in computed:
                    fields |= computed[field_name]
            table.reads |= fields
            position = len(table.active)
            table.active.append(rule)
            table.summaries.append((rule.id, action, priority))
            for target in targets:
                if action in ("SHOW", "HIDE"):
                    # Precedence: higher priority first; on a tie HIDE before SHOW, then rule id.
                    key = (-priority, action == "SHOW", rule.id)
                    table.visibility[target].append((key, position))
                    table.has_show[target] = table.has_show[target] or action == "SHOW"
                    table.depends_on[target] |= fields
                else:
                    # On a tie REQUIRE comes before UNREQUIRE.
                    table.requirement[target].append(((-priority, action == "UNREQUIRE", rule.id), position))
                    table.requirement_reads[target] |= fields
        return table


def industry_key(industry: str) -> str:
    """Return an industry as it is compared: "Health Care", "health-care" and "healthcare" are one."""
    return "".join(ch for ch in industry.casefold() if ch.isalnum())


class Engine:
    """Compiled form of one questionnaire's questions and rules; build once, evaluate many times."""

    __slots__ = (
        "_all_ids",
        "_base_required",
        "_requirement_readers",
        "_requirement_step_of",
        "_slot_reads",
        "_step_readers",
        "_computed",
        "_cycles",
        "_dependencies",
        "_display_order",
        "_ids",
        "_index",
        "_number_reads",
        "_other_reads",
        "_requirement_steps",
        "_rules",
        "_single_reads",
        "_steps",
        "_tagged",
        "_text_reads",
    )

    def __init__(
        self,
        questions: Iterable[QuestionSpec],
        rules: Iterable[RuleSpec],
        computed: Iterable[ComputedSpec] = (),
    ):
        # Rows are sorted by id first, so nothing below depends on the order they came in.
        questions = sorted(questions, key=lambda q: q.id)
        ids = tuple(q.id for q in questions)
        _refuse_duplicates(ids, "question")
        index = {qid: i for i, qid in enumerate(ids)}
        types = [_upper_name(q.type) for q in questions]
        self._ids = ids
        self._index = index
        self._all_ids = frozenset(ids)
        self._base_required = frozenset(q.id for q in questions if q.is_required)
        self._display_order = tuple(
            q.id for q in sorted(questions, key=lambda q: (tuple(q.order or ()), q.id))
        )
        self._tagged = tuple(
            (index[q.id], frozenset(industry_key(tag) for tag in q.industry_tags))
            for q in questions
            if q.industry_tags
        )

        # Computed values take the slots after the questions'; a question id never equals a name.
        computed = [c for c in sorted(computed, key=lambda c: c.name) if c.name not in index]
        self._computed = {
            c.name: (len(ids) + n, tuple((index[q], q) for q in c.question_ids if q in index), c.compute)
            for n, c in enumerate(computed)
        }
        reads_of = {name: frozenset(i for i, _ in found[1]) for name, found in self._computed.items()}

        rules = sorted(rules, key=lambda r: r.id)
        _refuse_duplicates([r.id for r in rules], "rule")
        table = _RuleTable.build(rules, index, reads_of)
        self._rules = tuple(table.summaries)
        self._plan_reads(table, types)
        groups = self._plan_order(table)
        kinds = {qid: _KINDS[t] for qid, t in zip(ids, types, strict=True) if t in _KINDS}
        kinds.update((name, "number") for name in self._computed)
        self._plan_steps(table, groups, kinds)

    def _plan_reads(self, table: _RuleTable, types: list[str]) -> None:
        """Pick the answers evaluate() reads, and how, by question type."""
        # The answers conditions compare, and those of questions that can be hidden (to report
        # dormant answers); the commonest shapes get a loop of their own in evaluate().
        reads = set(table.reads)
        reads.update(i for i, found in enumerate(table.visibility) if found)
        reads.update(i for i, _ in self._tagged)
        ids = self._ids
        text_reads, number_reads, single_reads, other_reads = [], [], [], []
        slot_reads = {}  # every read slot with its general reader, for evaluate_change()
        for i in sorted(reads):
            question_type = types[i]
            if _KINDS.get(question_type) == "text":
                text_reads.append((i, ids[i]))
                slot_reads[ids[i]] = (i, _read_text)
            elif question_type in ("NUMBER", "SCALE"):
                number_reads.append((i, ids[i], "number" if question_type == "NUMBER" else "rating"))
                slot_reads[ids[i]] = (i, _read_number if question_type == "NUMBER" else _read_rating)
            elif question_type == "SINGLE_CHOICE":
                single_reads.append((i, ids[i]))
                slot_reads[ids[i]] = (i, _read_single)
            else:
                other_reads.append((i, ids[i], _READERS.get(question_type, _read_nothing)))
                slot_reads[ids[i]] = (i, _READERS.get(question_type, _read_nothing))
        self._slot_reads = slot_reads
        self._text_reads = tuple(text_reads)
        self._number_reads = tuple(number_reads)
        self._single_reads = tuple(single_reads)
        self._other_reads = tuple(other_reads)

    def _plan_order(self, table: _RuleTable) -> list[list[int]]:
        """Return the questions with SHOW/HIDE rules in groups, dependencies first; note the cycles."""
        depends_on = table.depends_on
        successors = [sorted(deps) for deps in depends_on]
        self._dependencies = successors
        groups: list[list[int]] = []
        cycles: list[list[int]] = []
        for component in _strongly_connected(successors):
            if len(component) == 1 and component[0] not in depends_on[component[0]]:
                if table.visibility[component[0]]:
                    groups.append(component)
                continue
            members = sorted(component)
            groups.append(members)
            cycles.append(_shortest_cycle(members[0], successors, set(members)))
        ids = self._ids
        self._cycles = tuple(tuple(cycle) for cycle in sorted(cycles, key=lambda c: ids[c[0]]))
        return groups

    def _plan_steps(self, table: _RuleTable, groups: list[list[int]], kinds: Mapping[str, str]) -> None:
        """Compile the conditions into the steps evaluate() walks: visibility by group, then requirement."""
        # Conditions are compiled in the order evaluate() calls them, which keeps the closures
        # it walks close together in memory.
        compiled: list[Compiled | None] = [None] * len(table.active)

        slots = {**self._index, **{name: found[0] for name, found in self._computed.items()}}

        def precedence(found: list[tuple], flagged: str) -> tuple:
            entries = []
            for _, position in sorted(found):
                if compiled[position] is None:
                    compiled[position] = _compile(table.active[position].condition, slots, kinds)
                entries.append((compiled[position], table.summaries[position][1] == flagged, position))
            return tuple(entries)

        def refresh(found: list[tuple]) -> tuple:
            """The computed values the rules read, to compute before their conditions run."""
            names = set()
            for _, position in found:
                names |= condition_fields(table.active[position].condition) & self._computed.keys()
            return tuple(self._computed[name] for name in sorted(names))

        visibility, depends_on, has_show = table.visibility, table.depends_on, table.has_show
        steps: list[tuple] = []
        for group in groups:
            if len(group) == 1 and group[0] not in depends_on[group[0]]:
                i = group[0]
                steps.append((i, precedence(visibility[i], "HIDE"), has_show[i], refresh(visibility[i])))
            else:
                members = tuple((i, precedence(visibility[i], "HIDE"), has_show[i]) for i in group)
                read = refresh([found for i in group for found in visibility[i]])
                steps.append((-1, members, False, read))
        self._steps = tuple(steps)
        by_step = [i for group in groups for i in group]
        by_step += [i for i in range(len(self._ids)) if not visibility[i]]
        self._requirement_steps = tuple(
            (i, precedence(table.requirement[i], "UNREQUIRE"), refresh(table.requirement[i]))
            for i in by_step
            if table.requirement[i]
        )
        # For evaluate_change(): the steps that read each question's answer. Steps are in dependency
        # order, so a step's readers all come after it.
        step_readers: dict[int, list[int]] = {}
        for position, group in enumerate(groups):
            for target in group:
                for read in depends_on[target]:
                    step_readers.setdefault(read, []).append(position)
        self._step_readers = {i: tuple(sorted(set(found))) for i, found in step_readers.items()}
        requirement_readers: dict[int, list[int]] = {}
        self._requirement_step_of = {}  # question -> its requirement step's position
        for position, (i, _, _) in enumerate(self._requirement_steps):
            self._requirement_step_of[i] = position
            for read in table.requirement_reads[i]:
                requirement_readers.setdefault(read, []).append(position)
        self._requirement_readers = {i: tuple(found) for i, found in requirement_readers.items()}

    def __repr__(self) -> str:
        return f"<Engine: {len(self._ids)} questions, {len(self._rules)} active rules>"

    def evaluate(self, answers: Mapping[str, Any], *, industry: str | None = None) -> Evaluation:
        """Return the visible, hidden, required and dormant questions for these answers."""
        if not isinstance(answers, Mapping):
            answers = {}
        ids = self._ids
        count = len(ids)
        e = self._read_answers(answers)  # effective answers: None = empty, unread or hidden
        raw = e[:]  # the answers as read, before hiding: evaluate_change() starts from them
        codes = bytearray(count)
        deciding = [-1] * count
        hidden: list[int] = []
        dormant: list[int] = []  # a question's answer is still in e[i] at the moment it is hidden

        industry = industry_key(industry) if isinstance(industry, str) else ""
        if industry:
            for i, tags in self._tagged:
                if industry not in tags:
                    codes[i] = _HIDDEN_INDUSTRY
                    if e[i] is not None:
                        dormant.append(i)
                        e[i] = None
                    hidden.append(i)

        # Dependencies come before dependents, so every answer a condition reads is final.
        for i, rules, has_show, computed in self._steps:
            if i < 0:
                _solve_cycle(rules, e, codes, deciding, hidden, dormant, computed, answers)
                continue
            if codes[i]:
                continue
            if computed:
                _compute(computed, e, answers)
            for condition, hides, position in rules:
                if condition(e):
                    deciding[i] = position
                    if hides:
                        codes[i] = _HIDDEN_BY_RULE
                        if e[i] is not None:
                            dormant.append(i)
                            e[i] = None
                        hidden.append(i)
                    else:
                        codes[i] = _SHOWN_BY_RULE
                    break
            else:
                if has_show:
                    codes[i] = _HIDDEN_NO_SHOW
                    if e[i] is not None:
                        dormant.append(i)
                        e[i] = None
                    hidden.append(i)

        hidden_ids = frozenset([ids[i] for i in hidden])
        required = set(self._base_required)
        requiring: dict[int, int] = {}
        for i, rules, computed in self._requirement_steps:
            if codes[i] >= _HIDDEN_BY_RULE:
                continue
            if computed:
                _compute(computed, e, answers)
            for condition, unrequires, position in rules:
                if condition(e):
                    requiring[i] = position
                    if unrequires:
                        required.discard(ids[i])
                    else:
                        required.add(ids[i])
                    break
        required -= hidden_ids

        required_ids = frozenset(required)
        dormant_ids = frozenset([ids[i] for i in dormant])
        return Evaluation(
            visible=self._all_ids - hidden_ids,
            hidden=hidden_ids,
            required=required_ids,
            dormant=dormant_ids,
            trace=_Trace(self, codes, deciding, requiring, required_ids),
            memory=_Memory(self, industry, raw, e, codes, deciding, requiring),
        )

    def evaluate_change(
        self,
        previous: Evaluation,
        answers: Mapping[str, Any],
        changed: Iterable[str],
        *,
        industry: str | None = None,
    ) -> Evaluation:
        """Return ``evaluate(answers, industry=industry)``, deciding again only what ``changed`` can move.

        ``previous`` is this engine's evaluation of the same answers before the questions ``changed``
        were answered, changed or cleared. The steps that read a changed answer are decided again, in
        dependency order, and so on only while an effective answer (visible, or hidden to None) moves;
        then the requirement of the questions whose visibility moved or whose conditions read a moved
        answer. Another engine's evaluation, or another industry, is evaluated in full.
        """
        memory = previous.memory
        if not isinstance(answers, Mapping):
            answers = {}
        key = industry_key(industry) if isinstance(industry, str) else ""
        if memory is None or memory.engine is not self or memory.industry != key:
            return self.evaluate(answers, industry=industry)
        raw, e = memory.raw[:], memory.e[:]
        codes, deciding, requiring = bytearray(memory.codes), memory.deciding[:], dict(memory.requiring)
        moved: set[int] = set()  # questions whose effective answer changed (what conditions read)
        recheck: set[int] = set()  # questions whose answer or visibility changed

        pending: list[int] = []  # steps to decide again, smallest (earliest) first
        for question_id in changed:
            found = self._slot_reads.get(question_id)
            if found is None:
                continue  # no condition reads it and no rule or tag can hide it
            i, read = found
            value = answers.get(question_id)
            raw[i] = read(value) if value is not None else None
            recheck.add(i)
            moved.add(i)  # even when it reads the same: a computed value may read the stored answer
            if codes[i] < _HIDDEN_BY_RULE:
                e[i] = raw[i]
            pending.extend(self._step_readers.get(i, ()))
        heapq.heapify(pending)
        done: set[int] = set()
        while pending:
            position = heapq.heappop(pending)
            if position in done:
                continue
            done.add(position)
            i, rules, has_show, computed = self._steps[position]
            members = [m for m in rules if codes[m[0]] != _HIDDEN_INDUSTRY] if i < 0 else ()
            if i >= 0 and codes[i] == _HIDDEN_INDUSTRY:
                continue
            targets = [m[0] for m in members] if i < 0 else [i]
            before = [(e[t], codes[t] >= _HIDDEN_BY_RULE) for t in targets]
            for t in targets:  # as evaluate() finds them when it reaches this step
                codes[t], deciding[t], e[t] = 0, -1, raw[t]
            if i < 0:
                _solve_cycle(rules, e, codes, deciding, [], [], computed, answers)
            else:
                _decide_step(i, rules, has_show, computed, e, codes, deciding, answers)
            for t, (old, was_hidden) in zip(targets, before, strict=True):
                if (codes[t] >= _HIDDEN_BY_RULE) != was_hidden:
                    recheck.add(t)
                if e[t].__class__ is not old.__class__ or e[t] != old:
                    moved.add(t)
                    recheck.add(t)
                    for reader in self._step_readers.get(t, ()):
                        heapq.heappush(pending, reader)

        ids, step_of = self._ids, self._requirement_step_of
        hidden, dormant = set(previous.hidden), set(previous.dormant)
        required = set(previous.required)
        decide = {step_of[i] for i in recheck if i in step_of}
        for i in moved:
            decide.update(self._requirement_readers.get(i, ()))
        for i in recheck:
            question_id = ids[i]
            if codes[i] >= _HIDDEN_BY_RULE:
                hidden.add(question_id)
                if raw[i] is not None:
                    dormant.add(question_id)
                else:
                    dormant.discard(question_id)
                required.discard(question_id)
                requiring.pop(i, None)
            else:
                hidden.discard(question_id)
                dormant.discard(question_id)
                if i not in step_of:  # no requirement rule: as the question says
                    if question_id in self._base_required:
                        required.add(question_id)
                    else:
                        required.discard(question_id)
        for position in sorted(decide):
            i, rules, computed = self._requirement_steps[position]
            requiring.pop(i, None)
            if codes[i] >= _HIDDEN_BY_RULE:
                continue
            if computed:
                _compute(computed, e, answers)
            needed = ids[i] in self._base_required
            for condition, unrequires, rule_position in rules:
                if condition(e):
                    requiring[i] = rule_position
                    needed = not unrequires
                    break
            if needed:
                required.add(ids[i])
            else:
                required.discard(ids[i])

        hidden_ids, required_ids = frozenset(hidden), frozenset(required)
        return Evaluation(
            visible=self._all_ids - hidden_ids,
            hidden=hidden_ids,
            required=required_ids,
            dormant=frozenset(dormant),
            trace=_Trace(self, codes, deciding, requiring, required_ids),
            memory=_Memory(self, key, raw, e, codes, deciding, requiring),
        )

    def _read_answers(self, answers: Mapping[str, Any]) -> list[Any]:
        """Return the typed answer of every question the evaluation needs, indexed by question."""
        e: list[Any] = [None] * (len(self._ids) + len(self._computed))  # questions, then computed values
        get = answers.get
        # Plain dicts holding the expected type take the inline path; anything else goes
        # through the general reader, which settles every odd shape the same way.
        for i, qid in self._text_reads:
            raw = get(qid)
            if raw is None:
                continue
            if raw.__class__ is dict:
                text = raw.get("text")
                if text.__class__ is str:
                    e[i] = text.strip() or None
                    continue
            e[i] = _read_text(raw)
        for i, qid, key in self._number_reads:
            raw = get(qid)
            if raw is None:
                continue
            if raw.__class__ is dict:
                number = raw.get(key)
                if number.__class__ is int:
                    e[i] = number
                    continue
            e[i] = _as_number(_member(raw, key))
        for i, qid in self._single_reads:
            raw = get(qid)
            if raw is None:
                continue
            if raw.__class__ is dict:
                selected = raw.get("selectedOptionId")
                if selected.__class__ is str and selected.strip():
                    e[i] = selected
                    continue
            e[i] = _read_single(raw)
        for i, qid, read in self._other_reads:
            raw = get(qid)
            if raw is not None:
                e[i] = read(raw)
        return e

    def dependencies(self) -> dict[str, set[str]]:
        """Return, for every question, the question ids its visibility depends on (directly)."""
        ids = self._ids
        return {ids[i]: {ids[j] for j in deps} for i, deps in enumerate(self._dependencies)}

    def find_cycles(self) -> list[list[str]]:
        """Return one SHOW/HIDE dependency cycle per cyclic group of questions, as a path of ids.

        Each question's visibility depends on the next one's answer, and the last one's on the
        first's; a path of one id is a question whose rule reads its own answer. Paths start at
        the smallest id of their group and are sorted; an empty list means the graph is acyclic.
        """
        ids = self._ids
        return [[ids[i] for i in cycle] for cycle in self._cycles]


@dataclass(frozen=True, slots=True)
class _Memory:
    """An evaluation's working state, which evaluate_change() copies and updates (never changes)."""

    engine: Engine
    industry: str  # as industry_key() gives it; "" for none
    raw: list  # the answers as read, by slot
    e: list  # the effective answers after the evaluation: hidden ones None, computed values last
    codes: bytearray
    deciding: list[int]
    requiring: dict[int, int]


def _decide_step(i, rules, has_show, computed, e, codes, deciding, answers) -> None:
    """Decide one question's visibility as evaluate()'s loop does (evaluate_change's copy of it)."""
    if computed:
        _compute(computed, e, answers)
    for condition, hides, position in rules:
        if condition(e):
            deciding[i] = position
            if hides:
                codes[i] = _HIDDEN_BY_RULE
                e[i] = None
            else:
                codes[i] = _SHOWN_BY_RULE
            return
    if has_show:
        codes[i] = _HIDDEN_NO_SHOW
        e[i] = None


def _compute(computed: tuple, e: list, answers: Mapping[str, Any]) -> None:
    """Put the computed values a step's conditions read into their slots of ``e``, from the answers
    that are visible and answered now (a hidden question's slot is already None)."""
    for slot, reads, compute in computed:
        visible = {qid: answers.get(qid) for i, qid in reads if e[i] is not None}
        try:
            value = compute(visible)
        except Exception:  # noqa: BLE001 - an author's expression: "not available", never a failure
            value = None
        if isinstance(value, bool):
            value = int(value)
        e[slot] = value if isinstance(value, int | float) and math.isfinite(value) else None


def _solve_cycle(
    members: tuple,
    e: list,
    codes: bytearray,
    deciding: list[int],
    hidden: list[int],
    dormant: list[int],
    computed: tuple = (),
    answers: Mapping[str, Any] | None = None,
) -> None:
    """Settle the questions of one dependency cycle.

    Start with every member visible and recompute all members from the previous round's state
    (synchronous rounds, so neither row order nor ids matter) until nothing changes. A group
    still changing after 2n + 2 rounds is hidden as a whole.
    """
    live = [m for m in members if codes[m[0]] != _HIDDEN_INDUSTRY]
    raw = [e[i] for i, _, _ in live]
    state = [True] * len(live)
    for _ in range(2 * len(live) + 2):
        if computed:
            _compute(computed, e, answers or {})
        outcome = [_decide(rules, has_show, e) for _, rules, has_show in live]
        new_state = [code < _HIDDEN_BY_RULE for code, _ in outcome]
        if new_state == state:
            for (i, _, _), value, (code, position) in zip(live, raw, outcome, strict=True):
                codes[i] = code
                deciding[i] = position
                if code >= _HIDDEN_BY_RULE:
                    hidden.append(i)
                    if value is not None:
                        dormant.append(i)
            return
        state = new_state
        for (i, _, _), value, visible in zip(live, raw, state, strict=True):
            e[i] = value if visible else None
    for (i, _, _), value in zip(live, raw, strict=True):
        codes[i] = _HIDDEN_CYCLE
        e[i] = None
        hidden.append(i)
        if value is not None:
            dormant.append(i)


class _Trace(Mapping):
    """Per-question decisions, built on access so evaluation stays cheap for large questionnaires."""

    __slots__ = ("_codes", "_deciding", "_engine", "_required", "_requiring")

    def __init__(self, engine: Engine, codes: bytearray, deciding: list[int], requiring, required):
        self._engine = engine
        self._codes = codes
        self._deciding = deciding
        self._requiring = requiring
        self._required = required

    def __getitem__(self, question_id: str) -> Decision:
        engine = self._engine
        i = engine._index[question_id]
        code = self._codes[i]
        visible = code < _HIDDEN_BY_RULE
        position = self._deciding[i]
        visibility_rule_id = None
        if position >= 0:
            visibility_rule_id, _, priority = engine._rules[position]
            verb = "hidden" if code == _HIDDEN_BY_RULE else "shown"
            reason = f"{verb} by rule {visibility_rule_id} (priority {priority})"
        else:
            reason = _VISIBILITY_REASONS[code]
        required = question_id in self._required
        requirement_rule_id = None
        if visible:
            position = self._requiring.get(i, -1)
            if position >= 0:
                requirement_rule_id, action, priority = engine._rules[position]
                verb = "required" if action == "REQUIRE" else "optional"
                reason += f"; {verb} by rule {requirement_rule_id} (priority {priority})"
            else:
                reason += "; required by default" if required else "; optional by default"
        return Decision(
            question_id=question_id,
            visible=visible,
            required=required,
            visibility_rule_id=visibility_rule_id,
            requirement_rule_id=requirement_rule_id,
            reason=reason,
        )

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._engine._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._engine._display_order)

    def __len__(self) -> int:
        return len(self._engine._ids)

    def __repr__(self) -> str:
        return f"<Trace of {len(self)} decisions>"


def _positions(index: Mapping[str, int], question_ids: Iterable[Any]) -> set[int]:
    """Return the positions of the known question ids; anything else is ignored."""
    found = set()
    for question_id in question_ids:
        try:
            position = index.get(question_id)
        except TypeError:  # unhashable, so certainly not a question id
            continue
        if position is not None:
            found.add(position)
    return found


def _refuse_duplicates(ids: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"duplicate {what} id {item!r}")
        seen.add(item)


def _as_priority(priority: Any) -> int:
    try:
        return int(priority)
    except (TypeError, ValueError, OverflowError):
        return 0


def evaluate(
    questions: Iterable[QuestionSpec],
    rules: Iterable[RuleSpec],
    answers: Mapping[str, Any],
    *,
    industry: str | None = None,
) -> Evaluation:
    """Compile the questionnaire and evaluate it once; build an Engine to evaluate repeatedly."""
    return Engine(questions, rules).evaluate(answers, industry=industry)
