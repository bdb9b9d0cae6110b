"""E-mails that bring clients back to questionnaires they started: reminders, and a link on request.

``sessions_remind()``, run hourly by beat (config/celery.py), finds in one query, across every
organization, the sessions in progress whose client has not answered for the organization's chosen
number of days (IDLE) or whose due date, ``expires_at``, is near (DUE). It records one
``session_reminders`` row per reminder before anything is sent, and e-mails after commit only what its
own insert recorded: a run that overlaps another finds the rows taken and sends nothing twice.
``session_link_email()`` e-mails a client the link to their own session, at most once in five minutes.

The organization's choice and the client's opt-out are accounts/notifications.py's; docs/client-flow.md
("Reminders") says what a client receives and when.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import operator
import uuid
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Value
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.models import Organization
from accounts.notifications import ReminderSettings, reminder_settings_of, unsubscribe_token
from audit.services import audit_record
from core.transactions import after_commit
from sessions_app.models import ReminderKind, Session, SessionReminder, SessionStatus
from sessions_app.selectors import PREVIEW
from sessions_app.services import SessionClosed

logger = logging.getLogger(__name__)

BATCH_SIZE = 500  # reminders per run; the next run takes the rest
LINK_INTERVAL = dt.timedelta(minutes=5)
# What a reminder needs of a session, its client and questionnaire; nothing else is read.
_FIELDS = (
    "id",
    "progress",
    "expires_at",
    "last_activity_at",
    "questionnaire__name",
    "user__email",
    "user__profile",
    "user__organization__name",
)


class LinkThrottled(Exception):
    """A link to this session was e-mailed less than LINK_INTERVAL ago."""

    def __init__(self, wait: dt.timedelta):
        super().__init__("A link to continue was e-mailed a moment ago.")
        self.wait = wait


# ------------------------------------------------------------------ the periodic reminders


def sessions_remind(*, now: dt.datetime | None = None, limit: int = BATCH_SIZE) -> int:
    """E-mail the reminders due now, each at most once per period; return how many e-mails are sent."""
    mails = _reminders_record(now=now or timezone.now(), limit=limit)
    return len(mails)


@transaction.atomic
def _reminders_record(*, now: dt.datetime, limit: int) -> list[_Mail]:
    candidates = _candidates(now=now, limit=limit)
    if not candidates:
        return []
    wanted = []
    for session in candidates:
        if session.reminder_due:
            wanted.append(SessionReminder(session=session, kind=ReminderKind.DUE, period=session.expires_at))
        if session.reminder_idle:
            # Also recorded when the due reminder goes instead: the client hears once, and a run that
            # overlaps this one cannot send the idle reminder for the same stretch of inactivity.
            wanted.append(
                SessionReminder(session=session, kind=ReminderKind.IDLE, period=session.last_activity_at)
            )
    won = _insert_first(wanted, now=now)
    mails, per_organization = [], defaultdict(lambda: {"idle": [], "due": []})
    for session in candidates:
        kind = next(
            (k for k in (ReminderKind.DUE.value, ReminderKind.IDLE.value) if (session.pk, k) in won), None
        )
        if kind is None:
            continue  # another run recorded it first, and sends it
        mails.append(_reminder_mail(session, kind, now=now))
        per_organization[session.user.organization_id][kind.lower()].append(str(session.pk))
    for organization_id, sent in per_organization.items():
        # One row per organization and run, whatever the number of sessions: the task's cost stays flat.
        audit_record(
            action="session.remind",
            resource_type="accounts.organization" if organization_id else "sessions_app.session",
            resource_id=organization_id,
            after=sent,
        )
    after_commit(_deliver, mails)
    return mails


def _settings_by_organization() -> list[tuple[Q, ReminderSettings]]:
    """Return each group of organizations that share reminder settings, as a filter on sessions.

    Only organizations that chose settings of their own are read; every other client (and a client of
    no organization) gets the defaults.
    """
    chosen: dict[ReminderSettings, list] = defaultdict(list)
    rows = Organization.objects.filter(settings__has_key="reminders").order_by().values_list("pk", "settings")
    for organization_id, organization_settings in rows:
        chosen[reminder_settings_of(organization_settings)].append(organization_id)
    groups = [(Q(user__organization_id__in=ids), choice) for choice, ids in chosen.items()]
    others = [organization_id for ids in chosen.values() for organization_id in ids]
    groups.append((~Q(user__organization_id__in=others) if others else Q(), ReminderSettings()))
    return groups


def _any(conditions: list[Q]) -> Q | None:
    return functools.reduce(operator.or_, conditions) if conditions else None


def _flag(condition: Q | None):
    if condition is None:
        return Value(False)
    return ExpressionWrapper(condition, output_field=BooleanField())


def _candidates(*, now: dt.datetime, limit: int) -> list[Session]:
    """Return the sessions to remind now, flagged ``reminder_due`` and ``reminder_idle``, in one query."""
    groups = _settings_by_organization()
    idle = _any(
        [
            scope & Q(last_activity_at__lte=now - dt.timedelta(days=choice.idle_days))
            for scope, choice in groups
            if choice.sends_idle
        ]
    )
    due = _any(
        [
            scope & Q(expires_at__lte=now + dt.timedelta(days=choice.before_due_days))
            for scope, choice in groups
            if choice.sends_due
        ]
    )
    if idle is None and due is None:
        return []
    sent = SessionReminder.objects.filter(session=OuterRef("pk"))
    if idle is not None:
        idle &= ~Exists(sent.filter(kind=ReminderKind.IDLE, period=OuterRef("last_activity_at")))
    if due is not None:
        due &= ~Exists(sent.filter(kind=ReminderKind.DUE, period=OuterRef("expires_at")))
    return list(
        Session.objects.filter(
            status=SessionStatus.IN_PROGRESS,
            user__is_active=True,
            user__deleted_at__isnull=True,
            user__organization__deleted_at__isnull=True,  # a client of no organization too
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .exclude(PREVIEW)
        # The client's "no" (accounts.notifications.reminders_wanted): exactly JSON false.
        .exclude(user__preferences__contains={"notifications": {"reminders": False}})
        .filter(_any([c for c in (idle, due) if c is not None]))
        .annotate(reminder_idle=_flag(idle), reminder_due=_flag(due))
        .select_related("questionnaire", "user__organization")
        .only(*_FIELDS)
        .order_by("last_activity_at")[:limit]
    )


def _insert_first(reminders: list[SessionReminder], *, now: dt.datetime) -> set[tuple]:
    """Insert the reminders that no run recorded yet; return (session id, kind) of those this call inserted.

    A row that exists (or that an overlapping run is inserting: its insert waits for that run to end)
    is skipped by ON CONFLICT DO NOTHING; this call's own ids are what it finds afterwards.
    """
    for reminder in reminders:
        reminder.id, reminder.sent_at = uuid.uuid4(), now
    SessionReminder.objects.bulk_create(reminders, ignore_conflicts=True)
    inserted = SessionReminder.objects.filter(pk__in=[reminder.pk for reminder in reminders]).order_by()
    return set(inserted.values_list("session_id", "kind"))


# ------------------------------------------------------------------ the link a client asks for


@transaction.atomic
def session_link_email(*, session_id, client, now: dt.datetime | None = None) -> SessionReminder:
    """E-mail the client the link to continue their session in progress.

    Raises Session.DoesNotExist for anyone else's session (a 404 to the view), SessionClosed when it no
    longer takes answers, and LinkThrottled when a link went out less than LINK_INTERVAL ago.
    """
    now = now or timezone.now()
    session = (
        Session.objects.select_for_update(of=("self",))  # one request at a time per session
        .select_related("questionnaire", "user__organization")
        .exclude(PREVIEW)
        .get(pk=session_id, user=client)
    )
    if session.status != SessionStatus.IN_PROGRESS:
        raise SessionClosed(f"This questionnaire is {session.get_status_display().lower()}.")
    if session.expires_at and session.expires_at <= now:
        raise SessionClosed("This questionnaire has expired.")
    last = (
        SessionReminder.objects.filter(
            session=session, kind=ReminderKind.LINK, sent_at__gt=now - LINK_INTERVAL
        )
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    if last is not None:
        raise LinkThrottled(last + LINK_INTERVAL - now)
    reminder = SessionReminder.objects.create(
        session=session, kind=ReminderKind.LINK, period=now, sent_at=now
    )
    audit_record(
        actor=client, action="session.link_email", resource=session, after={"reminder": str(reminder.pk)}
    )
    after_commit(_deliver, [_link_mail(session)])
    return reminder


# ------------------------------------------------------------------ the e-mails


@dataclass(frozen=True)
class _Mail:
    """One e-mail, read from the database before commit and sent after it."""

    to: str
    subject: str
    body: str
    unsubscribe_url: str = ""

    def message(self) -> EmailMessage:
        headers = {}
        if self.unsubscribe_url:
            # Mail clients show their own "Unsubscribe" button; the POST is one click (RFC 8058).
            headers = {
                "List-Unsubscribe": f"<{self.unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        return EmailMessage(self.subject, self.body, settings.DEFAULT_FROM_EMAIL, [self.to], headers=headers)


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _local(moment: dt.datetime, profile) -> str:
    """Write a moment in the client's own time zone (their profile's), else the site's."""
    name = (profile or {}).get("timezone") if isinstance(profile, dict) else None
    try:
        zone = zoneinfo.ZoneInfo(name) if isinstance(name, str) and name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = None
    return dateformat.format(timezone.localtime(moment, zone), "l j F Y, H:i T")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())  # a subject is one header line


def _context(session: Session) -> dict:
    user = session.user
    progress = session.progress if isinstance(session.progress, dict) else {}
    percentage = progress.get("percentage", 0)
    return {
        "client_name": user.display_name,
        "questionnaire": _one_line(session.questionnaire.name),
        "organization": user.organization.name if user.organization_id else "",
        "percentage": percentage if isinstance(percentage, int) else 0,
        "due": _local(session.expires_at, user.profile) if session.expires_at else "",
        "resume_url": absolute_url(reverse("sessions_app:resume", args=[session.pk])),
    }


def _reminder_mail(session: Session, kind: str, *, now: dt.datetime) -> _Mail:
    context = _context(session)
    unsubscribe = absolute_url(
        reverse("accounts:reminders_unsubscribe", args=[unsubscribe_token(session.user)])
    )
    context["unsubscribe_url"] = unsubscribe
    if kind == ReminderKind.DUE:
        subject = f"Due soon: {context['questionnaire']}"
        template = "sessions_app/email/reminder_due.txt"
    else:
        context["idle_days"] = max(1, (now - session.last_activity_at).days)
        subject = f"Pick up where you left off: {context['questionnaire']}"
        template = "sessions_app/email/reminder_idle.txt"
    return _Mail(session.user.email, subject, render_to_string(template, context), unsubscribe)


def _link_mail(session: Session) -> _Mail:
    context = _context(session)
    subject = f"Your link to continue {context['questionnaire']}"
    return _Mail(
        session.user.email, subject, render_to_string("sessions_app/email/continue_link.txt", context)
    )


def _deliver(mails: list[_Mail]) -> None:
    """Send each e-mail over one connection; one that fails is logged and the others still go."""
    if not mails:
        return
    with get_connection() as connection:
        for mail in mails:
            try:
                connection.send_messages([mail.message()])
            except Exception:
                logger.exception("A reminder e-mail to a client could not be sent")
