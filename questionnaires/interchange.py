"""Export questionnaires to, and import them from, the ``acqs-questionnaire/1`` JSON format.

The format (docs/questionnaire-format.md) names its fields after seed 000's columns and keeps every id.
The management commands ``import_questionnaire``, ``export_questionnaire`` and ``evaluate_rules`` are
its command-line interface; the demo questionnaire (questionnaires/demo.py) is loaded through it.
A document is checked (questionnaires/interchange_checks.py) before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from audit.services import audit_record
from questionnaires.interchange_checks import (
    FORMAT,
    answer_problems,
    canonical_condition,
    canonical_id,
    parse_moment,
    path_join,
    questionnaire_validate,
)
from questionnaires.keys import keys_assign
from questionnaires.models import Question, Questionnaire, Section, VisibilityRule
from questionnaires.structure import (
    QUESTION_FIELDS,
    QuestionData,
    QuestionnaireStructure,
    RuleData,
    SectionData,
)

__all__ = [
    "InterchangeError",
    "answers_validate",
    "json_file_read",
    "questionnaire_export",
    "questionnaire_import",
    "structure_from_document",
]


class InterchangeError(ValueError):
    """A document (or file) that cannot be imported; ``problems`` lists every reason, with its path."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --- Export ---------------------------------------------------------------------------------------


def _moment_text(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.UTC).isoformat()


def _rule_document(rule: VisibilityRule) -> dict[str, Any]:
    return {
        "id": str(rule.id),
        "condition": rule.condition,
        "action": rule.action,
        "target_question_ids": [str(target) for target in rule.target_question_ids],
        "priority": rule.priority,
        "is_active": rule.is_active,
    }


def _question_document(question: Question, rules: list[VisibilityRule]) -> dict[str, Any]:
    return {
        "id": str(question.id),
        **{name: getattr(question, name) for name in QUESTION_FIELDS},
        "visibility_rules": [_rule_document(rule) for rule in rules],
    }


def _question_fields(question_data: Mapping[str, Any]) -> dict[str, Any]:
    """Return a valid document's question as its fields (QUESTION_FIELDS), with the columns' defaults."""
    fields = {name: question_data.get(name) for name in QUESTION_FIELDS}
    fields["is_required"] = question_data.get("is_required", False)
    fields["metadata"] = question_data.get("metadata", {})
    return fields


def _keys_fill(questions: list[Question]) -> None:
    """Give each question without a key one made from its text (a document's own keys are checked)."""
    in_order = sorted(questions, key=lambda q: (q.section.order_index, q.order_index, str(q.id)))
    keys = keys_assign((str(q.id), q.text, q.metadata) for q in in_order)
    for question in questions:
        question.metadata = {**(question.metadata or {}), "key": keys[str(question.id)]}


def questionnaire_export(questionnaire: Questionnaire) -> dict[str, Any]:
    """Return the interchange document of a questionnaire, in a deterministic order.

    Sections and questions by ``order_index`` (then id), rules by priority, highest first (then id).
    Four queries, whatever the questionnaire's size.
    """
    questionnaire = Questionnaire.objects.get(pk=questionnaire.pk)
    sections = sorted(
        Section.objects.filter(questionnaire=questionnaire), key=lambda s: (s.order_index, str(s.id))
    )
    questions: dict[Any, list[Question]] = {}
    for question in sorted(
        Question.objects.filter(section__questionnaire=questionnaire),
        key=lambda q: (q.order_index, str(q.id)),
    ):
        questions.setdefault(question.section_id, []).append(question)
    rules: dict[Any, list[VisibilityRule]] = {}
    for rule in sorted(
        VisibilityRule.objects.filter(question__section__questionnaire=questionnaire),
        key=lambda r: (-r.priority, str(r.id)),
    ):
        rules.setdefault(rule.question_id, []).append(rule)
    return {
        "format": FORMAT,
        "id": str(questionnaire.id),
        "name": questionnaire.name,
        "description": questionnaire.description,
        "industry": questionnaire.industry,
        "version": questionnaire.version,
        "is_active": questionnaire.is_active,
        "is_default": questionnaire.is_default,
        "estimated_time": questionnaire.estimated_time,
        "metadata": questionnaire.metadata,
        "published_at": _moment_text(questionnaire.published_at),
        "sections": [
            {
                "id": str(section.id),
                "name": section.name,
                "description": section.description,
                "order_index": section.order_index,
                "icon": section.icon,
                "estimated_time": section.estimated_time,
                "metadata": section.metadata,
                "questions": [
                    _question_document(question, rules.get(question.id, []))
                    for question in questions.get(section.id, [])
                ],
            }
            for section in sections
        ],
    }


# --- Import ---------------------------------------------------------------------------------------


@transaction.atomic
def questionnaire_import(document: Any, *, organization=None, actor=None) -> Questionnaire:
    """Create a questionnaire with its sections, questions and rules from an interchange document.

    All or nothing: raise ``InterchangeError`` with every problem, and write nothing, if the document
    is invalid or its questionnaire id already exists. Ids are kept. The import is audited.
    """
    problems = questionnaire_validate(document)
    questionnaire_id = canonical_id(document.get("id")) if isinstance(document, dict) else None
    if questionnaire_id is not None and Questionnaire.objects.filter(pk=questionnaire_id).exists():
        problems.insert(
            0,
            f"id: questionnaire {questionnaire_id} already exists; export it, or give the document a new id",
        )
    if problems:
        raise InterchangeError(problems)

    user_model = get_user_model()
    published_at = document.get("published_at")
    try:
        with transaction.atomic():
            questionnaire = Questionnaire.objects.create(
                id=questionnaire_id,
                organization=organization,
                name=document["name"],
                description=document.get("description"),
                industry=document.get("industry"),
                version=document.get("version", 1),
                is_active=document.get("is_active", True),
                is_default=document.get("is_default", False),
                estimated_time=document.get("estimated_time"),
                metadata=document.get("metadata", {}),
                published_at=parse_moment(published_at) if published_at else None,
                created_by=actor if isinstance(actor, user_model) and actor.pk else None,
            )
            sections, questions, rules = [], [], []
            for section_data in document["sections"]:
                section = Section(
                    id=canonical_id(section_data["id"]),
                    questionnaire=questionnaire,
                    name=section_data["name"],
                    description=section_data.get("description"),
                    order_index=section_data["order_index"],
                    icon=section_data.get("icon"),
                    estimated_time=section_data.get("estimated_time"),
                    metadata=section_data.get("metadata", {}),
                )
                sections.append(section)
                for question_data in section_data.get("questions", []):
                    question = Question(
                        id=canonical_id(question_data["id"]),
                        section=section,
                        **_question_fields(question_data),
                    )
                    questions.append(question)
                    for rule_data in question_data.get("visibility_rules", []):
                        rules.append(
                            VisibilityRule(
                                id=canonical_id(rule_data["id"]),
                                question=question,
                                condition=canonical_condition(rule_data["condition"]),
                                action=rule_data["action"],
                                target_question_ids=[
                                    canonical_id(t) for t in rule_data["target_question_ids"]
                                ],
                                priority=rule_data.get("priority", 0),
                                is_active=rule_data.get("is_active", True),
                            )
                        )
            _keys_fill(questions)
            Section.objects.bulk_create(sections)
            Question.objects.bulk_create(questions)
            VisibilityRule.objects.bulk_create(rules)
    except IntegrityError as clash:
        constraint = getattr(getattr(clash.__cause__, "diag", None), "constraint_name", "") or ""
        if constraint == "idx_questionnaires_default_industry":
            raise InterchangeError(
                ["is_default: another published questionnaire is already the default for this industry"]
            ) from None
        # Validation found the ids free; another import took one in the meantime.
        raise InterchangeError(
            ["an id of this document was taken by another import while this one ran; try again"]
        ) from None

    audit_record(
        actor=actor,
        action="questionnaire.import",
        resource=questionnaire,
        after={
            "format": FORMAT,
            "sections": len(sections),
            "questions": len(questions),
            "visibility_rules": len(rules),
        },
    )
    return questionnaire


# --- Plain structure from a document --------------------------------------------------------------


def structure_from_document(document: dict) -> QuestionnaireStructure:
    """Return the structure of a valid document without touching the database (for dry runs)."""
    sections = []
    rules = []
    for section_data in sorted(document["sections"], key=lambda s: (s["order_index"], canonical_id(s["id"]))):
        section_id = canonical_id(section_data["id"])
        questions = []
        for question_data in sorted(
            section_data.get("questions", []), key=lambda q: (q["order_index"], canonical_id(q["id"]))
        ):
            question_id = canonical_id(question_data["id"])
            questions.append(
                QuestionData(
                    id=question_id,
                    section_id=section_id,
                    **{
                        **_question_fields(question_data),
                        "industry_tags": tuple(question_data.get("industry_tags") or ()),
                    },
                )
            )
            for rule_data in question_data.get("visibility_rules", []):
                rules.append(
                    RuleData(
                        id=canonical_id(rule_data["id"]),
                        question_id=question_id,
                        condition=canonical_condition(rule_data["condition"]),
                        action=rule_data["action"],
                        target_question_ids=tuple(canonical_id(t) for t in rule_data["target_question_ids"]),
                        priority=rule_data.get("priority", 0),
                        is_active=rule_data.get("is_active", True),
                    )
                )
        sections.append(
            SectionData(
                id=section_id,
                name=section_data["name"],
                description=section_data.get("description"),
                order_index=section_data["order_index"],
                icon=section_data.get("icon"),
                estimated_time=section_data.get("estimated_time"),
                questions=tuple(questions),
                metadata=section_data.get("metadata", {}),
            )
        )
    published_at = document.get("published_at")
    return QuestionnaireStructure(
        id=canonical_id(document["id"]),
        name=document["name"],
        version=document.get("version", 1),
        industry=document.get("industry"),
        estimated_time=document.get("estimated_time"),
        sections=tuple(sections),
        rules=tuple(sorted(rules, key=lambda r: (-r.priority, r.id))),
        description=document.get("description"),
        is_active=document.get("is_active", True),
        published_at=parse_moment(published_at) if published_at else None,
        metadata=document.get("metadata", {}),
    )


# --- Answers ---------------------------------------------------------------------------------------


def answers_validate(structure: QuestionnaireStructure, answers: Any) -> tuple[dict[str, Any], list[str]]:
    """Check answers keyed by question id (values in the seed's §5.3 shape) against a questionnaire.

    Return the answers keyed by the canonical question id, and every problem found ([] if none). A
    null value means unanswered.
    """
    if not isinstance(answers, dict):
        return {}, ["(root): answers must be a JSON object mapping question ids to answers"]
    checked: dict[str, Any] = {}
    problems = []
    for key, value in answers.items():
        question_id = canonical_id(key)
        try:
            question = structure.question(question_id or key)
        except KeyError:
            problems.append(f"{path_join('', key)}: not a question of this questionnaire")
            continue
        if value is not None:
            options = {o["id"] for o in question.options or () if isinstance(o, dict) and "id" in o}
            rows = question.metadata.get("rows") if isinstance(question.metadata, dict) else None
            row_ids = {r["id"] for r in rows or () if isinstance(r, dict) and "id" in r}
            problems += answer_problems(path_join("", key), question.type, options, row_ids, value)
        checked[question.id] = value
    return checked, problems


# --- Files ----------------------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def json_file_read(path: str | Path) -> Any:
    """Return the parsed JSON of a file; raise ``InterchangeError`` with one clear message otherwise."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InterchangeError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise InterchangeError([f"{path}: is a directory, not a file"]) from None
    except PermissionError:
        raise InterchangeError([f"{path}: permission denied"]) from None
    except UnicodeDecodeError:
        raise InterchangeError([f"{path}: is not UTF-8 text"]) from None
    except OSError as exc:
        raise InterchangeError([f"{path}: cannot be read ({exc.strerror or exc})"]) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InterchangeError(
            [f"{path}: is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
        ) from None
    except ValueError as exc:
        raise InterchangeError([f"{path}: is not valid JSON: {exc}"]) from None
    except RecursionError:
        raise InterchangeError([f"{path}: is nested too deeply"]) from None
