"""API keys: the settings page, how a key is stored, scopes, expiry, revocation, use and rate limits."""

import datetime as dt
import hashlib
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_redis import get_redis_connection
from rest_framework.test import APIClient

from accounts.api_keys import (
    MAX_ACTIVE_KEYS,
    ApiKeyInvalid,
    api_key_authenticate,
    api_key_create,
    api_key_revoke,
)
from accounts.models import ApiKey
from audit.models import AuditLog
from sessions_app.models import Response
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "api_keys:list"


def sessions_url():
    return reverse("api:session-list")


def bearer(raw_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


# ----------------------------------------------------------------- the settings page


def test_a_new_key_is_shown_once_and_stored_as_prefix_and_hash(client, client_a):
    client.force_login(client_a)
    response = client.post(
        reverse(PAGE),
        {"name": "CRM sync", "scopes": ["sessions:read", "questionnaires:read"], "expiry": "30"},
    )
    assert response.status_code == 201
    api_key = ApiKey.objects.get(user=client_a)
    raw_key = response.context["new_key"]["raw"]
    assert raw_key in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    assert api_key.key_prefix == raw_key[:8]
    assert api_key.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert raw_key not in (api_key.key_hash, api_key.name)
    assert api_key.scopes == ["questionnaires:read", "sessions:read"]
    assert dt.timedelta(days=29) < api_key.expires_at - timezone.now() <= dt.timedelta(days=30)
    row = AuditLog.objects.get(event="api_key.create")
    assert row.actor == client_a and row.resource_id == api_key.pk
    assert raw_key not in str(row.changes)
    # Shown once: the list page only ever shows the prefix.
    page = client.get(reverse(PAGE)).content.decode()
    assert "CRM sync" in page and api_key.key_prefix in page and raw_key not in page


def test_a_key_without_scopes_or_name_is_refused_and_not_created(client, client_a):
    client.force_login(client_a)
    response = client.post(reverse(PAGE), {"name": " ", "expiry": "never"})
    assert response.status_code == 422
    assert "Choose at least one scope." in response.content.decode()
    assert not ApiKey.objects.exists()


def test_keys_are_revoked_from_the_page_and_only_by_their_owner(client, client_a, client_b, make_key):
    api_key, raw_key = make_key(client_a)
    client.force_login(client_b)
    assert client.post(reverse("api_keys:revoke", args=[api_key.pk])).status_code == 404
    client.force_login(client_a)
    response = client.post(reverse("api_keys:revoke", args=[api_key.pk]))
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert AuditLog.objects.filter(event="api_key.revoke", resource_id=api_key.pk).count() == 1
    assert "Revoked" in client.get(reverse(PAGE)).content.decode()


def test_the_page_needs_a_signed_in_user(client):
    response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_service_refuses_unknown_scopes_and_past_expiry(client_a):
    with pytest.raises(ValidationError) as refused:
        api_key_create(
            user=client_a,
            name="x",
            scopes=["everything"],
            expires_at=timezone.now() - dt.timedelta(seconds=1),
        )
    assert set(refused.value.message_dict) == {"scopes", "expires_at"}


def test_a_user_holds_a_bounded_number_of_active_keys(client_a, make_key):
    for _ in range(MAX_ACTIVE_KEYS):
        make_key(client_a)
    with pytest.raises(ValidationError):
        make_key(client_a)


# ----------------------------------------------------------------- authentication


def test_a_key_works_in_either_header(make_key, client_a):
    _, raw_key = make_key(client_a)
    assert bearer(raw_key).get(sessions_url()).status_code == 200
    assert APIClient().get(sessions_url(), HTTP_X_API_KEY=raw_key).status_code == 200


def test_no_credentials_is_a_401_that_says_how_to_authenticate():
    response = APIClient().get(sessions_url())
    error = assert_error(response, 401, "not_authenticated")
    assert "Bearer" in error["message"]
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("raw_key", ["wrong", "x" * 48, "é" * 40, ""])
def test_an_unknown_key_is_a_401(raw_key, make_key, client_a):
    make_key(client_a)
    response = APIClient().get(sessions_url(), HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert_error(response, 401, "invalid_api_key")


def test_a_revoked_key_is_a_401(make_key, client_a):
    api_key, raw_key = make_key(client_a)
    api_key_revoke(api_key=api_key, actor=client_a)
    error = assert_error(bearer(raw_key).get(sessions_url()), 401, "invalid_api_key")
    assert "revoked" in error["message"]


def test_an_expired_key_is_a_401(make_key, client_a):
    api_key, raw_key = make_key(client_a, expires_at=timezone.now() + dt.timedelta(days=1))
    ApiKey.objects.filter(pk=api_key.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    error = assert_error(bearer(raw_key).get(sessions_url()), 401, "invalid_api_key")
    assert "expired" in error["message"]


def test_a_deactivated_users_key_is_a_401(make_key, client_a):
    _, raw_key = make_key(client_a)
    client_a.is_active = False
    client_a.save()
    assert_error(bearer(raw_key).get(sessions_url()), 401, "invalid_api_key")


def test_a_bad_key_is_refused_even_with_a_signed_in_session(client_a):
    browser = APIClient()
    browser.force_login(client_a)
    assert browser.get(sessions_url()).status_code == 200
    response = browser.get(sessions_url(), HTTP_AUTHORIZATION="Bearer not-a-real-key-but-long-enough")
    assert_error(response, 401, "invalid_api_key")


# ----------------------------------------------------------------- scopes


def test_a_key_without_sessions_write_cannot_answer(key_client, client_a, session_a, flow):
    reader = key_client(client_a, ["sessions:read"])
    url = reverse("api:session-answer", args=[session_a.pk, flow.team_size.pk])
    error = assert_error(reader.put(url, {"value": {"number": 5}}, format="json"), 403, "insufficient_scope")
    assert "sessions:write" in error["message"]
    assert not Response.objects.exists()
    assert reader.get(reverse("api:session-detail", args=[session_a.pk])).status_code == 200


def test_a_key_without_sessions_read_cannot_list_sessions(key_client, client_a):
    writer = key_client(client_a, ["sessions:write"])
    assert_error(writer.get(sessions_url()), 403, "insufficient_scope")


# ----------------------------------------------------------------- recording use


def test_last_used_at_moves_at_most_once_a_minute(make_key, client_a):
    api_key, raw_key = make_key(client_a)
    start = timezone.now().replace(minute=10, second=0, microsecond=0)
    api_key_authenticate(raw_key=raw_key, now=start)
    api_key_authenticate(raw_key=raw_key, now=start + dt.timedelta(seconds=30))
    api_key.refresh_from_db()
    assert api_key.last_used_at == start
    api_key_authenticate(raw_key=raw_key, now=start + dt.timedelta(seconds=61))
    api_key.refresh_from_db()
    assert api_key.last_used_at == start + dt.timedelta(seconds=61)


def test_use_is_audited_once_per_key_per_hour(make_key, client_a):
    api_key, raw_key = make_key(client_a)
    start = timezone.now().replace(minute=10, second=0, microsecond=0)
    for minutes in (0, 2, 30, 49):
        api_key_authenticate(raw_key=raw_key, now=start + dt.timedelta(minutes=minutes))
    assert AuditLog.objects.filter(event="api_key.use", resource_id=api_key.pk).count() == 1
    # The first use in the next clock hour is recorded, even within a minute of the last one.
    api_key_authenticate(raw_key=raw_key, now=start + dt.timedelta(minutes=50, seconds=30))
    api_key_authenticate(raw_key=raw_key, now=start.replace(minute=0) + dt.timedelta(hours=1, seconds=5))
    assert AuditLog.objects.filter(event="api_key.use", resource_id=api_key.pk).count() == 2


def test_authentication_rejects_with_a_reason(make_key, client_a):
    api_key, raw_key = make_key(client_a)
    api_key_revoke(api_key=api_key, actor=client_a)
    with pytest.raises(ApiKeyInvalid, match="revoked"):
        api_key_authenticate(raw_key=raw_key)


# ----------------------------------------------------------------- rate limits


def test_the_hourly_rate_limit_is_a_429_with_retry_after(make_key, client_a):
    api_key, raw_key = make_key(client_a, rate_limit=3)
    client = bearer(raw_key)
    remaining = [client.get(sessions_url())["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    refused = client.get(sessions_url())
    error = assert_error(refused, 429, "rate_limited")
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 3600
    assert str(retry_after) in error["message"]
    hour = int(time.time() // 3600)
    counter = get_redis_connection("default").get(f"ratelimit:apikey:{api_key.pk}:{hour}")
    assert int(counter) == 4


def test_rate_limits_are_per_key(make_key, client_a):
    _, first = make_key(client_a, rate_limit=1)
    _, second = make_key(client_a, rate_limit=1)
    assert bearer(first).get(sessions_url()).status_code == 200
    assert bearer(first).get(sessions_url()).status_code == 429
    assert bearer(second).get(sessions_url()).status_code == 200


def test_browser_sessions_are_not_counted_against_a_key(client_a):
    browser = APIClient()
    browser.force_login(client_a)
    response = browser.get(sessions_url())
    assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response


def test_keys_of_another_user_do_not_see_my_data(make_key, client_a, session_a):
    _, other_key = make_key(UserFactory(organization=client_a.organization))
    assert bearer(other_key).get(sessions_url()).json()["count"] == 0


def test_a_key_scopes_the_database_connection_to_its_users_organization(make_key, client_a, monkeypatch):
    from django.db import connection

    from core import tenancy

    monkeypatch.setitem(tenancy._applies, "default", True)  # as if connected as the application's role
    _, raw_key = make_key(client_a)
    assert bearer(raw_key).get(sessions_url()).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.tenant', true), current_setting('app.user_id', true)")
        assert cursor.fetchone() == (str(client_a.organization_id), str(client_a.pk))
    assert_error(bearer("not-a-real-key-but-long-enough").get(sessions_url()), 401, "invalid_api_key")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.tenant', true)")
        assert cursor.fetchone() == ("",)


def test_a_login_lockout_does_not_stop_the_users_keys(make_key, client_a):
    _, raw_key = make_key(client_a)
    client_a.locked_until = timezone.now() + dt.timedelta(minutes=15)
    client_a.save()
    assert bearer(raw_key).get(sessions_url()).status_code == 200
