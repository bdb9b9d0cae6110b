"""Benchmark the demo questionnaire's page in the admin against the admin's index page, and weigh a
question's page.

Both pages are requested over HTTP (wsgiref, one thread) against the embedded PostgreSQL and Redis, in a
database of their own (`acqs_bench_admin`, recreated each run), logged in as the demo's administrator;
requests alternate so that noise on this shared machine falls on both. The demo questionnaire is the
one `seed_demo` loads (questionnaires/demo.py). Budget: its page's median time to first byte under
150 ms, with a fixed number of queries (tests/questionnaires/test_admin_weight.py asserts the number).
The question page's weight is what its HTML asks for: one request per static file it names, each
counted brotli-compressed as whitenoise serves it after collectstatic (tests/browser/test_admin_weight.py
measures it in chromium).
"""

from __future__ import annotations

import http.client
import re
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUDGET_MS = 150.0


def _prepare_django():
    from bench.database import bench_django_setup

    bench_django_setup("acqs_bench_admin")
    from django.core.cache import cache

    cache.delete_pattern("*")  # this run's own prefix: no structure or analysis left from a last run


def _admin_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts import session_state
    from accounts.backends import USER_BACKEND

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = USER_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[session_state.MFA_VERIFIED] = str(user.pk)
    store.save()
    return store.session_key


def _first_byte_ms(port: int, path: str, cookie: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie, "Connection": "close"})
    response = conn.getresponse()  # returns once the status line and headers have arrived
    elapsed = (time.perf_counter() - start) * 1000.0
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")
    return elapsed


def _queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured)


def _weight(client, path: str) -> tuple[int, int]:
    """Return the requests and bytes of a page and the static files its HTML names, those compressed."""
    import brotli
    from django.contrib.staticfiles import finders

    html = client.get(path).content
    total = len(html)  # the page itself is served uncompressed (BREACH: it carries the CSRF token)
    names = dict.fromkeys(re.findall(rb'(?:src|href)="/static/([^"]+)"', html))
    for name in names:
        total += len(brotli.compress(Path(finders.find(name.decode())).read_bytes()))
    return 1 + len(names) + 1, total  # + the admin's JavaScript catalogue (/admin/jsi18n/), about 1 KB


def main(requests: int = 60) -> dict:
    _prepare_django()
    from django.conf import settings
    from django.test import Client

    from accounts.demo import DEMO_ADMIN_EMAIL, demo_accounts_ensure
    from accounts.models import User
    from questionnaires.demo import demo_questionnaire_ensure
    from questionnaires.models import Question

    organization, _ = demo_accounts_ensure()
    questionnaire = demo_questionnaire_ensure(organization=organization)
    admin_user = User.objects.get(email=DEMO_ADMIN_EMAIL)
    session_key = _admin_cookie(admin_user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
    page = f"/admin/questionnaires/questionnaire/{questionnaire.pk}/change/"
    index = "/admin/"
    questions = Question.objects.filter(section__questionnaire=questionnaire)
    question = questions.order_by("section__order_index", "order_index")[0]

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    cold_queries = _queries(client, page)
    warm_queries = _queries(client, page)
    page_requests, page_bytes = _weight(client, f"/admin/questionnaires/question/{question.pk}/change/")

    from django.core.wsgi import get_wsgi_application

    from bench.database import quiet_server

    server = quiet_server(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page_ms, index_ms = [], []
    for round_number in range(requests + 5):
        p = _first_byte_ms(server.server_port, page, cookie)
        i = _first_byte_ms(server.server_port, index, cookie)
        if round_number >= 5:  # warm-up
            page_ms.append(p)
            index_ms.append(i)
    server.shutdown()
    page_median, index_median = statistics.median(page_ms), statistics.median(index_ms)
    return {
        "questions": questions.count(),
        "requests": requests,
        "page_median_ms": page_median,
        "index_median_ms": index_median,
        "ratio": page_median / index_median,
        "cold_queries": cold_queries,
        "warm_queries": warm_queries,
        "question_page_requests": page_requests,
        "question_page_kb": page_bytes / 1024,
    }


def report(result: dict) -> str:
    verdict = "within" if result["page_median_ms"] <= BUDGET_MS else "OVER"
    return (
        f"The demo questionnaire's admin page ({result['questions']} questions, "
        f"{result['requests']} requests each)\n"
        f"  questionnaire page, time to first byte   median {result['page_median_ms']:.1f} ms "
        f"({verdict} the {BUDGET_MS:.0f} ms budget)\n"
        f"  admin index page, time to first byte     median {result['index_median_ms']:.1f} ms\n"
        f"  ratio {result['ratio']:.2f}x\n"
        f"  queries: {result['warm_queries']} (analysis and structure cached), "
        f"{result['cold_queries']} on the first request (empty cache, the session saved)\n"
        f"A question's page: {result['question_page_requests']} requests, "
        f"{result['question_page_kb']:.0f} KB (budget: under 12 and 300 KB)"
    )


if __name__ == "__main__":
    print(report(main()))
