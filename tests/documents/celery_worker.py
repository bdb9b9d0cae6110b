"""The Celery app of the worker processes the tests start: the project's own app and tasks, with
message recovery tuned for a test's time scale and kept to this test run.

A message whose worker died is given back after ``visibility_timeout`` seconds (an hour in
production's default), and the bookkeeping keys of unacknowledged messages carry the run's id, so
that two test runs sharing one Redis never restore each other's messages.
"""

import os

from config.celery import app

_run = os.environ.get("ACQS_TEST_RUN", "default")

app.conf.broker_transport_options = {
    "visibility_timeout": float(os.environ.get("ACQS_TEST_VISIBILITY_TIMEOUT", "3")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    "unacked_key": f"unacked-{_run}",
    "unacked_index_key": f"unacked_index-{_run}",
    "unacked_mutex_key": f"unacked_mutex-{_run}",
}
