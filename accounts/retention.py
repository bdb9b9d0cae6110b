"""Retention of API usage data (seed 000 §10): the last use of a key is kept 90 days after the key ended.

The key rows stay, so the audit trail keeps naming them; rate-limit counters in Redis expire by
themselves. `manage.py archive` (config/ops/retention.py) runs this step with the other apps' steps.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from accounts.models import ApiKey
from audit.services import audit_record


def api_key_usage_expire(*, cutoff: dt.datetime, dry_run: bool) -> int:
    """Clear the last use of keys revoked or expired before ``cutoff``; return how many keys."""
    keys = ApiKey.objects.filter(
        Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff), last_used_at__isnull=False
    )
    if dry_run:
        return keys.count()
    with transaction.atomic():
        cleared = keys.update(last_used_at=None)
        if cleared:
            audit_record(
                action="retention.api_key_usage_clear",
                resource_type="accounts.apikey",
                after={"keys": cleared, "ended_before": cutoff.isoformat()},
            )
    return cleared
