"""Every authoring write: publish, new versions, clones, imports, ordering and defaults.

The admin (questionnaires/admin.py) calls these; each runs in one transaction with its audit row.
Field edits made through the admin's forms are recorded field by field by django-auditlog; the checks
those forms run (``question_problems``, ``visibility_rule_problems``) live here too, so that code
authoring questions programmatically gets the same messages. See docs/authoring.md.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from audit.services import audit_record
from questionnaires import selectors
from questionnaires.analysis import Analysis, questionnaire_analyse
from questionnaires.interchange import (
    FORMAT,
    InterchangeError,
    answers_validate,
    questionnaire_export,
    questionnaire_import,
    questionnaire_validate,
    structure_from_document,
)
from questionnaires.models import Question, Questionnaire, Section, VisibilityRule
from questionnaires.rules import condition_fields
from questionnaires.structure import (
    QUESTION_FIELDS,
    QuestionnaireStructure,
    structure_invalidate,
    structure_load,
)

# The key, in a section's or question's metadata, that ties its copies in later versions to it; the
# diff between two versions matches sections and questions by it.
LINEAGE_KEY = "lineageKey"


class AuthoringError(Exception):
    """An authoring action that cannot be done; ``messages`` says why, for the admin to show."""

    def __init__(self, *messages: str):
        self.messages = list(messages)
        super().__init__(" ".join(messages))


class QuestionnairePublished(AuthoringError):
    """A published version is read-only: make a new version to change it."""


class DraftExists(AuthoringError):
    def __init__(self, draft: Questionnaire):
        self.draft = draft
        super().__init__(f"Version {draft.version} of this questionnaire is already a draft; edit that one.")


SAME_OWNER = object()  # questionnaire_clone: the copy keeps the source's owner


class PublishRefused(AuthoringError):
    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        count = len(analysis.errors)
        super().__init__(
            f"The analysis found {count} error{'s' if count != 1 else ''}; fix "
            f"{'them' if count != 1 else 'it'} before publishing.",
            *(finding.message for finding in analysis.errors),
        )


def questionnaire_ensure_draft(*, questionnaire: Questionnaire) -> Questionnaire:
    """Return the questionnaire as stored, locked until the transaction ends, if it is still a draft.

    Raise ``QuestionnairePublished`` otherwise. The lock keeps a publish from slipping in between
    the check and the change.
    """
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.published_at is not None:
        raise QuestionnairePublished(
            f'"{questionnaire.name}" v{questionnaire.version} is published and read-only; '
            "make a new version to change it."
        )
    return questionnaire


def _lineage_key(metadata: Any, fallback: Any) -> str:
    if isinstance(metadata, Mapping) and isinstance(metadata.get(LINEAGE_KEY), str):
        return metadata[LINEAGE_KEY]
    return str(fallback)


# --- Copies -----------------------------------------------------------------------------------------


def _remapped(condition: Any, ids: Mapping[str, str], depth: int = 0) -> Any:
    """Return a copy of a condition whose question references point at the copied questions."""
    if not isinstance(condition, dict) or depth > 64:
        return copy.deepcopy(condition)
    node = dict(condition)
    if isinstance(node.get("field"), str):
        node["field"] = ids.get(node["field"], node["field"])
    if isinstance(node.get("nested"), list):
        node["nested"] = [_remapped(child, ids, depth + 1) for child in node["nested"]]
    return node


def _copy_contents(*, source: Questionnaire, target: Questionnaire, keep_lineage: bool) -> dict[str, int]:
    """Copy the sections, questions and rules of ``source`` into ``target`` with new ids.

    Rules are re-pointed at the copies. Option ids are kept, so that answers and diffs can match
    them across versions. Bulk inserts bypass the signals: the caller invalidates the structure.
    """
    section_ids: dict[Any, uuid.UUID] = {}
    question_ids: dict[str, str] = {}
    sections, questions, rules = [], [], []

    def metadata(row) -> dict:
        data = dict(row.metadata or {})
        if keep_lineage:
            data[LINEAGE_KEY] = _lineage_key(row.metadata, row.pk)
        else:
            data.pop(LINEAGE_KEY, None)
        return data

    for section in Section.objects.filter(questionnaire=source).order_by("order_index", "id"):
        section_ids[section.pk] = uuid.uuid4()
        sections.append(
            Section(
                id=section_ids[section.pk],
                questionnaire=target,
                name=section.name,
                description=section.description,
                order_index=section.order_index,
                icon=section.icon,
                estimated_time=section.estimated_time,
                metadata=metadata(section),
            )
        )
    originals = list(Question.objects.filter(section__questionnaire=source).order_by("order_index", "id"))
    for question in originals:
        question_ids[str(question.pk)] = str(uuid.uuid4())
    for question in originals:
        questions.append(
            Question(
                id=question_ids[str(question.pk)],
                section_id=section_ids[question.section_id],
                text=question.text,
                type=question.type,
                help_text=question.help_text,
                explanation=question.explanation,
                placeholder=question.placeholder,
                order_index=question.order_index,
                is_required=question.is_required,
                options=copy.deepcopy(question.options),
                validation_rules=copy.deepcopy(question.validation_rules),
                default_value=copy.deepcopy(question.default_value),
                suggested_answer=copy.deepcopy(question.suggested_answer),
                industry_tags=list(question.industry_tags) if question.industry_tags is not None else None,
                document_mappings=copy.deepcopy(question.document_mappings),
                metadata=metadata(question),
            )
        )
    for rule in VisibilityRule.objects.filter(question__section__questionnaire=source).order_by("id"):
        rules.append(
            VisibilityRule(
                question_id=question_ids[str(rule.question_id)],
                condition=_remapped(rule.condition, question_ids),
                action=rule.action,
                # A target outside the questionnaire stays as it was, for the analysis to report.
                target_question_ids=[
                    uuid.UUID(question_ids.get(str(t), str(t))) for t in rule.target_question_ids or ()
                ],
                priority=rule.priority,
                is_active=rule.is_active,
            )
        )
    Section.objects.bulk_create(sections)
    Question.objects.bulk_create(questions)
    VisibilityRule.objects.bulk_create(rules)
    return {"sections": len(sections), "questions": len(questions), "visibility_rules": len(rules)}


def _questionnaire_copy(
    *,
    source: Questionnaire,
    actor,
    name: str,
    version: int,
    is_default: bool,
    keep_lineage: bool,
    organization_id=None,
) -> tuple[Questionnaire, dict]:
    """Create an unpublished copy of a questionnaire and its contents; return it with what was copied."""
    fields = {"lineage_id": source.lineage_id} if keep_lineage else {}
    new = Questionnaire.objects.create(
        **fields,
        organization_id=organization_id,
        name=name,
        description=source.description,
        industry=source.industry,
        version=version,
        is_active=True,
        is_default=is_default,
        estimated_time=source.estimated_time,
        metadata=copy.deepcopy(source.metadata),
        created_by=actor if getattr(actor, "pk", None) else None,
        published_at=None,
    )
    counts = _copy_contents(source=source, target=new, keep_lineage=keep_lineage)
    structure_invalidate(new.pk)
    return new, counts


@transaction.atomic
def questionnaire_new_version(*, questionnaire: Questionnaire, actor) -> Questionnaire:
    """Copy a published version into a new draft of the same lineage, numbered after the latest."""
    lineage = Questionnaire.objects.select_for_update().filter(lineage_id=questionnaire.lineage_id)
    versions = list(lineage.order_by("version"))
    draft = next((q for q in versions if q.published_at is None), None)
    if draft is not None:
        raise DraftExists(draft)
    source = Questionnaire.objects.get(pk=questionnaire.pk)
    latest = max(q.version for q in versions)
    new, counts = _questionnaire_copy(
        source=source,
        actor=actor,
        name=source.name,
        version=latest + 1,
        is_default=source.is_default,
        keep_lineage=True,
        organization_id=source.organization_id,
    )
    audit_record(
        actor=actor,
        action="questionnaire.new_version",
        resource=new,
        before={"source": str(source.pk), "version": source.version},
        after={"version": new.version, **counts},
    )
    return new


@transaction.atomic
def questionnaire_clone(
    *, questionnaire: Questionnaire, actor, name: str | None = None, organization_id=SAME_OWNER
) -> Questionnaire:
    """Copy any version into a new questionnaire (a new lineage), as draft version 1.

    The copy belongs to the source's owner unless `organization_id` names another (an organization
    copying a questionnaire of the shared catalogue makes it its own).
    """
    source = Questionnaire.objects.get(pk=questionnaire.pk)
    new, counts = _questionnaire_copy(
        source=source,
        actor=actor,
        name=(name or f"{source.name} (copy)")[:255],
        version=1,
        is_default=False,
        keep_lineage=False,
        organization_id=source.organization_id if organization_id is SAME_OWNER else organization_id,
    )
    audit_record(
        actor=actor,
        action="questionnaire.clone",
        resource=new,
        before={"source": str(source.pk), "version": source.version},
        after=counts,
    )
    return new


# --- Publishing and defaults ------------------------------------------------------------------------


def _demote_defaults(*, questionnaire: Questionnaire) -> list[Questionnaire]:
    """Clear is_default on the owner's other published defaults of the questionnaire's industry."""
    same = (
        Q(industry__isnull=True) | Q(industry="")
        if not questionnaire.industry
        else Q(industry=questionnaire.industry)
    )
    demoted = list(
        Questionnaire.objects.select_for_update()
        .filter(same, selectors.owner_is(questionnaire.organization_id), is_default=True)
        .filter(published_at__isnull=False)
        .exclude(pk=questionnaire.pk)
    )
    for other in demoted:
        other.is_default = False
        other.save(update_fields=["is_default", "updated_at"])
    return demoted


@transaction.atomic
def questionnaire_publish(*, questionnaire: Questionnaire, actor) -> Questionnaire:
    """Publish a draft: run the analysis (errors refuse), stamp published_at, move the default.

    Sessions already started keep the version they started on; new sessions start on the latest
    published version of the lineage.
    """
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.published_at is not None:
        raise AuthoringError(f'"{questionnaire.name}" v{questionnaire.version} is already published.')
    analysis = questionnaire_analyse(questionnaire)
    if analysis.errors:
        raise PublishRefused(analysis)
    changes = questionnaire_diff(questionnaire=questionnaire)
    try:
        with transaction.atomic():
            demoted = _demote_defaults(questionnaire=questionnaire) if questionnaire.is_default else []
            questionnaire.published_at = timezone.now()
            questionnaire.save(update_fields=["published_at", "updated_at"])
    except IntegrityError:
        raise AuthoringError(
            "Another questionnaire became the default for this industry at the same moment; try again."
        ) from None
    structure_invalidate(questionnaire.pk)
    audit_record(
        actor=actor,
        action="questionnaire.publish",
        resource=questionnaire,
        before={"published_at": None},
        after={
            "published_at": questionnaire.published_at.isoformat(),
            "version": questionnaire.version,
            "warnings": len(analysis.warnings),
            "changes": changes.summary(),
            "default_replaced": [str(q.pk) for q in demoted],
        },
    )
    return questionnaire


@transaction.atomic
def questionnaire_make_default(*, questionnaire: Questionnaire, actor) -> Questionnaire:
    """Make a published questionnaire the default of its industry, in place of the previous one."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.published_at is None:
        raise AuthoringError(
            "Only a published questionnaire can be the default; tick “is default” on the draft and it "
            "becomes the default when it is published."
        )
    demoted = _demote_defaults(questionnaire=questionnaire)
    questionnaire.is_default = True
    questionnaire.save(update_fields=["is_default", "updated_at"])
    audit_record(
        actor=actor,
        action="questionnaire.make_default",
        resource=questionnaire,
        before={"default": [str(q.pk) for q in demoted]},
        after={"default": str(questionnaire.pk), "industry": questionnaire.industry},
    )
    return questionnaire


@transaction.atomic
def questionnaire_set_active(*, questionnaire: Questionnaire, active: bool, actor) -> Questionnaire:
    """Open or close a version to new sessions (sessions in progress continue either way)."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    before = questionnaire.is_active
    questionnaire.is_active = active
    questionnaire.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="questionnaire.activate" if active else "questionnaire.deactivate",
        resource=questionnaire,
        before={"is_active": before},
        after={"is_active": active},
    )
    return questionnaire


# --- What changed between versions -------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class QuestionChange:
    kind: str  # "added", "removed" or "changed"
    question_id: str  # in the newer version, or in the older one when removed
    text: str
    section: str
    fields: tuple[FieldChange, ...] = ()
    options_added: tuple[str, ...] = ()
    options_removed: tuple[str, ...] = ()
    options_changed: tuple[tuple[str, str], ...] = ()  # (label before, label after)
    rules_added: int = 0
    rules_removed: int = 0


@dataclass(frozen=True)
class QuestionnaireDiff:
    previous: Questionnaire | None
    added: tuple[QuestionChange, ...] = ()
    removed: tuple[QuestionChange, ...] = ()
    changed: tuple[QuestionChange, ...] = ()
    sections_added: tuple[str, ...] = ()
    sections_removed: tuple[str, ...] = ()
    sections_renamed: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.sections_added
            or self.sections_removed
            or self.sections_renamed
        )

    def summary(self) -> dict[str, Any]:
        return {
            "previous": str(self.previous.pk) if self.previous else None,
            "questions_added": len(self.added),
            "questions_removed": len(self.removed),
            "questions_changed": len(self.changed),
            "options_added": sum(len(c.options_added) for c in self.changed),
            "options_removed": sum(len(c.options_removed) for c in self.changed),
            "options_changed": sum(len(c.options_changed) for c in self.changed),
        }


_COMPARED_FIELDS = (
    "text",
    "type",
    "help_text",
    "explanation",
    "placeholder",
    "is_required",
    "order_index",
    "validation_rules",
    "default_value",
    "suggested_answer",
    "industry_tags",
    "document_mappings",
)


def _rule_signatures(structure: QuestionnaireStructure, keys: Mapping[str, str]) -> dict[str, set[str]]:
    """Return, per owning question key, its rules with question ids replaced by lineage keys."""
    signatures: dict[str, set[str]] = {}
    for rule in structure.rules:
        signature = json.dumps(
            {
                "action": rule.action,
                "priority": rule.priority,
                "is_active": rule.is_active,
                "condition": _remapped(rule.condition, keys),
                "targets": sorted(keys.get(t, t) for t in rule.target_question_ids),
            },
            sort_keys=True,
            default=str,
        )
        signatures.setdefault(keys.get(rule.question_id, rule.question_id), set()).add(signature)
    return signatures


def _option_labels(options: Any) -> dict[str, dict]:
    return {o["id"]: o for o in options or () if isinstance(o, dict) and isinstance(o.get("id"), str)}


def questionnaire_diff(
    *, questionnaire: Questionnaire, previous: Questionnaire | None = None
) -> QuestionnaireDiff:
    """Return what changed since the previous published version of the lineage (questions, options).

    Sections and questions are matched through the lineage key their copies carry; options by id.
    Without a previous version everything counts as added.
    """
    if previous is None:
        previous = selectors.questionnaire_previous_version(questionnaire=questionnaire)
    new = structure_load(questionnaire.pk)
    old = structure_load(previous.pk) if previous is not None else None

    def keyed(structure: QuestionnaireStructure | None):
        if structure is None:
            return {}, {}, {}
        section_keys = {s.id: _lineage_key(s.metadata, s.id) for s in structure.sections}
        sections = {section_keys[s.id]: s for s in structure.sections}
        keys = {q.id: _lineage_key(q.metadata, q.id) for q in structure.questions}
        questions = {keys[q.id]: q for q in structure.questions}
        return sections, questions, keys

    new_sections, new_questions, new_keys = keyed(new)
    old_sections, old_questions, old_keys = keyed(old)
    new_rules = _rule_signatures(new, new_keys)
    old_rules = _rule_signatures(old, old_keys) if old is not None else {}
    section_name = {s.id: s.name for s in new.sections}
    old_section_name = {s.id: s.name for s in old.sections} if old is not None else {}

    added, removed, changed = [], [], []
    for key, question in new_questions.items():
        if key not in old_questions:
            added.append(
                QuestionChange(
                    "added",
                    question.id,
                    question.text,
                    section_name.get(question.section_id, ""),
                    rules_added=len(new_rules.get(key, ())),
                )
            )
            continue
        before = old_questions[key]
        fields = [
            FieldChange(name, getattr(before, name), getattr(question, name))
            for name in _COMPARED_FIELDS
            if getattr(before, name) != getattr(question, name)
        ]
        extra_before = {k: v for k, v in (before.metadata or {}).items() if k != LINEAGE_KEY}
        extra_after = {k: v for k, v in (question.metadata or {}).items() if k != LINEAGE_KEY}
        if extra_before != extra_after:
            fields.append(FieldChange("metadata", extra_before, extra_after))
        if old_section_name.get(before.section_id) != section_name.get(question.section_id):
            fields.append(
                FieldChange(
                    "section", old_section_name.get(before.section_id), section_name.get(question.section_id)
                )
            )
        old_options, new_options = _option_labels(before.options), _option_labels(question.options)
        options_added = tuple(new_options[i].get("label", i) for i in new_options if i not in old_options)
        options_removed = tuple(old_options[i].get("label", i) for i in old_options if i not in new_options)
        options_changed = tuple(
            (old_options[i].get("label", i), new_options[i].get("label", i))
            for i in new_options
            if i in old_options and old_options[i] != new_options[i]
        )
        before_rules, after_rules = old_rules.get(key, set()), new_rules.get(key, set())
        if before.options != question.options and not (options_added or options_removed or options_changed):
            fields.append(FieldChange("options (order)", None, None))
        if fields or options_added or options_removed or options_changed or before_rules != after_rules:
            changed.append(
                QuestionChange(
                    "changed",
                    question.id,
                    question.text,
                    section_name.get(question.section_id, ""),
                    fields=tuple(fields),
                    options_added=options_added,
                    options_removed=options_removed,
                    options_changed=options_changed,
                    rules_added=len(after_rules - before_rules),
                    rules_removed=len(before_rules - after_rules),
                )
            )
    for key, question in old_questions.items():
        if key not in new_questions:
            removed.append(
                QuestionChange(
                    "removed",
                    question.id,
                    question.text,
                    old_section_name.get(question.section_id, ""),
                    rules_removed=len(old_rules.get(key, ())),
                )
            )
    renamed = tuple(
        (old_sections[key].name, section.name)
        for key, section in new_sections.items()
        if key in old_sections and old_sections[key].name != section.name
    )
    return QuestionnaireDiff(
        previous=previous,
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        sections_added=tuple(
            s.name for k, s in new_sections.items() if old is not None and k not in old_sections
        ),
        sections_removed=tuple(s.name for k, s in old_sections.items() if k not in new_sections),
        sections_renamed=renamed,
    )


# --- Ordering --------------------------------------------------------------------------------------


@transaction.atomic
def sections_reorder(*, questionnaire: Questionnaire, section_ids: Iterable[str], actor) -> None:
    """Number the questionnaire's sections 1, 2, 3… in the given order (the others after them)."""
    questionnaire = questionnaire_ensure_draft(questionnaire=questionnaire)
    sections = {str(s.pk): s for s in Section.objects.select_for_update().filter(questionnaire=questionnaire)}
    wanted = [str(i) for i in section_ids]
    unknown = [i for i in wanted if i not in sections]
    if unknown:
        raise AuthoringError("Some of the sections to order are not part of this questionnaire.")
    rest = sorted(
        (s for i, s in sections.items() if i not in wanted), key=lambda s: (s.order_index, str(s.pk))
    )
    for position, section in enumerate([sections[i] for i in dict.fromkeys(wanted)] + rest, start=1):
        if section.order_index != position:
            section.order_index = position
            section.save(update_fields=["order_index", "updated_at"])
    audit_record(
        actor=actor, action="questionnaire.sections_reorder", resource=questionnaire, after={"order": wanted}
    )


@transaction.atomic
def questions_reorder(*, questionnaire: Questionnaire, order: Mapping[str, Iterable[str]], actor) -> None:
    """Put questions in the given sections, numbered 1, 2, 3… in the given order.

    ``order`` maps a section id to its question ids; a question may move to another section of the
    same questionnaire. Each changed row is saved, so the field history and the cache follow.
    """
    questionnaire = questionnaire_ensure_draft(questionnaire=questionnaire)
    sections = {
        str(pk) for pk in Section.objects.filter(questionnaire=questionnaire).values_list("pk", flat=True)
    }
    questions = {
        str(q.pk): q
        for q in Question.objects.select_for_update().filter(section__questionnaire=questionnaire)
    }
    seen: set[str] = set()
    for section_id, question_ids in order.items():
        if str(section_id) not in sections:
            raise AuthoringError("A section to order is not part of this questionnaire.")
        for question_id in question_ids:
            if str(question_id) not in questions or str(question_id) in seen:
                raise AuthoringError(
                    "A question to order is not part of this questionnaire, or is listed twice."
                )
            seen.add(str(question_id))
    for section_id, question_ids in order.items():
        for position, question_id in enumerate(question_ids, start=1):
            question = questions[str(question_id)]
            if question.order_index != position or str(question.section_id) != str(section_id):
                question.order_index = position
                question.section_id = uuid.UUID(str(section_id))
                question.save(update_fields=["order_index", "section", "updated_at"])
    audit_record(
        actor=actor,
        action="questionnaire.questions_reorder",
        resource=questionnaire,
        after={"order": {str(k): [str(q) for q in v] for k, v in order.items()}},
    )


# --- Checks the admin's forms share ------------------------------------------------------------------

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


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
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
            entry[key] = _jsonable(data[key])
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
            entry[key] = _jsonable(data[key])
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


# --- Authoring helpers ------------------------------------------------------------------------------


@transaction.atomic
def question_create(*, section: Section, text: str, type: str, actor=None, **fields: Any) -> Question:
    """Add a question at the end of a draft's section; option ids are generated where missing."""
    questionnaire = questionnaire_ensure_draft(questionnaire=section.questionnaire)
    if "options" in fields:
        fields["options"] = option_ids_fill(fields["options"])
    if "order_index" not in fields:
        last = Question.objects.filter(section=section).aggregate(last=Max("order_index"))["last"]
        fields["order_index"] = (last or 0) + 1
    problems = question_problems(data={"text": text, "type": type, **fields}, questionnaire=questionnaire)
    if problems:
        raise AuthoringError(*(f"{name}: {m}" for name, found in problems.items() for m in found))
    question = Question.objects.create(section=section, text=text, type=type, **fields)
    audit_record(
        actor=actor,
        action="question.create",
        resource=question,
        after={"questionnaire": str(questionnaire.pk), "text": text, "type": type},
    )
    return question


@transaction.atomic
def visibility_rule_create(
    *,
    question: Question,
    condition: dict,
    action: str,
    target_question_ids: Iterable[Any],
    priority: int = 0,
    is_active: bool = True,
    actor=None,
) -> VisibilityRule:
    """Add a visibility rule to a draft's question, checked against the questionnaire."""
    questionnaire = questionnaire_ensure_draft(questionnaire=question.section.questionnaire)
    targets = [uuid.UUID(str(t)) for t in target_question_ids]
    data = {
        "condition": condition,
        "action": action,
        "target_question_ids": [str(t) for t in targets],
        "priority": priority,
        "is_active": is_active,
    }
    problems = visibility_rule_problems(questionnaire=questionnaire, question_id=str(question.pk), data=data)
    if problems:
        raise AuthoringError(*(f"{name}: {m}" for name, found in problems.items() for m in found))
    rule = VisibilityRule.objects.create(
        question=question,
        condition=condition,
        action=action,
        target_question_ids=targets,
        priority=priority,
        is_active=is_active,
    )
    audit_record(
        actor=actor,
        action="visibility_rule.create",
        resource=rule,
        after={
            "questionnaire": str(questionnaire.pk),
            "action": action,
            "fields": sorted(condition_fields(condition)),
        },
    )
    return rule


# --- Import -------------------------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def questionnaire_import_upload(
    *, content: bytes, file_name: str, actor, organization=None, publish: bool = False
) -> Questionnaire:
    """Import an uploaded interchange file as a draft of `organization`, with the command's checks.

    The owner is the caller's to decide, never the file's. A `published_at` in the file is not taken
    on trust: the questionnaire is imported as a draft and, when `publish` is asked for, published
    through ``questionnaire_publish`` with its analysis and default handling. Raise ``InterchangeError``
    with every problem, and write nothing, if the file is not a valid document.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InterchangeError([f"{file_name}: is not UTF-8 text"]) from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InterchangeError(
            [f"{file_name}: is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InterchangeError([f"{file_name}: is not valid JSON: {exc}"]) from None
    if isinstance(document, dict):
        document = {**document, "published_at": None}
    with transaction.atomic():
        imported = questionnaire_import(document, organization=organization, actor=actor)
        if publish:
            imported = questionnaire_publish(questionnaire=imported, actor=actor)
    return imported
