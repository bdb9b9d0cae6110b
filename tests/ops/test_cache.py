"""Caching with Redis (seed 000 §9.2) and without it: pages work from the database when Redis is down."""

import logging

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import cache
from django.urls import reverse

from config.ops.cache import ResilientRedisCache
from sessions_app import services
from sessions_app.models import Response
from tests.sessions_app.builders import branching_questionnaire

pytestmark = pytest.mark.django_db

DEAD_REDIS = "unix:///nonexistent/acqs-dead-redis.sock?db=0"


def _cache_settings(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "config.ops.cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": django_settings.CACHES["default"]["KEY_PREFIX"],
            "OPTIONS": {"RETRY_AFTER": 60, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1},
        }
    }


@pytest.fixture
def redis_sessions(settings):
    """The production arrangement: sessions in Redis, backed by the database, for 24 hours."""
    settings.CACHES = _cache_settings(django_settings.CACHES["default"]["LOCATION"])
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.SESSION_COOKIE_AGE = 24 * 60 * 60


@pytest.fixture
def redis_down(settings):
    settings.CACHES = _cache_settings(DEAD_REDIS)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_a_session_lives_in_redis_for_a_day_and_logout_removes_it(client, client_a, redis_sessions):
    client.force_login(client_a)
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert cache.get(KEY_PREFIX + key) is not None
    assert 23 * 3600 < cache.ttl(KEY_PREFIX + key) <= 24 * 3600
    client.post("/logout/")
    assert cache.get(KEY_PREFIX + key) is None
    from django.contrib.sessions.models import Session as StoredSession

    assert not StoredSession.objects.filter(session_key=key).exists()


def test_with_redis_down_pages_render_answers_are_saved_and_the_outage_is_logged(
    client, client_a, org_a, redis_down, caplog
):
    flow = branching_questionnaire(organization=org_a)
    session = services.session_start(user=client_a, questionnaire=flow.questionnaire)
    caplog.set_level(logging.WARNING)
    client.force_login(client_a)

    page = client.get(reverse("sessions_app:section", args=[session.pk, flow.first.pk]))
    assert page.status_code == 200
    assert b"Do you have a product?" in page.content

    answer = client.post(
        reverse("sessions_app:answer", args=[session.pk, flow.team_size.pk]),
        {f"q-{flow.team_size.id}": "7"},
    )
    assert answer.status_code == 200
    assert Response.objects.get(session=session, question=flow.team_size).value == {"number": 7}

    outage = [r for r in caplog.records if r.name == "config.ops.cache"]
    assert len(outage) == 1  # once, not once per cache call
    assert outage[0].levelno == logging.WARNING
    assert "Redis is unreachable" in outage[0].getMessage()
    # The client stays logged in: the session is read from the database.
    assert client.get(reverse("sessions_app:list")).status_code == 200


def test_after_the_pause_a_reachable_redis_is_used_again(caplog):
    live = ResilientRedisCache(
        django_settings.CACHES["default"]["LOCATION"],
        {"KEY_PREFIX": django_settings.CACHES["default"]["KEY_PREFIX"], "OPTIONS": {"RETRY_AFTER": 0}},
    )
    caplog.set_level(logging.WARNING)
    live._failed()  # as if a call had just failed
    live.set("probe", "value")
    assert live.get("probe") == "value"
    assert "answers again" in caplog.text


def test_while_redis_is_down_calls_fail_fast_without_touching_it(redis_down):
    down = ResilientRedisCache(DEAD_REDIS, {"OPTIONS": {"RETRY_AFTER": 60}})
    assert down.get("anything", "fallback") == "fallback"
    assert down._down_since is not None
    assert down.client is down._unavailable  # no new connection attempt until the pause is over
    assert down.set("k", "v") is None and down.add("k", "v") is None and down.incr("k", 1) is None
