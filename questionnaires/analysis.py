"""Find authoring mistakes in a questionnaire before a client meets them (docs/authoring.md).

The admin shows the findings on a questionnaire's page, and ``questionnaire_publish`` refuses a
questionnaire that has errors. Verdicts come from the rule engine (questionnaires/rules.py) and the
interchange checks (questionnaires/interchange.py): whether a condition can hold is decided by
evaluating it, with the engine, on the answers a client could give (as the answer validator accepts
them), never by a second evaluator.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from questionnaires.expressions import (
    NOT_AVAILABLE,
    answer_values,
    computed_evaluate,
    computed_of,
    expression_trouble,
)
from questionnaires.interchange import structure_from_document
from questionnaires.interchange_checks import questionnaire_validate
from questionnaires.probing import Prober, as_uuid, bounds_words, leaf_nodes, leaf_only
from questionnaires.rules import condition_fields
from questionnaires.structure import QuestionData, QuestionnaireStructure, RuleData
from questionnaires.types import OPERATOR_LABELS, VALUELESS_OPERATORS

__all__ = [
    "ERROR",
    "WARNING",
    "Analysis",
    "Finding",
    "describe_condition",
    "describe_rule",
    "document_analyse",
    "edit_analyse",
    "question_name",
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
    "computed_type",
    "computed_zero",
)


@dataclass(frozen=True)
class Finding:
    """One problem, explained: errors block publishing, warnings do not."""

    severity: str
    code: str
    message: str
    question_ids: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    path: tuple[str, ...] = ()  # a cycle: the question texts along it, back to the first
    question_names: tuple[str, ...] = ()  # one per question id, as an author knows it (question_name)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def questions(self) -> tuple[tuple[str, str], ...]:
        """Return (id, name) of each question the finding is about, for links that say where they go."""
        names = self.question_names
        return tuple(
            (question_id, names[i] if i < len(names) else f"question {i + 1}")
            for i, question_id in enumerate(self.question_ids)
        )


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

    return _analyse_stored(questionnaire_export(questionnaire))


def _analyse_stored(document: Mapping) -> Analysis:
    """Analyse a document taken from the database, naming the other questionnaires' questions it reads."""
    from questionnaires.models import Question

    known = _document_question_ids(document)
    referenced = set()
    for rule in _document_rules(document):
        referenced |= {f for f in condition_fields(rule.get("condition")) if as_uuid(f)}
        referenced |= {t for t in rule.get("target_question_ids") or () if as_uuid(t)}
    unknown = {str(as_uuid(i)) for i in referenced} - known
    foreign = {}
    if unknown:
        for other in Question.objects.filter(pk__in=sorted(unknown)).select_related("section__questionnaire"):
            owner = other.section.questionnaire
            foreign[str(other.pk)] = (
                f'{_quoted(other.text)} of another questionnaire ("{owner.name}" v{owner.version})'
            )
    return document_analyse(document, foreign=foreign)


# An edit that brings one of these in is refused: a rule that loops or reads nothing is never meant.
REFUSED_ON_SAVE = frozenset({"cycle", "missing_question", "foreign_question"})


@dataclass(frozen=True)
class EditVerdict:
    """What an edit of one question (its fields, its rules) brings into its questionnaire's analysis."""

    refused: tuple[Finding, ...] = ()  # new cycles and dangling references: the edit is not saved
    warnings: tuple[Finding, ...] = ()  # anything else new: saved, and said on the page


def edit_analyse(
    questionnaire,
    *,
    question_id: str,
    fields: Mapping[str, Any] | None = None,
    rules: list[dict] | None = None,
    document: Mapping | None = None,
    current: Analysis | None = None,
) -> EditVerdict:
    """Analyse a questionnaire as it would be after an edit of one question, against how it is now.

    ``fields`` replaces the question's own fields (as the interchange format names them) and
    ``rules`` its whole list of visibility rules (interchange dicts with ids). Only findings the edit
    brings in count: a questionnaire imported with a problem does not block every later save.
    ``document`` (its export) and ``current`` (its analysis) save reading them again when the caller
    has them; they must be of the questionnaire as stored.
    """
    from questionnaires.interchange import questionnaire_export

    document = document if document is not None else questionnaire_export(questionnaire)
    edited = copy.deepcopy(document)
    for section in _items(edited.get("sections")):
        for question in _items(section.get("questions")):
            if question.get("id") != str(question_id):
                continue
            question.update({k: v for k, v in (fields or {}).items() if k != "id"})
            if rules is not None:
                question["visibility_rules"] = rules
    current = current if current is not None else _analyse_stored(document)
    before = {_identity(f) for f in current.findings}
    new = [f for f in _analyse_stored(edited).findings if _identity(f) not in before]
    return EditVerdict(
        refused=tuple(f for f in new if f.code in REFUSED_ON_SAVE),
        warnings=tuple(f for f in new if f.code not in REFUSED_ON_SAVE),
    )


def _identity(finding: Finding) -> tuple:
    """What a finding is about, not how it reads: renaming a question on a cycle leaves the same cycle."""
    if finding.rule_ids or finding.question_ids:
        return finding.code, frozenset(finding.rule_ids), frozenset(finding.question_ids)
    return finding.code, finding.message


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
    if not any(f.message.startswith("metadata.computed") for f in findings):
        findings += _computed_findings(document, structure)
    graph = _Graph(structure, foreign or {})
    findings += graph.reference_findings()
    findings += graph.cycle_findings()
    blocked_rules = {rule_id for finding in findings if finding.is_error for rule_id in finding.rule_ids}
    findings += graph.reachability_findings(blocked_rules)
    findings = [graph.with_consequence(finding) for finding in findings]
    findings = [_with_names(finding, structure, foreign or {}) for finding in findings]
    return Analysis(findings=_sorted(findings), never_visible=frozenset(graph.never))


def _with_names(finding: Finding, structure: QuestionnaireStructure, foreign: Mapping[str, str]) -> Finding:
    names = []
    for question_id in finding.question_ids:
        try:
            names.append(question_name(structure.question(str(question_id))))
        except KeyError:
            names.append(foreign.get(str(question_id), "a question that does not exist"))
    return replace(finding, question_names=tuple(names))


def _sample(question: QuestionData, *, zero: bool) -> Any:
    """A typical answer value of the question's type, as an expression reads it (numbers 0 if ``zero``)."""
    options = [o for o in question.options or () if isinstance(o, Mapping)]
    value: Any = {
        "NUMBER": {"number": 0 if zero else 1},
        "SCALE": {"rating": 0 if zero else 1},
        "DATE": {"date": "2025-01-01"},
        "FILE_UPLOAD": {"fileName": "file.pdf"},
        "SINGLE_CHOICE": {"selectedOptionId": options[0].get("id")} if options else None,
        "MULTIPLE_CHOICE": {"selectedOptionIds": [options[0].get("id")]} if options else None,
    }.get(question.type, {"text": "text"})
    if question.type == "MATRIX":
        rows = (question.metadata or {}).get("rows") or ()
        first = options[0].get("id") if options else None
        value = {"rows": {r.get("id"): first for r in rows if isinstance(r, Mapping)}}
    return value


def _computed_findings(document: Mapping, structure: QuestionnaireStructure) -> list[Finding]:
    """Evaluate each computed value on typical answers: a wrong type is an error, 0 as divisor a warning."""
    computed = computed_of(document.get("metadata"))
    if not computed:
        return []
    findings = []
    every = {q.id for q in structure.questions}
    for zero in (False, True):
        answers = {q.id: _sample(q, zero=zero) for q in structure.questions}
        names = answer_values(structure.questions, answers, every)
        names.update({k: v for k, v in computed_evaluate(computed, names).items() if v is not NOT_AVAILABLE})
        for item in computed:
            trouble = expression_trouble(item.expression, names)
            if trouble == "type" and not zero:
                findings.append(
                    Finding(
                        ERROR,
                        "computed_type",
                        f'The computed value "{item.name}" ({item.expression}) cannot be computed from '
                        "answers of the types its questions have: it mixes numbers, texts or choices.",
                    )
                )
            elif trouble == "zero" and zero:
                findings.append(
                    Finding(
                        WARNING,
                        "computed_zero",
                        f'The computed value "{item.name}" ({item.expression}) divides by zero when a '
                        'number it reads is 0; it then reads "not available".',
                    )
                )
    return findings


def _sorted(findings: list[Finding]) -> tuple[Finding, ...]:
    unique = list(dict.fromkeys(findings))
    rank = {code: position for position, code in enumerate(CODES)}
    return tuple(sorted(unique, key=lambda f: (f.severity != ERROR, rank.get(f.code, len(CODES)), f.message)))


# --- Words for questions, conditions and rules -------------------------------------------------------

_ACTION_VERBS = {"SHOW": "shows", "HIDE": "hides", "REQUIRE": "requires", "UNREQUIRE": "makes optional"}


def _quoted(text: Any) -> str:
    text = " ".join(str(text).split())
    return f'"{text if len(text) <= 60 else text[:57] + "..."}"'


def question_name(question: QuestionData) -> str:
    """Return a question as an author knows it, its text shortened and its key: “Annual revenue” (revenue)."""
    text = " ".join(str(question.text).split())
    if len(text) > 50:
        text = text[:49].rstrip() + "…"
    return f"“{text}” ({question.key})" if question.key else f"“{text}”"


def _question_words(question_id: Any, structure: QuestionnaireStructure) -> str:
    try:
        return _quoted(structure.question(str(question_id)).text)
    except KeyError:
        pass
    for item in computed_of(structure.metadata):  # a rule may test a computed value by its name
        if item.name == question_id:
            return f"the computed value {item.name}"
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
        elif isinstance(item, str) and labels and as_uuid(item):
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
            question_id = as_uuid(question.get("id"))
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


# --- The rule graph -------------------------------------------------------------------------------


@dataclass
class _Graph:
    structure: QuestionnaireStructure
    foreign: Mapping[str, str]
    never: dict[str, str] = field(default_factory=dict)  # question id -> why it can never be visible

    def __post_init__(self) -> None:
        self.engine = self.structure.engine()
        self.ids = {q.id for q in self.structure.questions}
        self.prober = Prober(self.structure)
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
        canonical = as_uuid(question_id)
        described = self.foreign.get(str(canonical)) if canonical else None
        if described:
            return "foreign_question", described
        return "missing_question", f"a question that does not exist ({question_id})"

    def reference_findings(self) -> list[Finding]:
        findings = []
        computed = {item.name for item in computed_of(self.structure.metadata)}  # tested by name
        for rule in self.structure.rules:
            name = _rule_name(rule, self.structure)
            for field_id in sorted(condition_fields(rule.condition) - self.ids - computed):
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
        for node in leaf_nodes(condition):
            leaf = leaf_only(node)
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
                "" if operator in VALUELESS_OPERATORS else " " + _value_words(leaf.get("value"), question)
            )
            reasons.append(
                f"no answer {self.text(field_id)} accepts{bounds_words(question)} {words}{compared}"
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
