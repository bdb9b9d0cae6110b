"""The sandbox every user-authored text template runs in (content blocks, recommendations, Word files).

Jinja2's ``SandboxedEnvironment`` already refuses access to Python internals (``__class__``,
``__globals__``, ``mro`` …). On top of it this module bounds what a template can cost, because an
author's template runs in the worker for every document:

- only the filters listed below, and no method calls except a mapping's ``items``/``keys``/``values``;
- ``range`` of at most ``MAX_RANGE`` items, loops nested at most ``MAX_LOOP_DEPTH`` deep, no macros,
  imports or includes (so no recursion and no file access), text built by ``*`` at most
  ``MAX_OUTPUT`` characters, no ``%`` formatting of text, small exponents only;
- the output is cut at ``MAX_OUTPUT`` characters.

Rendering never raises: a template that fails gives ``NOT_AVAILABLE_TEXT`` and the error, which the
caller records in the block's provenance. Validation (``template_problems``) reports syntax errors
with their line, forbidden constructs and names that are neither answers nor computed values.
Output is plain text: the PDF's template and python-docx escape it, so answers cannot inject markup.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from typing import Any

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from documents.rendering import format_date, format_number
from questionnaires.expressions import NOT_AVAILABLE

MAX_TEMPLATE = 10_000  # characters of one template's source
MAX_OUTPUT = 20_000  # characters of one template's output
MAX_RANGE = 200
MAX_LOOP_DEPTH = 2
MAX_EXPONENT = 64
NOT_AVAILABLE_TEXT = "not available"

_FORBIDDEN = {
    nodes.Macro: "macros",
    nodes.CallBlock: "call blocks",
    nodes.Import: "imports",
    nodes.FromImport: "imports",
    nodes.Include: "includes",
    nodes.Extends: "extends",
}
_MAPPING_METHODS = frozenset({"items", "keys", "values"})
_BUILTIN_FILTERS = (
    "abs",
    "capitalize",
    "count",
    "default",
    "first",
    "float",
    "int",
    "join",
    "last",
    "length",
    "lower",
    "max",
    "min",
    "reject",
    "round",
    "select",
    "sort",
    "sum",
    "title",
    "trim",
    "truncate",
    "unique",
    "upper",
    "wordcount",
)


def _missing(value: Any) -> bool:
    return value is None or value is NOT_AVAILABLE


def _money(value: Any, symbol: str = "US$") -> str:
    """1250000 → "US$1,250,000"; 1250.5 → "US$1,250.50"."""
    if _missing(value) or isinstance(value, bool) or not isinstance(value, int | float):
        return NOT_AVAILABLE_TEXT
    if float(value).is_integer():
        return f"{symbol}{int(value):,}"
    return f"{symbol}{value:,.2f}"


def _number(value: Any, digits: int | None = None) -> str:
    if _missing(value) or isinstance(value, bool) or not isinstance(value, int | float):
        return NOT_AVAILABLE_TEXT
    return format_number(round(value, int(digits)) if digits is not None else value)


def _percent(value: Any, digits: int = 0) -> str:
    """15 → "15%"; the value is already in percent."""
    if _missing(value) or isinstance(value, bool) or not isinstance(value, int | float):
        return NOT_AVAILABLE_TEXT
    return f"{format_number(round(value, int(digits)) if digits else round(value))}%"


def _date(value: Any) -> str:
    if _missing(value):
        return NOT_AVAILABLE_TEXT
    if isinstance(value, dt.date):
        value = value.isoformat()
    return format_date(value)


def _words(value: Any, conjunction: str = "and") -> str:
    """["A", "B", "C"] → "A, B and C"."""
    if _missing(value):
        return NOT_AVAILABLE_TEXT
    if isinstance(value, str) or not isinstance(value, Iterable):
        return str(value)
    items = [str(item) for item in (value.values() if isinstance(value, Mapping) else value)]
    if not items:
        return NOT_AVAILABLE_TEXT
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _out_of(value: Any, top: Any) -> str:
    """9, 10 → "9 out of 10"."""
    if _missing(value):
        return NOT_AVAILABLE_TEXT
    return f"{format_number(value)} out of {format_number(top)}"


def _lowerfirst(value: Any) -> str:
    """ "Put AI governance in place" → "put AI governance in place"; an acronym first ("CI on …") stays."""
    if _missing(value):
        return NOT_AVAILABLE_TEXT
    text = str(value)
    first = text.split(" ", 1)[0]
    if sum(1 for c in first if c.isupper()) > 1:
        return text
    return text[:1].lower() + text[1:]


CUSTOM_FILTERS = {
    "lowerfirst": _lowerfirst,
    "money": _money,
    "number": _number,
    "percent": _percent,
    "date": _date,
    "list": _words,
    "out_of": _out_of,
}


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() is limited to {MAX_RANGE} items")
    return numbers


def _finalize(value: Any) -> Any:
    return NOT_AVAILABLE_TEXT if _missing(value) else value


class _Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox with the bounds this module's docstring lists."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def is_safe_callable(self, obj: Any) -> bool:
        if obj is _bounded_range:
            return True
        owner = getattr(obj, "__self__", None)
        return isinstance(owner, Mapping) and getattr(obj, "__name__", "") in _MAPPING_METHODS

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                repeated = isinstance(sequence, str | list | tuple) and isinstance(times, int)
                if repeated and len(sequence) * times > MAX_OUTPUT:
                    raise SecurityError("the repeated text would be too long")
        elif operator == "**":
            if isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"exponents are limited to {MAX_EXPONENT}")
        elif operator == "%" and isinstance(left, str):
            raise SecurityError("text cannot be formatted with %; use the filters")
        return super().call_binop(context, operator, left, right)


def environment(*, autoescape: bool = False) -> _Sandbox:
    """Return a new sandbox: plain text for blocks, autoescaped XML for Word templates."""
    env = _Sandbox(autoescape=autoescape, finalize=_finalize, keep_trailing_newline=False)
    env.filters = {name: env.filters[name] for name in _BUILTIN_FILTERS} | CUSTOM_FILTERS
    env.globals = {"range": _bounded_range}
    return env


ENVIRONMENT = environment()


def _loop_depth(node: nodes.Node, depth: int = 0) -> int:
    deepest = depth
    for child in node.iter_child_nodes():
        inner = depth + 1 if isinstance(child, nodes.For) else depth
        deepest = max(deepest, _loop_depth(child, inner))
    return deepest


def _forbidden(tree: nodes.Template) -> list[str]:
    found = []
    for node_type, name in _FORBIDDEN.items():
        if any(True for _ in tree.find_all(node_type)) and name not in found:
            found.append(name)
    return found


def template_problems(source: Any, names: Iterable[str] = (), *, limit: int = MAX_TEMPLATE) -> list[str]:
    """Return what is wrong with a template: syntax (with its line), forbidden parts, unknown names.

    ``names`` are the answers' keys and computed values the template may read; empty skips that check.
    """
    if not isinstance(source, str):
        return ["A template must be text."]
    if len(source) > limit:
        return [f"A template may hold at most {limit:,} characters."]
    try:
        tree = ENVIRONMENT.parse(source)
    except TemplateSyntaxError as error:
        return [f"Line {error.lineno}: {error.message}"]
    problems = [f"Templates may not use {name}." for name in _forbidden(tree)]
    hidden = sorted({node.attr for node in tree.find_all(nodes.Getattr) if node.attr.startswith("_")})
    problems.extend(f"Templates may not read “{a}”: names starting with _ are internal." for a in hidden)
    if _loop_depth(tree) > MAX_LOOP_DEPTH:
        problems.append(f"Loops may be nested at most {MAX_LOOP_DEPTH} deep.")
    problems.extend(_unknown_filters(tree))
    known = set(names)
    if known and not problems:
        try:
            unknown = sorted(meta.find_undeclared_variables(tree) - known - set(ENVIRONMENT.globals))
        except TemplateError as error:  # compiling found what parsing could not (an unknown test)
            return [f"Line {getattr(error, 'lineno', 1)}: {error.message}"]
        problems.extend(f"“{name}” is not a question key or computed value." for name in unknown)
    return problems


def _unknown_filters(tree: nodes.Template) -> list[str]:
    used = {node.name for node in tree.find_all(nodes.Filter)}
    return [f"There is no filter “{name}”." for name in sorted(used - set(ENVIRONMENT.filters))]


def template_names(source: str) -> frozenset[str]:
    """Return the names a template reads (for provenance); none for a template that does not parse."""
    return _names(source) if isinstance(source, str) else frozenset()


# A template is parsed once per process and source: the shipped content alone holds about a thousand,
# each rendered for every document of its type.
@functools.lru_cache(maxsize=2048)
def _names(source: str) -> frozenset[str]:
    try:
        return frozenset(meta.find_undeclared_variables(ENVIRONMENT.parse(source))) - set(ENVIRONMENT.globals)
    except TemplateError:
        return frozenset()


@functools.lru_cache(maxsize=2048)
def _first_problem(source: str) -> str | None:
    problems = template_problems(source)
    return problems[0] if problems else None


@functools.lru_cache(maxsize=2048)
def _compiled(source: str):
    return ENVIRONMENT.from_string(source)


def render_text(source: str, context: Mapping[str, Any]) -> tuple[str, str | None]:
    """Return a template's text for this context, and None, or ``NOT_AVAILABLE_TEXT`` and the error.

    The same checks as ``template_problems`` run first, so a template stored before a bound existed
    (or imported around the admin) is refused here too.
    """
    problem = _first_problem(source)
    if problem:
        return NOT_AVAILABLE_TEXT, problem
    try:
        pieces, length = [], 0
        for piece in _compiled(source).generate(**context):
            pieces.append(piece)
            length += len(piece)
            if length > MAX_OUTPUT:
                return NOT_AVAILABLE_TEXT, f"the text is longer than {MAX_OUTPUT:,} characters"
        return "".join(pieces).strip(), None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as error:
        return NOT_AVAILABLE_TEXT, f"{type(error).__name__}: {error}"
    except RecursionError:
        return NOT_AVAILABLE_TEXT, "the template nests too deeply"
