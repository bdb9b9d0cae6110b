"""Benchmark answering a question over HTTP against a fair baseline: the same work without the answer.

Both run in one process on a real HTTP server (wsgiref, one thread) against the embedded PostgreSQL and
Redis, in a database of their own (`acqs_bench`, recreated each run). The answer request locks the
session and reads its answers, validates, saves (answer, session, audit entry), re-decides what the
answer moves and renders the fragment; the baseline (bench/urls.py, `locked_read`) locks and reads the
same session with the same query, evaluates the rules and renders the same fragment, writing nothing.
Requests alternate so that noise on this shared machine falls on both. Budget: the answer's median
within 1.3x the baseline's.
"""

from __future__ import annotations

import http.client
import itertools
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_RATIO = 1.3


def _prepare_django():
    """Point Django at a fresh `acqs_bench` database on the same server, migrated, as the app's role."""
    from bench.database import bench_django_setup

    bench_django_setup("acqs_bench", as_app_role=True)
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.urls"


def _login_cookie(client_user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.backends import USER_BACKEND

    store = SessionStore()
    store[SESSION_KEY] = str(client_user.pk)
    store[BACKEND_SESSION_KEY] = USER_BACKEND
    store[HASH_SESSION_KEY] = client_user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; csrftoken=benchcsrftoken0123456789abcdef01"


def _timed(conn, method, path, body, headers) -> float:
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - start) * 1000.0
    if response.status not in (200, 422):
        raise RuntimeError(f"{method} {path} answered {response.status}")
    return elapsed


def main(requests: int = 300, size: int = 200) -> dict:
    _prepare_django()
    from core import tenancy

    with tenancy.tenant_scope(tenancy.SYSTEM):  # the author's and the invitation's work, set up directly
        user, session, target = _questionnaire_with_a_session(size)
    return _measure(user, session, target, requests=requests, size=size)


def _questionnaire_with_a_session(size: int):
    """A published questionnaire of ``size`` NUMBER questions, each shown or required by the one before."""
    from django.utils import timezone

    from accounts.models import Organization, User
    from questionnaires.models import Question, Questionnaire, Section, VisibilityRule
    from sessions_app import services

    organization = Organization.objects.create(
        name="Bench", slug="bench", settings={"industry": "technology"}
    )
    user = User.objects.create_user("bench@example.com", "bench-password-123", organization=organization)
    questionnaire = Questionnaire.objects.create(name="Bench", published_at=timezone.now(), estimated_time=30)
    sections = [
        Section.objects.create(questionnaire=questionnaire, name=f"S{i}", order_index=i) for i in range(10)
    ]
    questions = [
        Question.objects.create(
            section=sections[i % 10],
            text=f"Question {i}",
            type="NUMBER",
            order_index=i,
            validation_rules={"min": 0, "max": 1000},
        )
        for i in range(size)
    ]
    for i in range(1, size):
        VisibilityRule.objects.create(
            question=questions[i - 1],
            action="SHOW" if i % 3 else "REQUIRE",
            condition={"field": str(questions[i - 1].id), "operator": "gte", "value": 0},
            target_question_ids=[questions[i].id],
        )
    session = services.session_start(user=user, questionnaire=questionnaire)
    return user, session, questions[0]


def _measure(user, session, target, *, requests: int, size: int) -> dict:
    from bench.database import quiet_server

    server = quiet_server(_wsgi_app())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    cookie = _login_cookie(user)
    headers = {
        "Cookie": cookie,
        "X-CSRFToken": "benchcsrftoken0123456789abcdef01",
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
        "Connection": "close",
    }
    answer_path = f"/sessions/{session.pk}/questions/{target.id}/answer/"
    baseline_path = f"/bench/locked-read/{session.pk}/{target.id}/"
    values = itertools.cycle(range(1, 999))
    answer_ms, baseline_ms = [], []
    for round_number in range(requests + 20):
        body = f"q-{target.id}={next(values)}"
        a = _timed(_connect(server), "POST", answer_path, body, headers)
        b = _timed(_connect(server), "GET", baseline_path, None, headers)
        if round_number >= 20:  # warm-up
            answer_ms.append(a)
            baseline_ms.append(b)
    server.shutdown()
    answer_median, baseline_median = statistics.median(answer_ms), statistics.median(baseline_ms)
    return {
        "questions": size,
        "requests": requests,
        "answer_median_ms": answer_median,
        "baseline_median_ms": baseline_median,
        "ratio": answer_median / baseline_median,
        "target_ratio": TARGET_RATIO,
    }


def _connect(server) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.server_port)


def _wsgi_app():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def report(result: dict) -> str:
    verdict = "within" if result["ratio"] <= result["target_ratio"] else "OVER"
    return (
        f"Answering a question over HTTP ({result['questions']} questions, "
        f"{result['requests']} requests each)\n"
        f"  answer (lock, read, validate, save, audit, evaluate, render) median "
        f"{result['answer_median_ms']:.2f} ms\n"
        f"  baseline (lock, read, evaluate, render the same fragment)    median "
        f"{result['baseline_median_ms']:.2f} ms\n"
        f"  ratio {result['ratio']:.2f}x  ({verdict} the {result['target_ratio']}x budget)"
    )


if __name__ == "__main__":
    print(report(main()))
