"""The content the product ships with: each document type's blocks and the shared recommendations.

Plain data, no Django (migration documents/0007 reads it, like documents/catalogue.py). docs/documents.md
describes blocks and recommendations; ``shared.py`` holds recommendations several families use, and
each family's module its types' blocks and its own recommendations. Admins edit the loaded copies.
"""

from __future__ import annotations

from typing import Any

from documents.content import ba, cfo, cto, cto_more, shared
from documents.recommendations import AUTHORED_FIELDS

BLOCKS: dict[str, list[dict[str, Any]]] = {**cto.BLOCKS, **cto_more.BLOCKS, **cfo.BLOCKS, **ba.BLOCKS}
RECOMMENDATIONS: list[dict[str, Any]] = [
    *shared.RECOMMENDATIONS,
    *cto.RECOMMENDATIONS,
    *cto_more.RECOMMENDATIONS,
    *cfo.RECOMMENDATIONS,
    *ba.RECOMMENDATIONS,
]

_KEYS = [entry["key"] for entry in RECOMMENDATIONS]


def content_load(DocumentType, Recommendation, *, replace: bool = False) -> tuple[int, int]:
    """Give the shipped types their blocks and the shared library its recommendations.

    Without ``replace`` only what is missing is added (a type without blocks, a key not in the
    library), so an administrator's edits survive; with it the shipped content is written again.
    Return how many types and recommendations were written.
    """
    types = 0
    shipped = DocumentType.objects.filter(slug__in=BLOCKS)
    if not replace:
        shipped = shipped.exclude(metadata__has_key="blocks")
    for document_type in shipped:
        metadata = dict(document_type.metadata or {})
        metadata["blocks"] = BLOCKS[document_type.slug]
        document_type.metadata = metadata
        document_type.save(update_fields=["metadata", "updated_at"])
        types += 1
    existing = {
        row.key: row for row in Recommendation.objects.filter(organization__isnull=True, key__in=_KEYS)
    }
    missing = []
    for entry in RECOMMENDATIONS:
        values = {name: entry[name] for name in AUTHORED_FIELDS if name in entry}
        values["document_types"] = list(entry.get("document_types") or ())
        row = existing.get(entry["key"])
        if row is None:
            missing.append(Recommendation(organization=None, key=entry["key"], **values))
        elif replace:
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
    Recommendation.objects.bulk_create(missing)
    return types, len(missing) + (len(existing) if replace else 0)
