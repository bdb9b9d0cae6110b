"""Find authoring mistakes in a questionnaire before a client meets them (docs/authoring.md).

The admin shows the findings on a questionnaire's page, and ``questionnaire_publish`` refuses a
questionnaire that has errors. Verdicts come from the rule engine (questionnaires/rules.py) and the
interchange checks (questionnaires/interchange.py): whether a condition can hold is decided by
evaluating it, with the engine, on the answers a client could give (as the answer validator accepts
them), never by a second evaluator.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from questionnaires.answers import DEFAULT_SCALE_MAX, DEFAULT_SCALE_MIN, question_input, validate_value
from questionnaires.interchange import questionnaire_validate, structure_from_document
from questionnaires.rules import Engine, QuestionSpec, RuleSpec, condition_fields
from questionnaires.structure import QuestionData, QuestionnaireStructure, RuleData
from questionnaires.types import OPERATOR_LABELS, TEXT_TYPES, TYPES, VALUELESS_OPERATORS

__all__ = [
    "ERROR",
    "WARNING",
    "Analysis",
    "Finding",
    "describe_condition",
    "describe_rule",
    "document_analyse",
    "questionnaire_analyse",
]

ERROR = "error"
WARNING = "warning"

# The order findings are listed in, within a severity.
CODES = (
    "missing_question",
    "foreign_question",
    "cycle",
    "unknown_option",
    "invalid_condition",
    "invalid_rule",
    "invalid_question",
    "invalid",
    "never_visible",
    "require_never_visible",
    "condition_never_holds",
    "show_hide_tie",
)

# Probing a condition tries every combination of candidate answers; beyond this many the analysis
# makes no claim about it rather than guess.
MAX_COMBINATIONS = 4096
_MAX_SUBSET_OPTIONS = 8  # a MULTIPLE_CHOICE with at most this many options is probed exhaustively
_MAX_SCALE_POINTS = 1000
_PROBE_TARGET = "probe-target"


@dataclass(frozen=True)
class Finding:
    """One problem, explained: errors block publishing, warnings do not."""

    severity: str
    code: str
    message: str
    question_ids: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    path: tuple[str, ...] = ()  # a cycle: the question texts along it, back to the first

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(frozen=True)
class Analysis:
    findings: tuple[Finding, ...] = ()
    never_visible: frozenset[str] = frozenset()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == WARNING)

    @property
    def ok(self) -> bool:
        """Return whether nothing blocks publishing."""
        return not self.errors

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def for_question(self, question_id: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if question_id in f.question_ids)

    def for_rule(self, rule_id: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if rule_id in f.rule_ids)


# --- Entry points -----------------------------------------------------------------------------------


def questionnaire_analyse(questionnaire) -> Analysis:
    """Analyse a stored questionnaire (its export, so exactly what an import would check)."""
    from questionnaires.interchange import questionnaire_export
    from questionnaires.models import Question

    document = questionnaire_export(questionnaire)
    known = _document_question_ids(document)
    referenced = set()
    for rule in _document_rules(document):
        referenced |= {f for f in condition_fields(rule.get("condition")) if _as_uuid(f)}
        referenced |= {t for t in rule.get("target_question_ids") or () if _as_uuid(t)}
    unknown = {str(_as_uuid(i)) for i in referenced} - known
    foreign = {}
    if unknown:
        for other in Question.objects.filter(pk__in=sorted(unknown)).select_related("section__questionnaire"):
            owner = other.section.questionnaire
            foreign[str(other.pk)] = (
                f'{_quoted(other.text)} of another questionnaire ("{owner.name}" v{owner.version})'
            )
    return document_analyse(document, foreign=foreign)


def document_analyse(document: Mapping, *, foreign: Mapping[str, str] | None = None) -> Analysis:
    """Analyse an interchange document without touching the database.

    ``foreign`` maps the ids of questions that belong to other questionnaires to a description of
    them; any other id a rule refers to is reported as a question that does not exist.
    """
    findings = _validation_findings(document)
    try:
        structure = structure_from_document(dict(document))
    except (KeyError, TypeError, ValueError, AttributeError):
        # The document is too broken to evaluate; the validation findings say why.
        return Analysis(findings=_sorted(findings))
    graph = _Graph(structure, foreign or {})
    findings += graph.reference_findings()
    findings += graph.cycle_findings()
    blocked_rules = {rule_id for finding in findings if finding.is_error for rule_id in finding.rule_ids}
    findings += graph.reachability_findings(blocked_rules)
    findings = [graph.with_consequence(finding) for finding in findings]
    return Analysis(findings=_sorted(findings), never_visible=frozenset(graph.never))


def _sorted(findings: list[Finding]) -> tuple[Finding, ...]:
    unique = list(dict.fromkeys(findings))
    rank = {code: position for position, code in enumerate(CODES)}
    return tuple(sorted(unique, key=lambda f: (f.severity != ERROR, rank.get(f.code, len(CODES)), f.message)))


# --- Words for questions, conditions and rules -------------------------------------------------------

_ACTION_VERBS = {"SHOW": "shows", "HIDE": "hides", "REQUIRE": "requires", "UNREQUIRE": "makes optional"}


def _quoted(text: Any) -> str:
    text = " ".join(str(text).split())
    return f'"{text if len(text) <= 60 else text[:57] + "..."}"'


def _question_words(question_id: Any, structure: QuestionnaireStructure) -> str:
    try:
        return _quoted(structure.question(str(question_id)).text)
    except KeyError:
        return f"an unknown question ({question_id})"


def _value_words(value: Any, question: QuestionData | None) -> str:
    labels = {}
    if question is not None:
        labels = {o.get("id"): o.get("label") for o in question.options or () if isinstance(o, Mapping)}
    items = value if isinstance(value, list | tuple) else [value]
    words = []
    for item in items:
        if isinstance(item, str) and item in labels:
            words.append(_quoted(labels[item]))
        elif isinstance(item, str) and labels and _as_uuid(item):
            words.append(f"an option that does not exist ({item})")
        else:
            words.append(json.dumps(item, ensure_ascii=False) if not isinstance(item, str) else _quoted(item))
    return ", ".join(words) if words else "nothing"


def describe_condition(condition: Any, structure: QuestionnaireStructure, *, depth: int = 0) -> str:
    """Return a condition in words, e.g. '"Team size" is greater than 10 and "Sector" is "Health"'."""
    if not isinstance(condition, Mapping) or depth > 8:
        return "an unreadable condition"
    parts = []
    if "field" in condition or "operator" in condition:
        field_id = condition.get("field")
        operator = condition.get("operator")
        try:
            question = structure.question(str(field_id))
        except KeyError:
            question = None
        words = OPERATOR_LABELS.get(operator, f"?{operator}?")
        leaf = f"{_question_words(field_id, structure)} {words}"
        if operator not in VALUELESS_OPERATORS:
            leaf += f" {_value_words(condition.get('value'), question)}"
        parts.append(leaf)
    nested = condition.get("nested")
    if isinstance(nested, list):
        for child in nested:
            text = describe_condition(child, structure, depth=depth + 1)
            is_group = isinstance(child, Mapping) and isinstance(child.get("nested"), list)
            parts.append(f"({text})" if is_group and len(child["nested"]) > 1 else text)
    if not parts:
        return "an empty condition"
    joiner = " or " if str(condition.get("logicalOp") or "AND").upper() == "OR" else " and "
    return joiner.join(parts)


def describe_rule(rule: RuleData, structure: QuestionnaireStructure) -> str:
    """Return a rule in words, e.g. 'SHOW "Product name" when "Do you have a product?" is "Yes"'."""
    targets = ", ".join(_question_words(t, structure) for t in rule.target_question_ids) or "nothing"
    text = f"{str(rule.action).upper()} {targets} when {describe_condition(rule.condition, structure)}"
    if int(rule.priority or 0):
        text += f" (priority {rule.priority})"
    if not rule.is_active:
        text += " (inactive)"
    return text


def _rule_name(rule: RuleData, structure: QuestionnaireStructure) -> str:
    return f"The {str(rule.action).upper()} rule of {_question_words(rule.question_id, structure)}"


# --- Findings from the interchange checks -------------------------------------------------------------

_PROBLEM = re.compile(
    r"^(?P<part>sections\[(?P<s>\d+)\](?:\.questions\[(?P<q>\d+)\](?:\.visibility_rules\[(?P<r>\d+)\])?)?)?"
    r"(?P<rest>\S*): (?P<detail>.*)$",
    re.DOTALL,
)
_REFERENCE = re.compile(r"^\.condition(?:\.nested\[\d+\])*\.field$|^\.target_question_ids\[\d+\]$")


def _document_rules(document: Mapping) -> Iterator[dict]:
    for section in _items(document.get("sections")):
        for question in _items(section.get("questions")):
            yield from _items(question.get("visibility_rules"))


def _items(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _document_question_ids(document: Mapping) -> set[str]:
    ids = set()
    for section in _items(document.get("sections")):
        for question in _items(section.get("questions")):
            question_id = _as_uuid(question.get("id"))
            if question_id:
                ids.add(str(question_id))
    return ids


def _validation_findings(document: Mapping) -> list[Finding]:
    """Turn the interchange checks' problems into findings pinned to their question or rule.

    Cycles and references to unknown questions are left to the graph analysis, which explains them
    with more context.
    """
    findings = []
    sections = _items(document.get("sections")) if isinstance(document, Mapping) else []
    for problem in questionnaire_validate(document, check_database=False):
        match = _PROBLEM.match(problem)
        if match is None:
            findings.append(Finding(ERROR, "invalid", problem))
            continue
        rest, detail = match["rest"], match["detail"]
        if "form a cycle" in detail:
            continue
        if match["r"] is not None and _REFERENCE.match(rest) and "is not a question of" in detail:
            continue
        section = question = rule = None
        if match["s"] is not None and int(match["s"]) < len(sections):
            section = sections[int(match["s"])]
            if match["q"] is not None:
                questions = _items(section.get("questions"))
                question = questions[int(match["q"])] if int(match["q"]) < len(questions) else None
                if question is not None and match["r"] is not None:
                    rules = _items(question.get("visibility_rules"))
                    rule = rules[int(match["r"])] if int(match["r"]) < len(rules) else None
        where = rest.lstrip(".")
        if rule is not None:
            code = "invalid_rule"
            if rest.startswith(".condition"):
                code = "unknown_option" if "is not an option of" in detail else "invalid_condition"
            message = f"The {rule.get('action')} rule of {_quoted(question.get('text'))}"
            findings.append(
                Finding(
                    ERROR,
                    code,
                    f"{message}: {where}: {detail}" if where else f"{message}: {detail}",
                    question_ids=(str(question.get("id")),),
                    rule_ids=(str(rule.get("id")),),
                )
            )
        elif question is not None:
            message = f"Question {_quoted(question.get('text'))}"
            findings.append(
                Finding(
                    ERROR,
                    "invalid_question",
                    f"{message}: {where}: {detail}" if where else f"{message}: {detail}",
                    question_ids=(str(question.get("id")),),
                )
            )
        elif section is not None:
            findings.append(
                Finding(ERROR, "invalid", f"Section {_quoted(section.get('name'))}: {where}: {detail}")
            )
        else:
            findings.append(Finding(ERROR, "invalid", problem))
    return findings


# --- Candidate answers --------------------------------------------------------------------------------


def _as_uuid(value: Any) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _leaf_nodes(condition: Any) -> Iterator[Mapping]:
    """Yield every node of a condition tree that holds a leaf (field and operator)."""
    stack = [(condition, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, Mapping) or depth > 64:
            continue
        if "field" in node or "operator" in node:
            yield node
        nested = node.get("nested")
        if isinstance(nested, list):
            stack.extend((child, depth + 1) for child in reversed(nested))


def _leaf_only(node: Mapping) -> dict:
    return {key: node[key] for key in ("field", "operator", "value") if key in node}


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        return int(number) if number.is_integer() else number
    return None


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _bounds(question: QuestionData) -> tuple[Any, Any]:
    rules = question.validation_rules if isinstance(question.validation_rules, Mapping) else {}
    if question.type == "DATE":
        return _date(rules.get("min")), _date(rules.get("max"))
    low, high = rules.get("min"), rules.get("max")
    low = low if _number(low) is not None and not isinstance(low, str) else None
    high = high if _number(high) is not None and not isinstance(high, str) else None
    if question.type == "SCALE":
        low = DEFAULT_SCALE_MIN if low is None else low
        high = DEFAULT_SCALE_MAX if high is None else high
    return low, high


def _bounds_words(question: QuestionData) -> str:
    if _comparison(question) not in ("number", "date"):
        return ""
    low, high = _bounds(question)
    low = low.isoformat() if isinstance(low, dt.date) else low
    high = high.isoformat() if isinstance(high, dt.date) else high
    if low is not None and high is not None:
        return f" (from {low} to {high})"
    if low is not None:
        return f" (from {low})"
    if high is not None:
        return f" (up to {high})"
    return ""


def _texts(question: QuestionData, values: list) -> list[str]:
    rules = question.validation_rules if isinstance(question.validation_rules, Mapping) else {}
    shortest = rules.get("minLength") if isinstance(rules.get("minLength"), int) else 1
    texts = [v for v in values if isinstance(v, str)]
    texts += [v + " and more" for v in texts]
    if question.type == "EMAIL":
        texts += ["someone@example.com", "other.person@example.org"]
    elif question.type == "URL":
        texts += ["https://example.com", "https://example.org/page"]
    else:
        texts += ["Example answer", "x", "x" * max(1, min(shortest, 10_000))]
    return texts


def _numbers(question: QuestionData, values: list) -> list[Any]:
    low, high = _bounds(question)
    rules = question.validation_rules if isinstance(question.validation_rules, Mapping) else {}
    step = _number(rules.get("step"))
    points = {0, 1, -1}
    for value in values:
        number = _number(value)
        if number is not None:
            points |= {number, number - 1, number + 1, number - 0.5, number + 0.5}
            if step:
                points |= {number - step, number + step}
    for edge in (low, high):
        if edge is not None:
            points |= {edge, edge + 1, edge - 1}
            if step:
                points |= {edge + step, edge - step}
    if low is not None and high is not None:
        points.add((low + high) / 2)
    if low is None:
        points.add(min(points) - 1000)
    if high is None:
        points.add(max(points) + 1000)
    numbers = []
    for point in sorted(points):
        numbers.append(int(point) if isinstance(point, float) and point.is_integer() else point)
    return numbers


def _dates(question: QuestionData, values: list) -> list[str]:
    low, high = _bounds(question)
    days = {dt.date.today(), dt.date(2000, 1, 1)}
    for day in [_date(v) for v in values] + [low, high]:
        if day is not None:
            days |= {day, day - dt.timedelta(days=1), day + dt.timedelta(days=1)}
    return sorted(d.isoformat() for d in days if dt.date.min < d < dt.date.max)


def _selections(question: QuestionData, values: list) -> list[list[str]]:
    options = [o.get("id") for o in question.options or () if isinstance(o, Mapping)]
    options = [o for o in dict.fromkeys(options) if isinstance(o, str)]
    if len(options) <= _MAX_SUBSET_OPTIONS:
        return [
            list(subset)
            for size in range(1, len(options) + 1)
            for subset in itertools.combinations(options, size)
        ]
    wanted = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        wanted.append([item for item in items if item in options])
    selections = [[o] for o in options] + [options]
    for chosen in wanted:
        if chosen:
            selections.append(chosen)
            selections += [[c for c in chosen if c != left_out] for left_out in chosen]
            selections += [chosen + [o] for o in options if o not in chosen]
            selections.append([o for o in options if o not in chosen])
    return [s for s in selections if s]


def _comparison(question: QuestionData) -> str | None:
    spec = TYPES.get(question.type)
    return spec.shape.comparison if spec is not None else None


def _raw_candidates(question: QuestionData, values: list) -> list[Any]:
    spec = TYPES.get(question.type)
    shape = spec.shape.name if spec is not None else None
    if shape == "text":
        return [{"text": text} for text in _texts(question, values)]
    if shape == "number":
        return [{"number": number} for number in _numbers(question, values)]
    if shape == "rating":
        low, high = _bounds(question)
        if isinstance(low, int) and isinstance(high, int) and 0 <= high - low <= _MAX_SCALE_POINTS:
            return [{"rating": point} for point in range(low, high + 1)]
        return [{"rating": n} for n in _numbers(question, values) if isinstance(n, int)]
    if shape == "date":
        return [{"date": day} for day in _dates(question, values)]
    if shape == "option":
        return [{"selectedOptionId": o.get("id")} for o in question.options or () if isinstance(o, Mapping)]
    if shape == "options":
        return [{"selectedOptionIds": selection} for selection in _selections(question, values)]
    return []


def _present(question: QuestionData) -> list[Any]:
    """Answers to FILE_UPLOAD and MATRIX questions, which conditions only test for presence."""
    if question.type == "FILE_UPLOAD":
        return [{"fileUrl": "/probe", "fileName": "probe.pdf", "fileSize": 1, "mimeType": "application/pdf"}]
    rows = (question.metadata or {}).get("rows") if isinstance(question.metadata, Mapping) else None
    row_ids = [r.get("id") for r in rows or () if isinstance(r, Mapping) and isinstance(r.get("id"), str)]
    options = [o.get("id") for o in question.options or () if isinstance(o, Mapping)]
    if row_ids and options:
        return [{"rows": {row_ids[0]: options[0]}}]
    return []


class _Prober:
    """Answer "can this condition hold?" by evaluating it with the engine on candidate answers.

    The candidates for a question are an empty answer plus the answers built from the values the
    condition compares with, the question's bounds and options, kept only if the answer validator
    accepts them: exactly what a client could submit. A question that can never be visible only
    ever contributes an empty answer, as the engine treats a hidden question's answer.
    """

    def __init__(self, structure: QuestionnaireStructure):
        self._questions = {q.id: q for q in structure.questions}
        self._candidates: dict[tuple, list | None] = {}
        self._outcomes: dict[tuple, frozenset | None] = {}

    def candidates(self, question_id: str, values: list, never: frozenset) -> list | None:
        """Return the candidate answers (None first: unanswered), or None if they cannot be told."""
        question = self._questions[question_id]
        if question_id in never:
            return [None]
        key = (question_id, json.dumps(values, sort_keys=True, default=str))
        if key in self._candidates:
            return self._candidates[key]
        if _comparison(question) == "presence":
            found: list | None = [None, *_present(question)]
        else:
            checked = question_input(question)
            found = [None]
            for raw in _raw_candidates(question, values):
                result = validate_value(checked, raw)
                if result.is_valid and result.value is not None and result.value not in found:
                    found.append(result.value)
            rules = question.validation_rules if isinstance(question.validation_rules, Mapping) else {}
            if (
                len(found) == 1
                and question.type in TEXT_TYPES
                and rules.get("pattern")
            ):
                found = None  # no guess of ours matches the pattern: make no claim about this question
        self._candidates[key] = found
        return found

    def outcomes(self, condition: Any, never: frozenset) -> frozenset[bool] | None:
        """Return the results the condition can have ({True}, {False} or both); None if unknown."""
        fields = sorted(f for f in condition_fields(condition) if f in self._questions)
        key = (json.dumps(condition, sort_keys=True, default=str), never & frozenset(fields))
        if key in self._outcomes:
            return self._outcomes[key]
        values: dict[str, list] = defaultdict(list)
        for node in _leaf_nodes(condition):
            if "value" in node and isinstance(node.get("field"), str):
                values[node["field"]].append(node["value"])
        lists = []
        for question_id in fields:
            found = self.candidates(question_id, values.get(question_id, []), never)
            if found is None:
                self._outcomes[key] = None
                return None
            lists.append(found)
        if math.prod(len(found) for found in lists) > MAX_COMBINATIONS:
            self._outcomes[key] = None
            return None
        engine = Engine(
            [QuestionSpec(id=f, type=self._questions[f].type) for f in fields]
            + [QuestionSpec(id=_PROBE_TARGET, type="TEXT")],
            [
                RuleSpec(
                    id="probe",
                    question_id=_PROBE_TARGET,
                    condition=condition if isinstance(condition, Mapping) else {},
                    action="SHOW",
                    target_question_ids=(_PROBE_TARGET,),
                )
            ],
        )
        seen: set[bool] = set()
        for combination in itertools.product(*lists):
            answers = {f: answer for f, answer in zip(fields, combination, strict=True) if answer is not None}
            seen.add(_PROBE_TARGET in engine.evaluate(answers).visible)
            if len(seen) == 2:
                break
        result = frozenset(seen)
        self._outcomes[key] = result
        return result

    def can_hold(self, condition: Any, never: frozenset) -> bool:
        found = self.outcomes(condition, never)
        return found is None or True in found

    def never_holds(self, condition: Any, never: frozenset) -> bool:
        found = self.outcomes(condition, never)
        return found is not None and True not in found

    def always_holds(self, condition: Any, never: frozenset) -> bool:
        return self.outcomes(condition, never) == frozenset({True})


# --- The rule graph -------------------------------------------------------------------------------


@dataclass
class _Graph:
    structure: QuestionnaireStructure
    foreign: Mapping[str, str]
    never: dict[str, str] = field(default_factory=dict)  # question id -> why it can never be visible

    def __post_init__(self) -> None:
        self.engine = self.structure.engine()
        self.ids = {q.id for q in self.structure.questions}
        self.prober = _Prober(self.structure)
        self.active = [r for r in self.structure.rules if r.is_active]
        self.by_target: dict[str, list[RuleData]] = defaultdict(list)
        for rule in self.active:
            for target in dict.fromkeys(rule.target_question_ids):
                if target in self.ids:
                    self.by_target[target].append(rule)
        self.cycles = self.engine.find_cycles()

    def text(self, question_id: str) -> str:
        return _question_words(question_id, self.structure)

    # References ------------------------------------------------------------------------------

    def _unknown(self, question_id: str) -> tuple[str, str]:
        canonical = _as_uuid(question_id)
        described = self.foreign.get(str(canonical)) if canonical else None
        if described:
            return "foreign_question", described
        return "missing_question", f"a question that does not exist ({question_id})"

    def reference_findings(self) -> list[Finding]:
        findings = []
        for rule in self.structure.rules:
            name = _rule_name(rule, self.structure)
            for field_id in sorted(condition_fields(rule.condition) - self.ids):
                code, what = self._unknown(field_id)
                findings.append(
                    Finding(
                        ERROR,
                        code,
                        f"{name} reads {what}: its condition can never compare that answer. "
                        "Pick a question of this questionnaire.",
                        question_ids=(rule.question_id,),
                        rule_ids=(rule.id,),
                    )
                )
            for target in dict.fromkeys(rule.target_question_ids):
                if target is None or target in self.ids:
                    continue
                code, what = self._unknown(target)
                findings.append(
                    Finding(
                        ERROR,
                        code,
                        f"{name} targets {what}; a rule can only act on questions of its own questionnaire.",
                        question_ids=(rule.question_id,),
                        rule_ids=(rule.id,),
                    )
                )
        return findings

    # Cycles ----------------------------------------------------------------------------------

    def cycle_findings(self) -> list[Finding]:
        findings = []
        for cycle in self.cycles:
            steps = [*cycle, cycle[0]]
            texts = tuple(self.text(q) for q in steps)
            rules = []
            for current, following in itertools.pairwise(steps):
                rules += [
                    r.id
                    for r in self.by_target[current]
                    if str(r.action).upper() in ("SHOW", "HIDE")
                    and following in condition_fields(r.condition)
                ]
            if len(cycle) == 1:
                message = (
                    f"SHOW/HIDE rules form a cycle: whether {texts[0]} is shown depends on its own answer. "
                    "A question cannot decide its own visibility."
                )
            else:
                message = (
                    f"SHOW/HIDE rules form a cycle: whether {texts[0]} is shown depends on "
                    + ", which depends on ".join(texts[1:])
                    + ". Remove one of these rules or make it read a question outside the cycle."
                )
            findings.append(
                Finding(
                    ERROR,
                    "cycle",
                    message,
                    question_ids=tuple(cycle),
                    rule_ids=tuple(dict.fromkeys(rules)),
                    path=tuple(_plain(t) for t in texts),
                )
            )
        return findings

    def with_consequence(self, finding: Finding) -> Finding:
        """Add "the condition can never hold" to a broken condition's error when that is so."""
        if finding.code not in ("unknown_option", "invalid_condition") or len(finding.rule_ids) != 1:
            return finding
        rule = next((r for r in self.structure.rules if r.id == finding.rule_ids[0]), None)
        if rule is None or not self.prober.never_holds(rule.condition, frozenset(self.never)):
            return finding
        return replace(finding, message=f"{finding.message}; so the condition can never hold.")

    # Reachability ------------------------------------------------------------------------------

    def _why_never_holds(self, condition: Any, never: frozenset) -> str:
        reasons = []
        for node in _leaf_nodes(condition):
            leaf = _leaf_only(node)
            field_id = leaf.get("field")
            if field_id not in self.ids or not self.prober.never_holds(leaf, never):
                continue
            if field_id in never:
                reasons.append(
                    f"it reads {self.text(field_id)}, which can never be visible (a hidden question's "
                    "answer counts as empty)"
                )
                continue
            question = self.structure.question(field_id)
            operator = leaf.get("operator")
            words = OPERATOR_LABELS.get(operator, str(operator))
            compared = (
                ""
                if operator in VALUELESS_OPERATORS
                else " " + _value_words(leaf.get("value"), question)
            )
            reasons.append(
                f"no answer {self.text(field_id)} accepts{_bounds_words(question)} {words}{compared}"
            )
        if not reasons:
            reasons.append("its parts can never hold at the same time")
        return "; ".join(dict.fromkeys(reasons))

    def _settle_never(self) -> None:
        """Find the questions that can never be visible, to a fixed point.

        A question is never visible when it has SHOW rules and none of them can hold, or when a HIDE
        rule always holds and no SHOW rule of a higher priority can hold. Each new such question's
        answer counts as empty from then on, which can settle more questions.
        """
        cyclic = {q for cycle in self.cycles for q in cycle}
        changed = True
        while changed:
            changed = False
            never = frozenset(self.never)
            for question in self.structure.questions:
                if question.id in self.never or question.id in cyclic:
                    continue
                rules = self.by_target.get(question.id, [])
                shows = [r for r in rules if str(r.action).upper() == "SHOW"]
                hides = [r for r in rules if str(r.action).upper() == "HIDE"]
                if shows and all(self.prober.never_holds(r.condition, never) for r in shows):
                    listed = "; ".join(
                        f"{describe_rule(r, self.structure)}: {self._why_never_holds(r.condition, never)}"
                        for r in shows
                    )
                    self.never[question.id] = f"it is shown only by SHOW rules that can never hold ({listed})"
                    changed = True
                    continue
                for hide in sorted(hides, key=lambda r: -_priority(r)):
                    if not self.prober.always_holds(hide.condition, never):
                        continue
                    stronger = [s for s in shows if _priority(s) > _priority(hide)]
                    if all(self.prober.never_holds(s.condition, never) for s in stronger):
                        self.never[question.id] = (
                            f"the rule {describe_rule(hide, self.structure)} holds whatever the answers"
                            + (", and no SHOW rule of a higher priority can hold" if shows else "")
                        )
                        changed = True
                        break

    def reachability_findings(self, blocked_rules: set[str]) -> list[Finding]:
        self._settle_never()
        never = frozenset(self.never)
        findings = []
        for question in self.structure.questions:
            if question.id not in self.never:
                continue
            rules = tuple(r.id for r in self.by_target.get(question.id, []))
            note = " It is marked required, which never takes effect." if question.is_required else ""
            findings.append(
                Finding(
                    WARNING,
                    "never_visible",
                    f"{self.text(question.id)} can never be visible: {self.never[question.id]}.{note}",
                    question_ids=(question.id,),
                    rule_ids=rules,
                )
            )
        for rule in self.active:
            action = str(rule.action).upper()
            if action == "REQUIRE":
                for target in dict.fromkeys(rule.target_question_ids):
                    if target in self.never:
                        findings.append(
                            Finding(
                                WARNING,
                                "require_never_visible",
                                f"{describe_rule(rule, self.structure)}: {self.text(target)} can never be "
                                "visible, and a hidden question is never required, so this rule never "
                                "takes effect.",
                                question_ids=(target, rule.question_id),
                                rule_ids=(rule.id,),
                            )
                        )
            if rule.id in blocked_rules or not self.prober.never_holds(rule.condition, never):
                continue
            targets = ", ".join(self.text(t) for t in rule.target_question_ids if t in self.ids)
            findings.append(
                Finding(
                    WARNING,
                    "condition_never_holds",
                    f"The condition of {describe_rule(rule, self.structure)} can never hold: "
                    f"{self._why_never_holds(rule.condition, never)}. It never "
                    f"{_ACTION_VERBS.get(action, 'affects')} {targets or 'anything'}.",
                    question_ids=(rule.question_id,),
                    rule_ids=(rule.id,),
                )
            )
        findings += self._tie_findings(never)
        return findings

    def _tie_findings(self, never: frozenset) -> list[Finding]:
        findings = []
        for question in self.structure.questions:
            rules = self.by_target.get(question.id, [])
            shows = [r for r in rules if str(r.action).upper() == "SHOW"]
            hides = [r for r in rules if str(r.action).upper() == "HIDE"]
            for show, hide in itertools.product(shows, hides):
                if _priority(show) != _priority(hide):
                    continue
                both = {"logicalOp": "AND", "nested": [show.condition, hide.condition]}
                if self.prober.never_holds(both, never):
                    continue  # they never hold together, so they never meet
                findings.append(
                    Finding(
                        WARNING,
                        "show_hide_tie",
                        f"{self.text(question.id)} has a SHOW rule ({describe_rule(show, self.structure)}) "
                        f"and a HIDE rule ({describe_rule(hide, self.structure)}) at the same priority "
                        f"{_priority(show)}; when both hold, HIDE wins. Give the rule that should win a "
                        "higher priority.",
                        question_ids=(question.id,),
                        rule_ids=(show.id, hide.id),
                    )
                )
        return findings


def _priority(rule: RuleData) -> int:
    try:
        return int(rule.priority)
    except (TypeError, ValueError):
        return 0


def _plain(quoted: str) -> str:
    return quoted[1:-1] if quoted.startswith('"') and quoted.endswith('"') else quoted
