"""The audit trail's rule for personal data: rows about a user are exported, and never changed.

The trail's entry in the GDPR registry of accounts/gdpr.py, registered by AuditConfig.ready(). It has
no anonymisation step on purpose: audit_logs is append-only and hash-chained (docs/audit.md), so its
rows keep the user's id, which after anonymisation names an account with nothing personal left in it.
"""

from __future__ import annotations

from django.db.models import Q

from accounts.gdpr import EXPORT_CHUNK_ROWS, PersonalData, PersonalDataRequest
from audit.models import AuditLog


def _rows_about(request: PersonalDataRequest):
    """Audit rows about the user: by them, or about them or anything the registered apps say they own."""
    return AuditLog.objects.filter(Q(actor=request.user) | Q(resource_id__in=request.resource_ids()))


def _summary(request: PersonalDataRequest) -> list[tuple[str, str]]:
    return [("Audit log entries about the user", f"{_rows_about(request).count()}")]


def _export(request: PersonalDataRequest):
    rows = _rows_about(request).order_by("chain_seq").iterator(chunk_size=EXPORT_CHUNK_ROWS)
    yield "audit_log", (_row_data(row, user=request.user) for row in rows)


def _row_data(row: AuditLog, *, user) -> dict:
    by_user = row.actor_id == user.pk
    data = {
        "id": row.pk,
        "at": row.timestamp,
        "action": row.event,
        "resource_type": row.resource_type,
        "resource_id": row.resource_id,
        "actor": "this user" if by_user else ("system" if row.actor_id is None else "another user"),
        "changes": row.changes,
        "request_id": row.cid,
    }
    if by_user:
        # Where a request came from is the user's own data only when they made it: a failed log-in on
        # their account, or an administrator's change, came from someone else's address.
        data |= {"ip_address": row.remote_addr, "user_agent": row.user_agent}
    return data


PERSONAL_DATA = PersonalData(
    app_label="audit",
    order=90,  # last: the export ends with the rows about everything the entries before it own
    summary=_summary,
    export=_export,
)
