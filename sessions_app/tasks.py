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
