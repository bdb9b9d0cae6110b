"""Production serving: hashed, compressed static files through whitenoise; JSON logs with the request id."""

import json
import logging

import pytest
from django.core.management import call_command
from django.templatetags.static import static

from config.ops.logging import JsonFormatter, RequestIdFilter

DEAD_REDIS = "unix:///nonexistent/acqs-dead-redis.sock?db=0"


@pytest.fixture
def production_static(settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        *settings.MIDDLEWARE[1:],
    ]
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path / "static"


def test_static_files_are_served_with_hashed_names_compressed_and_cached_for_long(client, production_static):
    url = static("css/app.css")
    assert url != "/static/css/app.css" and url.endswith(".css")  # the name carries the content's hash
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
    assert list(production_static.glob("css/app.*.css.br"))  # brotli variants are written too


@pytest.mark.django_db
def test_a_log_line_is_json_and_carries_the_request_id(client, settings, caplog):
    settings.ROOT_URLCONF = "tests.ops.urls"
    # Through the whole stack (the probe middleware, when installed, answers before request ids exist).
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "config.health_views.HealthEndpointsMiddleware"
    ]
    settings.CACHES = {"default": {"BACKEND": "config.ops.cache.ResilientRedisCache", "LOCATION": DEAD_REDIS}}
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.WARNING, logger="config.ops.health")
    response = client.get("/readyz", HTTP_X_REQUEST_ID="req-4711")  # the Redis probe fails and logs
    assert response["X-Request-ID"] == "req-4711"
    record = next(r for r in caplog.records if r.name == "config.ops.health")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-4711"
    assert line["level"] == "WARNING" and line["logger"] == "config.ops.health"
    assert "Readiness check failed" in line["message"]


def test_extras_and_exceptions_are_kept_in_the_json():
    logger = logging.getLogger("tests.ops.json")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logger.makeRecord(
            logger.name,
            logging.ERROR,
            __file__,
            1,
            "failed %s",
            ("once",),
            __import__("sys").exc_info(),
            extra={"session_id": "abc"},
        )
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "failed once" and line["session_id"] == "abc"
    assert "ValueError: boom" in line["exception"]
    assert "request_id" not in line  # outside a request
