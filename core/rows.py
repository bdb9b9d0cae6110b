"""Model instances from rows that hand-written SQL read, made as the ORM makes them.

A hot path that reads a row with its own statement (a locking read, the user each request loads) still
wants the model instance the ORM would have given: each value through its field's own conversion (jsonb
arrives as text and the JSON field decodes it, for one), then `Model.from_db`.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models


def model_from_row(
    model: type[models.Model], fields: Sequence[models.Field], values: Sequence, *, using: str
):
    """Return ``model`` from ``values``, one per field of ``fields`` (given in the model's field order)."""
    connection = connections[using]
    converted = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, values, strict=True)
    ]
    return model.from_db(using, [field.attname for field in fields], converted)
