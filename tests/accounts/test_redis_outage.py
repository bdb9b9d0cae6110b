"""Logging in and resetting a password while Redis is down: normal answers, no account enumeration,
and the throttles still hold, counted from the audit trail instead of the cache."""

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import override_settings

from audit.models import AuditLog
from tests.accounts.factories import PASSWORD
from tests.accounts.helpers import login_post

pytestmark = pytest.mark.django_db

DEAD_REDIS = "unix:///nonexistent/acqs-dead-redis.sock?db=0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.ops.cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "KEY_PREFIX": django_settings.CACHES["default"]["KEY_PREFIX"],
            "OPTIONS": {"RETRY_AFTER": 60, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1},
        }
    }


def _page_text(response, email: str) -> str:
    """The page as the visitor reads it, minus what differs on every render or echoes their input."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]*"', "", text)
    return text.replace(email, "EMAIL")


def _errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


def test_unknown_and_known_e_mails_get_the_same_answer_with_redis_down(client, person, redis_down):
    known = login_post(client, person.email, "not-the-password")
    unknown = login_post(client, "nobody@acme.example", "not-the-password")
    assert known.status_code == unknown.status_code == 200
    assert "do not match an account" in _errors(unknown)
    assert _page_text(unknown, "nobody@acme.example") == _page_text(known, person.email)
    person.refresh_from_db()
    assert person.failed_login_attempts == 1
    assert AuditLog.objects.filter(event="auth.login_failed").count() == 2


def test_an_unknown_e_mail_is_locked_like_a_real_account_with_redis_down(client, person, redis_down):
    for _ in range(4):
        known = login_post(client, person.email, "wrong-password")
        unknown = login_post(client, "ghost@acme.example", "wrong-password")
        assert _errors(known) == _errors(unknown)
        assert "do not match" in _errors(unknown)
    known = login_post(client, person.email, "wrong-password")
    unknown = login_post(client, "ghost@acme.example", "wrong-password")
    assert "Try again in 15 minutes" in _errors(known)
    assert _errors(unknown) == _errors(known)
    # Still locked on the next attempt, which does not push the lock further out.
    assert _errors(login_post(client, "ghost@acme.example", "wrong-password")) == _errors(known)


@override_settings(LOGIN_IP_FAILURE_LIMIT=6)
def test_the_ip_throttle_still_holds_with_redis_down(client, person, redis_down):
    for n in range(6):
        response = login_post(client, f"sprayed{n}@acme.example", "Spring2025!", REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 200
    response = login_post(client, person.email, PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    assert b"Too many attempts" in response.content
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert login_post(client, person.email, PASSWORD, REMOTE_ADDR="198.51.100.8").status_code == 302


@override_settings(LOGIN_IP_FAILURE_LIMIT=3)
def test_failures_counted_before_redis_went_down_still_count(client, person, settings):
    for n in range(2):
        login_post(client, f"sprayed{n}@acme.example", "Spring2025!", REMOTE_ADDR="198.51.100.7")
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}
    assert login_post(client, "sprayed2@acme.example", "x", REMOTE_ADDR="198.51.100.7").status_code == 200
    assert login_post(client, person.email, PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_a_password_reset_answers_the_same_for_known_and_unknown_e_mails_with_redis_down(
    client, person, redis_down
):
    known = client.post("/password-reset/", {"email": person.email})
    unknown = client.post("/password-reset/", {"email": "nobody@acme.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/password-reset/sent/"
    assert [message.to for message in mail.outbox] == [[person.email]]


@override_settings(PASSWORD_RESET_IP_LIMIT=3)
def test_password_reset_requests_are_still_throttled_per_ip_with_redis_down(client, person, redis_down):
    for _ in range(3):
        assert client.post("/password-reset/", {"email": person.email}).status_code == 302
    response = client.post("/password-reset/", {"email": person.email})
    assert response.status_code == 429
    assert b"too many password-reset requests" in response.content
    assert 59 * 60 < int(response["Retry-After"]) <= 60 * 60
    assert len(mail.outbox) == 3
    # Another address is not affected.
    other = client.post("/password-reset/", {"email": person.email}, REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 302
