"""The Celery application: tasks live in each app's tasks.py, the schedule of periodic tasks is here."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("acqs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "audit-partitions-ahead": {
        "task": "audit.tasks.audit_partitions_ensure",
        "schedule": crontab(minute=5, hour=0),
    },
    "sessions-expire": {"task": "sessions_app.tasks.sessions_expire", "schedule": crontab(minute="*/15")},
    "sessions-abandon": {"task": "sessions_app.tasks.sessions_abandon", "schedule": crontab(minute=20)},
}
