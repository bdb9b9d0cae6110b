"""Periodic operations: the daily backup, retention and archival, database maintenance."""

from celery import shared_task

from config.ops import backup, health, retention


@shared_task(name="config.tasks.backup_daily", acks_late=True)
def backup_daily() -> dict:
    """Back the database up, then delete backups older than the retention (30 days)."""
    made = backup.backup_create()
    pruned = backup.backups_prune()
    return {"archive": made.archive, "size": made.manifest["size"], "pruned": pruned}


@shared_task(name="config.tasks.retention_run", acks_late=True)
def retention_run() -> dict:
    """Archive, export and delete by the retention table; vacuum what archival emptied."""
    report = retention.retention_run()
    if report.sessions_archived:
        # Many rows deleted at once: reclaim them now rather than whenever autovacuum gets there.
        health.maintenance_vacuum(tables=["sessions", "responses"])
    return report.as_dict()


@shared_task(name="config.tasks.maintenance_vacuum")
def maintenance_vacuum() -> list[str]:
    """VACUUM ANALYZE or ANALYZE the tables autovacuum leaves behind, and the partitioned parents."""
    return health.maintenance_vacuum()
