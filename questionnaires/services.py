"""Every authoring write: publish, new versions, clones, imports, ordering and defaults.

The admin (questionnaires/admin.py) calls these; each runs in one transaction with its audit row.
Field edits made through the admin's forms are recorded field by field by django-auditlog. The checks
those forms run are in questionnaires/checks.py and ``question_create``/``visibility_rule_create`` run
them too; what changed between versions is questionnaires/versions.py. See docs/authoring.md.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from audit.services import audit_record
from questionnaires import selectors
from questionnaires.analysis import Analysis, questionnaire_analyse
from questionnaires.checks import option_ids_fill, question_key, question_problems, visibility_rule_problems
from questionnaires.interchange import (
    InterchangeError,
    questionnaire_import,
)
from questionnaires.models import Question, Questionnaire, Section, VisibilityRule
from questionnaires.rules import condition_fields
from questionnaires.structure import (
    structure_invalidate,
)
from questionnaires.versions import LINEAGE_KEY, condition_remapped, lineage_key, questionnaire_diff


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


# --- Copies -----------------------------------------------------------------------------------------


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
            data[LINEAGE_KEY] = lineage_key(row.metadata, row.pk)
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
                condition=condition_remapped(rule.condition, question_ids),
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


# --- Authoring helpers ------------------------------------------------------------------------------


@transaction.atomic
def question_create(*, section: Section, text: str, type: str, actor=None, **fields: Any) -> Question:
    """Add a question at the end of a draft's section; option ids and its key are made where missing."""
    questionnaire = questionnaire_ensure_draft(questionnaire=section.questionnaire)
    if "options" in fields:
        fields["options"] = option_ids_fill(fields["options"])
    if "order_index" not in fields:
        last = Question.objects.filter(section=section).aggregate(last=Max("order_index"))["last"]
        fields["order_index"] = (last or 0) + 1
    metadata = dict(fields.get("metadata") or {})
    key, key_trouble = question_key(
        questionnaire=questionnaire, question_id=None, text=text, wanted=metadata.get("key")
    )
    if key_trouble:
        raise AuthoringError(f"metadata.key: {key_trouble}")
    fields["metadata"] = {**metadata, "key": key}
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
