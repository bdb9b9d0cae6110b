"""Static bundles: several static files served as one, so a page costs fewer requests.

`settings.STATIC_BUNDLES` names each bundle and the static files it joins, in order. `BundleFinder`, a
staticfiles finder, writes each bundle into `settings.STATIC_BUNDLES_ROOT` when one of its files is newer,
so `runserver` serves it and `collectstatic` collects it like any other file: the production storage
then gives it a hashed name and its gzip and brotli variants (whitenoise). A CSS bundle carries the
small SVGs its rules point at as data: URIs (`img-src` allows them), so they cost no request either;
its url()s stay right because a CSS bundle lives in the folder of the files it joins.
`media_bundled()` puts the bundles in place of their files in a form's `Media`.
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# The small images worth inlining: larger ones stay files of their own, fetched once and cached.
INLINE_MAX_BYTES = 1024
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_SOURCE_MAP = re.compile(rb"^\s*//# sourceMappingURL=\S*\s*$", re.MULTILINE)
_IMPORT = re.compile(r"""^@import\s+url\(\s*['"]?([^'")]+)['"]?\s*\)\s*;\s*$""", re.MULTILINE)


def bundles() -> dict[str, list[str]]:
    return getattr(settings, "STATIC_BUNDLES", {})


def _source(path: str) -> Path:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"Static bundle member {path!r} is not a static file.")
    return Path(found)


def _inline_images(css: str, folder: str) -> str:
    def replace(match: re.Match) -> str:
        url = match.group(2)
        if not url.endswith(".svg") or url.startswith(("data:", "/", "http:", "https:")):
            return match.group(0)
        found = finders.find(os.path.normpath(os.path.join(folder, url)).replace(os.sep, "/"))
        if not found or os.path.getsize(found) > INLINE_MAX_BYTES:
            return match.group(0)
        encoded = base64.b64encode(Path(found).read_bytes()).decode("ascii")
        return f'url("data:image/svg+xml;base64,{encoded}")'

    return _URL.sub(replace, css)


def bundle_content(name: str) -> bytes:
    """Return the bundle's content: its files joined in order (a CSS bundle without the @imports of its
    own members, which it already holds, and with its small SVGs inlined)."""
    members = bundles()[name]
    if not name.endswith(".css"):
        # The admin's files and ours are all written for strict mode; a member's own "use strict" would
        # count only at the top of a file. Source maps point at files the bundle no longer stands beside.
        joined = b"".join(_SOURCE_MAP.sub(b"", _source(m).read_bytes()).rstrip() + b"\n;\n" for m in members)
        return b'"use strict";\n' + joined
    folder = os.path.dirname(name)
    held = {os.path.normpath(m) for m in members}
    parts = []
    for member in members:
        css = _source(member).read_text(encoding="utf-8")
        here = os.path.dirname(member)

        def drop_held(match: re.Match, here=here) -> str:
            imported = os.path.normpath(os.path.join(here, match.group(1)))
            return "" if imported in held else match.group(0)

        parts.append(f"/* {member} */\n" + _IMPORT.sub(drop_held, css))
    return _inline_images("\n".join(parts), folder).encode("utf-8")


class BundleFinder(BaseFinder):
    """Find the bundles of STATIC_BUNDLES, written into STATIC_BUNDLES_ROOT when out of date."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.root = Path(getattr(settings, "STATIC_BUNDLES_ROOT", Path(tempfile.gettempdir()) / "bundles"))
        self.storage = FileSystemStorage(location=str(self.root))

    def _written(self, name: str) -> Path:
        target = self.root / name
        sources = [_source(m) for m in bundles()[name]]
        newest = max(source.stat().st_mtime for source in sources)
        if target.exists() and target.stat().st_mtime >= newest:
            return target
        return self._write(name)

    def _write(self, name: str) -> Path:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written aside then renamed: another process serving the same bundle never reads half of it.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".bundle-")
        with os.fdopen(handle, "wb") as out:
            out.write(bundle_content(name))
        os.chmod(temporary, 0o644)  # as collectstatic leaves a static file (mkstemp made it 0600)
        os.replace(temporary, target)
        return target

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)  # Django 5.2 renames `all` to `find_all`
        if path not in bundles():
            return [] if find_all else None
        found = str(self._written(path))
        return [found] if find_all else found

    def list(self, ignore_patterns):
        # collectstatic: written afresh, so a change of STATIC_BUNDLES itself is never missed.
        for name in bundles():
            self._write(name)
            yield name, self.storage


def _unminified(path: str) -> str:
    return path.replace(".min.js", ".js")


def media_bundled(media: forms.Media, *, drop: frozenset[str] = frozenset()) -> forms.Media:
    """Return `media` with each bundled file replaced by its bundle (once), and the `drop` files left out.

    The admin asks for jquery.js rather than jquery.min.js under DEBUG: both stand for the bundle.
    """
    owner = {}
    for name, members in bundles().items():
        for member in members:
            owner[member] = owner[_unminified(member)] = name

    dropped = {_unminified(path) for path in drop}

    def replaced(paths):
        out = []
        for path in paths:
            if _unminified(path) in dropped:
                continue
            path = owner.get(path, path)
            if path not in out:
                out.append(path)
        return out

    css = {medium: replaced(paths) for medium, paths in media._css.items()}
    return forms.Media(js=replaced(media._js), css=css)
