"""E-mail about documents: reviewers hear that documents wait or that a client revised their answers;
clients that a document is approved, commented on, or needs answers revisited (docs/review.md).

Called after commit (``transaction.on_commit``), so a message never announces a change that was rolled
back. Each recipient gets a message of their own; no one sees another's address. Links are absolute,
built on the SITE_URL setting.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse

from documents.models import Document, DocumentFormat, DocumentStatus

logger = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return getattr(settings, "SITE_URL", "http://localhost:8000").rstrip("/") + path


def _send(subject: str, template: str, context: dict, recipients: list[str]) -> int:
    if not recipients:
        return 0
    body = render_to_string(template, context)
    sender = settings.DEFAULT_FROM_EMAIL
    return send_mass_mail([(subject, body, sender, [address]) for address in recipients], fail_silently=False)


def reviewers_notify(*, session_id) -> int:
    """Tell the reviewers of the client's organization which documents of a session wait for them."""
    from documents.selectors import reviewers_for_organization

    waiting = list(
        Document.objects.filter(session_id=session_id, status=DocumentStatus.PENDING_REVIEW)
        .select_related("document_type", "session__user__organization")
        .order_by("document_type__name", "format")
    )
    if not waiting:
        return 0
    waiting.sort(key=lambda document: (document.document_type.name, document.format != DocumentFormat.PDF))
    client = waiting[0].session.user
    if not client.organization_id:
        logger.warning(
            "Documents of session %s wait for review, but its client has no organization", session_id
        )
        return 0
    reviewers = reviewers_for_organization(organization_id=client.organization_id)
    versions = {}
    for document in waiting:
        versions.setdefault((document.document_type_id, document.version), document)
    context = {
        "client": client,
        "documents": [
            {"document": document, "url": _absolute(reverse("documents:detail", args=[document.pk]))}
            for document in versions.values()
        ],
        "queue_url": _absolute(reverse("documents:queue")),
    }
    count = len(versions)
    subject = f"{count} document{'s' if count != 1 else ''} from {client.display_name} waiting for review"
    return _send(subject, "documents/email/review_waiting.txt", context, [u.email for u in reviewers])


def client_notify_approved(*, document_ids) -> int:
    """Tell the client that a document is approved and can be downloaded."""
    documents = list(
        Document.objects.filter(pk__in=document_ids, status=DocumentStatus.APPROVED)
        .select_related("document_type", "session__user")
        .order_by("format")
    )
    if not documents:
        return 0
    first = documents[0]
    client = first.session.user
    context = {
        "client": client,
        "document_type": first.document_type,
        "version": first.version,
        "formats": [document.format for document in documents],
        "comments": _client_comments(first),
        "session_url": _absolute(reverse("sessions_app:review", args=[first.session_id])),
    }
    subject = f"Your {first.document_type.name} is approved"
    return _send(subject, "documents/email/approved.txt", context, [client.email])


def assignee_notify(*, document_id, assignee_id) -> int:
    """Tell a reviewer that a document was assigned to them."""
    document = (
        Document.objects.select_related("document_type", "session__user").filter(pk=document_id).first()
    )
    assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
    if document is None or assignee is None:
        return 0
    context = {
        "assignee": assignee,
        "document": document,
        "url": _absolute(reverse("documents:detail", args=[document.pk])),
    }
    subject = f"{document.document_type.name} for {document.session.user.display_name} is assigned to you"
    return _send(subject, "documents/email/assigned.txt", context, [assignee.email])


def client_comments(review_status) -> list[dict]:
    """The comments addressed to the client on a version: never the team's internal notes, nor a
    rejection's comment kept under ``comments`` before rejections' notes became internal."""
    entries = (review_status or {}).get("comments") or []
    return [c for c in entries if isinstance(c, dict) and c.get("action") != "reject" and c.get("text")]


def _client_comments(document: Document) -> list[dict]:
    return client_comments(document.review_status)


def client_notify_changes(*, request_id) -> int:
    """Tell the client which answers a reviewer asks them to revisit, and where."""
    from questionnaires.structure import structure_load
    from sessions_app.models import ChangeRequest

    request = ChangeRequest.objects.select_related("session__user").filter(pk=request_id).first()
    if request is None or request.status != "OPEN":
        return 0
    structure = structure_load(request.session.questionnaire_id)
    questions = []
    for question_id in request.question_ids:
        try:
            questions.append(structure.question(str(question_id)).text)
        except KeyError:
            continue
    client = request.session.user
    context = {
        "client": client,
        "request": request,
        "questions": questions,
        "documents": [d.get("name") for d in request.documents or ()],
        "url": _absolute(reverse("sessions_app:changes", args=[request.session_id, request.pk])),
    }
    count = len(questions)
    subject = f"Please revisit {count} answer{'s' if count != 1 else ''} for your documents"
    return _send(subject, "documents/email/changes_requested.txt", context, [client.email])


def reviewers_notify_revised(*, request_id) -> int:
    """Tell the reviewer who asked (and the versions' assignees) that the client revised their answers."""
    from sessions_app.models import ChangeRequest

    request = (
        ChangeRequest.objects.select_related("session__user", "requested_by").filter(pk=request_id).first()
    )
    if request is None:
        return 0
    new = list(
        Document.objects.filter(
            session_id=request.session_id, generation_metadata__changeRequest=str(request.pk)
        )
        .select_related("document_type")
        .order_by("document_type__name", "format")
    )
    seen, documents = set(), []
    for document in new:
        if document.document_type_id not in seen:
            seen.add(document.document_type_id)
            documents.append(
                {"document": document, "url": _absolute(reverse("documents:detail", args=[document.pk]))}
            )
    recipients = (
        {request.requested_by.email} if request.requested_by and request.requested_by.is_active else set()
    )
    assigned = {
        str((d.review_status or {}).get("assignedTo"))
        for d in new
        if (d.review_status or {}).get("assignedTo")
    }
    recipients |= set(
        get_user_model().objects.filter(pk__in=list(assigned), is_active=True).values_list("email", flat=True)
    )
    client = request.session.user
    context = {
        "client": client,
        "request": request,
        "changed": len(request.changed_question_ids or ()),
        "documents": documents,
        "queue_url": _absolute(reverse("documents:queue")),
    }
    subject = f"{client.display_name} revised their answers"
    return _send(subject, "documents/email/client_revised.txt", context, sorted(recipients))


def client_notify_comment(*, document_id, comment_id) -> int:
    """Tell the client about a reviewer's comment on a document they already have."""
    document = (
        Document.objects.select_related("document_type", "session__user").filter(pk=document_id).first()
    )
    if document is None:
        return 0
    comment = next((c for c in _client_comments(document) if c.get("id") == comment_id), None)
    if comment is None:
        return 0
    context = {
        "client": document.session.user,
        "document": document,
        "comment": comment,
        "session_url": _absolute(reverse("sessions_app:review", args=[document.session_id])),
    }
    subject = f"A comment on your {document.document_type.name}"
    return _send(subject, "documents/email/comment.txt", context, [document.session.user.email])
