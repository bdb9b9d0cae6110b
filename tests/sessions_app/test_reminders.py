"""Reminders to clients who left a questionnaire unfinished, the opt-out link, and "E-mail me a link".

The periodic task (sessions_app.reminders.sessions_remind) runs through the service API; the pages
through the test client; the e-mails are read from Django's outbox.
"""

import datetime as dt
import re
import threading

import psycopg
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.notifications import (
    ReminderSettings,
    reminder_settings_of,
    reminders_wanted,
    unsubscribe_token,
)
from accounts.services import mfa_activate
from audit.models import AuditLog
from core import tenancy
from sessions_app import services
from sessions_app.models import ReminderKind, SessionReminder, SessionStatus
from sessions_app.reminders import LINK_INTERVAL, session_link_email, sessions_remind
from tests.accounts.factories import TOTP_SECRET, UserFactory
from tests.accounts.helpers import login_with_mfa
from tests.sessions_app.builders import branching_questionnaire
from tests.sessions_app.factories import SessionFactory, SessionReminderFactory
from tests.test_row_level_security import app_role_connection
from tests.test_row_level_security_more import as_app_role  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

SITE = "https://questionnaires.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the task as a worker does: its e-mails go out once its transaction commits."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return sessions_remind(**kwargs)

    return run


def idle_session(user, *, idle_days=4, due_in_days=20, **kwargs):
    """A session in progress, 40% answered, whose client last answered `idle_days` ago."""
    now = timezone.now()
    kwargs.setdefault("questionnaire__name", "Cloud readiness")
    return SessionFactory(
        user=user,
        started_at=now - dt.timedelta(days=idle_days + 1),
        last_activity_at=now - dt.timedelta(days=idle_days),
        expires_at=now + dt.timedelta(days=due_in_days) if due_in_days is not None else None,
        progress={"percentage": 40, "answered": 4, "total": 10},
        **kwargs,
    )


def set_reminders(organization, **chosen):
    organization.settings = {**organization.settings, "reminders": chosen}
    organization.save()


def to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


# ------------------------------------------------------------------ the periodic task


def test_an_idle_client_is_reminded_once_however_often_the_task_runs(remind, client_a):
    session = idle_session(client_a)
    assert remind() == 1
    assert remind() == 0
    [message] = to(client_a)
    assert message.subject == "Pick up where you left off: Cloud readiness"
    rows = SessionReminder.objects.filter(session=session)
    assert list(rows.values_list("kind", "period")) == [(ReminderKind.IDLE, session.last_activity_at)]


def test_the_idle_reminder_says_what_where_and_how_to_stop(remind, client_a):
    session = idle_session(client_a)
    session.expires_at = dt.datetime(2031, 3, 14, 17, 30, tzinfo=dt.UTC)
    session.save()
    remind()
    [message] = to(client_a)
    body = message.body
    assert "Cloud readiness" in body and "for Acme Advisory" in body
    assert "40% of the way through" in body and "for 4 days" in body
    assert "Please finish it by Friday 14 March 2031, 17:30 UTC" in body
    assert f"{SITE}/sessions/{session.pk}/\n" in body
    opt_out = f"{SITE}/account/notifications/unsubscribe/{unsubscribe_token(client_a)}/"
    assert opt_out in body
    assert message.extra_headers["List-Unsubscribe"] == f"<{opt_out}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_due_date_is_written_in_the_clients_own_time_zone(remind, client_a):
    client_a.profile = {**client_a.profile, "timezone": "Australia/Sydney"}
    client_a.save()
    session = idle_session(client_a)
    session.expires_at = dt.datetime(2031, 3, 14, 17, 30, tzinfo=dt.UTC)
    session.save()
    remind()
    assert "Saturday 15 March 2031, 04:30 AEDT" in to(client_a)[0].body


def test_answering_again_starts_a_new_period_and_the_next_idle_spell_is_reminded(remind, client_a):
    session = idle_session(client_a)
    remind()
    # The client answers two days later, then stays away again.
    session.last_activity_at = timezone.now() - dt.timedelta(days=2)
    session.save()
    assert remind() == 0
    assert remind(now=timezone.now() + dt.timedelta(days=2)) == 1
    assert len(to(client_a)) == 2
    assert SessionReminder.objects.filter(session=session, kind=ReminderKind.IDLE).count() == 2


@pytest.mark.parametrize("kind", ["idle", "due"])
def test_a_run_limited_to_a_batch_leaves_the_rest_to_the_next_run(remind, org_a, kind):
    for days in (6, 5, 4):
        if kind == "idle":
            idle_session(UserFactory(organization=org_a), idle_days=days)
        else:
            idle_session(UserFactory(organization=org_a), idle_days=days - 4, due_in_days=1)
    assert [remind(limit=2), remind(limit=2), remind(limit=2)] == [2, 1, 0]
    assert len({message.to[0] for message in mail.outbox}) == 3


def test_a_client_active_recently_is_not_reminded(remind, client_a):
    idle_session(client_a, idle_days=2)
    assert remind() == 0
    assert mail.outbox == []


def test_a_near_due_date_is_reminded_once_even_to_an_active_client(remind, client_a):
    session = idle_session(client_a, idle_days=0, due_in_days=1)
    assert remind() == 1
    assert remind() == 0
    [message] = to(client_a)
    assert message.subject == "Due soon: Cloud readiness"
    assert "is due by" in message.body and "40% of the way through" in message.body
    assert "/account/notifications/unsubscribe/" in message.body
    assert list(SessionReminder.objects.filter(session=session).values_list("kind", "period")) == [
        (ReminderKind.DUE, session.expires_at)
    ]


def test_a_due_date_moved_later_is_a_new_period(remind, client_a):
    session = idle_session(client_a, idle_days=0, due_in_days=1)
    remind()
    session.expires_at += dt.timedelta(days=7)
    session.save()
    assert remind(now=timezone.now() + dt.timedelta(days=6, hours=12)) == 1
    assert [m.subject for m in to(client_a)] == ["Due soon: Cloud readiness"] * 2


def test_an_idle_client_whose_due_date_is_near_gets_one_e_mail_not_two(remind, client_a):
    session = idle_session(client_a, idle_days=5, due_in_days=1)
    assert remind() == 1
    assert [m.subject for m in to(client_a)] == ["Due soon: Cloud readiness"]
    assert set(SessionReminder.objects.filter(session=session).values_list("kind", flat=True)) == {
        ReminderKind.DUE,
        ReminderKind.IDLE,
    }
    assert remind() == 0


def test_each_organization_chooses_its_own_days(remind, client_a, client_b, org_a):
    set_reminders(org_a, enabled=True, idleDays=7, beforeDueDays=0)
    idle_session(client_a, idle_days=5)  # not yet: 5 < 7 days
    idle_session(UserFactory(organization=org_a), idle_days=0, due_in_days=1)  # due reminders are off
    idle_session(client_b, idle_days=5)  # organization B keeps the defaults (3 days)
    assert remind() == 1
    assert to(client_a) == [] and len(to(client_b)) == 1
    assert remind(now=timezone.now() + dt.timedelta(days=2, hours=1)) == 1
    assert [m.subject for m in to(client_a)] == ["Pick up where you left off: Cloud readiness"]


def test_an_organization_that_turned_reminders_off_sends_none(remind, client_a, org_a):
    set_reminders(org_a, enabled=False, idleDays=3, beforeDueDays=2)
    idle_session(client_a, idle_days=5, due_in_days=1)
    assert remind() == 0
    assert mail.outbox == [] and not SessionReminder.objects.exists()


def test_a_client_who_opted_out_gets_no_reminder(remind, client_a, client_b):
    client_a.preferences = {"theme": "dark", "notifications": {"reminders": False}}
    client_a.save()
    idle_session(client_a, idle_days=5, due_in_days=1)
    idle_session(client_b, idle_days=5)
    assert remind() == 1
    assert to(client_a) == [] and len(to(client_b)) == 1


@pytest.mark.parametrize(
    ("status", "due_in_days"),
    [
        (SessionStatus.COMPLETED, 1),
        (SessionStatus.EXPIRED, 1),
        (SessionStatus.ABANDONED, 1),
        (SessionStatus.IN_PROGRESS, -1),  # past its due date, before the expiry task marked it
    ],
)
def test_closed_and_overdue_sessions_are_not_reminded(remind, client_a, status, due_in_days):
    idle_session(client_a, idle_days=5, due_in_days=due_in_days, status=status)
    assert remind() == 0
    assert mail.outbox == []


def test_previews_and_inactive_clients_are_not_reminded(remind, client_a, org_a):
    idle_session(client_a, metadata={"preview": True})
    idle_session(UserFactory(organization=org_a, is_active=False))
    assert remind() == 0


def test_a_client_of_no_organization_gets_the_default_reminders(remind):
    loner = UserFactory(organization=None)
    idle_session(loner)
    assert remind() == 1 and len(to(loner)) == 1


def test_each_run_records_one_audit_row_per_organization(remind, client_a, client_b, org_a, org_b):
    idle_a = idle_session(client_a)
    due_a = idle_session(UserFactory(organization=org_a), idle_days=0, due_in_days=1)
    idle_b = idle_session(client_b)
    remind()
    rows = {row.resource_id: row for row in AuditLog.objects.filter(event="session.remind")}
    assert set(rows) == {org_a.pk, org_b.pk}
    assert rows[org_a.pk].changes["after"] == {"idle": [str(idle_a.pk)], "due": [str(due_a.pk)]}
    assert rows[org_b.pk].changes["after"] == {"idle": [str(idle_b.pk)], "due": []}


@pytest.mark.parametrize("sessions", [1, 6])
def test_the_task_costs_the_same_queries_whatever_the_number_of_sessions(
    remind, org_a, sessions, django_assert_num_queries
):
    set_reminders(org_a, enabled=True, idleDays=3, beforeDueDays=2)
    for _ in range(sessions):
        idle_session(UserFactory(organization=org_a), questionnaire__name="Cloud readiness")
    # SAVEPOINT; the organizations' settings; the candidates; the insert; reading back what it
    # inserted; the audit row (the chain's end, the insert); RELEASE.
    with django_assert_num_queries(8):
        assert remind() == sessions
    assert len(mail.outbox) == sessions


def test_a_reminder_is_recorded_once_per_session_kind_and_period(client_a):
    session = idle_session(client_a)
    SessionReminderFactory(session=session)
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionReminderFactory(session=session)


@pytest.mark.django_db(transaction=True)
def test_a_run_that_overlaps_another_sends_nothing_the_other_recorded(org_a, client_a):
    """Another run inserted the reminder and has not committed: this run waits, then sends nothing."""
    session = idle_session(client_a)
    params = connection.get_connection_params()
    other_run = psycopg.connect(
        **{key: params[key] for key in ("dbname", "host", "port", "user", "password") if params.get(key)}
    )
    other_run.execute(
        "INSERT INTO session_reminders (id, session_id, kind, period, sent_at)"
        " VALUES (gen_random_uuid(), %s, 'IDLE', %s, now())",
        [session.pk, session.last_activity_at],
    )
    result = {}

    def this_run():
        try:
            result["sent"] = sessions_remind()
        finally:
            connection.close()

    thread = threading.Thread(target=this_run)
    thread.start()
    thread.join(timeout=2)
    assert thread.is_alive(), "the second run should wait for the first one's insert"
    other_run.commit()
    other_run.close()
    thread.join(timeout=30)
    assert result == {"sent": 0}
    assert mail.outbox == []
    assert SessionReminder.objects.filter(session=session).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(org_a):
    for _ in range(5):
        idle_session(UserFactory(organization=org_a))
    barrier, sent = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            sent.append(sessions_remind())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent) == 5
    assert len(mail.outbox) == 5
    assert SessionReminder.objects.count() == 5


# ------------------------------------------------------------------ the organization's choice


def test_settings_take_the_defaults_when_absent_or_malformed():
    assert reminder_settings_of({}) == ReminderSettings(enabled=True, idle_days=3, before_due_days=2)
    assert reminder_settings_of({"reminders": "yes"}) == ReminderSettings()
    chosen = reminder_settings_of({"reminders": {"idleDays": "7", "beforeDueDays": 99, "enabled": "no"}})
    assert chosen == ReminderSettings()
    chosen = reminder_settings_of({"reminders": {"idleDays": 0, "beforeDueDays": None}})
    assert (chosen.sends_idle, chosen.sends_due) == (False, False)


def _organization_form(organization, **changes):
    data = {
        "name": organization.name,
        "slug": organization.slug,
        "settings": '{"industry": "technology"}',
        "primary_color": "#1f5fbf",
        "accent_color": "#5a6272",
        "initial-primary_color": "#1f5fbf",
        "initial-accent_color": "#5a6272",
        "reminders_enabled": "on",
        "reminders_idle_days": "3",
        "reminders_before_due_days": "2",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def organization_admin(client, org_a):
    """A staff member of organization A holding the Organization admins group (not a superuser)."""
    admin = UserFactory(email="orgadmin@acme.example", organization=org_a, role="ADMIN", is_staff=True)
    admin.groups.add(Group.objects.get(name="Organization admins"))
    mfa_activate(user=admin, secret=TOTP_SECRET, actor=None)
    admin.refresh_from_db()
    return login_with_mfa(client, admin)


def test_an_organizations_admin_chooses_its_reminders(organization_admin, org_a):
    url = reverse("admin:accounts_organization_change", args=[org_a.pk])
    page = organization_admin.get(url)
    assert page.status_code == 200 and b"Remind after days without an answer" in page.content
    response = organization_admin.post(
        url, _organization_form(org_a, reminders_idle_days="5", reminders_before_due_days="")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    org_a.refresh_from_db()
    assert org_a.settings["reminders"] == {"enabled": True, "idleDays": 5, "beforeDueDays": 0}
    assert org_a.settings["industry"] == "technology"
    entry = AuditLog.objects.get(event="organization.reminders", resource_id=org_a.pk)
    assert entry.changes["before"]["idleDays"] == 3 and entry.changes["after"]["idleDays"] == 5


def test_an_organizations_admin_turns_reminders_off(organization_admin, org_a):
    url = reverse("admin:accounts_organization_change", args=[org_a.pk])
    response = organization_admin.post(url, _organization_form(org_a, reminders_enabled=None))
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert reminder_settings_of(org_a.settings).enabled is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reminders_idle_days", "14", "from 0 (no reminder) to 13"),
        ("reminders_idle_days", "-1", "from 0 (no reminder) to 13"),
        ("reminders_idle_days", "three", "whole number"),
        ("reminders_before_due_days", "31", "from 0 (no reminder) to 30"),
    ],
)
def test_days_out_of_range_are_an_error_next_to_the_field_and_change_nothing(
    organization_admin, org_a, field, value, message
):
    before = dict(org_a.settings)
    response = organization_admin.post(
        reverse("admin:accounts_organization_change", args=[org_a.pk]),
        _organization_form(org_a, **{field: value}),
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    org_a.refresh_from_db()
    assert org_a.settings == before


# ------------------------------------------------------------------ the client's opt-out


def test_the_opt_out_link_asks_first_then_stops_reminders_without_a_log_in(remind, client_a):
    idle_session(client_a)
    remind()
    url = re.search(
        r"https://questionnaires\.example(/account/notifications/unsubscribe/\S+/)", to(client_a)[0].body
    )
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(url.group(1))
    assert page.status_code == 200 and b"Stop reminder e-mails" in page.content
    client_a.refresh_from_db()
    assert reminders_wanted(client_a.preferences)  # following the link (a mail scanner) changed nothing
    done = browser.post(url.group(1))
    assert done.status_code == 200 and b"no longer e-mail you reminders" in done.content
    client_a.refresh_from_db()
    assert client_a.preferences["notifications"] == {"reminders": False}
    entry = AuditLog.objects.get(event="user.notifications", resource_id=client_a.pk)
    assert entry.changes["after"] == {"reminders": False, "via": "unsubscribe link"}
    # A new idle spell: still nothing for this client.
    idle_session(client_a, questionnaire__name="Second questionnaire")
    assert remind(now=timezone.now() + dt.timedelta(days=10)) == 0


def test_a_mail_clients_one_click_unsubscribe_works(client_a):
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:reminders_unsubscribe", args=[unsubscribe_token(client_a)]),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    client_a.refresh_from_db()
    assert not reminders_wanted(client_a.preferences)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_opt_out_link_is_refused_with_a_clear_page(client_a, client_b, method):
    token = unsubscribe_token(client_a)
    user_id, signature = token.split(":")
    forged = f"{client_b.pk}:{signature}"
    response = getattr(Client(), method)(reverse("accounts:reminders_unsubscribe", args=[forged]))
    assert response.status_code == 400
    assert b"This opt-out link is not valid" in response.content
    for user in (client_a, client_b):
        user.refresh_from_db()
        assert reminders_wanted(user.preferences)
    assert not AuditLog.objects.filter(event="user.notifications").exists()


def test_a_client_turns_reminders_off_and_on_on_their_account_page(client, client_a):
    client.force_login(client_a)
    page = client.get(reverse("accounts:settings"))
    assert b'name="reminders" checked' in page.content
    client.post(reverse("accounts:reminders_update"), {})
    client_a.refresh_from_db()
    assert not reminders_wanted(client_a.preferences)
    assert b'name="reminders" checked' not in client.get(reverse("accounts:settings")).content
    client.post(reverse("accounts:reminders_update"), {"reminders": "on"})
    client_a.refresh_from_db()
    assert reminders_wanted(client_a.preferences)
    assert AuditLog.objects.filter(event="user.notifications", resource_id=client_a.pk).count() == 2


# ------------------------------------------------------------------ "E-mail me a link to continue"


@pytest.fixture
def started(client, client_a, org_a):
    flow = branching_questionnaire(organization=org_a)
    session = services.session_start(user=client_a, questionnaire=flow.questionnaire)
    client.force_login(client_a)
    return session, reverse("sessions_app:section", args=[session.pk, flow.first.pk])


def test_the_section_page_offers_to_e_mail_a_link(client, started):
    session, section_url = started
    page = client.get(section_url)
    assert reverse("sessions_app:email_link", args=[session.pk]).encode() in page.content
    assert b"E-mail me a link to continue" in page.content


def test_e_mailing_the_link_sends_it_and_returns_to_the_page(
    client, client_a, started, django_capture_on_commit_callbacks
):
    session, section_url = started
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sessions_app:email_link", args=[session.pk]), {"next": section_url}, follow=True
        )
    assert response.redirect_chain == [(section_url, 302)]
    assert f"We e-mailed a link to {client_a.email}" in response.content.decode()
    [message] = to(client_a)
    assert message.subject == f"Your link to continue {session.questionnaire.name}"
    assert f"{SITE}/sessions/{session.pk}/\n" in message.body
    assert AuditLog.objects.filter(event="session.link_email", resource_id=session.pk).count() == 1


def test_a_second_link_within_five_minutes_is_refused_with_a_message(
    client, client_a, started, django_capture_on_commit_callbacks
):
    session, section_url = started
    url = reverse("sessions_app:email_link", args=[session.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"next": section_url})
        response = client.post(url, {"next": section_url}, follow=True)
    assert "You can ask for another in 5 minutes" in response.content.decode()
    assert len(to(client_a)) == 1
    later = timezone.now() + LINK_INTERVAL + dt.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        session_link_email(session_id=session.pk, client=client_a, now=later)
    assert len(to(client_a)) == 2


def test_another_clients_session_is_a_404_and_sends_nothing(client, started, org_a):
    session, _ = started
    client.force_login(UserFactory(organization=org_a))
    response = client.post(reverse("sessions_app:email_link", args=[session.pk]))
    assert response.status_code == 404
    assert mail.outbox == [] and not SessionReminder.objects.exists()


def test_a_completed_session_gets_a_clear_message_and_no_link(client, client_a, started):
    session, _ = started
    session.status = SessionStatus.COMPLETED
    session.save()
    response = client.post(reverse("sessions_app:email_link", args=[session.pk]), follow=True)
    assert "This questionnaire is completed. There is nothing to continue" in response.content.decode()
    assert mail.outbox == []


def test_the_link_goes_back_only_to_a_page_of_this_site(client, started):
    session, _ = started
    response = client.post(
        reverse("sessions_app:email_link", args=[session.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("sessions_app:resume", args=[session.pk])


# ------------------------------------------------------------------ row-level security


@pytest.mark.django_db(transaction=True)
def test_a_tenant_sees_only_its_own_sessions_reminders(client_a, client_b, org_a):
    for user in (client_a, client_b):
        SessionReminderFactory(session=idle_session(user))
    with app_role_connection() as conn:
        assert conn.execute("SELECT count(*) FROM session_reminders").fetchone()[0] == 0
        conn.execute("SELECT set_config('app.tenant', %s, false)", [str(org_a.pk)])
        [(session_id,)] = conn.execute("SELECT session_id FROM session_reminders").fetchall()
        assert session_id == SessionReminder.objects.get(session__user=client_a).session_id
        conn.execute("SELECT set_config('app.tenant', 'system', false)")
        assert conn.execute("SELECT count(*) FROM session_reminders").fetchone()[0] == 2


@pytest.fixture
def idle_a_and_b(client_a, client_b):
    return [idle_session(user) for user in (client_a, client_b)]


@pytest.mark.django_db(transaction=True)
def test_the_task_and_the_opt_out_link_work_as_the_application_role(
    client_a,
    client_b,
    idle_a_and_b,
    as_app_role,  # noqa: F811
):
    sessions = idle_a_and_b
    tenancy.tenant_set(tenancy.SYSTEM)  # as a worker's connection is (core.tenancy.worker_scope_system)
    assert sessions_remind() == 2
    assert SessionReminder.objects.filter(session__in=sessions).count() == 2
    tenancy.tenant_set("")
    url = reverse("accounts:reminders_unsubscribe", args=[unsubscribe_token(client_a)])
    assert Client().post(url).status_code == 200
    tenancy.tenant_set(tenancy.SYSTEM)
    assert not reminders_wanted(User.objects.get(pk=client_a.pk).preferences)
    assert reminders_wanted(User.objects.get(pk=client_b.pk).preferences)


def test_the_reminders_sent_are_in_the_clients_personal_data_export(client, client_a, org_a):
    import json

    flow = branching_questionnaire(organization=org_a)
    session = services.session_start(user=client_a, questionnaire=flow.questionnaire)
    SessionReminderFactory(session=session, kind=ReminderKind.DUE, period=timezone.now())
    SessionReminderFactory(session=SessionFactory(), kind=ReminderKind.IDLE)  # another client's
    client.force_login(client_a)
    response = client.post(reverse("accounts:gdpr_export"))
    data = json.loads(b"".join(response.streaming_content))
    [reminder] = data["reminders"]
    assert reminder["session"] == str(session.pk) and reminder["kind"] == "DUE"
