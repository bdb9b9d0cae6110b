"""The JSON Schema of document_types.metadata: the outline both renderers follow (docs/documents.md)."""

from __future__ import annotations

DOCUMENT_TYPE_METADATA_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "metadata",
    "type": "object",
    "properties": {
        "summary": {"type": "string", "maxLength": 5000},
        "closing": {"type": "string", "maxLength": 5000},
        "sections": {
            "type": "array",
            "maxItems": 100,
            "items": {
                "type": "object",
                "required": ["title"],
                "properties": {
                    "title": {"type": "string", "minLength": 1, "maxLength": 200},
                    "intro": {"type": "string", "maxLength": 2000},
                },
                "additionalProperties": False,
            },
        },
        "cover": {
            "type": "object",
            "description": "Where the cover finds the client's company (docs/documents.md).",
            "properties": {
                "company_field": {"type": "string", "minLength": 1, "maxLength": 100},
                "company_key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"},
            },
            "additionalProperties": False,
        },
        "word_template": {
            "type": "object",
            "description": "The uploaded docxtpl template the Word file is filled from (set by the admin).",
            "required": ["key"],
            "properties": {
                "key": {"type": "string", "minLength": 1, "maxLength": 500},
                "name": {"type": "string", "maxLength": 200},
                "size": {"type": "integer", "minimum": 0},
                "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "uploaded_at": {"type": "string"},
            },
            "additionalProperties": False,
        },
        "blocks": {
            "type": "array",
            "description": "The document's content, in order (docs/documents.md, documents/blocks.py).",
            "maxItems": 200,
            "items": {"type": "object", "required": ["kind"]},
        },
        "fields": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "label": {"type": "string", "maxLength": 200},
                    "prefix": {"type": "string", "maxLength": 20},
                    "suffix": {"type": "string", "maxLength": 20},
                },
                "additionalProperties": False,
            },
        },
    },
}
