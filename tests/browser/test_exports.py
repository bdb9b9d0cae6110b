"""Staff export a questionnaire's responses on its export page: a worker writes the file, the page shows
the progress until it is ready, and the download is the file."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import UserRole
from sessions_app.export_models import ExportStatus, ResponseExport
from sessions_app.tasks import response_export_run
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in
from tests.documents import broker
from tests.sessions_app.factories import ResponseFactory, SessionFactory
from tests.sessions_app.test_exports import lineage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_start_an_export_see_it_finish_and_download_it(live_server, browser, org_a, settings, tmp_path):
    settings.EXPORT_INLINE_MAX = 0  # every export goes to the worker, so the page shows its progress
    survey = lineage(org_a)
    for number in range(3):
        session = SessionFactory(
            user=UserFactory(organization=org_a),
            questionnaire=survey.v2,
            adaptive_state={"activeQuestionIds": [str(q.pk) for q in survey.q2.values()]},
            started_at=timezone.now(),
        )
        ResponseFactory(session=session, question=survey.q2["company"], value={"text": f"Company {number}"})
    staff = UserFactory(email="erin@acme.example", organization=org_a, role=UserRole.DEVELOPER)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sessions_app", codename__endswith="_responseexport"
        )
    )
    broker.queue_purge()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/questionnaires/{survey.v2.pk}/exports/")
    page.get_by_role("heading", name="Export responses").wait_for()
    page.get_by_text("3 sessions in all.").wait_for()
    page.get_by_label("CSV").check()
    page.get_by_label("Status").select_option("IN_PROGRESS")
    page.get_by_role("button", name="Export").click()
    page.get_by_text("Exporting 3 sessions: this page shows the progress.").wait_for()
    page.get_by_role("progressbar").wait_for()
    page.screenshot(path="shots/exports-running-1280.png", full_page=True)

    export = ResponseExport.objects.get()
    assert export.status == ExportStatus.QUEUED and export.filters == {"status": "IN_PROGRESS"}
    [message] = broker.queue_take()
    response_export_run.apply(args=message["args"])  # the worker

    download_link = page.get_by_role("link", name="Download")
    download_link.wait_for()  # the page polled and swapped in the finished export
    assert page.get_by_role("progressbar").count() == 0
    page.screenshot(path="shots/exports-1280.png", full_page=True)
    with page.expect_download() as started:
        download_link.click()
    download = started.value
    assert download.suggested_filename.startswith("team-survey-responses-")
    saved = tmp_path / "export.csv"
    download.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert sorted(row["company"] for row in rows) == ["Company 0", "Company 1", "Company 2"]

    page.set_viewport_size({"width": 390, "height": 844})  # on a phone
    page.reload()
    page.get_by_role("link", name="Download").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the screen
    page.screenshot(path="shots/exports-390.png", full_page=True)
    context.close()
