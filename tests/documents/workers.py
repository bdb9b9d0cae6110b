"""Start and stop real Celery worker processes for the tests, on this run's test database and queue."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from tests.documents import broker

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """Return a DATABASE_URL naming this process's test database (config/settings.py unquotes the host)."""
    params = connection.settings_dict
    credentials = quote(params["USER"] or "", safe="")
    if params.get("PASSWORD"):
        credentials += ":" + quote(params["PASSWORD"], safe="")
    host = quote(params["HOST"] or "", safe="")
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{params['NAME']}"


class Worker:
    """One `celery worker` process consuming this run's documents queue with the solo pool."""

    def __init__(self, *, media_root: Path, log: Path, name: str, email_dir: Path | None = None):
        self.log = log
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ACQS_TESTING": "1",
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "MEDIA_ROOT": str(media_root),
            "ACQS_TEST_RUN": str(os.getpid()),
            "LOG_LEVEL": "INFO",
        }
        if email_dir is not None:  # the worker's e-mails as files, for a test to read
            env["EMAIL_URL"] = f"filemail:///{email_dir}"  # django-environ drops one slash
        self._log_handle = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.documents.celery_worker",
                "worker",
                "--pool=solo",
                "--queues",
                broker.QUEUE,
                "--hostname",
                f"{name}-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """Kill the worker at once, as the kernel's OOM killer or a lost machine would."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.send_signal(signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log_handle.close()


def wait_for(condition, *, timeout: float, interval: float = 0.1, message: str = "condition"):
    """Poll ``condition`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {message}")
