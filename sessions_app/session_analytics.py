"""What `sessions.analytics` holds (seed 000 §7.2) and how each step of the client's way changes it.

Pure Python on plain values, so the answer save (which holds the session's lock) and the tests use the
same rules. The shape, read with defaults by the analytics page (a session from before the column has
``{}``):

    {"deviceType": "desktop" | "mobile" | "tablet" | "api",
     "sectionSeconds": {"<section id>": seconds spent answering its questions},
     "revisits": times the client came back to a section seen before,
     "sectionsSeen": ["<section id>", …],
     "sectionsAnswered": ["<id of a section with at least one question answered>", …],
     "lastSectionId": "<section id>", "lastQuestionId": "<id of the last question answered>"}

Where a client stopped is ``lastQuestionId`` of a session that was abandoned or expired; the completion
funnel counts the sessions with a section in ``sectionsAnswered`` (a session from before that key was
kept is counted from its responses instead).
A section viewed is counted in the database (sessions_app/services.py, ``session_position_record``),
since a page view takes no lock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# A tablet says so, or is an iPad, or is an Android device without "Mobile"; a phone says "Mobi".
_TABLET = re.compile(r"iPad|Tablet|PlayBook|Silk|Kindle|(Android(?!.*Mobile))", re.IGNORECASE)
_PHONE = re.compile(r"Mobi|iPhone|iPod|Windows Phone", re.IGNORECASE)


def device_type(user_agent: str | None) -> str:
    """Return "tablet", "mobile" or "desktop" for a browser's User-Agent (desktop when unknown)."""
    agent = user_agent or ""
    if _TABLET.search(agent):
        return "tablet"
    if _PHONE.search(agent):
        return "mobile"
    return "desktop"


def analytics_start(*, device: str, section_id: str | None) -> dict[str, Any]:
    """The analytics of a session that starts now, on its first section."""
    seen = [section_id] if section_id else []
    return {
        "deviceType": device,
        "sectionSeconds": {},
        "revisits": 0,
        "sectionsSeen": seen,
        "sectionsAnswered": [],
        "lastSectionId": section_id,
    }


def analytics_after_answer(
    analytics: Mapping[str, Any] | None, *, section_id: str, question_id: str, seconds: int | None
) -> dict[str, Any]:
    """Return the analytics once a question of a section is answered, after ``seconds`` on it."""
    after = dict(analytics or {})
    spent = dict(after.get("sectionSeconds") or {})
    if seconds:
        spent[section_id] = int(spent.get(section_id) or 0) + max(0, int(seconds))
    after["sectionSeconds"] = spent
    seen = list(after.get("sectionsSeen") or [])
    if section_id not in seen:
        seen.append(section_id)
    after["sectionsSeen"] = seen
    answered = list(after.get("sectionsAnswered") or [])
    if section_id not in answered:
        answered.append(section_id)
    after["sectionsAnswered"] = answered
    after["lastSectionId"] = section_id
    after["lastQuestionId"] = question_id
    after.setdefault("revisits", 0)
    return after
