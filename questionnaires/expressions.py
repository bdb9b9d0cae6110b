"""Computed values: named expressions over a questionnaire's answers, by question key.

``maturity = mean(rank(engineering_maturity))``, ``runway_months = cash / monthly_burn``,
``growth_3y = revenue * (1 + growth / 100) ** 3``. A questionnaire declares them in
``metadata.computed`` as ``[{"name": "maturity", "expression": "…", "label": "…"}]``; the engine
panel and the analysis read them. Evaluation is simpleeval's: arithmetic, comparisons,
``and``/``or``/``not``, ``x if c else y``, subscripts (a matrix row: ``engineering_maturity["ci"]``)
and the functions below (``rank`` turns a chosen option into its place: 1 for the first); no
attribute access, no other call, no comprehension, and a bounded size, so an expression cannot reach
Python's internals or run unbounded. Plain Python: no Django.

An unanswered or hidden question reads as missing (None): ``mean``, ``sum``, ``min``, ``max`` and
``count`` skip it; arithmetic on it, a wrong type or a division by zero make the value "not available"
(``NOT_AVAILABLE``), never a failure.
"""

from __future__ import annotations

import ast
import functools
import io
import math
import re
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import simpleeval

from questionnaires.keys import KEY_PATTERN
from questionnaires.rules import ComputedSpec

__all__ = [
    "FUNCTIONS",
    "MAX_EXPRESSION_LENGTH",
    "NOT_AVAILABLE",
    "Computed",
    "answer_values",
    "computed_evaluate",
    "computed_of",
    "computed_problems",
    "expression_names",
    "expression_trouble",
    "expression_value",
]

MAX_EXPRESSION_LENGTH = 500
MAX_COMPUTED = 100


class _NotAvailable:
    """The value of an expression that cannot be computed from these answers."""

    def __repr__(self) -> str:
        return "not available"

    def __bool__(self) -> bool:
        return False


NOT_AVAILABLE = _NotAvailable()


@dataclass(frozen=True)
class Computed:
    name: str
    expression: str
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


def computed_of(metadata: Any) -> list[Computed]:
    """Return the computed values a questionnaire's metadata declares (malformed entries skipped)."""
    declared = metadata.get("computed") if isinstance(metadata, Mapping) else None
    found = []
    for entry in declared if isinstance(declared, list) else ():
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
            label = entry.get("label") if isinstance(entry.get("label"), str) else ""
            found.append(Computed(entry["name"], str(entry.get("expression") or ""), label))
    return found


# --- Functions ---------------------------------------------------------------------------------------


def _flat(values: Iterable[Any]) -> list[Any]:
    """Flatten lists (multiple choices) and mappings (matrix rows) one level; drop missing values."""
    items = []
    for value in values:
        if isinstance(value, Mapping):
            items.extend(v for v in value.values() if v is not None)
        elif isinstance(value, list | tuple):
            items.extend(v for v in value if v is not None)
        elif value is not None:
            items.append(value)
    return items


def _numbers(values: Iterable[Any]) -> list[int | float]:
    items = _flat(values)
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in items):
        raise TypeError("expects numbers")
    return items


def _mean(*values):
    numbers = _numbers(values)
    return sum(numbers) / len(numbers) if numbers else None


def _sum(*values):
    return sum(_numbers(values))


def _min(*values):
    numbers = _numbers(values)
    return min(numbers) if numbers else None


def _max(*values):
    numbers = _numbers(values)
    return max(numbers) if numbers else None


def _count(*values):
    return len(_flat(values))


def _round(value, digits=0):
    if value is None:
        return None
    return round(value, int(digits)) if digits else round(value)


def _if(condition, then, otherwise=None):
    return then if condition else otherwise


def _abs(value):
    return None if value is None else abs(value)


def _rank(value):
    """The place of a chosen option among the question's options (1 for the first); of each, for lists
    and matrix rows: ``mean(rank(engineering_maturity))``."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {row: _rank(v) for row, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rank(v) for v in value]
    position = getattr(value, "position", None)
    if position is None:
        raise TypeError("rank() reads a choice")
    return position


FUNCTIONS = {
    "mean": _mean,
    "sum": _sum,
    "min": _min,
    "max": _max,
    "count": _count,
    "round": _round,
    "abs": _abs,
    "rank": _rank,
    "if_": _if,  # written if(…) in an expression
}

# --- Reading an expression ---------------------------------------------------------------------------

_ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Subscript,
    ast.operator,
    ast.unaryop,
    ast.boolop,
    ast.cmpop,
)


def _source(expression: str) -> str:
    """Rewrite ``if(`` (a keyword in Python) to the function ``if_(``; keep everything else."""
    tokens = list(tokenize.generate_tokens(io.StringIO(expression).readline))
    out = []
    for index, token in enumerate(tokens):
        following = next((t for t in tokens[index + 1 :] if t.type != tokenize.NL), None)
        if token.type == tokenize.NAME and token.string == "if" and following and following.string == "(":
            token = token._replace(string="if_")
        out.append(token)
    return tokenize.untokenize(out)


def _allowed_call(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS and not node.keywords


def _parse(expression: str) -> ast.Expression:
    if not isinstance(expression, str) or not expression.strip():
        raise ValueError("an expression is needed")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ValueError(f"an expression has at most {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(_source(expression).strip(), mode="eval")
    except (SyntaxError, tokenize.TokenError, ValueError) as error:
        raise ValueError(f"not a valid expression ({getattr(error, 'msg', error)})") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ValueError(f"{type(node).__name__.lower()} is not allowed in an expression")
        if isinstance(node, ast.Call) and not _allowed_call(node):
            shown = node.func.id if isinstance(node.func, ast.Name) else "that"
            known = ", ".join(sorted(name.rstrip("_") for name in FUNCTIONS))
            raise ValueError(f"{shown}(…) is not a function an expression may call ({known})")
    return tree


def expression_names(expression: str) -> set[str]:
    """Return the names (question keys, computed values) an expression reads; raise ValueError if invalid."""
    tree = _parse(expression)
    calls = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and id(node) not in calls}


def computed_problems(computed: list[Computed], keys: Iterable[str]) -> list[tuple[int, str, str]]:
    """Return ``(index, field, message)`` for every problem of the declared computed values.

    Names are keys (lower-case, digits, ``_``), unique and distinct from the question keys; an
    expression is valid and reads only question keys and computed values, with no cycle.
    """
    keys = set(keys)
    problems: list[tuple[int, str, str]] = []
    if len(computed) > MAX_COMPUTED:
        problems.append((MAX_COMPUTED, "name", f"a questionnaire has at most {MAX_COMPUTED} computed values"))
    names: dict[str, int] = {}
    for index, item in enumerate(computed):
        if not KEY_PATTERN.fullmatch(item.name):
            problems.append((index, "name", "a name is a lower-case letter, then letters, digits and '_'"))
        elif item.name in keys:
            problems.append((index, "name", f"{item.name!r} is already a question's key"))
        elif item.name in names or item.name in FUNCTIONS:
            problems.append((index, "name", f"{item.name!r} is already taken"))
        else:
            names[item.name] = index
    reads: dict[str, set[str]] = {}
    for index, item in enumerate(computed):
        try:
            used = expression_names(item.expression)
        except ValueError as error:
            problems.append((index, "expression", str(error)))
            continue
        unknown = sorted(used - keys - set(names))
        if unknown:
            problems.append((index, "expression", f"unknown key {', '.join(map(repr, unknown))}"))
        reads[item.name] = used & set(names)
    for name in _cyclic(reads):
        problems.append((names[name], "expression", f"{name!r} depends on itself through other values"))
    return problems


def _cyclic(reads: Mapping[str, set[str]]) -> list[str]:
    """Return the computed values that depend, directly or not, on themselves."""
    found = []
    for start in reads:
        seen, stack = set(), list(reads[start])
        while stack:
            name = stack.pop()
            if name == start:
                found.append(start)
                break
            if name not in seen:
                seen.add(name)
                stack.extend(reads.get(name, ()))
    return found


# --- Values ----------------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class _Positioned:
    """A chosen option's value that knows its place among the question's options (for ``rank``)."""

    position: int

    def __new__(cls, value, position: int):
        made = super().__new__(cls, value)
        made.position = position
        return made


class Choice(_Positioned, str):
    """An option's value as text."""


class ChoiceInt(_Positioned, int):
    """An option's whole-number value (``"3"`` reads as 3)."""


class ChoiceFloat(_Positioned, float):
    """An option's decimal value."""


def _option_value(option: Mapping[str, Any] | None, position: int = 0) -> Any:
    if not option:
        return None
    value = option.get("value", option.get("label"))
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = float(value)
        return ChoiceInt(int(number), position) if number.is_integer() else ChoiceFloat(number, position)
    return Choice(str(value), position) if value is not None else None


def _answer_value(question, value: Any) -> Any:
    """Return an answer as an expression reads it: a number, a text, an option's value, a list, a row map."""
    if not isinstance(value, Mapping):
        return None
    listed = [o for o in question.options or () if isinstance(o, Mapping)]
    options = {o.get("id"): o for o in listed}
    positions = {o.get("id"): index for index, o in enumerate(listed, start=1)}
    kind = question.type
    if kind in ("TEXT", "TEXTAREA", "EMAIL", "URL"):
        return value.get("text") or None
    if kind == "NUMBER":
        return value.get("number")
    if kind == "SCALE":
        return value.get("rating")
    if kind == "DATE":
        return value.get("date") or None
    if kind == "SINGLE_CHOICE":
        chosen = value.get("selectedOptionId")
        return _option_value(options.get(chosen), positions.get(chosen, 0))
    if kind == "MULTIPLE_CHOICE":
        chosen = [i for i in value.get("selectedOptionIds") or () if i in options]
        return [_option_value(options[i], positions[i]) for i in chosen]
    if kind == "MATRIX":
        rows = value.get("rows") if isinstance(value.get("rows"), Mapping) else {}
        return {row: _option_value(options.get(c), positions.get(c, 0)) for row, c in rows.items()}
    if kind == "FILE_UPLOAD":
        return value.get("fileName")
    return None


def answer_values(questions: Iterable[Any], answers: Mapping[str, Any], visible: Iterable[str]) -> dict:
    """Return ``{key: value}`` for every keyed question; a hidden or unanswered one is None."""
    visible = set(visible)
    values = {}
    for question in questions:
        key = getattr(question, "key", None)
        if not key:
            continue
        stored = answers.get(question.id) if question.id in visible else None
        value = getattr(stored, "value", stored)
        if getattr(stored, "is_valid", True) is False:
            value = None
        values[key] = _answer_value(question, value)
    return values


def _evaluator(names: Mapping[str, Any]) -> simpleeval.SimpleEval:
    evaluator = simpleeval.SimpleEval(functions=dict(FUNCTIONS), names=dict(names))
    evaluator.ATTR_INDEX_FALLBACK = False
    return evaluator


def computed_evaluate(computed: list[Computed], values: Mapping[str, Any]) -> dict[str, Any]:
    """Return every computed value for these answer values, in declaration order.

    A value that reads another is computed after it; one that cannot be computed (an error, a cycle,
    a missing answer it needs) is ``NOT_AVAILABLE`` — and so is every value that reads it.
    """
    results: dict[str, Any] = {}
    pending = {item.name: item for item in computed}
    names = dict(values)
    while pending:
        progressed = False
        for name, item in list(pending.items()):
            try:
                reads = expression_names(item.expression)
            except ValueError:
                results[name] = NOT_AVAILABLE
                del pending[name]
                progressed = True
                continue
            if reads & set(pending) - {name}:
                continue  # computed after what it reads
            results[name] = names[name] = _evaluate(item.expression, names, reads)
            del pending[name]
            progressed = True
        if not progressed:  # a cycle
            for name in pending:
                results[name] = NOT_AVAILABLE
            break
    return {item.name: results[item.name] for item in computed}


def expression_value(expression: str, names: Mapping[str, Any]) -> Any:
    """Return one expression's value over these names, or ``NOT_AVAILABLE``; never raises."""
    try:
        reads = expression_names(expression)
    except ValueError:
        return NOT_AVAILABLE
    return _evaluate(expression, names, reads)


def _evaluate(expression: str, names: Mapping[str, Any], reads: set[str]) -> Any:
    if any(names.get(name) is NOT_AVAILABLE or name not in names for name in reads):
        return NOT_AVAILABLE
    try:
        result = _evaluator(names).eval(_source(expression).strip())
    except (ArithmeticError, TypeError, ValueError, KeyError, IndexError, simpleeval.InvalidExpression):
        return NOT_AVAILABLE
    if result is None or (isinstance(result, float) and not math.isfinite(result)):
        return NOT_AVAILABLE
    return result


def expression_trouble(expression: str, names: Mapping[str, Any]) -> str | None:
    """Evaluate with sample answer values and say what goes wrong: "type", "zero" or None.

    The analysis gives every question a typical answer of its type (and numbers 0), so an
    expression that mixes types fails here before any client meets it.
    """
    try:
        _evaluator(names).eval(_source(expression).strip())
    except ZeroDivisionError:
        return "zero"
    except (TypeError, KeyError, IndexError):
        return "type"
    except (ArithmeticError, ValueError, simpleeval.InvalidExpression):
        return None
    return None


# --- Computed values in visibility rules -------------------------------------------------------------


def _reads_of(computed: list[Computed]) -> dict[str, set[str]]:
    reads = {}
    for item in computed:
        try:
            reads[item.name] = expression_names(item.expression)
        except ValueError:
            reads[item.name] = set()
    return reads


def computed_specs(questions: Iterable[Any], metadata: Any) -> list[ComputedSpec]:
    """Return the rule engine's view of a questionnaire's computed values, so that a visibility rule can
    test one by name: the questions each reads (through other computed values too) and how to compute
    it from the stored answers of those that are visible and answered."""
    declared = computed_of(metadata)
    if not declared:
        return []
    questions = list(questions)
    by_key = {q.key: q.id for q in questions if getattr(q, "key", None)}
    reads = _reads_of(declared)
    specs = []
    for item in declared:
        keys, pending, seen = set(), [item.name], set()
        while pending:  # through the computed values it reads, to the questions
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            for read in reads.get(name, ()):
                if read in reads:
                    pending.append(read)
                else:
                    keys.add(read)
        question_ids = tuple(sorted(by_key[key] for key in keys if key in by_key))
        compute = functools.partial(_value_of, questions, declared, item.name)
        specs.append(ComputedSpec(item.name, question_ids, compute))
    return specs


def _value_of(questions: list, declared: list[Computed], name: str, visible: Mapping[str, Any]) -> Any:
    values = answer_values(questions, visible, visible.keys())
    return computed_evaluate(declared, values).get(name)
