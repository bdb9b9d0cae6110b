"""Draw a document's content as a PDF: a Django template to HTML, then WeasyPrint to PDF.

WeasyPrint is imported on first use, in the worker that renders, never by web processes; it fetches
nothing but the app's own static files (documents/fetcher.py).
"""

from __future__ import annotations

import logging
import threading

from django.template.loader import render_to_string

from documents.fetcher import BASE_URL, resources_served, url_fetcher

_local = threading.local()


def html_render(*, template_name: str, context: dict) -> str:
    """Return the HTML of a document from its type's template."""
    return render_to_string(template_name, context)


def font_config():
    """Return this thread's WeasyPrint font configuration, created once.

    WeasyPrint builds a new one per document by default, and each leaves native font memory behind
    (about 0.2 MB a document, measured): a worker rendering thousands of documents would grow without
    end. One per thread keeps the worker's memory flat, and documents load no web fonts that could
    accumulate in it (the URL fetcher refuses them).
    """
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


def pdf_render(html: str, resources: dict[str, tuple[bytes, str]] | None = None) -> tuple[bytes, int]:
    """Return the PDF bytes of ``html`` and its page count; ``resources`` are served to it by name."""
    import weasyprint

    # WeasyPrint logs every layout step at INFO; a worker rendering thousands of pages needs warnings only.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    with resources_served(resources or {}):
        rendered = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).render(
            font_config=font_config()
        )
        return rendered.write_pdf(), len(rendered.pages)
