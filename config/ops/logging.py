"""Structured logs: one JSON object per line, carrying the request id (or the Celery task id).

The request id is the one audit.context.RequestContextMiddleware gives each request (kept from
X-Request-ID when sane) and returns in the response's X-Request-ID header, so a log line, an audit row
and a client's bug report can be matched. Used from settings.LOGGING:

    "filters": {"request_id": {"()": "config.ops.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "config.ops.logging.JsonFormatter"}},
"""

from __future__ import annotations

import datetime as dt
import json
import logging

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged too.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def _request_id() -> str | None:
    try:
        from audit.context import current_request_context
    except ImportError:  # settings are being loaded before the apps
        return None
    return current_request_context().get("request_id")


def _task_id() -> str | None:
    try:
        from celery import current_task
    except ImportError:
        return None
    request = getattr(current_task, "request", None)
    return getattr(request, "id", None) if current_task else None


class RequestIdFilter(logging.Filter):
    """Put the current request id and Celery task id on every record ("-" outside of either)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # "-" rather than None outside of a request or task, for plain text formats.
        if not hasattr(record, "request_id"):
            record.request_id = _request_id() or "-"
        if not hasattr(record, "task_id"):
            record.task_id = _task_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time, level, logger, message, ids, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "task_id"):
            value = getattr(record, key, None)
            if value and value != "-":
                entry[key] = value
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and key not in ("request_id", "task_id"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)
