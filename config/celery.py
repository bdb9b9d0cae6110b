"""The Celery application: tasks live in each app's tasks.py, the schedule of periodic tasks is here."""

import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("acqs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.worker_process_init.connect
def _tasks_act_for_every_organization(**kwargs):
    from core.tenancy import worker_scope_system

    worker_scope_system()


app.conf.beat_schedule = {
    "audit-partitions-ahead": {
        "task": "audit.tasks.audit_partitions_ensure",
        "schedule": crontab(minute=5, hour=0),
    },
    "sessions-expire": {"task": "sessions_app.tasks.sessions_expire", "schedule": crontab(minute="*/15")},
    "sessions-abandon": {"task": "sessions_app.tasks.sessions_abandon", "schedule": crontab(minute=20)},
    "invitations-expire": {
        "task": "sessions_app.tasks.invitations_expire",
        "schedule": crontab(minute="*/15"),
    },
    # Reminders of idle sessions and near due dates, once per period (sessions_app/reminders.py).
    "sessions-remind": {"task": "sessions_app.tasks.sessions_remind", "schedule": crontab(minute=40)},
    # Generation messages that the broker refused after a completion (documents/services.py's outbox).
    "documents-outbox-drain": {"task": "documents.tasks.documents_outbox_drain", "schedule": crontab()},
    "documents-resume-stalled": {
        "task": "documents.tasks.documents_resume_stalled",
        "schedule": crontab(minute="*/5"),
    },
    # Operations (config/tasks.py), at night UTC, one after the other.
    "backup-daily": {"task": "config.tasks.backup_daily", "schedule": crontab(minute=0, hour=2)},
    "retention-daily": {"task": "config.tasks.retention_run", "schedule": crontab(minute=30, hour=3)},
    "maintenance-vacuum": {"task": "config.tasks.maintenance_vacuum", "schedule": crontab(minute=30, hour=4)},
}
