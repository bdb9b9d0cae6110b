"""Reads of the documents app, always scoped: a reviewer sees their organization's documents, a client
their own approved ones, and anything else is a 404 (never a 403) so that ids reveal nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Func, JSONField, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from audit.models import AuditLog
from documents.amendments import amendments_apply
from documents.blocks import assemble
from documents.facts import Facts, merge_schemas, schema_of
from documents.metadata_cache import session_documents_cached
from documents.models import Document, DocumentFormat, DocumentStatus, DocumentType, Recommendation
from documents.recommendations import RecommendationSpec
from documents.rendering import Content, TypeSpec, document_content, format_date
from questionnaires.expressions import computed_of
from questionnaires.keys import key_of
from questionnaires.structure import engine_for, structure_load

REVIEW_PERMISSION = "accounts.review_document"
WAITING = (DocumentStatus.PENDING, DocumentStatus.GENERATING)


def is_reviewer(user) -> bool:
    """Return whether the user reviews documents: the review permission (or staff) and an organization."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.organization_id:
        return False
    return user.is_staff or user.has_perm(REVIEW_PERMISSION)


def reviewers_for_organization(*, organization_id) -> QuerySet:
    """Return the active users who may review the organization's documents."""
    app_label, codename = REVIEW_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    holds = Q(is_staff=True) | Q(is_superuser=True)
    if permission is not None:
        holds |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return (
        get_user_model()
        .objects.filter(holds, organization_id=organization_id, is_active=True)
        .distinct()
        .order_by("email")
    )


def _for_organization(user) -> QuerySet:
    return Document.objects.filter(session__user__organization_id=user.organization_id).select_related(
        "document_type", "session__user", "session__questionnaire", "approved_by"
    )


def documents_pending_review(*, user) -> list[Document]:
    """Return the documents waiting for review in the reviewer's organization, oldest first.

    The filter on status and the order on created_at are what idx_documents_pending_review serves.
    Raise Http404 for someone who is not a reviewer.
    """
    if not is_reviewer(user):
        raise Http404("No such page.")
    return list(_for_organization(user).filter(status=DocumentStatus.PENDING_REVIEW).order_by("created_at"))


@dataclass(frozen=True)
class ReviewItem:
    """One line of the review queue: a document version with its formats (the PDF first)."""

    document: Document
    renditions: tuple[Document, ...]
    assignee: object = None

    @property
    def formats(self) -> list[str]:
        return [rendition.format for rendition in self.renditions]


def review_queue(*, user) -> list[ReviewItem]:
    """Return the queue grouped by document version: one line per type, session and version."""
    groups: OrderedDict[tuple, list[Document]] = OrderedDict()
    for document in documents_pending_review(user=user):
        groups.setdefault((document.session_id, document.document_type_id, document.version), []).append(
            document
        )
    assigned_ids = {
        (document.review_status or {}).get("assignedTo")
        for renditions in groups.values()
        for document in renditions
    }
    assigned_ids.discard(None)
    assignees = {str(u.pk): u for u in get_user_model().objects.filter(pk__in=list(assigned_ids))}
    items = []
    for renditions in groups.values():
        renditions.sort(key=lambda d: (d.format != DocumentFormat.PDF, d.format))
        first = renditions[0]
        assignee = assignees.get((first.review_status or {}).get("assignedTo"))
        items.append(ReviewItem(document=first, renditions=tuple(renditions), assignee=assignee))
    return items


def document_for_reviewer(*, user, document_id) -> Document:
    """Return a document of the reviewer's organization; anything else is a 404."""
    if not is_reviewer(user):
        raise Http404("No such document.")
    try:
        return _for_organization(user).get(pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404("No such document.") from None


@dataclass(frozen=True)
class Download:
    """A file someone may download: the document, the storage key and the name it is served under."""

    document: Document
    key: str
    file_name: str
    final: bool


def document_for_download(*, user, document_id, draft: bool = False) -> Download:
    """Return what the user may download of a document, or raise Http404.

    A client gets their own document's final, once approved and stored (never a draft). A reviewer of
    the organization gets the final of an approved document, or its draft (``draft``, or while there
    is no final).
    """
    from documents.finals import document_final

    if is_reviewer(user):
        document = _for_organization(user).filter(pk=document_id).first()
        if document is not None:
            final = document_final(document) if document.status == DocumentStatus.APPROVED else {}
            if final and not draft:
                return Download(document, final["key"], _file_name(document), True)
            if document.has_file:
                return Download(document, document.storage_url, _file_name(document, draft=True), False)
            raise Http404("No such document.")
    if getattr(user, "is_authenticated", False):
        document = (
            Document.objects.select_related("document_type", "session")
            .filter(pk=document_id, session__user=user, status=DocumentStatus.APPROVED)
            .first()
        )
        final = document_final(document) if document is not None else {}
        if final:
            return Download(document, final["key"], _file_name(document), True)
    raise Http404("No such document.")


def _file_name(document: Document, *, draft: bool = False) -> str:
    suffix = "-draft" if draft else ""
    return f"{document.document_type.slug}-v{document.version}{suffix}.{document.extension}"


def document_renditions(*, document: Document) -> list[Document]:
    """Return every format of the same document version, the PDF first."""
    renditions = list(
        Document.objects.filter(
            session_id=document.session_id,
            document_type_id=document.document_type_id,
            version=document.version,
        ).select_related("document_type")
    )
    renditions.sort(key=lambda d: (d.format != DocumentFormat.PDF, d.format))
    return renditions


def document_versions(*, document: Document) -> list[Document]:
    """Return the PDF (or only format) of every version of this document type for this session."""
    rows = Document.objects.filter(
        session_id=document.session_id, document_type_id=document.document_type_id
    ).order_by("-version", "format")
    seen, versions = set(), []
    for row in rows:
        if row.version not in seen:
            seen.add(row.version)
            versions.append(row)
    return versions


def latest_version(*, document: Document) -> int:
    found = Document.objects.filter(
        session_id=document.session_id, document_type_id=document.document_type_id
    ).aggregate(latest=Max("version"))["latest"]
    return found or document.version


def documents_for_session(*, session) -> list[Document]:
    """Return the latest version of each document type and format made from a session, for its client.

    Cached in Redis for 30 minutes and dropped on every change to the session's documents
    (documents/metadata_cache.py).
    """
    return session_documents_cached(session.pk, lambda: _documents_for_session(session))


def _documents_for_session(session) -> list[Document]:
    rows = (
        Document.objects.filter(session=session)
        .select_related("document_type")
        .order_by("document_type__category", "document_type__name", "format", "-version")
    )
    latest: OrderedDict[tuple, Document] = OrderedDict()
    for row in rows:
        latest.setdefault((row.document_type_id, row.format), row)
    documents = list(latest.values())
    documents.sort(
        key=lambda d: (d.document_type.category, d.document_type.name, d.format != DocumentFormat.PDF)
    )
    return documents


@dataclass(frozen=True)
class Skipped:
    name: str
    reasons: tuple[str, ...]


def documents_skipped_for_session(*, session) -> list[Skipped]:
    """Return the document types that were not generated when the session completed, and why."""
    rows = AuditLog.objects.filter(
        resource_type="sessions_app.session", resource_id=session.pk, event="document.skip"
    ).values_list("changes", flat=True)
    skipped = []
    for changes in rows:
        after = (changes or {}).get("after") or {}
        skipped.append(
            Skipped(str(after.get("name") or after.get("documentType")), tuple(after.get("reasons") or ()))
        )
    return sorted(skipped, key=lambda item: item.name)


def document_history(*, document: Document) -> list[AuditLog]:
    """Return the audit entries of a document: its status history and review actions (not downloads)."""
    return list(
        AuditLog.objects.filter(resource_type="documents.document", resource_id=document.pk)
        .exclude(event="document.download")
        .select_related("actor")
        .order_by("timestamp")
    )


def type_spec(document_type: DocumentType) -> TypeSpec:
    """The type's spec; from a row read by document_types_for_planning(), a spec without blocks."""
    metadata = getattr(document_type, PLANNING_METADATA, None)
    return TypeSpec.from_row(
        slug=document_type.slug,
        name=document_type.name,
        category=document_type.category,
        required_questions=[str(q) for q in document_type.required_questions or ()],
        metadata=document_type.metadata if metadata is None else metadata,
        version=document_type.updated_at.isoformat(timespec="seconds") if document_type.updated_at else "",
    )


# The annotation that holds a type's metadata without its content blocks.
PLANNING_METADATA = "planning_metadata"


class _WithoutBlocks(Func):
    """``metadata - 'blocks'``: the JSON object without its "blocks" key, removed by PostgreSQL."""

    template = "(%(expressions)s - 'blocks')"
    output_field = JSONField()


def document_types_for_planning() -> dict[str, DocumentType]:
    """The active document types by slug, as completion plans them: everything but their content blocks.

    Deciding which documents a completed session gets (rendering.document_plans) reads a type's fields,
    outline and required questions, never its blocks, and the blocks are most of the metadata (hundreds
    of kilobytes on the demo). Every completion reads this, so PostgreSQL drops them before sending.
    """
    rows = (
        DocumentType.objects.filter(is_active=True)
        .defer("metadata")
        .annotate(**{PLANNING_METADATA: _WithoutBlocks("metadata")})
    )
    return {document_type.slug: document_type for document_type in rows}


def document_content_for(*, document: Document, session=None) -> Content:
    """Return the content of a document from its session's visible, valid answers.

    The rule engine decides what is visible (through the session flow), exactly as the client saw it.
    """
    from sessions_app.flow import flow_state
    from sessions_app.services import session_answers

    session = session or document.session
    structure = structure_load(session.questionnaire_id)
    state = flow_state(
        structure=structure,
        engine=engine_for(structure),
        answers=session_answers(session=session),
        industry=session.industry,
    )
    spec = type_spec(document.document_type)
    content = document_content(
        spec=spec, questions=structure.questions, visible=state.evaluation.visible, answers=state.answers
    )
    if not spec.blocks and not spec.word_template:
        return content
    facts = Facts(
        questions=structure.questions,
        visible=state.evaluation.visible,
        answers=state.answers,
        computed=computed_of(structure.metadata),
        extra={"company": content.company or session.user.display_name, "document": spec.name},
    )
    organization_id = session.user.organization_id if session.user_id else None
    library = recommendations_for(slug=spec.slug, organization_id=organization_id)
    read: dict = {}  # what the blocks' templates read, which an uploaded Word template reads too
    blocks = assemble(spec.blocks, facts, library, type_version=spec.version, context=read)
    blocks = amendments_apply(blocks, (document.review_status or {}).get("amendments"))
    context = {}
    if spec.word_template:  # documents/wordtemplates.py
        today = format_date(timezone.localdate().isoformat())
        context = {**read, "version": document.version, "today": today}
    return replace(content, blocks=blocks, context=context, facts=facts)


def recommendations_for(*, slug: str, organization_id) -> list[RecommendationSpec]:
    """Return the active recommendations a type's documents draw on: the shared library and the
    organization's own, where an organization's entry replaces a shared one of the same key."""
    rows = Recommendation.objects.filter(
        Q(organization__isnull=True) | Q(organization_id=organization_id),
        Q(document_types__len=0) | Q(document_types__contains=[slug]),
        is_active=True,
    ).order_by("organization_id")  # NULLs last: an organization's entry comes first
    chosen: dict[str, RecommendationSpec] = {}
    for row in rows:
        chosen.setdefault(row.key, recommendation_spec(row))
    return list(chosen.values())


def recommendation_spec(row: Recommendation) -> RecommendationSpec:
    return RecommendationSpec(
        key=row.key,
        title=row.title,
        when=row.condition or None,
        priority=row.priority,
        impact=row.impact,
        effort=row.effort,
        timeframe=row.timeframe,
        owner=row.owner_role,
        finding=row.finding,
        rationale=row.rationale,
        risk=row.risk,
        # An unsaved row (the admin's form, checked before saving) has no time of change yet.
        version=row.updated_at.isoformat(timespec="seconds") if isinstance(row.updated_at, datetime) else "",
    )


def content_schema(*, organization_id=None, every_organization: bool = False) -> dict:
    """Return the names document content may read, merged over the questionnaires it can serve.

    Those are the shared catalogue's questionnaires and the organization's own (every
    organization's for a superuser editing the global document types): their question keys,
    matrix rows and computed values (documents/facts.py).
    """
    from questionnaires.models import Question, Questionnaire

    questionnaires = Questionnaire.objects.all()
    if not every_organization:
        shared_or_own = Q(organization__isnull=True) | Q(organization_id=organization_id)
        questionnaires = questionnaires.filter(shared_or_own)
    computed = {}
    for questionnaire_id, metadata in questionnaires.values_list("pk", "metadata"):
        computed[questionnaire_id] = computed_of(metadata)
    questions = (
        Question.objects.filter(section__questionnaire__in=questionnaires)
        .only("id", "type", "text", "options", "metadata", "section__questionnaire_id")
        .select_related("section")
    )
    by_questionnaire: dict = {}
    for question in questions:
        by_questionnaire.setdefault(question.section.questionnaire_id, []).append(_Keyed(question))
    return merge_schemas(
        schema_of(by_questionnaire.get(pk, ()), declared) for pk, declared in computed.items()
    )


class _Keyed:
    """A question row as documents/facts.py reads it: with its key from metadata."""

    def __init__(self, question):
        self.id, self.type, self.text = str(question.pk), question.type, question.text
        self.options, self.metadata = question.options, question.metadata or {}
        self.key = key_of(self.metadata)


def document_targets() -> list[dict]:
    """The active document types with the sections of their outline, for the question page's mappings."""
    found = []
    for document_type in DocumentType.objects.filter(is_active=True).order_by("name"):
        spec = TypeSpec.from_row(
            slug=document_type.slug, name=document_type.name, metadata=document_type.metadata
        )
        found.append(
            {
                "slug": document_type.slug,
                "name": document_type.name,
                "sections": [section.title for section in spec.outline],
            }
        )
    return found
