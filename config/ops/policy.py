"""The retention and backup tables of seed 000 (§8.1, §10.1) as numbers, each overridable in settings."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    "BACKUP_RETENTION_DAYS": 30,  # full backups: daily, kept 30 days
    "SESSIONS_ACTIVE_DAYS": 2 * 365,  # completed sessions and responses: 2 years active…
    "SESSIONS_DELETE_DAYS": 7 * 365,  # …then archived, deleted 7 years after completion
    "AUDIT_ACTIVE_DAYS": 365,  # audit logs: 1 year in the database…
    "AUDIT_DELETE_DAYS": 7 * 365,  # …exported, the export deleted after 7 years
    "API_USAGE_DAYS": 90,  # API usage data: 90 days
    "RESPONSE_EXPORTS_DAYS": 30,  # response exports (their files): a month to download them again
    "ARCHIVE_BATCH_SIZE": 500,  # sessions moved per transaction
}


def policy(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))
