"""The real Redis broker, seen from the tests: the documents queue of this test run (and pytest-xdist
worker) alone, read and emptied."""

import json

from django.conf import settings

QUEUE = settings.DOCUMENTS_QUEUE


def queue_take(queue: str = QUEUE) -> list[dict]:
    """Remove and return the messages waiting in the queue, as {task, args}."""
    from config.celery import app

    taken = []
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        while (message := channel.basic_get(queue, no_ack=True)) is not None:
            body = message.body if isinstance(message.body, str | bytes) else json.dumps(message.body)
            args, _kwargs, _embed = json.loads(body)
            taken.append({"task": message.headers["task"], "args": args})
    return taken


def queue_purge(queue: str = QUEUE) -> None:
    from config.celery import app

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)
