"""The plain-data form of a questionnaire, loaded in a fixed number of queries and cached in Redis.

Views, validation, progress, documents and the interchange format read a questionnaire through
``structure_load()`` and evaluate it with ``engine_for()``; neither touches the ORM per question. The
Redis entry lives for an hour (seed 000 §9.2) under a per-questionnaire generation that every change to
the questionnaire, its sections, questions or rules bumps (``connect_signals()``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save

from core.transactions import after_commit
from questionnaires.expressions import computed_specs
from questionnaires.keys import key_of
from questionnaires.models import Question, Questionnaire, Section, VisibilityRule
from questionnaires.rules import Engine, QuestionSpec, RuleSpec

__all__ = [
    "MEMORY_TTL",
    "STRUCTURE_TTL",
    "QuestionData",
    "QuestionnaireStructure",
    "RuleData",
    "SectionData",
    "connect_signals",
    "engine_for",
    "structure_invalidate",
    "structure_load",
]

logger = logging.getLogger(__name__)

STRUCTURE_TTL = 60 * 60  # seconds; seed 000 §9.2
MEMORY_TTL = 5 * 60  # seconds; seed 000 §9.2, "question visibility: app memory, 5 min"
_MEMORY_ENTRIES = 128

# Bumped when the shape of the cached rows changes, so a deploy never reads another release's entries.
_CACHE_FORMAT = 1


# --- The plain data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionData:
    """One questions row; JSONB columns hold what the database holds (None when unset)."""

    id: str
    section_id: str
    text: str
    type: str
    help_text: str | None = None
    explanation: str | None = None
    placeholder: str | None = None
    order_index: int = 0
    is_required: bool = False
    options: list[dict[str, Any]] | None = None
    validation_rules: dict[str, Any] | None = None
    default_value: Any = None
    suggested_answer: dict[str, Any] | None = None
    industry_tags: tuple[str, ...] = ()
    document_mappings: list[dict[str, Any]] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        # The JSON columns are unhashable; equal rows always share an id.
        return hash(self.id)

    @property
    def key(self) -> str | None:
        """The question's readable key (questionnaires/keys.py), from its metadata."""
        return key_of(self.metadata)


@dataclass(frozen=True)
class SectionData:
    """One sections row with its questions in display order."""

    id: str
    name: str
    description: str | None = None
    order_index: int = 0
    icon: str | None = None
    estimated_time: int | None = None
    questions: tuple[QuestionData, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(self.id)


@dataclass(frozen=True)
class RuleData:
    """One visibility_rules row."""

    id: str
    question_id: str
    condition: dict[str, Any]
    action: str
    target_question_ids: tuple[str, ...]
    priority: int = 0
    is_active: bool = True

    def __hash__(self) -> int:
        return hash(self.id)


@dataclass(frozen=True)
class QuestionnaireStructure:
    """A questionnaire with its sections, questions and rules, as plain immutable data.

    ``generation`` is the cache generation the structure was loaded under, or None when it did not
    come through the cache (Redis unavailable, or built from an interchange document).
    """

    id: str
    name: str
    version: int
    industry: str | None
    estimated_time: int | None
    sections: tuple[SectionData, ...]
    rules: tuple[RuleData, ...] = ()
    description: str | None = None
    is_active: bool = True
    published_at: datetime | None = None
    organization_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    generation: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        questions = tuple(question for section in self.sections for question in section.questions)
        object.__setattr__(self, "_questions", questions)
        object.__setattr__(self, "_by_id", {question.id: question for question in questions})
        object.__setattr__(self, "_sections_by_id", {section.id: section for section in self.sections})

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def questions(self) -> tuple[QuestionData, ...]:
        """Return every question, section by section, in display order."""
        return self._questions

    def question(self, question_id: str | uuid.UUID) -> QuestionData:
        """Return the question with this id; raise KeyError if the questionnaire has none."""
        return self._by_id[str(question_id)]

    def section(self, section_id: str | uuid.UUID) -> SectionData:
        """Return the section with this id; raise KeyError if the questionnaire has none."""
        return self._sections_by_id[str(section_id)]

    def question_specs(self) -> list[QuestionSpec]:
        """Return the questions as the rule engine reads them."""
        return [
            QuestionSpec(
                id=question.id,
                type=question.type,
                is_required=question.is_required,
                industry_tags=tuple(question.industry_tags),
                order=(section.order_index, question.order_index),
            )
            for section in self.sections
            for question in section.questions
        ]

    def rule_specs(self) -> list[RuleSpec]:
        """Return the visibility rules as the rule engine reads them."""
        return [
            RuleSpec(
                id=rule.id,
                question_id=rule.question_id,
                condition=rule.condition,
                action=rule.action,
                target_question_ids=rule.target_question_ids,
                priority=rule.priority,
                is_active=rule.is_active,
            )
            for rule in self.rules
        ]

    def engine(self) -> Engine:
        """Return the compiled rule engine, built once per instance."""
        built = self.__dict__.get("_engine")
        if built is None:
            computed = computed_specs(self.questions, self.metadata)  # a rule may test one by name
            built = Engine(self.question_specs(), self.rule_specs(), computed)
            object.__setattr__(self, "_engine", built)
        return built


# --- Building from rows ---------------------------------------------------------------------------
# The database and the Redis entry hold the same rows (tuples of plain values), so a cache hit and a
# cache miss build the structure with the same code.

_QUESTIONNAIRE_COLUMNS = (
    "id",
    "name",
    "version",
    "industry",
    "estimated_time",
    "description",
    "is_active",
    "published_at",
    "organization_id",
    "metadata",
)
_SECTION_COLUMNS = ("id", "name", "description", "order_index", "icon", "estimated_time", "metadata")
# A question's own columns, without its keys: what the interchange format (export, import) and the
# admin's question form and checks call a question's fields, and, with the keys, what a structure loads.
QUESTION_FIELDS = (
    "text",
    "type",
    "help_text",
    "explanation",
    "placeholder",
    "order_index",
    "is_required",
    "options",
    "validation_rules",
    "default_value",
    "suggested_answer",
    "industry_tags",
    "document_mappings",
    "metadata",
)
_QUESTION_COLUMNS = ("id", "section_id", *QUESTION_FIELDS)
_RULE_COLUMNS = (
    "id",
    "question_id",
    "condition",
    "action",
    "target_question_ids",
    "priority",
    "is_active",
)


def _text_id(value: Any) -> str | None:
    return None if value is None else str(value)


def _rows_from_database(questionnaire_id: str) -> dict[str, Any]:
    """Fetch the rows of one questionnaire in four queries, whatever its size."""
    head = Questionnaire.objects.filter(pk=questionnaire_id).values_list(*_QUESTIONNAIRE_COLUMNS).first()
    if head is None:
        raise Questionnaire.DoesNotExist(f"Questionnaire {questionnaire_id} does not exist.")
    sections = Section.objects.filter(questionnaire_id=questionnaire_id).values_list(*_SECTION_COLUMNS)
    questions = Question.objects.filter(section__questionnaire_id=questionnaire_id).values_list(
        *_QUESTION_COLUMNS
    )
    rules = VisibilityRule.objects.filter(question__section__questionnaire_id=questionnaire_id).values_list(
        *_RULE_COLUMNS
    )
    return {
        "format": _CACHE_FORMAT,
        "questionnaire": head,
        "sections": list(sections.order_by("order_index", "id")),
        "questions": list(questions.order_by("order_index", "id")),
        "rules": list(rules.order_by("-priority", "id")),
    }


def _build(rows: dict[str, Any], generation: int | None) -> QuestionnaireStructure:
    head = dict(zip(_QUESTIONNAIRE_COLUMNS, rows["questionnaire"], strict=True))
    by_section: dict[str, list[QuestionData]] = {}
    for row in rows["questions"]:
        values = dict(zip(_QUESTION_COLUMNS, row, strict=True))
        values["id"] = str(values["id"])
        values["section_id"] = str(values["section_id"])
        values["industry_tags"] = tuple(values["industry_tags"] or ())
        values["metadata"] = values["metadata"] if values["metadata"] is not None else {}
        by_section.setdefault(values["section_id"], []).append(QuestionData(**values))
    sections = []
    for row in rows["sections"]:
        values = dict(zip(_SECTION_COLUMNS, row, strict=True))
        values["id"] = str(values["id"])
        values["metadata"] = values["metadata"] if values["metadata"] is not None else {}
        # Questions whose section is missing (a concurrent edit between two queries) are left out.
        sections.append(SectionData(**values, questions=tuple(by_section.get(values["id"], ()))))
    rules = []
    for row in rows["rules"]:
        values = dict(zip(_RULE_COLUMNS, row, strict=True))
        values["id"] = str(values["id"])
        values["question_id"] = str(values["question_id"])
        values["target_question_ids"] = tuple(str(target) for target in values["target_question_ids"] or ())
        rules.append(RuleData(**values))
    return QuestionnaireStructure(
        id=str(head["id"]),
        name=head["name"],
        version=head["version"],
        industry=head["industry"],
        estimated_time=head["estimated_time"],
        sections=tuple(sections),
        rules=tuple(rules),
        description=head["description"],
        is_active=head["is_active"],
        published_at=head["published_at"],
        organization_id=_text_id(head["organization_id"]),
        metadata=head["metadata"] if head["metadata"] is not None else {},
        generation=generation,
    )


# --- Process memory -------------------------------------------------------------------------------


class _MemoryCache:
    """A small thread-safe map with expiry, for objects that are costly to rebuild per request."""

    def __init__(self, *, ttl: float, entries: int):
        self._ttl = ttl
        self._entries = entries
        self._items: dict[tuple, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self._items[key]
                return None
            return found[1]

    def put(self, key: tuple, value: Any) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._items) >= self._entries:
                for stale in [k for k, (expires, _) in self._items.items() if expires < now]:
                    del self._items[stale]
            if len(self._items) >= self._entries:
                # Dicts keep insertion order: drop the oldest entry.
                del self._items[next(iter(self._items))]
            self._items[key] = (now + self._ttl, value)

    def discard(self, first: str) -> None:
        """Drop every entry whose key starts with ``first``."""
        with self._lock:
            for key in [k for k in self._items if k[0] == first]:
                del self._items[key]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_structures = _MemoryCache(ttl=MEMORY_TTL, entries=_MEMORY_ENTRIES)
_engines = _MemoryCache(ttl=MEMORY_TTL, entries=_MEMORY_ENTRIES)


# --- Redis ------------------------------------------------------------------------------------------


def _structure_key(questionnaire_id: str, generation: int) -> str:
    return f"questionnaire-structure:{questionnaire_id}:{generation}"


def _generation_key(questionnaire_id: str) -> str:
    return f"questionnaire-structure-gen:{questionnaire_id}"


def _fresh_generation() -> int:
    # A clock reading, not 0: when the generation key has been evicted, the new generation must not
    # name an entry written under an old one.
    return time.time_ns()


def _generation(questionnaire_id: str) -> int:
    key = _generation_key(questionnaire_id)
    generation = cache.get(key)
    if generation is None:
        fresh = _fresh_generation()
        if cache.add(key, fresh, timeout=None):
            return fresh
        generation = cache.get(key)
    return int(generation) if generation is not None else _fresh_generation()


def _normal_id(questionnaire_id: str | uuid.UUID) -> str:
    try:
        return str(uuid.UUID(str(questionnaire_id)))
    except ValueError:
        raise Questionnaire.DoesNotExist(f"{questionnaire_id!r} is not a valid questionnaire id.") from None


def structure_load(questionnaire_id: str | uuid.UUID) -> QuestionnaireStructure:
    """Return a questionnaire's structure from process memory, Redis or the database, in that order.

    A cold load costs four queries however large the questionnaire is; a warm one costs none. If
    Redis cannot be reached the structure comes from the database and a warning is logged: a cache
    outage slows pages down but never breaks them. Raise ``Questionnaire.DoesNotExist`` for an
    unknown or malformed id.
    """
    questionnaire_id = _normal_id(questionnaire_id)
    try:
        generation = _generation(questionnaire_id)
        # The generation is read from Redis on every call, so a structure remembered under it is
        # as fresh as Redis itself, without fetching the whole entry.
        remembered = _structures.get((questionnaire_id, generation))
        if remembered is not None:
            return remembered
        rows = cache.get(_structure_key(questionnaire_id, generation))
    except Exception:
        logger.warning("Questionnaire cache unavailable; loading %s from the database", questionnaire_id)
        return _build(_rows_from_database(questionnaire_id), None)

    if not isinstance(rows, dict) or rows.get("format") != _CACHE_FORMAT:
        rows = _rows_from_database(questionnaire_id)
        try:
            cache.set(_structure_key(questionnaire_id, generation), rows, timeout=STRUCTURE_TTL)
        except Exception:
            logger.warning("Could not cache the structure of questionnaire %s", questionnaire_id)
    structure = _build(rows, generation)
    _structures.put((questionnaire_id, generation), structure)
    return structure


def structure_invalidate(questionnaire_id: str | uuid.UUID) -> None:
    """Make the next ``structure_load()`` of this questionnaire read the database again.

    Never raises: a change saved while Redis is down is logged, and the stale entry expires within
    ``STRUCTURE_TTL``.
    """
    questionnaire_id = str(questionnaire_id)
    _structures.discard(questionnaire_id)
    _engines.discard(questionnaire_id)
    key = _generation_key(questionnaire_id)
    try:
        try:
            cache.incr(key)
        except ValueError:  # no generation yet, or it was evicted
            cache.set(key, _fresh_generation(), timeout=None)
    except Exception:
        logger.warning("Could not invalidate the cached structure of questionnaire %s", questionnaire_id)


def engine_for(structure: QuestionnaireStructure) -> Engine:
    """Return the compiled rule engine of a structure, shared in process memory for five minutes."""
    if structure.generation is None:
        return structure.engine()
    key = (structure.id, structure.generation)
    engine = _engines.get(key)
    if engine is None:
        engine = structure.engine()
        _engines.put(key, engine)
    return engine


# --- Invalidation on change -------------------------------------------------------------------------


def _invalidate_soon(questionnaire_id: Any) -> None:
    """Invalidate now, and again once the surrounding transaction commits.

    The first bump serves reads later in the same transaction; the second drops whatever another
    process cached from the old rows while the transaction was still open.
    """
    if questionnaire_id is None:
        return
    structure_invalidate(questionnaire_id)
    after_commit(structure_invalidate, questionnaire_id)


def _cascaded(sender: type[models.Model], instance: models.Model, origin: Any) -> bool:
    """Return whether a row is being deleted because its parent is; the parent then invalidates."""
    if origin is None or origin is instance:
        return False
    if isinstance(origin, models.Model):
        return not (type(origin) is sender and origin.pk == instance.pk)
    return getattr(origin, "model", sender) is not sender


def _questionnaire_changed(sender, instance: Questionnaire, **kwargs) -> None:
    _invalidate_soon(instance.pk)


def _section_changed(sender, instance: Section, **kwargs) -> None:
    _invalidate_soon(instance.questionnaire_id)


def _question_changed(sender, instance: Question, origin=None, **kwargs) -> None:
    if _cascaded(sender, instance, origin):
        return
    section = instance._state.fields_cache.get("section")
    if section is not None:
        _invalidate_soon(section.questionnaire_id)
        return
    found = Section.objects.filter(pk=instance.section_id).values_list("questionnaire_id", flat=True)
    _invalidate_soon(found.first())


def _rule_changed(sender, instance: VisibilityRule, origin=None, **kwargs) -> None:
    if _cascaded(sender, instance, origin):
        return
    question = instance._state.fields_cache.get("question")
    section = question._state.fields_cache.get("section") if question is not None else None
    if section is not None:
        _invalidate_soon(section.questionnaire_id)
        return
    found = Question.objects.filter(pk=instance.question_id).values_list(
        "section__questionnaire_id", flat=True
    )
    _invalidate_soon(found.first())


_RECEIVERS: Iterable[tuple[type[models.Model], Callable]] = (
    (Questionnaire, _questionnaire_changed),
    (Section, _section_changed),
    (Question, _question_changed),
    (VisibilityRule, _rule_changed),
)


def connect_signals() -> None:
    """Invalidate a questionnaire's cached structure whenever it or anything in it is saved or deleted.

    Safe to call more than once; ``QuestionnairesConfig.ready()`` calls it.
    """
    for model, receiver in _RECEIVERS:
        name = model._meta.label_lower
        post_save.connect(receiver, sender=model, dispatch_uid=f"structure-invalidate-save-{name}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"structure-invalidate-delete-{name}")
