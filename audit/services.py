"""Record domain events in the audit trail, inside the caller's transaction; verify the trail's chain."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import models

from audit.chain import ANCHOR_KEY, SIGNED_FIELDS, ChainAnchor, ChainReport, chain_walk
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
    """Write one audit row for a state change; call it inside the service's transaction.

    Appending takes the chain's lock until the transaction ends, so call it last, after the change.
    """
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


def audit_chain_verify(*, after: ChainAnchor | None = None, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole chain in chain_seq order and report the first row changed, removed or moved.

    Streams the rows through a server-side cursor (one snapshot, so rows appended meanwhile are left
    for the next run). Once old partitions are dropped, the chain is checked from `after`, the last
    dropped row; without it, from the anchor that an audit entry recorded for that row
    (`audit_chain_anchor_before()`), and failing that the chain must start at seq 1.
    """
    if after is None:
        after = _recorded_anchor()
    rows = (
        AuditLog.objects.order_by("chain_seq", "id")
        .values(*SIGNED_FIELDS, "signature")
        .iterator(chunk_size=chunk_size)
    )
    return chain_walk(rows, anchor=after, locate=_row_signed_as)


def audit_chain_anchor_before(*, moment: dt.datetime) -> ChainAnchor | None:
    """Return the last link of the rows created before `moment`: the anchor to keep when dropping them.

    Retention records it in the audit entry it writes for the drop, as `after={"chain_anchor":
    anchor.as_dict(), ...}`; that entry is itself chained and signed, and verification finds it there.
    """
    last = (
        AuditLog.objects.filter(timestamp__lt=moment)
        .order_by("-chain_seq")
        .values_list("chain_seq", "signature")
        .first()
    )
    return ChainAnchor(*last) if last else None


def _recorded_anchor() -> ChainAnchor | None:
    first_seq = AuditLog.objects.order_by("chain_seq").values_list("chain_seq", flat=True).first()
    if first_seq is None or first_seq == 1:
        return None
    # A forged anchor entry is caught when the walk reaches it: its signature cannot be made without the key.
    recorded = (
        AuditLog.objects.filter(**{f"changes__after__{ANCHOR_KEY}__seq": first_seq - 1})
        .order_by("chain_seq")
        .values_list("changes", flat=True)
        .first()
    )
    return ChainAnchor.from_dict(recorded["after"][ANCHOR_KEY]) if recorded else None


def _row_signed_as(signature: str) -> tuple[uuid.UUID, int] | None:
    # Only called once a link is broken; a scan is fine there.
    return AuditLog.objects.filter(signature=signature).order_by().values_list("id", "chain_seq").first()
