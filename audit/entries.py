"""Fill the seed's columns of an audit entry that django-auditlog created with its own fields."""

import uuid

_AUDITLOG_VERBS = {0: "create", 1: "update", 2: "delete", 3: "access"}


def complete_entry(entry) -> None:
    """Derive action, resource_type, resource_id and the {before, after} shape from auditlog's fields.

    The timestamp is left alone: when it is empty, the chain sets it under its lock (audit/chain.py).
    """
    if entry.content_type_id and not entry.resource_type:
        entry.resource_type = f"{entry.content_type.app_label}.{entry.content_type.model}"
    if not entry.event and entry.action is not None:
        entry.event = (
            f"{entry.resource_type.rsplit('.', 1)[-1]}.{_AUDITLOG_VERBS.get(entry.action, 'change')}"
        )
    if entry.resource_id is None and entry.object_pk:
        try:
            entry.resource_id = uuid.UUID(str(entry.object_pk))
        except ValueError:
            entry.resource_id = None
    if isinstance(entry.changes, dict) and not _is_before_after(entry.changes):
        entry.changes = to_before_after(entry.changes)


def _is_before_after(changes: dict) -> bool:
    return set(changes) <= {"before", "after"} and all(isinstance(v, dict) for v in changes.values())


def to_before_after(field_changes: dict) -> dict:
    """Turn auditlog's {field: [old, new]} into the seed's {before: {...}, after: {...}}."""
    before, after = {}, {}
    for field, pair in field_changes.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            before[field], after[field] = pair
        else:
            after[field] = pair
    return {"before": before, "after": after}


def to_field_pairs(changes: dict | None) -> dict:
    """Turn the seed's {before, after} back into {field: [old, new]} for auditlog's history views."""
    if not isinstance(changes, dict):
        return {}
    if not _is_before_after(changes):
        return changes
    before, after = changes.get("before", {}), changes.get("after", {})
    return {field: [before.get(field), after.get(field)] for field in sorted(set(before) | set(after))}
