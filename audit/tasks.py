"""Periodic maintenance of the audit trail."""

from celery import shared_task

from audit.partitions import audit_partitions_ensure as ensure


@shared_task(name="audit.tasks.audit_partitions_ensure")
def audit_partitions_ensure() -> list[str]:
    return ensure()
