"""`make bench`: every benchmark, each reported against its budget or as a ratio, in one run.

The machines are shared and noisy, so each benchmark compares against a baseline measured in the same
run (the answer's work without its write, WeasyPrint alone) rather than against fixed times. Each runs
in a process of its own, as each configures Django with a database of its own.
"""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SUITE = [
    ("Rule engine (questionnaires/rules.py)", "bench_rules.py"),
    ("Answering a question over HTTP", "bench_answer.py"),
    ("Documents", "bench_documents.py"),
    ("The authoring admin's pages", "bench_admin.py"),
    ("Reporting: analytics and exports of 10,000 sessions", "bench_reporting.py"),
]


def main() -> int:
    status = 0
    for title, script in SUITE:
        print(f"== {title}", flush=True)
        status |= subprocess.run([sys.executable, str(BENCH / script)], cwd=BENCH.parent).returncode
        print(flush=True)
    print("The load test (200 clients against gunicorn) runs with `make bench-load`.")
    return status


if __name__ == "__main__":
    sys.exit(main())
