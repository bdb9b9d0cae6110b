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
            args, kwargs, _embed = json.loads(body)
            taken.append({"task": message.headers["task"], "args": args, "kwargs": kwargs})
    return taken


def queue_take_delivered(queue: str = QUEUE) -> list[dict]:
    """Take the messages, run each outbox drain request among them here as a worker would (it sends the
    generation messages of its documents), and return the other messages with those it sent."""
    from documents import services

    others = []
    for message in queue_take(queue):
        if message["task"] == "documents.tasks.documents_outbox_drain":
            services.documents_outbox_drain(document_ids=message["kwargs"].get("document_ids"))
        else:
            others.append(message)
    return others + queue_take(queue)


def queue_purge(queue: str = QUEUE) -> None:
    from config.celery import app

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)
