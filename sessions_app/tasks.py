"""Periodic housekeeping of client sessions."""

from celery import shared_task

from sessions_app import invitations, reminders, services


@shared_task(name="sessions_app.tasks.sessions_expire")
def sessions_expire() -> int:
    return services.sessions_expire()


@shared_task(name="sessions_app.tasks.sessions_abandon")
def sessions_abandon() -> int:
    return services.sessions_abandon()


@shared_task(name="sessions_app.tasks.sessions_remind")
def sessions_remind() -> int:
    return reminders.sessions_remind()


@shared_task(name="sessions_app.tasks.invitations_expire")
def invitations_expire() -> int:
    return invitations.invitations_expire()


# Under the broker's visibility timeout (900 s), so that a running export is never handed to a second worker.
@shared_task(
    name="sessions_app.tasks.response_export_run", acks_late=True, soft_time_limit=800, time_limit=850
)
def response_export_run(export_id: str) -> int | None:
    """Write a large response export's file (sessions_app/export_services.py); return its rows."""
    from sessions_app import export_services

    export = export_services.response_export_run(export_id=export_id)
    return export.row_count if export is not None else None
