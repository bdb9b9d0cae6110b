"""`make bench`: every benchmark, each reported against its budget or as a ratio, in one run.

The machines are shared and noisy, so each benchmark compares against a baseline measured in the same
run (the answer's work without its write, WeasyPrint alone) rather than against fixed times. Each runs
in a process of its own, as each configures Django with a database of its own.
"""

import subprocess
import sys
import timeit
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SUITE = [
    ("Rule engine (questionnaires/rules.py)", "bench_rules.py"),
    ("Answering a question over HTTP", "bench_answer.py"),
    ("Documents", "bench_documents.py"),
    ("The authoring admin's pages", "bench_admin.py"),
    ("Reporting: analytics and exports of 10,000 sessions", "bench_reporting.py"),
]


def machine_speed_us() -> float:
    """A fixed piece of pure Python, best of five: how fast this machine runs today.

    The budgets given in milliseconds (the rule engine's, the admin page's, the analytics page's) are
    not ratios; this figure says how a run on a slower or a busier machine compares with another day's.
    """
    timer = timeit.Timer("sum(range(1000))")
    loops, _ = timer.autorange()
    return min(timer.repeat(repeat=5, number=loops)) / loops * 1e6


def main() -> int:
    status = 0
    print(f"This machine runs sum(range(1000)) in {machine_speed_us():.1f} µs (best of 5).\n", flush=True)
    for title, script in SUITE:
        print(f"== {title}", flush=True)
        status |= subprocess.run([sys.executable, str(BENCH / script)], cwd=BENCH.parent).returncode
        print(flush=True)
    print("The load test (200 clients against gunicorn) runs with `make bench-load`.")
    return status


if __name__ == "__main__":
    sys.exit(main())
