"""An organization's branding on the documents it delivers: logo, colours and footer.

Kept in ``organizations.settings.branding`` as ``{"primary_color": "#1f4e79", "accent_color": "#c8102e",
"footer": "…", "logo": {"key": "<storage key>", "mime_type": "image/png"}}``. The organization's admins
set it on its admin page (accounts/admin.py, through ``services.organization_branding_set``); both
document renderers read it through ``branding_of``. A value that does not fit (a malformed colour, a
logo of another type) is ignored there, so a document always renders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_ACCENT",
    "DEFAULT_PRIMARY",
    "FOOTER_MAX_LENGTH",
    "LOGO_MAX_BYTES",
    "LOGO_TYPES",
    "Branding",
    "branding_of",
    "color_problem",
    "logo_type",
]

DEFAULT_PRIMARY = "#1f5fbf"
DEFAULT_ACCENT = "#5a6272"
FOOTER_MAX_LENGTH = 200
LOGO_MAX_BYTES = 512 * 1024
# The logo's type is read from its first bytes, never from its name.
LOGO_TYPES = {"image/png": (b"\x89PNG\r\n\x1a\n", "png"), "image/jpeg": (b"\xff\xd8\xff", "jpg")}
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Branding:
    # None: not set, and each document family keeps its own colour.
    primary_color: str | None = None  # headings' rule, the cover's family line, the DOCX headings
    accent_color: str | None = None  # running header and footer, captions
    footer: str = ""
    logo_key: str | None = None
    logo_mime_type: str | None = None

    @property
    def primary_rgb(self) -> tuple[int, int, int]:
        return _rgb(self.primary_color or DEFAULT_PRIMARY)

    @property
    def accent_rgb(self) -> tuple[int, int, int]:
        return _rgb(self.accent_color or DEFAULT_ACCENT)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def color_problem(value: Any) -> str | None:
    """Return why ``value`` is not a colour this branding takes, or None."""
    if not isinstance(value, str) or not _COLOR.fullmatch(value):
        return "Enter a colour as # and six hexadecimal digits, e.g. #1f4e79."
    return None


def logo_type(head: bytes) -> str | None:
    """Return the MIME type of a logo from its first bytes (PNG or JPEG), or None."""
    for mime_type, (signature, _) in LOGO_TYPES.items():
        if head.startswith(signature):
            return mime_type
    return None


def branding_of(organization) -> Branding:
    """Return an organization's branding; what is missing or malformed takes the default."""
    settings = getattr(organization, "settings", None) if organization is not None else None
    stored = settings.get("branding") if isinstance(settings, Mapping) else None
    if not isinstance(stored, Mapping):
        return Branding()
    primary, accent = stored.get("primary_color"), stored.get("accent_color")
    footer = stored.get("footer")
    logo = stored.get("logo") if isinstance(stored.get("logo"), Mapping) else {}
    logo_key, mime_type = logo.get("key"), logo.get("mime_type")
    has_logo = isinstance(logo_key, str) and logo_key and mime_type in LOGO_TYPES
    return Branding(
        primary_color=primary if color_problem(primary) is None else None,
        accent_color=accent if color_problem(accent) is None else None,
        footer=footer[:FOOTER_MAX_LENGTH] if isinstance(footer, str) else "",
        logo_key=logo_key if has_logo else None,
        logo_mime_type=mime_type if has_logo else None,
    )
