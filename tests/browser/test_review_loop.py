"""The whole review loop in Debian's chromium, with a real Celery worker rendering the files: the reviewer
asks the client to revisit an answer, the client sees only that question with the reviewer's message,
revises and submits, the next version arrives, the reviewer reads what changed and approves, and the
client downloads a final without the draft marking.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from documents.models import Document, DocumentStatus
from sessions_app.models import ChangeRequest
from tests.browser.test_review_flow import (  # noqa: F401
    document_types,
    downloaded_pdf_text,
    finals_stored,
    signed_in,
    waiting_for_review,
)
from tests.documents import broker
from tests.documents.builders import LEGAL_NAME, MISSION, complete_small_session, small_questionnaire
from tests.documents.workers import Worker, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REVISED = "We move containers across the Baltic and the North Sea, with 30% fewer empty legs than in 2024."
MESSAGE = "Please give a figure for the empty legs you have cut."


@pytest.fixture
def worker_and_mail(media_root, tmp_path):
    broker.queue_purge()
    outbox = tmp_path / "worker-mail"
    outbox.mkdir()
    worker = Worker(media_root=media_root, log=tmp_path / "worker.log", name="loop", email_dir=outbox)
    yield worker, outbox
    worker.stop()
    broker.queue_purge()


def test_changes_requested_revised_compared_approved_and_downloaded(
    live_server, browser, worker_and_mail, client_a, reviewer_a, org_a, tmp_path
):
    _, worker_outbox = worker_and_mail
    session = complete_small_session(
        user=client_a,
        questionnaire=small_questionnaire(organization=org_a),
        answers={"Legal name": LEGAL_NAME, "Mission": MISSION},
    )
    wait_for(lambda: waiting_for_review(session, 1), timeout=90, message="version 1 to be generated")
    version_1 = Document.objects.get(session=session, version=1, format="PDF")

    # The reviewer sends the document back, naming the one question behind it that needs work.
    reviewer_context, page = signed_in(
        browser, live_server, reviewer_a, viewport={"width": 1280, "height": 900}
    )
    page.goto(f"{live_server.url}/documents/{version_1.pk}/")
    form = page.locator("#request-changes")
    form.get_by_role("checkbox", name=re.compile("Mission")).check()
    form.get_by_label("What is needed").fill(MESSAGE)
    form.get_by_role("button", name="Send to the client").click()
    page.get_by_text("Waiting for the client’s changes").first.wait_for()
    assert ChangeRequest.objects.get(session=session).status == "OPEN"

    # The client follows the e-mail's link: only that question is open, with the message beside it.
    [asked] = [m for m in mail.outbox if m.to == [client_a.email]]
    link = next(line for line in asked.body.splitlines() if "/changes/" in line).strip()
    client_context, client_page = signed_in(browser, live_server, client_a, accept_downloads=True)
    client_page.goto(live_server.url + urlsplit(link).path)
    client_page.get_by_role("heading", name="Revisit your answers").wait_for()
    assert client_page.locator("form fieldset.question").count() == 1
    assert client_page.get_by_text(MESSAGE).count() >= 1
    assert client_page.get_by_label("Legal name").count() == 0  # read-only: not a field
    client_page.get_by_role("textbox").first.fill(REVISED)
    client_page.get_by_role("button", name="Submit revised answers").click()
    client_page.get_by_text("your revised answers are submitted").wait_for()

    # The next version arrives; the reviewer reads what changed and approves it.
    wait_for(lambda: waiting_for_review(session, 2), timeout=90, message="version 2 to be generated")
    version_2 = Document.objects.get(session=session, version=2, format="PDF")
    assert any("revised their answers" in m.subject for m in mail.outbox if reviewer_a.email in m.to)
    page.goto(f"{live_server.url}/documents/{version_2.pk}/")
    page.get_by_role("link", name="What changed since version 1").click()
    page.get_by_role("heading", name="What changed from version 1 to version 2").wait_for()
    assert "30%" in page.locator("ins").all_inner_texts().__str__()
    assert page.locator("del").count() >= 1
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    page.go_back()
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Business Plan version 2 approved.").wait_for()
    reviewer_context.close()

    # The worker draws the finals; the client's page offers them once stored, and the e-mail follows.
    wait_for(lambda: finals_stored(session, 2), timeout=90, message="the finals to be stored")
    text = downloaded_pdf_text(client_page, live_server, session, "business-plan-v2.pdf")
    assert "30%" in text and "Approved by" in text and "DRAFT FOR REVIEW" not in text
    client_context.close()
    wait_for(lambda: any(worker_outbox.iterdir()), timeout=30, message="the approval e-mail")
    sent = "".join(path.read_text() for path in worker_outbox.iterdir())
    assert client_a.email in sent and "approved" in sent
    assert Document.objects.get(session=session, version=1, format="PDF").status == DocumentStatus.REJECTED
