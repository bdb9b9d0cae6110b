"""A reviewer rejects a document with a reason, regenerates it, approves the new version, and the client
downloads the approved PDF: in Debian's chromium, with a real Celery worker generating the files.
"""

import re

import pytest
from django.conf import settings
from django.test import Client

from documents.catalogue import catalogue_load
from documents.content import content_load
from documents.models import Document, DocumentStatus, DocumentType, Recommendation
from tests.documents import broker
from tests.documents.builders import LEGAL_NAME, MISSION, complete_small_session, small_questionnaire
from tests.documents.test_generation import pdf_text
from tests.documents.workers import Worker, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def document_types(transactional_db):
    """Transactional tests flush the tables that data migrations filled: put the catalogue back."""
    catalogue_load(DocumentType, only_missing=True)
    content_load(DocumentType, Recommendation)


@pytest.fixture
def worker(media_root, tmp_path):
    broker.queue_purge()
    worker = Worker(media_root=media_root, log=tmp_path / "worker.log", name="browser")
    yield worker
    worker.stop()
    broker.queue_purge()


def signed_in(browser, live_server, user, **options):
    """Return a browser context logged in as ``user`` (the login page has tests of its own)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def finals_stored(session, version) -> bool:
    """Whether the worker has stored the final of every format of an approved version."""
    return all(
        (d.generation_metadata or {}).get("final")
        for d in Document.objects.filter(session=session, version=version)
    )


def downloaded_pdf_text(page, live_server, session, file_name: str) -> str:
    """Download the PDF from the client's page once their documents are ready; return its text."""

    def ready() -> bool:  # the page says so once every format's final is stored: look again until then
        page.goto(f"{live_server.url}/sessions/{session.pk}/review/")
        return page.get_by_text("Your documents are ready").count() > 0

    wait_for(ready, timeout=60, interval=1, message="the client's documents to be ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download PDF")).click()
    download = download_info.value
    assert download.suggested_filename == file_name
    with open(download.path(), "rb") as handle:
        return pdf_text(handle.read())


def waiting_for_review(session, version):
    documents = Document.objects.filter(session=session, version=version)
    return documents.count() == 2 and all(d.status == DocumentStatus.PENDING_REVIEW for d in documents)


def test_reviewer_rejects_regenerates_approves_and_the_client_downloads_the_pdf(
    live_server, browser, worker, client_a, reviewer_a, org_a
):
    session = complete_small_session(
        user=client_a,
        questionnaire=small_questionnaire(organization=org_a),
        answers={"Legal name": LEGAL_NAME, "Mission": MISSION},
    )
    wait_for(lambda: waiting_for_review(session, 1), timeout=90, message="version 1 to be generated")

    reviewer_context, page = signed_in(
        browser, live_server, reviewer_a, viewport={"width": 1280, "height": 900}
    )
    page.goto(f"{live_server.url}/documents/review/")
    page.get_by_role("link", name="Business Plan").click()
    page.get_by_role("heading", name=re.compile("Business Plan")).wait_for()
    assert page.locator("iframe.doc-preview").count() == 1  # the PDF, shown inline
    page.locator(".doc-sources").get_by_text(LEGAL_NAME).first.wait_for()  # the answers it came from

    page.get_by_role("button", name="Reject").click()  # no reason: the browser asks for one first
    assert (
        Document.objects.get(session=session, version=1, format="PDF").status == DocumentStatus.PENDING_REVIEW
    )
    page.get_by_label("Reason for rejection").fill("The mission statement needs figures.")
    page.get_by_role("textbox", name=re.compile("Internal note")).fill(
        "Ask the client for last year's volumes."
    )
    page.get_by_role("button", name="Reject").click()
    page.get_by_text("Reason: The mission statement needs figures.", exact=False).wait_for()

    page.get_by_role("button", name="Regenerate as version 2").click()
    page.get_by_role("heading", name=re.compile("version 2")).wait_for()
    wait_for(lambda: waiting_for_review(session, 2), timeout=90, message="version 2 to be generated")
    page.reload()
    page.locator("iframe.doc-preview").wait_for()
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Business Plan version 2 approved.").wait_for()
    reviewer_context.close()

    approved = Document.objects.get(session=session, version=2, format="PDF")
    assert approved.status == DocumentStatus.APPROVED and approved.approved_by == reviewer_a
    rejected = Document.objects.get(session=session, version=1, format="PDF")
    assert rejected.status == DocumentStatus.REJECTED and rejected.rejection_reason.startswith("The mission")
    # The worker draws the finals; the client is told (by the worker) once they are stored.
    wait_for(lambda: finals_stored(session, 2), timeout=90, message="the finals to be stored")

    client_context, page = signed_in(browser, live_server, client_a, accept_downloads=True)
    text = downloaded_pdf_text(page, live_server, session, "business-plan-v2.pdf")
    assert LEGAL_NAME in text and "Version 2" in text.replace("Version\n2", "Version 2")
    client_context.close()
