"""Benchmark reporting at scale: the analytics page and an XLSX export of 10,000 sessions × 50 questions.

The sessions are made in bulk by PostgreSQL (bench/reporting_data.py) in a database of their own
(`acqs_bench_reporting`, recreated each run), 2,500 at a time, and measured at 2,500, 5,000 and 10,000:

- the analytics page (sessions_app/analytics.py), requested through Django's test client as a staff
  member of the organization: its median time when the figures are computed (no page of them cached;
  budget: 500 ms at 10,000), its number of queries then, which must not grow with the sessions, and its
  median time when the figures come from the cache (the next minute);
- an XLSX export of all of them (sessions_app/exports.py, `export_write`): its time (budget: 30 s at
  10,000) and its peak of Python memory (tracemalloc, in a second run, as tracing slows the first),
  which must stay flat as the sessions grow: the rows are read in chunks and written as they come.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGE_BUDGET_MS = 500.0
EXPORT_BUDGET_S = 30.0
STEPS = (2500, 5000, 10000)


def _prepare():
    from bench.database import bench_django_setup

    bench_django_setup("acqs_bench_reporting")
    from django.contrib.auth.models import Permission

    from accounts.models import Organization, User
    from bench import reporting_data

    organization = Organization.objects.create(
        name="Reporting benchmark", slug="reporting-benchmark", settings={"industry": "technology"}
    )
    staff = User.objects.create(
        email="bench-staff@reporting.example",
        organization=organization,
        is_staff=True,
        password="!",
        mfa_enabled=True,  # staff pass a second factor; the benchmark's session has passed it
        mfa_secret="JBSWY3DPEHPK3PXP",
    )
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="sessions_app"))
    questionnaire = reporting_data.questionnaire_make(organization=organization, actor=staff)
    reporting_data.clients_make(organization=organization)
    return organization, staff, questionnaire


def _page(client, url: str, rounds: int = 7) -> tuple[float, float, int]:
    """Return the page's median time when its figures are computed, when they come from the cache, and
    the queries of a computed page.

    The figures are computed when no page of them is cached (the cache is keyed on the sessions' count
    and latest change): the benchmark deletes the cached figures before each of ``rounds`` requests, then
    times as many requests that read them back.
    """
    from django.core.cache import cache
    from django.db import connection

    counted = [0]

    def count(execute, sql, params, many, context):
        # The page's own queries. The log-in's session is written again at most once a minute to note
        # activity (accounts.session_state), in whichever request crosses the minute: not the page's.
        if '"django_session"' not in sql:
            counted[0] += 1
        return execute(sql, params, many, context)

    computed, queries = [], None
    for _ in range(rounds):
        cache.delete_pattern("*analytics*")
        counted[0] = 0
        with connection.execute_wrapper(count):
            start = time.perf_counter()
            response = client.get(url)
            computed.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (response.status_code, response.get("Location"))
        queries = counted[0] if queries is None else queries
        assert counted[0] == queries, "a computed page ran a different number of queries"
    cached = []
    for _ in range(rounds):
        start = time.perf_counter()
        client.get(url)
        cached.append((time.perf_counter() - start) * 1000)
    return statistics.median(computed), statistics.median(cached), queries


def _export(questionnaire, organization, *, traced: bool) -> tuple[float, float, int]:
    from sessions_app.exports import export_write

    with tempfile.TemporaryFile() as out:
        if traced:
            tracemalloc.start()
        start = time.perf_counter()
        rows = export_write(
            questionnaire=questionnaire, organization_id=organization.pk, fmt="xlsx", fileobj=out
        )
        seconds = time.perf_counter() - start
        peak = 0.0
        if traced:
            peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
    return seconds, peak, rows


def main() -> dict:
    organization, staff, questionnaire = _prepare()
    from django.test import Client

    from accounts import session_state
    from bench import reporting_data

    client = Client()
    client.force_login(staff)
    session = client.session
    session[session_state.MFA_VERIFIED] = str(staff.pk)  # staff pages ask for the second factor
    session.save()
    url = f"/questionnaires/{questionnaire.pk}/analytics/"
    client.get(url)  # the log-in's own queries (the session, the user) happen here, not in the first count
    made, results = 0, {}
    for step in STEPS:
        started = time.perf_counter()
        while made < step:
            reporting_data.sessions_make(questionnaire=questionnaire, count=2500, first=made)
            made += 2500
        seeding = time.perf_counter() - started
        page_ms, warm_ms, queries = _page(client, url)
        export_s, _, rows = _export(questionnaire, organization, traced=False)
        _, peak_mb, _ = _export(questionnaire, organization, traced=True)
        results[step] = (page_ms, queries, export_s, peak_mb, rows)
        print(
            f"  {step:>6,} sessions ({step * 50:,} answers, made in {seeding:.0f} s): analytics page "
            f"{page_ms:.0f} ms computed in {queries} queries, {warm_ms:.0f} ms from the cache; "
            f"XLSX export {export_s:.1f} s for {rows:,} rows, peak Python memory {peak_mb:.1f} MB",
            flush=True,
        )
    page_ms, queries, export_s, peak_mb, _ = results[STEPS[-1]]
    first_peak = results[STEPS[0]][3]
    same_queries = len({r[1] for r in results.values()}) == 1
    print(
        f"  at {STEPS[-1]:,}: page computed in {page_ms:.0f} ms "
        f"({'within' if page_ms <= PAGE_BUDGET_MS else 'OVER'} the {PAGE_BUDGET_MS:.0f} ms budget), "
        f"queries {'the same at every size' if same_queries else 'GROW with the sessions'}; "
        f"export {export_s:.1f} s ({'within' if export_s <= EXPORT_BUDGET_S else 'OVER'} the "
        f"{EXPORT_BUDGET_S:.0f} s budget); memory {peak_mb / first_peak:.2f}x "
        f"the peak at {STEPS[0]:,} sessions"
    )
    return results


if __name__ == "__main__":
    main()
