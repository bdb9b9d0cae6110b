"""Where the server's CPU goes under load: py-spy's samples of the gunicorn workers, by request and layer.

`bench.load.run --profile` runs `py-spy record --subprocesses --gil --format raw` on the gunicorn master
for the middle of the run (the steady state, after the ramp). Each sample is the stack of the worker
thread holding the GIL, that is running Python: a thread waiting for PostgreSQL, Redis or the GIL
itself is not sampled (PostgreSQL's own CPU is measured by process, in `cpu_account`). A sample belongs
to the request type whose view is on its stack (outside a view: the middleware and WSGI before and
after it), and to the first layer found walking from the innermost frame outwards, so that a psycopg
frame called from the ORM counts as PostgreSQL, and the ORM's own Python as ORM. The table this prints
is the one in docs/operations.md.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

# (layer, pattern on a frame's file), checked from the innermost frame outwards; the first match wins.
LAYERS = (
    ("PostgreSQL (driver and wait)", re.compile(r"\((psycopg|psycopg_pool|psycopg_c)/")),
    ("Redis", re.compile(r"\((redis|django_redis|config/ops/cache)\S*\.py")),
    ("Celery/broker (queueing tasks)", re.compile(r"\((celery|kombu|amqp)/")),
    ("rule engine", re.compile(r"\(questionnaires/(rules|expressions)\.py")),
    ("answer validation", re.compile(r"\(questionnaires/(answers|types)\.py")),
    ("structure loading", re.compile(r"\(questionnaires/structure\.py")),
    ("template rendering", re.compile(r"\((django/template|django/templatetags|jinja2|\S*templatetags)/")),
    ("audit", re.compile(r"\((audit|auditlog)/")),
    ("ORM", re.compile(r"\(django/db/")),
    ("session and user lookup", re.compile(r"\(django/contrib/(sessions|auth)/|\(accounts/")),
    ("documents", re.compile(r"\(documents/")),
    ("flow and views", re.compile(r"\(sessions_app/|\(questionnaires/")),
    (
        "middleware",
        re.compile(r"\((django/middleware|django/utils/deprecation|whitenoise|csp|config/|core/)"),
    ),
    ("gunicorn and WSGI", re.compile(r"\((gunicorn|django/core/handlers|wsgiref)/")),
)
OTHER = "other Python (stdlib, JSON, UUIDs…)"
# The view on a sample's stack names its request type (the names bench/load/run.py gives them).
VIEWS = (
    ("answer", "answer (sessions_app/views.py"),
    ("section", "section (sessions_app/views.py"),
    ("review", "review (sessions_app/views.py"),
    ("complete", "complete (sessions_app/views.py"),
    ("start", "session_start (sessions_app/views.py"),
)
OUTSIDE = "outside a view"


def record(pid: int, seconds: float, output: Path) -> subprocess.Popen | None:
    """Start py-spy on gunicorn's master and its workers; None when py-spy is not installed."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return None
    return subprocess.Popen(
        [spy, "record", "--pid", str(pid), "--subprocesses", "--duration", str(int(seconds)), "--gil",
         "--rate", "200", "--format", "raw", "--nonblocking", "--output", str(output)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def summarise(raw: str) -> dict:
    """Return {request type: {layer: samples}} and the totals from py-spy's raw (collapsed) output."""
    by_request: dict[str, Counter] = defaultdict(Counter)
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        if "handle_request (gunicorn" not in stack:
            continue  # the master, or a worker's thread waiting for a connection
        request = next((name for name, frame in VIEWS if frame in stack), OUTSIDE)
        frames = stack.split(";")
        layer = OTHER
        for frame in reversed(frames):
            found = next((name for name, pattern in LAYERS if pattern.search(frame)), None)
            if found:
                layer = found
                break
        by_request[request][layer] += int(count)
    return {request: dict(layers) for request, layers in by_request.items()}


def table(summary: dict, requests: Counter) -> str:
    """A Markdown table: per request type, the share of its samples in each layer, its samples and the
    milliseconds of a worker's CPU per request (py-spy samples every 5 ms; ``requests`` counts those
    that ended while it recorded)."""
    layers = [name for name, _ in LAYERS] + [OTHER]
    kinds = [name for name, _ in VIEWS if name in summary] + ([OUTSIDE] if OUTSIDE in summary else [])
    lines = ["| layer | " + " | ".join(kinds) + " |", "|---|" + "---:|" * len(kinds)]
    totals = {kind: sum(summary[kind].values()) for kind in kinds}
    for layer in layers:
        if not any(summary[kind].get(layer) for kind in kinds):
            continue
        cells = [f"{100 * summary[kind].get(layer, 0) / totals[kind]:.0f} %" for kind in kinds]
        lines.append(f"| {layer} | " + " | ".join(cells) + " |")
    lines.append("| samples | " + " | ".join(str(totals[kind]) for kind in kinds) + " |")
    per_request = [
        f"{5 * totals[kind] / requests[kind]:.1f}" if requests.get(kind) else "–" for kind in kinds
    ]
    lines.append("| ms of CPU per request | " + " | ".join(per_request) + " |")
    return "\n".join(lines)


# --- CPU accounting: who spent the machine's CPU during the run ----------------------------------------


def _tree_seconds(root) -> float:
    """CPU seconds of a process, of its live descendants, and of the children it has reaped."""
    import psutil

    try:
        times = root.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in root.children(recursive=True):
            try:
                child_times = child.cpu_times()
                total += child_times.user + child_times.system
            except psutil.Error:
                pass  # exited meanwhile: its time is in its parent's children_* once reaped
        return total
    except psutil.Error:
        return 0.0


def _postmasters():
    """The PostgreSQL servers on this machine (embedded or not): processes named postgres whose parent
    is not one."""
    import psutil

    found = []
    for process in psutil.process_iter(["name", "ppid"]):
        try:
            parent = psutil.Process(process.info["ppid"])
            if process.info["name"] == "postgres" and parent.name() != "postgres":
                found.append(process)
        except psutil.Error:
            continue
    return found


def cpu_snapshot(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of this process (the load generator), gunicorn, PostgreSQL and the machine."""
    import os

    import psutil

    own = os.times()
    machine = psutil.cpu_times()
    busy = machine.user + machine.nice + machine.system + getattr(machine, "irq", 0)
    busy += getattr(machine, "softirq", 0) + getattr(machine, "steal", 0)
    return {
        "load generator": own.user + own.system,
        "gunicorn": _tree_seconds(psutil.Process(server_pid)),
        "PostgreSQL": sum(_tree_seconds(p) for p in _postmasters()),
        "machine busy": busy,
        "machine capacity": psutil.cpu_count() * time.monotonic(),
    }


def cpu_account(before: dict[str, float], after: dict[str, float], requests: int) -> dict:
    """CPU seconds spent between two snapshots, the share of the machine's capacity, ms per request."""
    spent = {name: after[name] - before[name] for name in before}
    capacity = spent.pop("machine capacity")
    spent["everything else"] = max(
        0.0, spent["machine busy"] - spent["load generator"] - spent["gunicorn"] - spent["PostgreSQL"]
    )
    return {
        name: {
            "cpu_seconds": round(seconds, 1),
            "share_of_machine": round(seconds / capacity, 3) if capacity else None,
            "ms_per_request": round(1000 * seconds / requests, 2) if requests else None,
        }
        for name, seconds in spent.items()
    }
