"""Reviewer pages of the review loop (docs/review.md): comments and internal notes, amendments, changes
requested from the client, and two versions compared. Each finds its document through the scoped
selector (another organization's is a 404) and reports a refused action on the document's page with a
4xx, the reviewer's text kept in the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from documents import review, selectors
from documents.models import DocumentStatus, IllegalTransition
from documents.services import ReviewError
from documents.versions import snapshot_compare
from documents.views import CONFLICT, UNPROCESSABLE, _refuse
from sessions_app import revisions


@login_required
@require_POST
def comment(request, document_id):
    document = selectors.document_for_reviewer(user=request.user, document_id=document_id)
    internal = request.POST.get("audience") != "client"
    text = request.POST.get("text", "")
    try:
        review.document_comment(
            document=document,
            actor=request.user,
            text=text,
            internal=internal,
            section=request.POST.get("section", ""),
        )
    except ReviewError as refused:
        return _refuse(request, document, str(refused), UNPROCESSABLE, note_form={"text": text})
    except IllegalTransition as refused:
        return _refuse(request, document, str(refused), CONFLICT)
    messages.success(request, "Internal note added." if internal else "Comment for the client added.")
    return redirect("documents:detail", document_id=document.pk)


@login_required
@require_POST
def amend(request, document_id):
    document = selectors.document_for_reviewer(user=request.user, document_id=document_id)
    section = request.POST.get("section", "")
    try:
        if request.POST.get("discard"):
            review.document_amendment_discard(document=document, actor=request.user, section=section)
        else:
            review.document_amend(
                document=document,
                actor=request.user,
                section=section,
                text=request.POST.get("text", ""),
                note=request.POST.get("note", ""),
            )
    except ReviewError as refused:
        return _refuse(request, document, str(refused), UNPROCESSABLE, amend_section=section)
    except IllegalTransition:
        return _refuse(request, document, "Only a version waiting for review can be amended.", CONFLICT)
    messages.success(request, "Amendment saved: the draft is being drawn again with it.")
    return redirect("documents:detail", document_id=document.pk)


@login_required
@require_POST
def request_changes(request, document_id):
    document = selectors.document_for_reviewer(user=request.user, document_id=document_id)
    chosen, message = request.POST.getlist("questions"), request.POST.get("message", "")
    try:
        review.document_request_changes(
            document=document, reviewer=request.user, question_ids=chosen, message=message
        )
    except ReviewError as refused:
        form = {"questions": set(chosen), "message": message}
        return _refuse(request, document, str(refused), UNPROCESSABLE, changes_form=form)
    except IllegalTransition:
        return _refuse(request, document, "Only a version waiting for review can be sent back.", CONFLICT)
    messages.success(request, "The client has been asked to revisit those answers; we e-mailed them.")
    return redirect("documents:detail", document_id=document.pk)


@login_required
@require_POST
def withdraw_changes(request, document_id):
    document = selectors.document_for_reviewer(user=request.user, document_id=document_id)
    found = review.change_request_of(document)
    if found is None:
        raise Http404("No such request.")
    try:
        revisions.change_request_withdraw(request=found, actor=request.user)
    except revisions.ChangeRequestError as refused:
        return _refuse(request, document, str(refused), CONFLICT)
    messages.success(request, "Request withdrawn: the client's answers are closed again.")
    return redirect("documents:detail", document_id=document.pk)


@login_required
@require_GET
def compare(request, document_id):
    """What changed between this version and another of the same document (the one before, by default)."""
    document = selectors.document_for_reviewer(user=request.user, document_id=document_id)
    versions = selectors.document_versions(document=document)
    others = [v for v in versions if v.version != document.version]
    if not others:
        raise Http404("There is no other version to compare with.")
    try:
        wanted = int(request.GET.get("with") or 0)
    except ValueError:
        wanted = 0
    earlier = [v for v in others if v.version < document.version]
    other = next((v for v in others if v.version == wanted), earlier[0] if earlier else others[-1])
    old, new = sorted((other, document), key=lambda d: d.version)
    comparison = snapshot_compare(
        (old.generation_metadata or {}).get("snapshot"), (new.generation_metadata or {}).get("snapshot")
    )
    context = {
        "document": document,
        "old": old,
        "new": new,
        "others": others,
        "comparison": comparison,
        "missing_snapshot": not (old.generation_metadata or {}).get("snapshot")
        or not (new.generation_metadata or {}).get("snapshot"),
        "waiting": new.status in (DocumentStatus.PENDING, DocumentStatus.GENERATING),
    }
    return render(request, "documents/compare.html", context)
