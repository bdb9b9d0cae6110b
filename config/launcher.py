"""`make run`: the embedded servers, migrations, demo data, then web, worker and beat until Ctrl-C.

Children inherit DATABASE_URL/REDIS_URL from here, so they share the servers this process started;
when it exits, pgserver and config/embedded.py stop them, and no process is left behind.
"""

from __future__ import annotations

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
    children = {
        "web": subprocess.Popen(
            manage + ["runserver", f"{HOST}:{PORT}", "--noreload"], cwd=embedded.BASE_DIR
        ),
        "worker": subprocess.Popen(
            celery + ["worker", "-l", "warning", "--concurrency", "2", "-n", "worker@%h"],
            cwd=embedded.BASE_DIR,
        ),
        "beat": subprocess.Popen(
            celery + ["beat", "-l", "warning", "-s", str(embedded.DATA_DIR / "celerybeat-schedule")],
            cwd=embedded.BASE_DIR,
        ),
    }
    print(
        f"\nRunning: http://{HOST}:{PORT}/  (admin: http://{HOST}:{PORT}/admin/)\n"
        "Web server, Celery worker and beat are up on the embedded PostgreSQL and Redis. Ctrl-C stops all.\n",
        flush=True,
    )
    return _supervise(children)


def _supervise(children: dict[str, subprocess.Popen]) -> int:
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with status {child.returncode}; stopping the rest.", file=sys.stderr)
                status, stopping = child.returncode or 1, True
                break
        time.sleep(0.5)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    print("Stopped.")
    return status


if __name__ == "__main__":
    sys.exit(main())
