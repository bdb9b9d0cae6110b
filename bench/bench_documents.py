"""Benchmark document generation: throughput of one worker, pipeline cost per PDF, worker memory.

Runs against the embedded PostgreSQL and Redis, in a database of its own (`acqs_bench_documents`,
recreated each run), with files in a temporary folder:

1. Pipeline against WeasyPrint, in this process: the full generation service for a PDF (lock, status
   changes and audit rows, the answers turned into content, the charts, the template, WeasyPrint,
   the storage write) against WeasyPrint alone rendering the very HTML (and chart SVGs) the pipeline
   rendered, for every one of the 25 types twice, in a fixed order. The two alternate so that noise
   on a shared machine falls on both. Budget: the pipeline's total time for these documents within
   1.3x WeasyPrint's for the same HTML. The types differ tenfold in size, so the ratio compares each
   document with itself: a ratio of two medians would compare whichever two types sat in the middle.
2. One real Celery worker process (solo pool) generating at least 200 documents of the demo
   questionnaire (versions of its 25 types, PDF and DOCX, each assembled from its content blocks and
   recommendations): documents per minute, and the worker's resident memory once it has generated
   every type once (each type loads its templates, fonts and chart code on first use) and after 200
   documents. Budget: memory flat, the second within 1.3x of the first.
3. Charts (documents/charts.py) drawn as SVG and 200 dpi PNG from the demo's documents, one of each
   kind the content uses (radar, bar, line, timeline): the median time per chart, and per kind.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PIPELINE_TARGET = 1.3
MEMORY_TARGET = 1.3
DATABASE = "acqs_bench_documents"
QUEUE = f"acqs-bench-documents-{os.getpid()}"
WARM_UP = 4


def _prepare_django(media_root: str) -> str:
    """Point Django at a fresh bench database on the same server, migrated; return its URL."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["CACHE_KEY_PREFIX"] = "acqs-bench-documents"
    os.environ["MEDIA_ROOT"] = media_root
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from bench.database import bench_database_use
    from config import embedded

    bench_database_use(DATABASE)
    os.environ["CELERY_BROKER_URL"] = embedded.celery_broker_url()

    import django
    from django.conf import settings

    django.setup()
    settings.DOCUMENTS_QUEUE = QUEUE
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"]


def _completed_demo_session():
    from accounts.models import Organization, User
    from tests.documents.builders import complete_demo_session

    organization = Organization.objects.create(name="Bench Advisory", slug="bench")
    client = User.objects.create_user("client@bench.example", "bench-password-123", organization=organization)
    return complete_demo_session(user=client, organization=organization)


def _more_versions(session, versions: range) -> list:
    """Add versions of every document of the session, PENDING, as regenerations would."""
    from documents.models import Document, DocumentStatus

    first = list(Document.objects.filter(session=session, version=1))
    rows = [
        Document(
            session=session,
            document_type=document.document_type,
            format=document.format,
            version=version,
            status=DocumentStatus.PENDING,
            generation_metadata={"errors": []},
        )
        for version in versions
        for document in first
    ]
    return Document.objects.bulk_create(rows)


def _pipeline_against_weasyprint(session, per_type: int) -> dict:
    """Time the generation service for PDFs against WeasyPrint alone on the same HTML."""
    import weasyprint

    from documents import selectors, services
    from documents.charts import FAMILY_COLORS, chart_cache_clear
    from documents.fetcher import BASE_URL, resources_served, url_fetcher
    from documents.models import Document, DocumentFormat
    from documents.pdf import font_config

    def pdfs_of(documents) -> list:
        found = [document for document in documents if document.format == DocumentFormat.PDF]
        return sorted(found, key=lambda document: (document.version, document.document_type_id))

    warm_up = pdfs_of(_more_versions(session, range(90, 91)))[:WARM_UP]  # fonts, template, structure caches
    timed = pdfs_of(Document.objects.filter(session=session, version=1, format=DocumentFormat.PDF))
    timed += pdfs_of(_more_versions(session, range(100, 100 + per_type - 1)))

    pipeline_ms, direct_ms = [], []
    for index, document in enumerate(warm_up + timed):
        document = Document.objects.select_related("document_type", "session").get(pk=document.pk)
        content = selectors.document_content_for(document=document)
        cover = services._cover(document, document.session, content)
        color = FAMILY_COLORS.get(content.category, "#1f5fbf")
        charts = services.document_figures(content, color=color, formats=("svg",))
        html, resources = services.pdf_source(document=document, content=content, cover=cover, charts=charts)
        # Alternate which runs first, so that noise on a shared machine falls on both alike.
        for which in ("pipeline", "direct") if index % 2 else ("direct", "pipeline"):
            start = time.perf_counter()
            if which == "pipeline":
                # The charts drawn above for WeasyPrint's HTML are forgotten: the pipeline draws its own.
                chart_cache_clear()
                services.document_generate(document_id=document.pk)
                pipeline = (time.perf_counter() - start) * 1000
            else:
                # The same WeasyPrint call the pipeline makes, on the same HTML and resources (the charts
                # already drawn), with the same (shared) font configuration.
                with resources_served(resources):
                    weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).write_pdf(
                        font_config=font_config()
                    )
                direct = (time.perf_counter() - start) * 1000
        if index >= len(warm_up):
            pipeline_ms.append(pipeline)
            direct_ms.append(direct)
    each = [pipeline / direct for pipeline, direct in zip(pipeline_ms, direct_ms, strict=True)]
    return {
        "pdfs": len(pipeline_ms),
        "pipeline_total_ms": sum(pipeline_ms),
        "weasyprint_total_ms": sum(direct_ms),
        "pipeline_ratio": sum(pipeline_ms) / sum(direct_ms),
        "per_document_ratio_median": statistics.median(each),
        "per_document_ratio_max": max(each),
        "pipeline_median_ms": statistics.median(pipeline_ms),
        "weasyprint_median_ms": statistics.median(direct_ms),
    }


def _chart_timing(session, rounds: int = 12) -> dict:
    """Time drawing charts (SVG and PNG) of each kind the demo's documents use."""
    from documents import selectors
    from documents.charts import chart_cache_clear, chart_draw
    from documents.models import Document, DocumentFormat

    by_kind = {}
    documents = Document.objects.filter(session=session, version=1, format=DocumentFormat.PDF)
    for document in documents.select_related("document_type"):
        content = selectors.document_content_for(document=document)
        for block in content.blocks:
            if block.chart is not None:
                by_kind.setdefault(block.chart.kind, block.chart)
    chart_draw(next(iter(by_kind.values())), color="#1f5fbf")  # matplotlib's import and font cache
    per_kind, timings = {}, []
    for kind, figures in sorted(by_kind.items()):
        kind_timings = []
        for _ in range(rounds):
            chart_cache_clear()  # the drawing itself, not the copy kept from the round before
            start = time.perf_counter()
            chart_draw(figures, color="#1f5fbf")
            kind_timings.append((time.perf_counter() - start) * 1000)
        per_kind[kind] = statistics.median(kind_timings)
        timings += kind_timings
    return {
        "chart_median_ms": statistics.median(timings),
        "charts_timed": len(timings),
        "chart_kinds_ms": per_kind,
    }


def _rss(pid: int) -> int:
    import psutil

    return psutil.Process(pid).memory_info().rss


def _worker_run(session, database_url: str, media_root: str, log_path: Path) -> dict:
    """Generate at least 200 documents in one real worker; measure throughput and memory."""
    from django.conf import settings

    from documents import services
    from documents.models import Document, DocumentStatus

    first = list(Document.objects.filter(session=session, version=1))
    versions = -(-200 // len(first))  # enough versions for 200 documents (ceiling division)
    documents = first + _more_versions(session, range(2, versions + 1))
    ids = [document.pk for document in documents]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": media_root,
        "LOG_LEVEL": "WARNING",
        # As in production: with DEBUG on, Django keeps the last 9,000 queries of each connection.
        "DEBUG": "false",
    }
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--queues", QUEUE]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            time.sleep(1.0)
            started = time.perf_counter()
            services.documents_enqueue(ids)
            memory, done = {}, 0
            deadline = time.monotonic() + 1800
            while done < len(ids):
                if worker.poll() is not None:
                    raise RuntimeError(f"The worker exited; see {log_path}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"The worker did not finish in time; see {log_path}")
                done = Document.objects.filter(pk__in=ids, status=DocumentStatus.PENDING_REVIEW).count()
                for mark in (10, len(first), 100, 150, 200):
                    if done >= mark and mark not in memory:
                        memory[mark] = (_rss(worker.pid), done)
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    return {
        "documents": len(ids),
        "seconds": elapsed,
        "per_minute": len(ids) / elapsed * 60,
        "warm_after": len(first),
        "rss_warm_mb": memory[len(first)][0] / 2**20,
        "rss_200_mb": memory[200][0] / 2**20,
        "memory_ratio": memory[200][0] / memory[len(first)][0],
        "rss_mb": {mark: round(rss / 2**20, 1) for mark, (rss, _) in sorted(memory.items())},
    }


def main(per_type: int = 2) -> dict:
    media_root = tempfile.mkdtemp(prefix="acqs-bench-documents-")
    try:
        database_url = _prepare_django(media_root)
        session = _completed_demo_session()
        result = _pipeline_against_weasyprint(session, per_type)
        result.update(_chart_timing(session))
        result.update(_worker_run(session, database_url, media_root, Path(media_root) / "worker.log"))
    finally:
        shutil.rmtree(media_root, ignore_errors=True)
    result.update(pipeline_target=PIPELINE_TARGET, memory_target=MEMORY_TARGET)
    return result


def report(result: dict) -> str:
    pipeline = "within" if result["pipeline_ratio"] <= result["pipeline_target"] else "OVER"
    memory = "within" if result["memory_ratio"] <= result["memory_target"] else "OVER"
    return (
        f"Document generation (demo questionnaire, 25 types from content blocks, PDF and DOCX)\n"
        f"  one worker: {result['documents']} documents in {result['seconds']:.1f} s"
        f" = {result['per_minute']:.0f} documents per minute\n"
        f"  {result['pdfs']} PDFs (every type twice):"
        f" the pipeline {result['pipeline_total_ms'] / 1000:.1f} s,"
        f" WeasyPrint alone on the same HTML {result['weasyprint_total_ms'] / 1000:.1f} s"
        f" (medians {result['pipeline_median_ms']:.1f} and {result['weasyprint_median_ms']:.1f} ms)\n"
        f"  ratio {result['pipeline_ratio']:.2f}x  ({pipeline} the {result['pipeline_target']}x budget);"
        f" document by document: median {result['per_document_ratio_median']:.2f}x,"
        f" largest {result['per_document_ratio_max']:.2f}x\n"
        f"  one chart (SVG and 200 dpi PNG): median {result['chart_median_ms']:.1f} ms"
        f" over {result['charts_timed']}; by kind: "
        + ", ".join(f"{kind} {ms:.1f} ms" for kind, ms in result["chart_kinds_ms"].items())
        + "\n"
        f"  worker memory: {result['rss_warm_mb']:.0f} MB once every type was generated"
        f" ({result['warm_after']} documents),"
        f" {result['rss_200_mb']:.0f} MB after 200"
        f" (at each mark: {', '.join(f'{n}: {mb} MB' for n, mb in result['rss_mb'].items())})\n"
        f"  ratio {result['memory_ratio']:.2f}x  ({memory} the {result['memory_target']}x budget)"
    )


if __name__ == "__main__":
    print(report(main()))
