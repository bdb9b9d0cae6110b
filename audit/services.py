"""Record domain events in the audit trail, inside the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models

from audit.context import current_request_context
from audit.models import AuditLog


def audit_record(
    *,
    actor=None,
    action: str,
    resource: models.Model | None = None,
    resource_type: str | None = None,
    resource_id: uuid.UUID | str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Write one audit row for a state change; call it inside the service's transaction."""
    if resource is not None:
        resource_type = resource_type or resource._meta.label_lower
        resource_id = resource_id or resource.pk
    context = current_request_context()
    if actor is None:
        actor = context.get("user")
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        event=action,
        resource_type=resource_type or "system",
        resource_id=resource_id,
        changes={"before": before or {}, "after": after or {}},
        remote_addr=context.get("ip_address"),
        user_agent=context.get("user_agent"),
        cid=context.get("request_id"),
        object_repr=str(resource)[:500] if resource is not None else "",
    )
