"""The only way WeasyPrint reaches a resource: the app's own static files, nothing else.

Document templates link static files with ``{% pdf_static "css/documents-pdf.css" %}``, which names
them on a reserved host (``.invalid`` never resolves) whatever STATIC_URL is (a CDN in production);
this fetcher answers only for paths under ``/static/`` on that host, from the static files finders,
and for the resources a render hands it (``resources_served``: the organization's logo).
Every other URL (http, https elsewhere, file:, data:, ftp:) is refused before any connection is
made, so a document can never be used to reach the network or the server's disk.
"""

from __future__ import annotations

import contextlib
import mimetypes
import threading
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders

BASE_HOST = "documents.invalid"
BASE_URL = f"https://{BASE_HOST}/"
STATIC_PREFIX = "/static/"

_cache: dict[str, bytes] = {}
_lock = threading.Lock()


class RefusedURL(ValueError):
    """A document asked for a resource outside the app's static files."""


def static_path(url: str) -> str:
    """Return the static file path a URL names, or raise RefusedURL."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != BASE_HOST or parts.query:
        raise RefusedURL(f"Refused to fetch {url[:200]!r}: only the app's static files are allowed.")
    path = unquote(parts.path)
    if not path.startswith(STATIC_PREFIX):
        raise RefusedURL(f"Refused to fetch {url[:200]!r}: only the app's static files are allowed.")
    relative = path[len(STATIC_PREFIX) :]
    if not relative or any(part in ("", ".", "..") for part in relative.split("/")):
        raise RefusedURL(f"Refused to fetch {url[:200]!r}: not a static file path.")
    return relative


def static_url(relative: str) -> str:
    """Return the URL under which a document template names a static file."""
    return f"{BASE_URL}{STATIC_PREFIX.strip('/')}/{relative.lstrip('/')}"


def static_bytes(relative: str) -> bytes:
    """Return a static file's bytes, kept in memory: the stylesheets are small and never change."""
    with _lock:
        found = _cache.get(relative)
    if found is not None:
        return found
    located = finders.find(relative)  # safe_join inside: never outside the static directories
    if not located:
        raise RefusedURL(f"No static file named {relative!r}.")
    with open(located, "rb") as handle:
        data = handle.read()
    with _lock:
        _cache[relative] = data
    return data


_local = threading.local()

RESOURCE_PREFIX = f"{BASE_URL}resource/"


def resource_url(name: str) -> str:
    """Return the URL under which a document names one of its own resources (its organization's logo)."""
    return f"{RESOURCE_PREFIX}{name}"


@contextlib.contextmanager
def resources_served(resources: dict[str, tuple[bytes, str]]):
    """Serve ``{name: (bytes, MIME type)}`` at ``resource_url(name)`` to the renders of this block.

    The bytes come from the caller (a logo read from storage), never from the URL: a document still
    cannot name a file or a host of its own choosing.
    """
    previous = getattr(_local, "resources", None)
    _local.resources = {resource_url(name): found for name, found in resources.items()}
    try:
        yield
    finally:
        _local.resources = previous


def url_fetcher():
    """Return this thread's WeasyPrint URL fetcher, bound to the allow-list above (built once)."""
    fetcher = getattr(_local, "fetcher", None)
    if fetcher is None:
        fetcher = _local.fetcher = _build_fetcher()
    return fetcher


def _build_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            served = (getattr(_local, "resources", None) or {}).get(url)
            if served is not None:
                data, mime_type = served
                return URLFetcherResponse(url, data, {"Content-Type": mime_type})
            relative = static_path(url)
            mime_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            return URLFetcherResponse(url, static_bytes(relative), {"Content-Type": mime_type})

    return StaticOnlyFetcher(allowed_protocols=("https",), allow_redirects=False)
