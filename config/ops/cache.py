"""A Redis cache backend that keeps pages working from the database while Redis is down.

django-redis with IGNORE_EXCEPTIONS already turns a failed cache call into a miss. This backend adds
what that leaves out: after a failure it stops calling Redis for a few seconds (so a Redis host that
does not answer costs one connect timeout, not one per cache call), logs the outage once as a warning
instead of a traceback per call, and logs when Redis answers again.

CACHES = {"default": {"BACKEND": "config.ops.cache.ResilientRedisCache", "LOCATION": ...,
                      "OPTIONS": {"RETRY_AFTER": 5, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1}}}
"""

from __future__ import annotations

import logging
import re
import threading
import time

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)


class _Unavailable:
    """Stands in for the client while Redis is considered down: every call fails at once."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionInterrupted(connection=None) from RedisConnectionError(
                "Redis is marked unavailable"
            )

        return fail


class _OutageLog:
    """Receives django-redis' "Exception ignored" calls and turns them into the breaker's state."""

    def __init__(self, cache: ResilientRedisCache):
        self._cache = cache

    def exception(self, message, *args, **kwargs):
        self._cache._failed()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self._retry_after = float(options.pop("RETRY_AFTER", 5))
        options.setdefault("IGNORE_EXCEPTIONS", True)
        params = {**params, "OPTIONS": options}
        super().__init__(server, params)
        self._log_ignored_exceptions = True
        self.logger = _OutageLog(self)
        self._down_until = 0.0
        self._down_since: float | None = None
        self._lock = threading.Lock()
        self._unavailable = _Unavailable()

    @property
    def client(self):
        if self._down_since is not None:
            if time.monotonic() < self._down_until:
                return self._unavailable
            if not self._answers():
                return self._unavailable
        return super().client

    @property
    def unavailable(self) -> bool:
        """Whether Redis failed a call and has not answered since: reads are misses, writes are lost.

        Code whose correctness needs the cache's answer (the log-in throttles) asks this after a call
        and, when it is true, counts from the database instead.
        """
        return self._down_since is not None

    def _answers(self) -> bool:
        """Probe Redis once when the pause is over; close the breaker if it answers."""
        try:
            super().client.get_client(write=True).ping()
        except Exception:
            self._failed()
            return False
        with self._lock:
            if self._down_since is not None:
                logger.warning(
                    "Redis answers again after %.0f s; the cache is back in use",
                    time.monotonic() - self._down_since,
                )
                self._down_since = None
        return True

    def _failed(self) -> None:
        with self._lock:
            now = time.monotonic()
            if now < self._down_until:
                return
            first = self._down_since is None
            if first:
                self._down_since = now
            self._down_until = now + self._retry_after
        if first:
            logger.warning(
                "Redis is unreachable (%s); pages are served from the database, and Redis is tried "
                "again every %.0f s",
                re.sub(r"//[^@/]*@", "//***@", str(self._server)),  # never log a password
                self._retry_after,
            )
