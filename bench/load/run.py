"""Load test: simulated clients complete the demo questionnaire against gunicorn on this machine.

    .venv/bin/python -m bench.load.run [--clients 200] [--ramp 20] [--think 2] [--deadline 240]
    .venv/bin/python -m bench.load.run --think 0.5 --steps 20,40,60,80 [--step-seconds 45]

A database of its own (`acqs_load`, recreated each run) on the configured or embedded PostgreSQL gets
the demo data (`seed_demo`) and one client account per simulated client, each already logged in (the
deliberately slow password hash is not what this measures). gunicorn serves on 127.0.0.1 with
gunicorn.conf.py, connected as the application's role, which row-level security restricts, as in
production (this process keeps the owner's connection to set up and check). Each client, on a thread
and keep-alive connection of its own, starts a session, opens every section, answers every visible
question the way the page's htmx does (one POST per answer, with the questions an answer reveals
answered in turn), opens the review and completes. Then every answer the server accepted is looked up
in the database. The run stops by itself at the deadline.

Printed and written to bench/results/load.json: requests, errors, lost answers, sessions completed,
throughput, p50/p95/p99 latency per kind of request, and who spent the machine's CPU (the load
generator itself, gunicorn, PostgreSQL, everything else: it all runs on the same cores, so the
generator's share is measured, not guessed). With ``--profile``, py-spy samples the workers during the
steady middle of the run and the CPU is broken down by request type and layer (bench/load/profile.py),
printed as the table of docs/operations.md and written to bench/results/load-profile.md.

With ``--steps``, the run is stepped: each client count in turn for ``--step-seconds``, the clients
beginning a new session whenever they complete one; each step's throughput and latency are printed, and
the capacity, the throughput of the last step before the p95 of all requests passes 250 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.database import app_role_url  # noqa: E402 (after the path)
from bench.load import profile  # noqa: E402 (after the path)

DATABASE = "acqs_load"
CSRF = "loadcsrftoken0123456789abcdef012"
PRESENT = re.compile(r'name="present" value="([0-9a-f-]{36})"')


# --- Preparation (in this process, with Django) -----------------------------------------------------------


def _prepare(clients: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["CACHE_KEY_PREFIX"] = "acqs-load"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from bench.database import bench_database_use
    from config import embedded

    bench_database_use(DATABASE)
    broker = embedded.celery_broker_url()
    # Completion queues document generation: keep those tasks in a broker database of their own.
    os.environ["CELERY_BROKER_URL"] = (
        re.sub(r"virtual_host=\d+", "virtual_host=15", broker)
        if ("virtual_host=" in broker)
        else broker.rstrip("/").rsplit("/", 1)[0] + "/15"
    )

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from accounts.backends import USER_BACKEND
    from accounts.models import Organization, User
    from questionnaires.models import Questionnaire
    from questionnaires.structure import structure_load

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    questionnaire = Questionnaire.objects.filter(published_at__isnull=False).order_by("created_at").first()
    organization = Organization.objects.get(pk=questionnaire.organization_id)
    structure = structure_load(questionnaire.pk)
    cookies = []
    for number in range(clients):
        user = User.objects.create_user(f"load-{number:04d}@example.com", None, organization=organization)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = USER_BACKEND
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}; csrftoken={CSRF}")
    questions = {
        q.id: {
            "type": q.type,
            "section": section.id,
            "options": [o["id"] for o in q.options or []],
            "exclusive": [o["id"] for o in q.options or [] if o.get("isExclusive")],
            "rules": q.validation_rules or {},
            "rows": [row["id"] for row in (q.metadata or {}).get("rows", []) if isinstance(row, dict)],
        }
        for section in structure.sections
        for q in section.questions
    }
    return {
        "questionnaire": str(questionnaire.pk),
        "sections": [section.id for section in structure.sections],
        "questions": questions,
        "cookies": cookies,
    }


def _answer_for(question: dict, rng: random.Random) -> tuple[list[tuple[str, str]], dict | None]:
    """Return the form fields of a valid answer and the value the database should then hold."""
    kind, rules, options = question["type"], question["rules"], question["options"]
    if kind in ("TEXT", "TEXTAREA", "EMAIL", "URL"):
        text = {
            "TEXT": "Load test answer",
            "TEXTAREA": "A load test answer that is long enough for every rule.",
            "EMAIL": "load@example.com",
            "URL": "https://example.com/load",
        }[kind]
        return [("", text)], {"text": text}
    if kind in ("NUMBER", "SCALE"):
        low = rules.get("min", 1)
        high = rules.get("max", low + 10)
        number = int(max(low, min(high, low + 1)))
        return [("", str(number))], {"number" if kind == "NUMBER" else "rating": number}
    if kind == "DATE":
        return [("", "2025-01-15")], {"date": "2025-01-15"}
    if kind == "SINGLE_CHOICE":
        chosen = rng.choice(options)
        return [("", chosen)], {"selectedOptionId": chosen}
    if kind == "MULTIPLE_CHOICE":
        # An exclusive option ("None of these") cannot be chosen with others.
        combinable = [option for option in options if option not in question["exclusive"]]
        count = max(1, min(len(combinable), rules.get("max", 2), 2, max(rules.get("min", 1), 2)))
        chosen = rng.sample(combinable, count)
        return [("", option) for option in chosen], None  # order is the server's to keep
    if kind == "MATRIX":
        return [(f".{row}", options[0]) for row in question["rows"]], None
    return [], None  # FILE_UPLOAD: optional in the demo, and not what this run measures


# --- The simulated client ---------------------------------------------------------------------------------


@dataclass
class Totals:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # (monotonic time it ended, kind, milliseconds) of each request
    ended: list[tuple[float, str, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    accepted: list[tuple[str, str, dict | None]] = field(default_factory=list)  # session, question, value
    completed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class DeadlineReached(Exception):
    """The run's end came before this client's next request."""


class Client:
    def __init__(
        self,
        number: int,
        port: int,
        plan: dict,
        totals: Totals,
        think: float,
        deadline: float,
        *,
        start_at: float = 0.0,
        repeat: bool = False,
    ):
        self.port, self.plan, self.totals = port, plan, totals
        self.cookie = plan["cookies"][number]
        self.rng = random.Random(number)
        self.think, self.deadline = think, deadline
        # A stepped run starts each client with its step and has it begin a new session after each one.
        self.start_at, self.repeat = start_at, repeat
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, kind: str, method: str, path: str, body: str | None = None, htmx: bool = False):
        if time.monotonic() > self.deadline:
            raise DeadlineReached
        headers = {"Cookie": self.cookie, "X-CSRFToken": CSRF, "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed (worker recycled): reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        elapsed = (time.perf_counter() - started) * 1000
        with self.totals.lock:
            self.totals.latencies[kind].append(elapsed)
            self.totals.ended.append((time.monotonic(), kind, elapsed))
        return response.status, response.getheader("Location"), content.decode("utf-8", "replace")

    def pause(self):
        time.sleep(self.rng.uniform(0, 2 * self.think))

    def run(self):
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        try:
            self._complete_questionnaire()
            while self.repeat:
                self._complete_questionnaire()
        except DeadlineReached:
            if not self.repeat:  # a single session must end before the deadline; a stepped run just stops
                with self.totals.lock:
                    self.totals.errors.append("the deadline came before the session was completed")
        except Exception as failure:
            with self.totals.lock:
                self.totals.errors.append(f"{type(failure).__name__}: {failure}")
        finally:
            self.conn.close()

    def _expect(self, status, wanted, what):
        if status not in wanted:
            raise RuntimeError(f"{what} answered {status}")

    def _complete_questionnaire(self):
        plan = self.plan
        status, location, _ = self.request("start", "POST", f"/sessions/start/{plan['questionnaire']}/", "")
        self._expect(status, (302,), "start")
        session_id = re.search(r"/sessions/([0-9a-f-]{36})/", location)[1]
        answered: set[str] = set()
        for section_id in plan["sections"]:
            self.pause()
            status, _, page = self.request("section", "GET", f"/sessions/{session_id}/sections/{section_id}/")
            if status == 302:
                continue  # every question of this section is hidden by earlier answers
            self._expect(status, (200,), "section")
            queue = [q for q in PRESENT.findall(page) if q not in answered]
            while queue:
                question_id = queue.pop(0)
                if question_id in answered:
                    continue
                fields, expected = _answer_for(plan["questions"][question_id], self.rng)
                if not fields:
                    answered.add(question_id)
                    continue
                self.pause()
                body = urlencode([(f"q-{question_id}{suffix}", value) for suffix, value in fields])
                status, _, fragment = self.request(
                    "answer",
                    "POST",
                    f"/sessions/{session_id}/questions/{question_id}/answer/",
                    body,
                    htmx=True,
                )
                self._expect(status, (200,), f"answer to {question_id}")
                answered.add(question_id)
                with self.totals.lock:
                    self.totals.accepted.append((session_id, question_id, expected))
                # Questions this answer revealed come back in the fragment (htmx out-of-band swaps).
                queue += [
                    q
                    for q in PRESENT.findall(fragment)
                    if q not in answered and plan["questions"][q]["section"] == section_id
                ]
        status, _, _ = self.request("review", "GET", f"/sessions/{session_id}/review/")
        self._expect(status, (200,), "review")
        status, location, _ = self.request("complete", "POST", f"/sessions/{session_id}/complete/", "")
        self._expect(status, (302,), "complete")
        with self.totals.lock:
            self.totals.completed.append(session_id)


# --- The run ------------------------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "false",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1",
        # As `make run` and a deployment: the web processes connect as the application's role, which
        # row-level security restricts; this process keeps the owner's connection to set up and check.
        "DATABASE_URL": app_role_url(os.environ["DATABASE_URL"]),
        "DATABASE_OWNER_URL": os.environ["DATABASE_URL"],
    }
    # With DEBUG off the pages name static files by their hashed names, read from the manifest that
    # collectstatic writes (as `make serve` and the Procfile's release step do).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login/", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited at start-up")
        time.sleep(0.3)
    _stop(server)  # never leave a server behind holding the port and the terminal's output
    raise RuntimeError("gunicorn did not answer within 60 s")


def _stop(server: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (a session of their own)."""
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    pick = lambda share: ordered[min(len(ordered) - 1, int(share * len(ordered)))]  # noqa: E731
    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(pick(0.95), 1),
        "p99_ms": round(pick(0.99), 1),
        "max_ms": round(ordered[-1], 1),
    }


def _lost_answers(accepted) -> list[str]:
    """Return every accepted answer that is not in the database as sent."""
    from sessions_app.models import Response

    stored = {
        (str(session_id), str(question_id)): value
        for session_id, question_id, value in Response.objects.values_list(
            "session_id", "question_id", "value"
        )
    }
    lost = []
    for session_id, question_id, expected in accepted:
        value = stored.get((session_id, question_id))
        if value is None or (expected is not None and any(value.get(k) != v for k, v in expected.items())):
            lost.append(f"{session_id}/{question_id}: sent {expected}, stored {value}")
    return lost


# --- Stepped runs: the capacity ----------------------------------------------------------------------------

P95_LIMIT_MS = 250  # the budget every request type must keep (docs/operations.md)


def _counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("client counts are whole numbers, comma-separated") from None
    if not counts or any(b <= a for a, b in zip(counts, counts[1:], strict=False)) or counts[0] < 1:
        raise argparse.ArgumentTypeError("client counts must rise from at least 1, e.g. 40,80,120")
    return counts


def _step_start(number: int, counts: list[int], seconds: float, ramp: float) -> float:
    """When client `number` starts, in seconds from the run's start: with the first step that has it,
    the step's new clients spread over a quarter of the step (at most `ramp` seconds)."""
    previous = 0
    for index, count in enumerate(counts):
        if number < count:
            spread = min(ramp, seconds / 4)
            return index * seconds + spread * (number - previous) / (count - previous)
        previous = count
    raise ValueError(number)


def _steps_report(ended, started: float, counts: list[int], seconds: float) -> list[dict]:
    """Throughput and latency of each step, over its last two thirds (after its clients have started)."""
    report = []
    for index, count in enumerate(counts):
        low, high = started + index * seconds + seconds / 3, started + (index + 1) * seconds
        inside = [(kind, ms) for at, kind, ms in ended if low <= at < high]
        by_kind = defaultdict(list)
        for kind, ms in inside:
            by_kind[kind].append(ms)
        report.append(
            {
                "clients": count,
                "requests_per_second": round(len(inside) / (high - low), 1),
                "all": _percentiles([ms for _, ms in inside]),
                **{kind: _percentiles(values) for kind, values in sorted(by_kind.items())},
            }
        )
    return report


def _capacity(steps: list[dict]) -> float | None:
    """The rate of the last step before the first whose p95 (all requests) passed the limit."""
    capacity = None
    for step in steps:
        if not step["all"] or step["all"]["p95_ms"] >= P95_LIMIT_MS:
            break
        capacity = step["requests_per_second"]
    return capacity


def _steps_table(steps: list[dict], capacity: float | None, think: float) -> str:
    lines = [
        f"Stepped run, mean pause {think} s; capacity (p95 under {P95_LIMIT_MS} ms): "
        + (f"{capacity} requests/s" if capacity is not None else "not reached at the first step"),
        "| clients | requests/s | p50 | p95 | answer p95 | section p95 | review p95 | complete p95 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for step in steps:
        p95 = [
            f"{step[kind]['p95_ms']:.0f} ms" if step.get(kind) else "–"
            for kind in ("all", "answer", "section", "review", "complete")
        ]
        p50 = f"{step['all']['p50_ms']:.0f} ms" if step["all"] else "–"
        lines.append(f"| {step['clients']} | {step['requests_per_second']} | {p50} | {' | '.join(p95)} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--ramp", type=float, default=20, help="seconds over which the clients start")
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between a client's steps (s)")
    parser.add_argument("--deadline", type=float, default=240, help="the run stops after this many seconds")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 0)) or None)
    parser.add_argument(
        "--profile", action="store_true", help="sample the workers with py-spy in the run's steady middle"
    )
    parser.add_argument(
        "--steps",
        type=_counts,
        help="a stepped run: client counts, comma-separated (e.g. 40,80,120), each for --step-seconds;"
        " clients start new sessions until the run ends, and the capacity is the step rate before p95"
        " passes 250 ms",
    )
    parser.add_argument("--step-seconds", type=float, default=45)
    args = parser.parse_args()
    if args.steps:
        args.clients = max(args.steps)
        args.deadline = len(args.steps) * args.step_seconds

    print(f"Preparing {DATABASE} with the demo data and {args.clients} clients…", flush=True)
    plan = _prepare(args.clients)
    workers = args.workers or min((os.cpu_count() or 1) + 1, 8)
    port = _free_port()
    server = _start_gunicorn(port, workers)
    totals = Totals()
    started = time.monotonic()
    deadline = started + args.deadline
    cpu_before = profile.cpu_snapshot(server.pid)
    recording: dict[str, subprocess.Popen | None] = {}  # py-spy, once started
    window = None
    raw_profile = ROOT / "bench" / "results" / "load-profile.raw"
    try:
        if args.profile:  # after the ramp, for a minute at most, ending well before the clients do
            (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
            window = (started + args.ramp + 5, started + args.ramp + 5 + min(60, args.deadline / 3))
            threading.Timer(
                args.ramp + 5,
                lambda: recording.update(spy=profile.record(server.pid, window[1] - window[0], raw_profile)),
            ).start()
        threads = []
        for number in range(args.clients):
            if args.steps:
                start_at = started + _step_start(number, args.steps, args.step_seconds, args.ramp)
                client = Client(
                    number, port, plan, totals, args.think, deadline, start_at=start_at, repeat=True
                )
            else:
                client = Client(number, port, plan, totals, args.think, deadline)
            thread = threading.Thread(target=client.run, daemon=True)
            threads.append(thread)
            thread.start()
            if not args.steps:
                time.sleep(args.ramp / max(1, args.clients))
        for thread in threads:
            thread.join(timeout=max(0.1, deadline + 30 - time.monotonic()))
        elapsed = time.monotonic() - started
        cpu_after = profile.cpu_snapshot(server.pid)
        spy = recording.get("spy")
        if spy is not None:
            spy.wait(timeout=60)
    finally:
        _stop(server)

    from django.db import connection

    connection.close()
    lost = _lost_answers(totals.accepted)
    from sessions_app.models import Session, SessionStatus

    completed_in_database = Session.objects.filter(
        pk__in=totals.completed, status=SessionStatus.COMPLETED
    ).count()
    requests = sum(len(v) for v in totals.latencies.values())
    everything = [ms for values in totals.latencies.values() for ms in values]
    result = {
        "clients": args.clients,
        "gunicorn_workers": workers,
        "cpus": os.cpu_count(),
        "seconds": round(elapsed, 1),
        "requests": requests,
        "requests_per_second": round(requests / elapsed, 1),
        "sessions_completed": len(totals.completed),
        "sessions_completed_in_database": completed_in_database,
        "answers_accepted": len(totals.accepted),
        "errors": len(totals.errors),
        "error_samples": totals.errors[:5],
        "lost_answers": len(lost),
        "lost_samples": lost[:5],
        "latency": {"all": _percentiles(everything)}
        | {kind: _percentiles(values) for kind, values in sorted(totals.latencies.items())},
        "cpu": profile.cpu_account(cpu_before, cpu_after, requests),
    }
    if args.steps:
        result["think_seconds"] = args.think
        result["steps"] = _steps_report(totals.ended, started, args.steps, args.step_seconds)
        result["capacity_rps"] = _capacity(result["steps"])
    if window and raw_profile.exists():
        in_window = Counter(kind for at, kind, _ in totals.ended if window[0] <= at <= window[1])
        summary = profile.summarise(raw_profile.read_text(errors="replace"))
        profile_table = profile.table(summary, in_window)
        (ROOT / "bench" / "results" / "load-profile.md").write_text(profile_table + "\n")
        result["profile"] = {"seconds": round(window[1] - window[0]), "requests": dict(in_window)}
        print(profile_table)
    elif args.profile:
        print("py-spy did not record: is it installed (requirements.txt)?")
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "load.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    if args.steps:
        print(_steps_table(result["steps"], result["capacity_rps"], args.think))
    # A stepped run ends with sessions in progress: every one it completed must be completed in the database.
    expected_completed = len(totals.completed) if args.steps else args.clients
    ok = not totals.errors and not lost and completed_in_database == expected_completed
    print("PASS" if ok else "FAIL", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
