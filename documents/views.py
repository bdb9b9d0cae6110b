"""Reviewer pages (queue, document, approve, reject, assign, regenerate, retry), downloads and the client's
documents panel. Every view finds its document through a scoped selector: another organization's
document is a 404.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from documents import review, selectors, services, storage
from documents.amendments import amendments_held
from documents.finals import document_final, draft_due
from documents.models import DocumentFormat, DocumentStatus, IllegalTransition
from documents.versions import section_id
from sessions_app import selectors as session_selectors

UNPROCESSABLE = 422
CONFLICT = 409
MAX_REASON = 2_000
MAX_COMMENTS = 5_000


def _detail_context(request, document, **extra) -> dict:
    renditions = selectors.document_renditions(document=document)
    pdf = next((r for r in renditions if r.format == DocumentFormat.PDF and r.has_file), None)
    review_status = document.review_status or {}
    provenance = (document.generation_metadata or {}).get("provenance") or []
    versions = selectors.document_versions(document=document)
    change_request = review.change_request_of(document)
    organization_id = document.session.user.organization_id
    reviewers = list(selectors.reviewers_for_organization(organization_id=organization_id))
    assigned_id = (document.review_status or {}).get("assignedTo")
    latest = selectors.latest_version(document=document)
    return {
        "document": document,
        "renditions": renditions,
        "pdf": pdf,
        "content": selectors.document_content_for(document=document),
        "reviewers": reviewers,
        "assigned_to": next((r for r in reviewers if str(r.pk) == assigned_id), None),
        "history": selectors.document_history(document=document),
        "versions": versions,
        "previous": next((v for v in versions if v.version < document.version), None),
        "latest_version": latest,
        "finals": {r.pk: document_final(r) for r in renditions},
        "draft_pending": bool(draft_due(document)),
        "sections": _sections(document, review_status),
        "questions": review.document_questions(document),
        "amendments": review_status.get("amendments") or {},
        "held": [
            {
                "id": section_id(block),
                "label": block.get("title") or block.get("excerpt") or block.get("kind"),
                "amendment": (review_status.get("amendments") or {}).get(section_id(block)) or {},
            }
            for block in amendments_held(provenance)
        ],
        "internal_notes": review_status.get("internalNotes") or [],
        "change_request": change_request,
        "change_request_ids": {str(q) for q in change_request.question_ids} if change_request else set(),
        "can_review": document.status == DocumentStatus.PENDING_REVIEW,
        "can_assign": document.status in services.ASSIGNABLE,
        "can_regenerate": document.status == DocumentStatus.REJECTED
        and latest == document.version
        and not _waiting_for_client(document),
        "can_retry": document.status == DocumentStatus.FAILED and request.user.is_staff,
        "comments": review_status.get("comments") or [],
        **extra,
    }


def _sections(document, review_status: dict) -> list[dict]:
    """The parts of a version, each with its amendment and the comments and notes addressed to it."""
    amendments = review_status.get("amendments") or {}
    comments, notes = review_status.get("comments") or [], review_status.get("internalNotes") or []
    return [
        {
            **section,
            "amendment": amendments.get(section["id"]),
            "amendable": section["id"].startswith("block-"),
            "comments": [c for c in comments if c.get("section") == section["id"]],
            "notes": [n for n in notes if n.get("section") == section["id"]],
        }
        for section in review.document_sections(document)
    ]


def _waiting_for_client(document) -> bool:
    found = review.change_request_of(document)
    return found is not None and found.status == "OPEN"


def _refuse(request, document, message: str, status: int, **extra):
    return render(
        request,
        "documents/detail.html",
        _detail_context(request, document, error=message, **extra),
        status=status,
    )


@login_required
@require_GET
def queue(request):
    return render(request, "documents/queue.html", {"items": selectors.review_queue(user=request.user)})


@login_required
@require_GET
def detail(request, document_id):
    document = selectors.document_for_reviewer(user=request.user, document_id=document_id)
    return render(request, "documents/detail.html", _detail_context(request, document))


# PostgreSQL text cannot hold NUL; a form that carries one is refused, as Django's own forms do.
NUL_REFUSED = "The text contains a null character; remove it and try again."


@login_required
@require_POST
def approve(request, document_id):
    document = selectors.document_for_reviewer(user=request.user, document_id=document_id)
    comment = request.POST.get("comment", "")
    if "\x00" in comment:
        return _refuse(request, document, NUL_REFUSED, UNPROCESSABLE)
    if len(comment) > MAX_COMMENTS:
        return _refuse(request, document, f"Keep the comment under {MAX_COMMENTS} characters.", UNPROCESSABLE)
    try:
        services.document_approve(document=document, reviewer=request.user, comment=comment)
    except IllegalTransition as refused:
        return _refuse(request, document, str(refused), CONFLICT)
    messages.success(request, f"{document.document_type.name} version {document.version} approved.")
    return redirect("documents:queue")


@login_required
@require_POST
def reject(request, document_id):
    document = selectors.document_for_reviewer(user=request.user, document_id=document_id)
    reason, comments = request.POST.get("reason", ""), request.POST.get("comments", "")
    form = {"reason": reason, "comments": comments}
    if "\x00" in reason or "\x00" in comments:
        return _refuse(request, document, NUL_REFUSED, UNPROCESSABLE, form={"reason": "", "comments": ""})
    if len(reason) > MAX_REASON or len(comments) > MAX_COMMENTS:
        return _refuse(
            request, document, "The reason or the comments are too long.", UNPROCESSABLE, form=form
        )
    try:
        services.document_reject(document=document, reviewer=request.user, reason=reason, comments=comments)
    except services.ReviewError as refused:
        return _refuse(request, document, str(refused), UNPROCESSABLE, form=form)
    except IllegalTransition as refused:
        return _refuse(request, document, str(refused), CONFLICT)
    messages.success(request, f"{document.document_type.name} version {document.version} rejected.")
    return redirect("documents:detail", document_id=document.pk)


@login_required
@require_POST
def assign(request, document_id):
    document = selectors.document_for_reviewer(user=request.user, document_id=document_id)
    organization_id = document.session.user.organization_id
    assignee = (
        selectors.reviewers_for_organization(organization_id=organization_id)
        .filter(pk=_uuid_or_none(request.POST.get("assignee")))
        .first()
    )
    try:
        services.document_assign(document=document, assignee=assignee, actor=request.user)
    except services.ReviewError as refused:
        return _refuse(request, document, str(refused), UNPROCESSABLE)
    messages.success(request, f"Assigned to {assignee.display_name}.")
    return redirect("documents:detail", document_id=document.pk)


@login_required
@require_POST
def regenerate(request, document_id):
    document = selectors.document_for_reviewer(user=request.user, document_id=document_id)
    if _waiting_for_client(document):
        return _refuse(request, document, "The client is revising their answers for this version.", CONFLICT)
    try:
        created = services.document_regenerate(document=document, actor=request.user)
    except services.ReviewError as refused:
        return _refuse(request, document, str(refused), CONFLICT)
    except IllegalTransition:
        return _refuse(request, document, "Only a rejected document can be regenerated.", CONFLICT)
    messages.success(request, f"Version {created[0].version} is being generated.")
    return redirect("documents:detail", document_id=created[0].pk)


@login_required
@require_POST
def retry(request, document_id):
    document = selectors.document_for_reviewer(user=request.user, document_id=document_id)
    if not request.user.is_staff:
        raise Http404("No such page.")
    try:
        services.document_retry(document=document, actor=request.user)
    except IllegalTransition:
        return _refuse(request, document, "Only a failed document can be retried.", CONFLICT)
    messages.success(request, "Generation queued again.")
    return redirect("documents:detail", document_id=document.pk)


@login_required
@require_GET
@xframe_options_sameorigin  # the reviewer's page shows the PDF in a frame
def download(request, document_id):
    found = selectors.document_for_download(
        user=request.user, document_id=document_id, draft=request.GET.get("draft") == "1"
    )
    document = found.document
    inline = request.GET.get("inline") == "1" and document.format == DocumentFormat.PDF
    if not inline:  # the preview on the reviewer's page is part of reading it, not a download
        services.document_download_record(document=document, actor=request.user, final=found.final)
    if storage.is_remote():
        return redirect(
            storage.presigned_url(
                key=found.key, file_name=found.file_name, content_type=document.content_type, inline=inline
            )
        )
    try:
        handle = storage.document_open(found.key)
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle, as_attachment=not inline, filename=found.file_name, content_type=document.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def session_panel(request, session_id):
    """The client's documents panel alone, which the session page polls while documents are prepared."""
    session = session_selectors.session_for_client(user=request.user, session_id=session_id)
    return render(request, "documents/_session_documents.html", {"session": session})


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
