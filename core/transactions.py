"""Work to do once the transaction commits, whose failure must not undo or fail what was committed."""

from __future__ import annotations

from django.db import transaction


def after_commit(function, /, *args, **kwargs) -> None:
    """Call `function(*args, **kwargs)` after the current transaction commits; log an error, never raise it.

    Django's `on_commit(..., robust=True)` names the failing callable by its `__qualname__` when it logs
    the error, and a `functools.partial` has none: the logging itself raised, so a mail server that was
    down turned an approval that had been saved into a 500. A plain function with a name avoids it.
    """

    def call() -> None:
        function(*args, **kwargs)

    call.__qualname__ = getattr(function, "__qualname__", type(function).__name__)
    transaction.on_commit(call, robust=True)
