"""A reviewer's amendments to a document version: a note on a section, and the text of a block rewritten.

``review_status.amendments`` maps a block's id (documents/versions.section_id) to the amendment in
force, with every earlier revision of it kept in ``history``; ``draftDue`` in the generation metadata
counts them, so the worker draws the draft again (documents/finals.py). Each amendment records the
fingerprint of the block's inputs when it was made (the template, and the answers, computed values
and recommendations it read). A new version carries the amendments over; the renderer applies one
only where the block's inputs are unchanged, and the reviewer is asked about the others. Pure Python.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from documents.versions import section_id

__all__ = ["amendments_apply", "amendments_held", "inputs_digest"]


def inputs_digest(source: Mapping[str, Any]) -> str:
    """Return the fingerprint of what a block was drawn from (its provenance, documents/blocks.py)."""
    inputs = {
        "template": source.get("template"),
        "questions": sorted(
            (str(q.get("questionId")), str(q.get("key")), str(q.get("answer")))
            for q in source.get("questions") or ()
        ),
        "computed": sorted((str(c.get("name")), str(c.get("value"))) for c in source.get("computed") or ()),
        "recommendations": sorted(str(r.get("recommendation")) for r in source.get("recommendations") or ()),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n") if p.strip())


def amendments_apply(blocks, amendments: Mapping[str, Any] | None) -> tuple:
    """Return the blocks with the amendments whose block inputs are unchanged applied.

    An applied amendment is recorded in the block's provenance (``amendment``); one whose inputs
    changed is left out and recorded as ``amendmentHeld``, for the reviewer to decide.
    """
    if not amendments:
        return tuple(blocks)
    result = []
    for block in blocks:
        source = dict(block.source or {})
        found = amendments.get(section_id(source))
        if not isinstance(found, Mapping):
            result.append(block)
            continue
        record = {
            "revision": found.get("revision"),
            "by": found.get("byName"),
            "at": found.get("at"),
            "note": bool(found.get("note")),
            "text": bool(found.get("text")),
        }
        if found.get("inputs") != inputs_digest(source):
            source["amendmentHeld"] = record
            result.append(replace(block, source=source))
            continue
        source["amendment"] = record
        changes: dict[str, Any] = {"source": source, "note": str(found.get("note") or "")}
        if found.get("text") and block.kind == "text":
            changes.update(paragraphs=_paragraphs(str(found["text"])), amended=True)
        result.append(replace(block, **changes))
    return tuple(result)


def amendments_held(provenance) -> list[dict]:
    """Return the blocks of a version whose carried amendment was not applied (their inputs changed)."""
    return [block for block in provenance or () if isinstance(block, Mapping) and block.get("amendmentHeld")]
