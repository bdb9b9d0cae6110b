"""`make serve`: production-style serving on one machine: gunicorn, a Celery worker and beat.

Like `make run` (config/launcher.py) it uses DATABASE_URL/REDIS_URL when set and the embedded servers
otherwise, migrates, and stops every child on Ctrl-C; unlike it, it collects the static files (hashed and
compressed, served by whitenoise), runs gunicorn with gunicorn.conf.py instead of runserver, turns
DEBUG off, and recycles worker processes after a number of tasks. Like it too, it starts a child that
dies again (config.launcher.Supervisor).
"""

from __future__ import annotations

import os
import subprocess
import sys

from config import embedded
from config.launcher import Supervisor


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    app_url = embedded.app_database_url()  # before DATABASE_URL is set below, which it reads
    os.environ["DATABASE_URL"] = embedded.database_url()
    os.environ["REDIS_URL"] = embedded.redis_url()
    os.environ["CELERY_BROKER_URL"] = embedded.celery_broker_url()
    os.environ.setdefault("HOST", "127.0.0.1")

    python = sys.executable
    manage = [python, str(embedded.BASE_DIR / "manage.py")]
    for step in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        if subprocess.run(manage + step, cwd=embedded.BASE_DIR).returncode != 0:
            print(f"`manage.py {' '.join(step)}` failed; stopping.", file=sys.stderr)
            return 1
    # As `make run`: migrations as the tables' owner, the processes as the application's role, with
    # the owner's connection kept for maintenance (backups, audit partitions, VACUUM).
    os.environ["DATABASE_OWNER_URL"] = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = app_url

    celery = [python, "-m", "celery", "-A", "config"]
    tasks_per_child = os.environ.get("CELERY_MAX_TASKS_PER_CHILD", "100")
    commands = {
        "web": [python, "-m", "gunicorn", "config.wsgi", "-c", str(embedded.BASE_DIR / "gunicorn.conf.py")],
        "worker": celery
        + [
            "worker",
            "-l",
            "info",
            "-n",
            "worker@%h",
            "--concurrency",
            os.environ.get("CELERY_CONCURRENCY", "2"),
            "--max-tasks-per-child",
            tasks_per_child,
        ],  # fmt: skip
        "beat": celery + ["beat", "-l", "info", "-s", str(embedded.DATA_DIR / "celerybeat-schedule")],
    }
    print(
        f"\nServing http://{os.environ['HOST']}:{os.environ.get('PORT', '8000')}/ with gunicorn, a Celery "
        "worker and beat; one that stops is started again. Ctrl-C stops all.\n",
        flush=True,
    )
    return Supervisor(commands, cwd=embedded.BASE_DIR).run()


if __name__ == "__main__":
    sys.exit(main())
