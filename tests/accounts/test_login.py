"""Logging in by e-mail: lockout, the IP throttle, what is recorded and audited, logout, idle timeout."""

import datetime as dt
import time

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts import session_state
from audit.models import AuditLog
from tests.accounts.factories import PASSWORD
from tests.accounts.helpers import login_post

pytestmark = pytest.mark.django_db


def _errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


def test_the_login_page_asks_for_e_mail_and_password(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b'<label for="id_email">E-mail</label>' in response.content
    assert b'<label for="id_password">Password</label>' in response.content
    assert b"/password-reset/" in response.content


def test_the_right_password_logs_in_with_a_new_session_and_records_time_and_ip(client, person):
    client.get("/login/")
    session_before = client.session.session_key
    response = login_post(client, "Person@Acme.example", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session.session_key != session_before
    assert client.session["_auth_user_id"] == str(person.pk)
    person.refresh_from_db()
    assert person.last_login_ip == "203.0.113.9"
    assert timezone.now() - person.last_login < dt.timedelta(seconds=10)
    entry = AuditLog.objects.get(event="auth.login")
    assert entry.actor == person and entry.resource_id == person.pk
    assert entry.remote_addr == "203.0.113.9"


def test_a_wrong_password_shows_a_clear_error_and_counts_a_failure(client, person):
    response = login_post(client, person.email, "not-the-password")
    assert response.status_code == 200
    assert "do not match an account" in _errors(response)
    assert "_auth_user_id" not in client.session
    person.refresh_from_db()
    assert person.failed_login_attempts == 1
    entry = AuditLog.objects.get(event="auth.login_failed")
    assert entry.resource_id == person.pk
    assert entry.changes["after"]["reason"] == "bad_password"


def test_an_unknown_e_mail_gets_the_same_message_and_an_audit_row_without_an_id(client, person):
    known = _errors(login_post(client, person.email, "not-the-password"))
    response = login_post(client, "nobody@acme.example", "whatever-password")
    assert response.status_code == 200
    assert _errors(response) == known
    entry = AuditLog.objects.filter(event="auth.login_failed").order_by("-timestamp").first()
    assert entry.resource_type == "accounts.user"
    assert entry.resource_id is None
    assert entry.changes["after"] == {"reason": "unknown_email", "email": "nobody@acme.example"}


def test_five_failures_lock_the_account_and_say_when_to_retry(client, person):
    for _ in range(4):
        assert "do not match" in _errors(login_post(client, person.email, "wrong-password"))
    response = login_post(client, person.email, "wrong-password")
    message = _errors(response)
    assert "locked" in message
    assert "Try again in 15 minutes" in message
    person.refresh_from_db()
    assert person.failed_login_attempts == 5
    assert person.is_locked
    assert dt.timedelta(minutes=14) < person.locked_until - timezone.now() <= dt.timedelta(minutes=15)
    lockout = AuditLog.objects.get(event="auth.lockout")
    assert lockout.resource_id == person.pk
    assert lockout.changes["after"]["failed_login_attempts"] == 5


def test_a_locked_account_refuses_even_the_right_password(client, person):
    person.failed_login_attempts = 5
    person.locked_until = timezone.now() + dt.timedelta(minutes=7)
    person.save()
    response = login_post(client, person.email, PASSWORD)
    assert response.status_code == 200
    assert "Try again in 7 minutes" in _errors(response)
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.get(event="auth.login_failed").changes["after"]["reason"] == "locked"


def test_when_the_lock_runs_out_the_right_password_works_and_resets_the_count(client, person):
    person.failed_login_attempts = 5
    person.locked_until = timezone.now() - dt.timedelta(seconds=1)
    person.save()
    assert login_post(client, person.email).status_code == 302
    person.refresh_from_db()
    assert person.failed_login_attempts == 0
    assert person.locked_until is None


def test_a_failure_after_the_lock_ran_out_starts_a_new_count(client, person):
    person.failed_login_attempts = 5
    person.locked_until = timezone.now() - dt.timedelta(seconds=1)
    person.save()
    login_post(client, person.email, "wrong-password")
    person.refresh_from_db()
    assert person.failed_login_attempts == 1
    assert not person.is_locked


@override_settings(LOGIN_LOCKOUT_THRESHOLD=2, LOGIN_LOCKOUT_MINUTES=3)
def test_the_threshold_and_duration_come_from_settings(client, person):
    login_post(client, person.email, "wrong-password")
    assert "Try again in 3 minutes" in _errors(login_post(client, person.email, "wrong-password"))


def test_an_unknown_e_mail_is_locked_like_a_real_account(client):
    for _ in range(4):
        assert "do not match" in _errors(login_post(client, "ghost@acme.example", "wrong-password"))
    assert "Try again in 15 minutes" in _errors(login_post(client, "ghost@acme.example", "wrong-password"))
    assert "Try again in 15 minutes" in _errors(login_post(client, "ghost@acme.example", "wrong-password"))


@override_settings(LOGIN_IP_FAILURE_LIMIT=6)
def test_many_failures_from_one_ip_across_e_mails_get_429(client, person):
    for n in range(6):
        login_post(client, f"sprayed{n}@acme.example", "Spring2025!", REMOTE_ADDR="198.51.100.7")
    response = login_post(client, person.email, PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"Too many attempts" in response.content
    assert b"15 minutes" in response.content
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert login_post(client, person.email, PASSWORD, REMOTE_ADDR="198.51.100.8").status_code == 302


def test_success_resets_the_failure_count(client, person):
    login_post(client, person.email, "wrong-password")
    login_post(client, person.email, "wrong-password")
    assert login_post(client, person.email).status_code == 302
    person.refresh_from_db()
    assert person.failed_login_attempts == 0


def test_an_inactive_user_cannot_log_in(client, person):
    person.is_active = False
    person.save()
    response = login_post(client, person.email)
    assert response.status_code == 200
    assert "do not match" in _errors(response)


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "email", "Enter your e-mail address."),
        ({"email": "not an address", "password": "x"}, "email", "Enter a valid e-mail address."),
        ({"email": "a@b.example"}, "password", "Enter your password."),
        ({"email": "a@b.example", "password": "x" * 5000}, "password", "at most 1024 characters"),
        ({"email": "x" * 300 + "@b.example", "password": "x"}, "email", "at most 255 characters"),
    ],
)
def test_bad_input_is_shown_again_with_clear_errors(client, data, field, message):
    response = client.post("/login/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message.encode() in response.content
    assert not AuditLog.objects.filter(event="auth.login_failed").exists()


def test_next_is_followed_on_this_site_only(client, person):
    response = client.post("/login/?next=/sessions/", {"email": person.email, "password": PASSWORD})
    assert response["Location"] == "/sessions/"
    client.logout()
    response = client.post(
        "/login/?next=https://evil.example/", {"email": person.email, "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_logout_is_post_only_and_audited(client, person):
    client.force_login(person)
    response = client.get("/logout/")
    assert response.status_code == 200  # a confirmation page, still logged in
    assert "_auth_user_id" in client.session
    response = client.post("/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert b"You have logged out." in response.content
    assert "_auth_user_id" not in client.session
    entry = AuditLog.objects.get(event="auth.logout")
    assert entry.actor == person and entry.changes["after"] == {"reason": "user"}
    # Named by id only: an e-mail in the trail would outlive the person's anonymisation.
    assert (entry.resource_type, entry.resource_id, entry.object_repr) == ("accounts.user", person.pk, "")


# --------------------------------------------------------------------------- idle timeout


def _age_session(client, seconds):
    session = client.session
    session[session_state.LAST_ACTIVITY] = int(time.time()) - seconds
    session.save()


@override_settings(SESSION_IDLE_TIMEOUT_MINUTES=30)
def test_an_idle_session_is_logged_out_with_a_message_on_the_login_page(client, person):
    client.force_login(person)
    client.get("/sessions/")
    _age_session(client, 31 * 60)
    response = client.get("/sessions/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/sessions/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert b"logged out after 30 minutes without activity" in page.content
    assert AuditLog.objects.get(event="auth.logout").changes["after"] == {"reason": "idle"}


@override_settings(SESSION_IDLE_TIMEOUT_MINUTES=30)
def test_a_session_used_within_the_timeout_stays(client, person):
    client.force_login(person)
    client.get("/sessions/")
    _age_session(client, 29 * 60)
    assert client.get("/sessions/").status_code == 200
    assert client.session[session_state.LAST_ACTIVITY] >= int(time.time()) - 5


def test_an_idle_htmx_request_sends_the_whole_page_to_the_login(client, person):
    client.force_login(person)
    client.get("/sessions/")
    _age_session(client, 10 * 3600)
    response = client.post("/sessions/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/"


def test_a_logged_in_user_visiting_the_login_page_goes_home(client, person):
    client.force_login(person)
    assert client.get("/login/")["Location"] == "/"


def test_the_login_page_says_who_is_logged_in_when_sent_back_for_lack_of_access(client, person):
    client.force_login(person)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=/admin/"
    assert b"You are logged in as person@acme.example" in response.content


def test_the_test_clients_login_still_works_for_other_tests(client, person):
    assert client.login(email=person.email, password=PASSWORD)
    assert client.get("/sessions/").status_code == 200
