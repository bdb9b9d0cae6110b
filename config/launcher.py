"""`make run`: the embedded servers, migrations, demo data, then web, worker and beat until Ctrl-C.

Children inherit DATABASE_URL/REDIS_URL from here, so they share the servers this process started;
when it exits, pgserver and config/embedded.py stop them, and no process is left behind. A child that
dies (a worker killed by the OOM killer, a beat crash) is started again by `Supervisor`; only Ctrl-C
(SIGINT) or SIGTERM to this process stops everything.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

from config import embedded

HOST, PORT = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    app_url = embedded.app_database_url()  # before DATABASE_URL is set below, which it reads
    os.environ["DATABASE_URL"] = embedded.database_url()
    os.environ["REDIS_URL"] = embedded.redis_url()
    os.environ["CELERY_BROKER_URL"] = embedded.celery_broker_url()

    manage = [sys.executable, str(embedded.BASE_DIR / "manage.py")]
    for step in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        if subprocess.run(manage + step, cwd=embedded.BASE_DIR).returncode != 0:
            print(f"`manage.py {' '.join(step)}` failed; stopping.", file=sys.stderr)
            return 1
    # Migrations ran as the owner; the web server and workers run as the application's role, and
    # keep the owner's connection for maintenance only (audit partitions, VACUUM, backups).
    os.environ["DATABASE_OWNER_URL"] = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = app_url

    celery = [sys.executable, "-m", "celery", "-A", "config"]
    commands = {
        # Static files through whitenoise, as in production (config/settings.py), not runserver's handler.
        "web": manage + ["runserver", f"{HOST}:{PORT}", "--noreload", "--nostatic"],
        "worker": celery + ["worker", "-l", "warning", "--concurrency", "2", "-n", "worker@%h"],
        "beat": celery + ["beat", "-l", "warning", "-s", str(embedded.DATA_DIR / "celerybeat-schedule")],
    }
    print(
        f"\nRunning: http://{HOST}:{PORT}/  (admin: http://{HOST}:{PORT}/admin/)\n"
        "Web server, Celery worker and beat run on the embedded PostgreSQL and Redis; one that stops is "
        "started again. Ctrl-C stops all.\n",
        flush=True,
    )
    return Supervisor(commands, cwd=embedded.BASE_DIR).run()


class Supervisor:
    """Keep named commands running as child processes until SIGINT or SIGTERM; then stop them all.

    A child that exits is started again after a delay that doubles with each exit in a row (from
    ``backoff`` seconds up to ``backoff_max``), so a child that cannot start does not spin; one that
    ran for ``stable_after`` seconds before exiting starts again after ``backoff``. Each restart is
    announced on stderr.
    """

    def __init__(
        self,
        commands: dict[str, list[str]],
        *,
        cwd=None,
        backoff: float = 1.0,
        backoff_max: float = 30.0,
        stable_after: float = 60.0,
        poll_interval: float = 0.2,
    ):
        self.commands, self.cwd = commands, cwd
        self.backoff, self.backoff_max, self.stable_after = backoff, backoff_max, stable_after
        self.poll_interval = poll_interval
        self.children: dict[str, subprocess.Popen | None] = dict.fromkeys(commands)
        self._started_at: dict[str, float] = {}
        self._restart_at: dict[str, float] = {}
        self._exits_in_a_row = dict.fromkeys(commands, 0)
        self._stopping = False

    def stop(self, *_signal) -> None:
        """Ask the supervisor to stop every child and return (its SIGINT and SIGTERM handler)."""
        self._stopping = True

    def run(self) -> int:
        """Start the children and keep them running until SIGINT or SIGTERM, then stop them; return 0."""
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        for name in self.commands:
            self._start(name)
        while not self._stopping:
            self._check(time.monotonic())
            time.sleep(self.poll_interval)
        self._stop_all()
        print("Stopped.", flush=True)
        return 0

    def _start(self, name: str) -> None:
        self.children[name] = subprocess.Popen(self.commands[name], cwd=self.cwd)
        self._started_at[name] = time.monotonic()

    def _check(self, now: float) -> None:
        for name, child in self.children.items():
            if self._stopping:
                return
            if child is None:
                if now >= self._restart_at[name]:
                    self._start(name)
                    print(f"{name} restarted (pid {self.children[name].pid}).", file=sys.stderr, flush=True)
                continue
            status = child.poll()
            if status is None:
                continue
            if now - self._started_at[name] >= self.stable_after:
                self._exits_in_a_row[name] = 0
            delay = min(self.backoff_max, self.backoff * 2 ** self._exits_in_a_row[name])
            self._exits_in_a_row[name] += 1
            self.children[name] = None
            self._restart_at[name] = now + delay
            print(f"{name} {_ending(status)}; restarting it in {delay:g} s.", file=sys.stderr, flush=True)

    def _stop_all(self) -> None:
        running = [child for child in self.children.values() if child is not None and child.poll() is None]
        for child in running:
            child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in running:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _ending(status: int) -> str:
    if status < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-status).name}"
    return f"exited with status {status}"


if __name__ == "__main__":
    sys.exit(main())
