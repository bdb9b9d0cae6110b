"""Retention and archival (seed 000 §10): each app's own retention step, run in order as of one time.

- Completed sessions and their responses move to the archive two years after completion and are
  deleted seven years after completion (sessions_app/retention.py).
- Audit log partitions whose month ended more than a year ago are detached, exported to the backup
  storage, checked, and only then dropped; exports are deleted after seven years (audit/retention.py).
- API usage data expires after 90 days (accounts/retention.py). Rate-limit counters in Redis expire by
  themselves.
- Response exports and their files are deleted 30 days after they were asked for
  (sessions_app/retention.py).

The periods are the retention table of config/ops/policy.py. `retention_run(dry_run=True)` reports all
of it without changing anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import Storage
from django.utils import timezone

from accounts.retention import api_key_usage_expire
from audit.retention import audit_exports_prune, audit_partitions_retire
from config.ops.pgtools import ops_alias
from config.ops.policy import policy
from config.ops.storage import ops_storage
from core.tenancy import SYSTEM, tenant_scope
from sessions_app.retention import archive_purge, response_exports_expire, sessions_archive_move


@dataclass
class RetentionReport:
    now: dt.datetime
    dry_run: bool
    sessions_archived: int = 0
    responses_archived: int = 0
    sessions_held: dict[str, int] = field(default_factory=dict)
    archive_sessions_deleted: int = 0
    archive_responses_deleted: int = 0
    audit_partitions: dict[str, int] = field(default_factory=dict)  # name → rows
    audit_exports_deleted: list[str] = field(default_factory=list)
    api_keys_cleared: int = 0
    response_exports_deleted: int = 0

    def lines(self) -> list[str]:
        verb = "would" if self.dry_run else "did"
        held = ", ".join(f"{count} referenced by {table}" for table, count in self.sessions_held.items())
        partitions = ", ".join(f"{name} ({rows} rows)" for name, rows in self.audit_partitions.items())
        return [
            f"Retention as of {self.now:%Y-%m-%d %H:%M} UTC"
            + (" (dry run: nothing was changed)" if self.dry_run else ""),
            f"  sessions → sessions_archive ({verb} move): {self.sessions_archived} sessions, "
            f"{self.responses_archived} responses",
            f"  sessions kept in place: {held or 'none'}",
            f"  archive deletion after 7 years: {self.archive_sessions_deleted} sessions, "
            f"{self.archive_responses_deleted} responses",
            f"  audit partitions detached, exported and dropped: {partitions or 'none'}",
            f"  audit exports deleted after 7 years: {', '.join(self.audit_exports_deleted) or 'none'}",
            f"  API keys whose usage data is cleared: {self.api_keys_cleared}",
            f"  response exports deleted after 30 days, with their files: {self.response_exports_deleted}",
        ]

    def as_dict(self) -> dict[str, Any]:
        values = dict(self.__dict__)
        values["now"] = self.now.isoformat()
        return values


def retention_run(
    *, now: dt.datetime | None = None, dry_run: bool = False, storage: Storage | None = None
) -> RetentionReport:
    """Apply (or, with ``dry_run``, report) every retention rule of seed 000 §10 as of ``now``."""
    now = now or timezone.now()
    storage = storage or ops_storage()
    report = RetentionReport(now=now, dry_run=dry_run)
    batch_size = policy("ARCHIVE_BATCH_SIZE")
    with tenant_scope(SYSTEM):
        moved = sessions_archive_move(
            now=now,
            cutoff=now - dt.timedelta(days=policy("SESSIONS_ACTIVE_DAYS")),
            batch_size=batch_size,
            dry_run=dry_run,
        )
        report.sessions_archived, report.responses_archived = moved.sessions, moved.responses
        report.sessions_held = moved.held
        report.archive_sessions_deleted, report.archive_responses_deleted = archive_purge(
            cutoff=now - dt.timedelta(days=policy("SESSIONS_DELETE_DAYS")),
            batch_size=batch_size,
            dry_run=dry_run,
        )
        report.audit_partitions = audit_partitions_retire(
            now=now,
            cutoff=(now - dt.timedelta(days=policy("AUDIT_ACTIVE_DAYS"))).date(),
            dry_run=dry_run,
            storage=storage,
            using=ops_alias(),
        )
        report.audit_exports_deleted = audit_exports_prune(
            cutoff=(now - dt.timedelta(days=policy("AUDIT_DELETE_DAYS"))).date(),
            dry_run=dry_run,
            storage=storage,
        )
        report.api_keys_cleared = api_key_usage_expire(
            cutoff=now - dt.timedelta(days=policy("API_USAGE_DAYS")), dry_run=dry_run
        )
        report.response_exports_deleted = response_exports_expire(
            cutoff=now - dt.timedelta(days=policy("RESPONSE_EXPORTS_DAYS")), dry_run=dry_run
        )
    return report
