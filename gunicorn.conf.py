"""gunicorn settings for production: `gunicorn config.wsgi -c gunicorn.conf.py` (see docs/operations.md).

Every value can be overridden from the environment. Threads rather than more processes: requests spend
most of their time waiting on PostgreSQL and Redis, and each process keeps one connection pool
(DATABASE_POOL_MAX connections), so processes x pool size stays well under max_connections.
"""

import json
import multiprocessing
import os

# All interfaces by default: in a container or behind a balancer that is the point.
HOST = os.environ.get("HOST", "0.0.0.0")  # noqa: S104
bind = os.environ.get("GUNICORN_BIND", f"{HOST}:{os.environ.get('PORT', '8000')}")
# One process per core, plus one; at most 8 (more machines beat bigger ones past that).
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() + 1, 8)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Recycle workers now and then, so a slow leak never grows without bound; the jitter keeps them from
# restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Behind a load balancer that terminates TLS: trust its X-Forwarded-* headers (set to its address).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
control_socket_disable = True

# Logs: to stdout/stderr, one JSON object per line, with the request id the application assigns.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "" turns it off
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "logger": "gunicorn.access",
        "request_id": "%({x-request-id}o)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "query": "%(q)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_ms": "%(M)s",
        "remote_addr": "%(h)s",
        "user_agent": "%(a)s",
    }
)
