"""How the versions of a questionnaire relate: the lineage key their copies carry, and what changed.

A new version or a clone (questionnaires/services.py) copies every section and question with a new id
and the lineage key of its original; the publish page (questionnaires/admin.py) shows what changed
since the previous published version, matching sections and questions by that key and options by id.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaires import selectors
from questionnaires.models import Questionnaire
from questionnaires.structure import QuestionnaireStructure, structure_load

# The key, in a section's or question's metadata, that ties its copies in later versions to it; the
# diff between two versions matches sections and questions by it.
LINEAGE_KEY = "lineageKey"


def lineage_key(metadata: Any, fallback: Any) -> str:
    """Return the key that ties a section or question to its copies in other versions."""
    if isinstance(metadata, Mapping) and isinstance(metadata.get(LINEAGE_KEY), str):
        return metadata[LINEAGE_KEY]
    return str(fallback)


def condition_remapped(condition: Any, ids: Mapping[str, str], depth: int = 0) -> Any:
    """Return a copy of a condition whose question references point at the copied questions."""
    if not isinstance(condition, dict) or depth > 64:
        return copy.deepcopy(condition)
    node = dict(condition)
    if isinstance(node.get("field"), str):
        node["field"] = ids.get(node["field"], node["field"])
    if isinstance(node.get("nested"), list):
        node["nested"] = [condition_remapped(child, ids, depth + 1) for child in node["nested"]]
    return node


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
                "condition": condition_remapped(rule.condition, keys),
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
        section_keys = {s.id: lineage_key(s.metadata, s.id) for s in structure.sections}
        sections = {section_keys[s.id]: s for s in structure.sections}
        keys = {q.id: lineage_key(q.metadata, q.id) for q in structure.questions}
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
