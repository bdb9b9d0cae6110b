"""Links to the guides the admin serves (config/help.py), for help texts shown as HTML.

Help texts are built when their module is imported, before the URLs are loaded: the link is lazy.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html


def _guide_link(slug: str, anchor: str, words: str) -> str:
    url = reverse("admin_help", args=[slug]) + (f"#{anchor}" if anchor else "")
    return format_html('<a href="{}">{}</a>', url, words)


guide_link = lazy(_guide_link, str)
