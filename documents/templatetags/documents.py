"""Template tags of the documents app: static files in PDFs, and the documents of a session."""

from django import template

from documents import selectors
from documents.fetcher import static_url
from documents.rendering import format_date

register = template.Library()


@register.simple_tag
def pdf_static(path: str) -> str:
    """Name a static file the way the PDF renderer's URL fetcher allows (documents/fetcher.py)."""
    return static_url(path)


@register.simple_tag
def session_documents(session):
    """Return the latest version of each document made from the session."""
    return selectors.documents_for_session(session=session)


@register.simple_tag
def client_next_step(session) -> dict:
    """Return what the client of a completed session should know or do now, in plain words.

    {kind, title, text, url}: "changes" when a reviewer asked them to revisit answers, "ready" when
    every document's final can be downloaded, else "waiting" (nothing needed from them).
    """
    from django.urls import reverse

    from documents.finals import document_final
    from sessions_app.selectors import open_change_request

    request = open_change_request(session=session)
    if request is not None:
        count = len(request.question_ids)
        return {
            "kind": "changes",
            "title": f"Your reviewer needs {count} answer{'s' if count != 1 else ''} revisited",
            "text": "Your documents wait for these changes. Only the questions your reviewer chose are open.",
            "url": reverse("sessions_app:changes", args=[session.pk, request.pk]),
        }
    documents = selectors.documents_for_session(session=session)
    if documents and all(d.status == "APPROVED" and document_final(d) for d in documents):
        ready = "Download them below."
        return {"kind": "ready", "title": "Your documents are ready", "text": ready, "url": ""}
    if not documents:
        return {"kind": "none", "title": "", "text": "", "url": ""}
    return {
        "kind": "waiting",
        "title": "Nothing is needed from you now",
        "text": "We are preparing and reviewing your documents. We will e-mail you when they are ready to "
        "download, or if your reviewer needs anything from you.",
        "url": "",
    }


@register.filter
def final_ready(document) -> bool:
    """Return whether a document's approved final is stored (what a client downloads)."""
    from documents.finals import document_final

    return document.status == "APPROVED" and bool(document_final(document))


@register.simple_tag
def session_documents_skipped(session):
    """Return the document types not generated for the session, with the reasons."""
    return selectors.documents_skipped_for_session(session=session)


CLIENT_STATUS = {
    "PENDING": "Being prepared",
    "GENERATING": "Being prepared",
    "GENERATED": "Waiting for review",
    "PENDING_REVIEW": "Waiting for review",
    "APPROVED": "Approved",  # the panel says "Being finalised" until the final is stored
    "REJECTED": "Being revised",
    "FAILED": "Delayed",
}


@register.filter
def client_status(status: str) -> str:
    """Return a document status in the words a client reads."""
    return CLIENT_STATUS.get(str(status), str(status).replace("_", " ").capitalize())


@register.filter
def iso_datetime(text) -> str:
    """Return an ISO 8601 time kept in JSON (review_status) as people read it: 3 Dec 2026, 10:15."""
    import datetime as dt

    from django.utils import timezone
    from django.utils.dateformat import format as date_format

    try:
        moment = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return str(text or "")
    return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "j M Y, H:i")


@register.filter
def for_client(review_status) -> list[dict]:
    """Return the comments of a version that its client may read (documents/emails.client_comments)."""
    from documents.emails import client_comments

    return client_comments(review_status)


@register.filter
def get_item(mapping, key):
    """Return ``mapping[key]`` (None when missing), for dictionaries keyed by ids in templates."""
    return (mapping or {}).get(key) if hasattr(mapping, "get") else None


@register.filter
def any_finalising(documents) -> bool:
    """Return whether an approved document still waits for its final (the panel refreshes itself)."""
    return any(document.status == "APPROVED" and not final_ready(document) for document in documents)


@register.filter
def any_preparing(documents) -> bool:
    """Return whether any of the documents is still being generated (the panel then refreshes itself)."""
    return any(document.status in selectors.WAITING for document in documents)


EVENT_LABELS = {
    "document.create": "Created",
    "document.generation_start": "Generation started",
    "document.generated": "Generated",
    "document.submit_for_review": "Submitted for review",
    "document.approve": "Approved",
    "document.reject": "Rejected",
    "document.assign": "Assigned",
    "document.regenerate": "Created as a new version",
    "document.fail": "Generation failed",
    "document.retry": "Generation retried",
    "document.download": "Downloaded",
    "document.final_stored": "Final stored",
    "document.redrawn": "Draft drawn again with the amendments",
    "document.amend": "Amended",
    "document.amendment_removed": "Amendment removed",
    "document.comment": "Comment for the client",
    "document.note": "Internal note",
    "document.changes_requested": "Changes requested from the client",
    "document.revised_by_client": "Created from the client’s revised answers",
    "document.superseded": "Replaced after the client’s revised answers",
}


@register.filter
def event_label(event: str) -> str:
    """Return an audit event of a document as the history on its page names it."""
    return EVENT_LABELS.get(str(event), str(event).removeprefix("document.").replace("_", " ").capitalize())


@register.simple_tag
def chart_for(figures, answer):
    """Return the chart drawn for this answer in a document's PDF ({url, alt, caption}), or None."""
    return (figures or {}).get(answer.chart_key)


@register.simple_tag
def figure_for(figures, block):
    """Return the chart drawn for a content block in a document's PDF ({url, alt, caption}), or None."""
    chart = getattr(block, "chart", None)
    return (figures or {}).get(chart.key) if chart is not None else None


@register.filter
def template_version(version: str) -> str:
    """Return a block's template version in words: "type of 3 December 2026, 08:16 · fingerprint …"."""
    changed, _, rest = str(version or "").partition("#")
    fingerprint = rest.partition(":")[2]
    words = f"type of {format_date(changed)}" if changed else "type"
    return f"{words} · fingerprint {fingerprint}" if fingerprint else words
