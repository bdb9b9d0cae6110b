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
def session_documents_skipped(session):
    """Return the document types not generated for the session, with the reasons."""
    return selectors.documents_skipped_for_session(session=session)


CLIENT_STATUS = {
    "PENDING": "Being prepared",
    "GENERATING": "Being prepared",
    "GENERATED": "Waiting for review",
    "PENDING_REVIEW": "Waiting for review",
    "APPROVED": "Approved",
    "REJECTED": "Being revised",
    "FAILED": "Delayed",
}


@register.filter
def client_status(status: str) -> str:
    """Return a document status in the words a client reads."""
    return CLIENT_STATUS.get(str(status), str(status).replace("_", " ").capitalize())


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
