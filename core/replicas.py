"""Reads that may come from a read replica (seed 000 §9.1: "use read replicas for reporting queries").

Code that reports (an analytics page, an export) says so with ``replica_reads()`` or the
``reads_from_replica`` view decorator; config/ops/routers.py decides where each read then goes (a replica
when one is configured, fresh enough and nothing was written in the same work; the primary otherwise).
Kept in the kernel so that an app can mark its reads without knowing the project's wiring.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from dataclasses import dataclass


@dataclass
class _Work:
    """What the current request (or task) has done so far."""

    wrote: bool = False
    pinned: bool = False  # a write in a recent request


_work: contextvars.ContextVar[_Work | None] = contextvars.ContextVar("replica_work", default=None)
_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)


@contextlib.contextmanager
def replica_reads():
    """Let the reads of this block go to a replica (reports, lists, exports)."""
    own = _work.get() is None
    work_token = _work.set(_Work()) if own else None
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)
        if own:
            _work.reset(work_token)


def reads_from_replica(view):
    """Decorate a view whose reads may come from a replica; its template is rendered inside too."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with replica_reads():
            response = view(*args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()  # a TemplateResponse would otherwise query after the block
            return response

    return wrapped
