"""Reads of questionnaires: those a client may use, and for authoring in the admin (versions of a
lineage, session usage, pickers, history).
"""

from __future__ import annotations

import contextlib

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import CharField, Count, Func, Q, QuerySet
from django.shortcuts import get_object_or_404

from questionnaires.expressions import computed_of
from questionnaires.models import Question, Questionnaire, Section, VisibilityRule
from questionnaires.probing import as_uuid
from questionnaires.rules import condition_fields
from questionnaires.structure import STRUCTURE_TTL, QuestionnaireStructure

# Sessions are counted through the reverse relation `Questionnaire.sessions` (sessions_app sits above
# this app). An admin's preview (sessions_app.services.preview_start) is a session flagged in its
# metadata: a trial run that never counts as a client's session.
_CLIENT_SESSION = ~Q(sessions__metadata__contains={"preview": True})
_IN_PROGRESS = Q(sessions__status="IN_PROGRESS")
# Bumped when the shape of questionnaires.analysis.Analysis changes, so a deploy never reads an old entry.
_ANALYSIS_FORMAT = 1


def questionnaires_visible_to(organization_id) -> QuerySet:
    """The questionnaires of the shared catalogue and of the organization (the catalogue alone for None)."""
    scope = Q(organization__isnull=True)
    if organization_id:
        scope |= Q(organization_id=organization_id)
    return Questionnaire.objects.filter(scope)


def _usable_by(user) -> QuerySet:
    """The published, active questionnaires of the shared catalogue and of the user's organization."""
    return questionnaires_visible_to(user.organization_id).filter(is_active=True, published_at__isnull=False)


def questionnaires_for_client(*, user) -> list[Questionnaire]:
    """The latest published, active version of each questionnaire the user's organization may use."""
    latest = _usable_by(user).order_by("lineage_id", "-version").distinct("lineage_id")
    return sorted(latest, key=lambda q: q.name.lower())


def questionnaire_for_client(*, user, questionnaire_id) -> Questionnaire:
    """Return a questionnaire the user may start; any other is a 404."""
    return get_object_or_404(_usable_by(user), pk=questionnaire_id)


def questionnaires_with_usage(queryset: QuerySet | None = None) -> QuerySet:
    """Annotate each questionnaire with its client sessions: all of them, and those in progress."""
    queryset = Questionnaire.objects.all() if queryset is None else queryset
    return queryset.annotate(
        session_count=Count("sessions", filter=_CLIENT_SESSION, distinct=True),
        in_progress_count=Count("sessions", filter=_CLIENT_SESSION & _IN_PROGRESS, distinct=True),
    )


def questionnaire_versions(*, questionnaire: Questionnaire) -> list[Questionnaire]:
    """Return every version of the questionnaire's lineage, newest first, with their usage."""
    return list(
        questionnaires_with_usage(Questionnaire.objects.filter(lineage_id=questionnaire.lineage_id)).order_by(
            "-version"
        )
    )


def questionnaire_previous_version(*, questionnaire: Questionnaire) -> Questionnaire | None:
    """Return the latest published version of the lineage before this one, or None."""
    return (
        Questionnaire.objects.filter(
            lineage_id=questionnaire.lineage_id,
            version__lt=questionnaire.version,
            published_at__isnull=False,
        )
        .order_by("-version")
        .first()
    )


def questionnaire_draft(*, questionnaire: Questionnaire) -> Questionnaire | None:
    """Return the draft of the questionnaire's lineage, if it has one."""
    return (
        Questionnaire.objects.filter(lineage_id=questionnaire.lineage_id, published_at__isnull=True)
        .order_by("-version")
        .first()
    )


def questionnaire_analysis(*, questionnaire: Questionnaire, structure: QuestionnaireStructure):
    """Return the questionnaire's analysis, cached in Redis under its structure's generation.

    Every change to the questionnaire, its sections, questions or rules bumps that generation
    (questionnaires.structure), so a cached analysis is exactly as fresh as the cached structure. An
    analysis that names other questionnaires' questions reads them, so it is not cached.
    """
    from questionnaires.analysis import questionnaire_analyse

    if structure.generation is None:  # Redis is down: no generation to key on
        return questionnaire_analyse(questionnaire)
    key = f"questionnaire-analysis:{_ANALYSIS_FORMAT}:{structure.id}:{structure.generation}"
    found = None
    with contextlib.suppress(Exception):
        found = cache.get(key)
    if found is not None:
        return found
    analysis = questionnaire_analyse(questionnaire)
    known = {question.id for question in structure.questions}
    read = set()
    for rule in structure.rules:
        read |= {str(as_uuid(f)) for f in condition_fields(rule.condition) if as_uuid(f)}
        read |= {str(as_uuid(t)) for t in rule.target_question_ids if as_uuid(t)}
    if read <= known:
        with contextlib.suppress(Exception):  # Redis down: the next page analyses again
            cache.set(key, analysis, timeout=STRUCTURE_TTL)
    return analysis


def questionnaire_default_for(
    *, industry: str | None, organization_id=None, exclude=None
) -> Questionnaire | None:
    """Return an owner's published default questionnaire of an industry (None and "" are one industry).

    Each organization has its own defaults; `organization_id=None` is the shared catalogue's.
    """
    same = Q(industry__isnull=True) | Q(industry="") if not industry else Q(industry=industry)
    found = Questionnaire.objects.filter(
        same, owner_is(organization_id), is_default=True, published_at__isnull=False
    )
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("-published_at").first()


def owner_is(organization_id) -> Q:
    """Rows owned by one organization, or by the shared catalogue when `organization_id` is None."""
    return Q(organization__isnull=True) if organization_id is None else Q(organization_id=organization_id)


def sessions_in_progress_on_other_versions(*, questionnaire: Questionnaire) -> int:
    """Count the clients' sessions in progress on the lineage's other versions (they keep theirs)."""
    others = Questionnaire.objects.filter(lineage_id=questionnaire.lineage_id).exclude(pk=questionnaire.pk)
    return others.aggregate(count=Count("sessions", filter=_CLIENT_SESSION & _IN_PROGRESS))["count"]


def question_choices(structure: QuestionnaireStructure, *, limit: int = 90) -> list[tuple[str, list]]:
    """Return the questions as grouped choices (section name, [(id, text)]) for pickers."""
    groups = []
    for section in structure.sections:
        items = []
        for question in section.questions:
            text = " ".join(question.text.split())
            text = text if len(text) <= limit else text[: limit - 1] + "…"
            items.append((question.id, f"{text} ({question.key})" if question.key else text))
        groups.append((section.name, items))
    return groups


def authoring_questions(structure: QuestionnaireStructure) -> list[dict]:
    """Return the questions as the condition builder needs them: text, type and options; then the
    computed values, which a condition compares as numbers (by name, in a group of their own)."""
    computed = [
        {
            "id": item.name,
            "text": f"{item.title} (computed: {item.name})",
            "type": "NUMBER",
            "section": "Computed values",
            "options": [],
        }
        for item in computed_of(structure.metadata)
    ]
    return [
        {
            "id": question.id,
            "text": " ".join(question.text.split()),
            "type": question.type,
            "section": section.name,
            "options": [
                {"id": option.get("id"), "label": option.get("label", "")}
                for option in question.options or ()
                if isinstance(option, dict)
            ],
        }
        for section in structure.sections
        for question in section.questions
    ] + computed


def questionnaire_history(*, questionnaire: Questionnaire) -> QuerySet:
    """Return the field-level history of a questionnaire and everything in it, newest first.

    Rows of sections, questions and rules that were deleted since are found through the parent id
    their last entry recorded.
    """
    from audit.models import AuditLog

    types = ContentType.objects.get_for_models(Questionnaire, Section, Question, VisibilityRule)
    section_ids = {
        str(pk) for pk in Section.objects.filter(questionnaire=questionnaire).values_list("pk", flat=True)
    }
    section_ids |= _deleted_children(types[Section], "questionnaire", {str(questionnaire.pk)})
    question_ids = {
        str(pk)
        for pk in Question.objects.filter(section__questionnaire=questionnaire).values_list("pk", flat=True)
    }
    question_ids |= _deleted_children(types[Question], "section", section_ids)
    rule_ids = {
        str(pk)
        for pk in VisibilityRule.objects.filter(question__section__questionnaire=questionnaire).values_list(
            "pk", flat=True
        )
    }
    rule_ids |= _deleted_children(types[VisibilityRule], "question", question_ids)
    scope = (
        Q(content_type=types[Questionnaire], object_pk=str(questionnaire.pk))
        | Q(content_type=types[Section], object_pk__in=section_ids)
        | Q(content_type=types[Question], object_pk__in=question_ids)
        | Q(content_type=types[VisibilityRule], object_pk__in=rule_ids)
        | Q(content_type__isnull=True, resource_id=questionnaire.pk)
    )
    return AuditLog.objects.filter(scope).select_related("actor", "content_type").order_by("-timestamp")


def _deleted_children(content_type: ContentType, parent_field: str, parent_ids: set[str]) -> set[str]:
    from audit.models import AuditLog

    if not parent_ids:
        return set()
    # django-auditlog records a deleted row's last values as "before" (audit.entries.to_before_after).
    deleted = AuditLog.objects.filter(
        content_type=content_type, action=AuditLog.Action.DELETE, changes__before__has_key=parent_field
    ).values_list("object_pk", "changes")
    found = set()
    for object_pk, changes in deleted:
        parent = (changes.get("before") or {}).get(parent_field)
        if str(parent) in parent_ids:
            found.add(object_pk)
    return found


def industry_tags_in_use(questions: QuerySet | None = None) -> list[str]:
    """Return every industry tag some question (of `questions`, by default all) carries, sorted."""
    tags = (
        (Question.objects.all() if questions is None else questions)
        .order_by()
        .annotate(tag=Func("industry_tags", function="unnest", output_field=CharField()))
        .values_list("tag", flat=True)
        .distinct()
    )
    return sorted(tag for tag in tags if tag)
