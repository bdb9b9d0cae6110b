"""Checks the admin's question and rule forms share with code that authors programmatically.

A question's fields are checked as an import would check them (questionnaires/interchange.py), plus
the rules that read it; a rule is checked against the questions it reads. Messages are pinned to the
form field they concern. questionnaires/forms.py shows them; see docs/authoring.md.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Mapping
from typing import Any

from questionnaires.interchange import answers_validate, questionnaire_export, structure_from_document
from questionnaires.interchange_checks import FORMAT, questionnaire_validate
from questionnaires.keys import key_from_text, key_problem
from questionnaires.models import Questionnaire
from questionnaires.structure import QUESTION_FIELDS, structure_load

_PATH = re.compile(
    r"^sections\[0\]\.questions\[0\]\.(?P<field>[A-Za-z_]+)(?P<rest>\S*): (?P<detail>.*)$", re.DOTALL
)
_RULE_KEYS = ("condition", "action", "target_question_ids", "priority", "is_active")


def option_ids_fill(options: Any) -> Any:
    """Give every option without an id a new one (uuid4); other options are returned unchanged."""
    if not isinstance(options, list):
        return options
    filled = []
    for option in options:
        if isinstance(option, dict) and not (isinstance(option.get("id"), str) and option["id"].strip()):
            option = {"id": str(uuid.uuid4()), **{k: v for k, v in option.items() if k != "id"}}
        filled.append(option)
    return filled


def _readable(rest: str, detail: str) -> str:
    """Turn the rest of a JSON path and its message into words pinned to a form field."""
    rest = re.sub(r"^\[(\d+)\]", lambda m: f"item {int(m[1]) + 1}", rest.lstrip("."))
    rest = re.sub(r"nested\[(\d+)\]", lambda m: f"part {int(m[1]) + 1}", rest)
    return f"{rest}: {detail}" if rest else detail


def jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def question_problems(
    *, data: Mapping[str, Any], questionnaire: Questionnaire | None = None, question_id: str | None = None
) -> dict[str, list[str]]:
    """Check one question's fields as an import would, and against the rules that read it.

    Return messages keyed by field name ("__all__" for the rest); an empty dict means no problem.
    The checks are the interchange format's (JSON Schemas of seed 000 §5, option ids, min ≤ max,
    regular expressions, default answers) plus: a suggested answer given in an answer's shape must be
    a valid answer, and an option that a rule compares with may not be removed.
    """
    question_id = str(question_id or uuid.uuid4())
    entry: dict[str, Any] = {"id": question_id}
    for key in QUESTION_FIELDS:
        if key in data:
            entry[key] = jsonable(data[key])
    entry.setdefault("order_index", 0)
    if entry.get("metadata") is None:
        entry["metadata"] = {}
    document = {
        "format": FORMAT,
        "id": str(uuid.uuid4()),
        "name": "check",
        "sections": [{"id": str(uuid.uuid4()), "name": "check", "order_index": 0, "questions": [entry]}],
    }
    problems: dict[str, list[str]] = {}
    for problem in questionnaire_validate(document, check_database=False):
        match = _PATH.match(problem)
        if match is None:
            continue
        name = match["field"] if match["field"] in QUESTION_FIELDS else "__all__"
        problems.setdefault(name, []).append(_readable(match["rest"], match["detail"]))

    suggested = entry.get("suggested_answer")
    if not problems and isinstance(suggested, dict) and isinstance(suggested.get("value"), dict):
        try:
            structure = structure_from_document(document)
        except (KeyError, TypeError, ValueError):
            structure = None
        if structure is not None:
            _, found = answers_validate(structure, {question_id: suggested["value"]})
            for problem in found:
                problems.setdefault("suggested_answer", []).append(
                    "value" + problem.split(question_id, 1)[-1].lstrip("'\"]")
                )

    if questionnaire is not None and "options" in data:
        problems_on_options = _options_in_use(
            questionnaire=questionnaire, question_id=question_id, options=entry.get("options")
        )
        if problems_on_options:
            problems.setdefault("options", []).extend(problems_on_options)
    return problems


def question_key(
    *, questionnaire: Questionnaire | None, question_id: Any, text: Any, wanted: str | None
) -> tuple[str, str | None]:
    """Return the key a question gets, and what is wrong with the key asked for (None when nothing).

    A key asked for must be well formed and not another question's key in the questionnaire; with
    none asked for, one is made from the question's text, unique within the questionnaire.
    """
    taken: dict[str, str] = {}
    if questionnaire is not None and questionnaire.pk is not None:
        try:
            structure = structure_load(questionnaire.pk)
        except Questionnaire.DoesNotExist:
            structure = None
        if structure is not None:
            taken = {q.key: q.text for q in structure.questions if q.key and q.id != str(question_id)}
    if not wanted:
        return key_from_text(text, taken), None
    problem = key_problem(wanted)
    if problem is None and wanted in taken:
        problem = f"{wanted!r} is already the key of the question “{taken[wanted]}”"
    return wanted, problem


def _options_in_use(*, questionnaire: Questionnaire, question_id: str, options: Any) -> list[str]:
    """Name the options a rule compares with that this edit would remove."""
    from questionnaires.analysis import describe_rule

    try:
        structure = structure_load(questionnaire.pk)
        before = structure.question(question_id)
    except (Questionnaire.DoesNotExist, KeyError):
        return []
    kept = {o.get("id") for o in options or () if isinstance(o, dict)}
    labels = {o.get("id"): o.get("label") for o in before.options or () if isinstance(o, dict)}
    messages = []
    for rule in structure.rules:
        stack = [rule.condition]
        used = set()
        while stack:
            node = stack.pop()
            if not isinstance(node, dict):
                continue
            if node.get("field") == question_id:
                values = node.get("value")
                for value in values if isinstance(values, list) else [values]:
                    if isinstance(value, str) and value in labels and value not in kept:
                        used.add(value)
            if isinstance(node.get("nested"), list):
                stack.extend(node["nested"])
        for option_id in sorted(used):
            messages.append(
                f'Option "{labels[option_id]}" is used by the rule {describe_rule(rule, structure)}; '
                "change that rule before removing the option."
            )
    return messages


def visibility_rule_problems(
    *,
    questionnaire: Questionnaire,
    question_id: str,
    data: Mapping[str, Any],
    rule_id: str | None = None,
    document: dict | None = None,
) -> dict[str, list[str]]:
    """Check one rule against its questionnaire as an import would (references, operators, options).

    ``document`` is the questionnaire's export, when the caller already has it. Messages are keyed
    by field name ("__all__" for the rest). Cycles are left to the analysis shown on the page.
    """
    document = copy.deepcopy(document if document is not None else questionnaire_export(questionnaire))
    rule_id = str(rule_id or uuid.uuid4())
    entry: dict[str, Any] = {"id": rule_id, "priority": 0, "is_active": True}
    for key in _RULE_KEYS:
        if key in data and data[key] is not None:
            entry[key] = jsonable(data[key])
    path = None
    for s, section in enumerate(document["sections"]):
        for q, question in enumerate(section["questions"]):
            if question["id"] == str(question_id):
                rules = [r for r in question["visibility_rules"] if r["id"] != rule_id]
                rules.append(entry)
                question["visibility_rules"] = rules
                path = f"sections[{s}].questions[{q}].visibility_rules[{len(rules) - 1}]"
    if path is None:
        return {}
    problems: dict[str, list[str]] = {}
    for problem in questionnaire_validate(document, check_database=False):
        if not problem.startswith(path + ".") and not problem.startswith(path + ":"):
            continue
        rest, _, detail = problem[len(path) :].partition(": ")
        name = rest.lstrip(".").split(".", 1)[0].split("[", 1)[0]
        name = name if name in _RULE_KEYS else "__all__"
        shown = rest.lstrip(".")[len(name) :] if name != "__all__" else rest
        problems.setdefault(name, []).append(_readable(shown, detail))
    return problems
