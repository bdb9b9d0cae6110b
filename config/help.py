"""The authors' guides (docs/*.md) as admin pages, /admin/help/<slug>/, for staff.

Wiring, so in config: the guides describe more than one app. Only the guides named in GUIDES are
served, by slug; a file's path never comes from the request. markdown-it-py renders them with raw HTML
off (a guide's HTML shows as text), headings get GitHub's anchors (#the-analysis), and links between
guides lead to each other's pages here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token


@dataclass(frozen=True)
class Guide:
    file_name: str
    title: str


# The guides written for authors, by the slug of their page. Nothing else under docs/ is served.
GUIDES = {
    "authoring": Guide("authoring.md", "Authoring questionnaires"),
    "rules": Guide("rules.md", "Visibility rules"),
    "questionnaire-format": Guide("questionnaire-format.md", "The questionnaire file format"),
    "documents": Guide("documents.md", "Documents and their content"),
}

_GUIDE_LINK = re.compile(r"^(?:(?:\.\./)?docs/)?(?P<name>[\w-]+)\.md(?P<anchor>#[\w-]*)?$")


def guide_html(slug: str) -> str:
    """Return the guide of this slug (a key of GUIDES) rendered to HTML."""
    path = settings.BASE_DIR / "docs" / GUIDES[slug].file_name
    return _rendered(slug, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _rendered(slug: str, modified: int) -> str:
    # Keyed on the file's modification time, so an edited guide shows at once in development.
    return markdown_html((settings.BASE_DIR / "docs" / GUIDES[slug].file_name).read_text(encoding="utf-8"))


def markdown_html(source: str) -> str:
    """Render Markdown with raw HTML off, anchors on headings and links between guides made ours."""
    markdown = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    tokens = markdown.parse(source)
    _add_anchors(tokens)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _guide_links(token.children)
    return markdown.renderer.render(tokens, markdown.options, {})


def anchor_of(heading: str) -> str:
    """Return a heading's anchor as GitHub makes it: "The analysis" is "the-analysis"."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _add_anchors(tokens: list[Token]) -> None:
    seen: dict[str, int] = {}
    for heading, inline in zip(tokens, tokens[1:], strict=False):
        if heading.type != "heading_open":
            continue
        anchor = anchor_of(inline.content)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        heading.attrSet("id", f"{anchor}-{count}" if count else anchor)


def _guide_links(children: list[Token]) -> list[Token]:
    """Point links to a guide at its page here; drop the link (not its words) to any other .md file."""
    kept, dropped = [], 0
    for token in children:
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            found = _GUIDE_LINK.match(href)
            if found and found["name"].replace("_", "-") in GUIDES:
                slug = found["name"].replace("_", "-")
                token.attrSet("href", reverse("admin_help", args=[slug]) + (found["anchor"] or ""))
            elif found:
                dropped += 1
                continue
        elif token.type == "link_close" and dropped:
            dropped -= 1
            continue
        kept.append(token)
    return kept


def help_view(request, slug: str):
    """Show one guide, with the list of the others."""
    guide = GUIDES.get(slug)
    if guide is None:
        raise Http404("No such guide.")
    context = {
        **admin.site.each_context(request),
        "title": guide.title,
        "slug": slug,
        "body": mark_safe(guide_html(slug)),  # noqa: S308 - markdown-it escapes the text; raw HTML is off
        "guides": [(other, item.title) for other, item in GUIDES.items()],
    }
    return TemplateResponse(request, "admin/help.html", context)
