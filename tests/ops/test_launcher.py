"""`make run` and `make serve` keep their children alive: a dead worker or beat is started again, with a
back-off, and only Ctrl-C (SIGINT) or SIGTERM to the launcher stops everything.

The supervisor runs in a process of its own, as under `make run`, over real child processes (small
Python programs that note their pid and sleep); the tests kill those children for real.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Runs config.launcher.Supervisor on the commands given as JSON, with a short back-off for the tests.
SUPERVISOR = """
import json, sys
from config.launcher import Supervisor
sys.exit(Supervisor(json.loads(sys.argv[1]), backoff=0.2, backoff_max=1.0, stable_after=60).run())
"""


def sleeper(pid_file: Path) -> list[str]:
    """A child that appends its pid to ``pid_file`` and sleeps until it is stopped."""
    code = "import os, sys, time; open(sys.argv[1], 'a').write(f'{os.getpid()}\\n'); time.sleep(600)"
    return [sys.executable, "-c", code, str(pid_file)]


def pids(pid_file: Path) -> list[int]:
    return [int(line) for line in pid_file.read_text().split()] if pid_file.exists() else []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until(condition, *, timeout: float = 60, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"Timed out waiting for {message}")


@pytest.fixture
def supervise(tmp_path):
    """Start a supervisor over ``commands``; return (process, path of its stderr). Killed at the end."""
    started = []

    def start(commands: dict[str, list[str]]):
        log = tmp_path / "supervisor.log"
        process = subprocess.Popen(
            [sys.executable, "-c", SUPERVISOR, json.dumps(commands)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(log, "wb"),  # noqa: SIM115 - the child holds it
        )
        started.append(process)
        return process, log

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()
    for pid_file in tmp_path.glob("*.pids"):
        for pid in pids(pid_file):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_killed_worker_is_restarted_and_the_others_keep_running(supervise, tmp_path):
    worker_pids, beat_pids = tmp_path / "worker.pids", tmp_path / "beat.pids"
    supervisor, log = supervise({"worker": sleeper(worker_pids), "beat": sleeper(beat_pids)})
    [first] = wait_until(lambda: pids(worker_pids), message="the worker to start")
    [beat] = wait_until(lambda: pids(beat_pids), message="beat to start")

    os.kill(first, signal.SIGKILL)

    replacement = wait_until(lambda: pids(worker_pids)[1:], message="the worker to be restarted")[0]
    assert replacement != first and alive(replacement)
    output = log.read_text()
    assert "worker was killed by SIGKILL; restarting it in 0.2 s." in output
    assert f"worker restarted (pid {replacement})." in output
    assert pids(beat_pids) == [beat] and alive(beat)
    assert supervisor.poll() is None


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_to_the_launcher_stops_every_child_and_nothing_restarts(supervise, tmp_path, stop_signal):
    worker_pids, beat_pids = tmp_path / "worker.pids", tmp_path / "beat.pids"
    supervisor, log = supervise({"worker": sleeper(worker_pids), "beat": sleeper(beat_pids)})
    children = [
        wait_until(lambda: pids(worker_pids), message="the worker to start")[0],
        wait_until(lambda: pids(beat_pids), message="beat to start")[0],
    ]

    supervisor.send_signal(stop_signal)

    assert supervisor.wait(timeout=20) == 0
    assert not any(alive(pid) for pid in children)
    time.sleep(0.5)  # longer than the back-off: a restart would show now
    assert len(pids(worker_pids)) == len(pids(beat_pids)) == 1
    assert "restart" not in log.read_text()


def test_a_child_that_keeps_crashing_is_restarted_with_a_growing_delay(supervise, tmp_path):
    crashing = [sys.executable, "-c", "import sys; sys.exit(3)"]
    beat_pids = tmp_path / "beat.pids"
    began = time.monotonic()
    supervisor, log = supervise({"worker": crashing, "beat": sleeper(beat_pids)})

    def delays():
        found = re.findall(r"worker exited with status 3; restarting it in ([\d.]+) s", log.read_text())
        return [float(delay) for delay in found] if len(found) >= 5 else None

    seen = wait_until(delays, timeout=120, message="five exits of the crashing child")

    # The delay doubles up to its ceiling: five exits take at least 0.2 + 0.4 + 0.8 + 1 seconds.
    assert seen[:5] == [0.2, 0.4, 0.8, 1.0, 1.0]
    assert time.monotonic() - began >= 2.4
    assert len(pids(beat_pids)) == 1 and supervisor.poll() is None
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=20) == 0
