"""The reviewer's pages, downloads and the client's documents panel, through the test client.

Another organization's document is a 404 everywhere: in the queue, on its page, for its file and for
every action.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditLog
from documents import services
from documents.models import Document, DocumentStatus
from tests.accounts.helpers import login_with_mfa
from tests.documents import broker
from tests.documents.builders import LEGAL_NAME, MISSION, complete_small_session, small_questionnaire

pytestmark = pytest.mark.django_db

DORMANT_SITE = "https://dormant-site.example"


def finalise(*documents) -> None:
    """Run the worker's part of an approval: the final of each document."""
    for document in documents:
        services.document_generate(document_id=document.pk)
        document.refresh_from_db()


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def session(client_a, org_a, media_root):
    session = complete_small_session(
        user=client_a,
        questionnaire=small_questionnaire(organization=org_a),
        answers={"Legal name": LEGAL_NAME, "Mission": MISSION},
        dormant_website=DORMANT_SITE,
    )
    for document in Document.objects.filter(session=session):
        services.document_generate(document_id=document.pk)
    return session


@pytest.fixture
def pdf(session):
    return Document.objects.get(session=session, format="PDF", version=1)


@pytest.fixture
def docx_document(session):
    return Document.objects.get(session=session, format="DOCX", version=1)


def test_the_queue_lists_each_waiting_version_once_for_reviewers_of_the_organization(
    pdf, reviewer_a, reviewer_b
):
    page = as_user(reviewer_a).get(reverse("documents:queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count(reverse("documents:detail", args=[pdf.pk])) == 1
    assert "PDF, DOCX" in html and "Business Plan" in html

    other = as_user(reviewer_b).get(reverse("documents:queue")).content.decode()
    assert str(pdf.pk) not in other and "Nothing is waiting" in other


def test_the_queue_is_not_for_clients(client_a, pdf):
    assert as_user(client_a).get(reverse("documents:queue")).status_code == 404


def test_a_reviewer_of_another_organization_gets_404_for_page_file_and_actions(pdf, reviewer_b):
    reviewer = as_user(reviewer_b)
    assert reviewer.get(reverse("documents:detail", args=[pdf.pk])).status_code == 404
    assert reviewer.get(reverse("documents:file", args=[pdf.pk])).status_code == 404
    assert reviewer.get(reverse("documents:file", args=[pdf.pk]) + "?inline=1").status_code == 404
    for action in ("approve", "reject", "assign", "regenerate", "retry"):
        response = reviewer.post(reverse(f"documents:{action}", args=[pdf.pk]), {"reason": "No."})
        assert response.status_code == 404, action
    pdf.refresh_from_db()
    assert pdf.status == DocumentStatus.PENDING_REVIEW


def test_the_document_page_shows_the_pdf_inline_and_the_answers_it_came_from(pdf, reviewer_a):
    html = as_user(reviewer_a).get(reverse("documents:detail", args=[pdf.pk])).content.decode()
    assert f'src="{reverse("documents:file", args=[pdf.pk])}?inline=1"' in html
    assert LEGAL_NAME in html and MISSION in html and "Legal name" in html
    assert DORMANT_SITE not in html
    assert "Approve" in html and "Reason for rejection" in html


def test_the_inline_preview_is_a_pdf_the_page_may_frame(pdf, reviewer_a):
    response = as_user(reviewer_a).get(reverse("documents:file", args=[pdf.pk]) + "?inline=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_approving_approves_every_format_and_tells_the_client(
    pdf, docx_document, reviewer_a, client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(reviewer_a).post(
            reverse("documents:approve", args=[pdf.pk]), {"comment": "Clear."}
        )

    assert response.status_code == 302
    for document in (pdf, docx_document):
        document.refresh_from_db()
        assert document.status == DocumentStatus.APPROVED
        assert document.approved_by == reviewer_a and document.approved_at is not None
        assert document.review_status["comments"][0]["text"] == "Clear."
    audit = AuditLog.objects.get(resource_id=pdf.pk, event="document.approve")
    assert audit.actor == reviewer_a and audit.changes["before"] == {"status": "PENDING_REVIEW"}
    assert mail.outbox == []  # the client hears once the finals are stored
    with django_capture_on_commit_callbacks(execute=True):
        finalise(pdf, docx_document)
    [message] = mail.outbox
    assert message.to == [client_a.email] and "approved" in message.subject
    assert reverse("sessions_app:review", args=[pdf.session_id]) in message.body
    assert "Clear." in message.body  # the approval's comment is for the client


def test_approving_twice_is_refused_with_a_clear_message(pdf, reviewer_a):
    reviewer = as_user(reviewer_a)
    reviewer.post(reverse("documents:approve", args=[pdf.pk]))
    again = reviewer.post(reverse("documents:approve", args=[pdf.pk]))
    assert again.status_code == 409
    assert "This document is approved: it cannot become approved." in again.content.decode()


def test_rejecting_needs_a_reason_and_records_it_with_the_comments(pdf, docx_document, reviewer_a):
    reviewer = as_user(reviewer_a)
    refused = reviewer.post(reverse("documents:reject", args=[pdf.pk]), {"reason": "  ", "comments": "Kept"})
    assert refused.status_code == 422
    assert "Give the reason" in refused.content.decode() and "Kept" in refused.content.decode()
    pdf.refresh_from_db()
    assert pdf.status == DocumentStatus.PENDING_REVIEW

    reviewer.post(
        reverse("documents:reject", args=[pdf.pk]),
        {"reason": "Mission is vague.", "comments": "Ask for numbers."},
    )
    for document in (pdf, docx_document):
        document.refresh_from_db()
        assert document.status == DocumentStatus.REJECTED
        assert document.rejection_reason == "Mission is vague."
        # The rejection's note is the team's: kept with the internal notes, never the client's comments.
        assert document.review_status["internalNotes"][-1]["text"] == "Ask for numbers."
        assert not document.review_status.get("comments")
        assert document.review_status["rejectedBy"] == str(reviewer_a.pk)


def test_regenerating_a_rejected_document_creates_the_next_version_and_keeps_the_old(
    pdf, reviewer_a, django_capture_on_commit_callbacks
):
    reviewer = as_user(reviewer_a)
    reviewer.post(reverse("documents:reject", args=[pdf.pk]), {"reason": "Wrong figures."})
    broker.queue_take_delivered()

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(reverse("documents:regenerate", args=[pdf.pk]))

    new = Document.objects.filter(session=pdf.session, version=2)
    assert {(d.format, d.status) for d in new} == {("PDF", "PENDING"), ("DOCX", "PENDING")}
    new_pdf = new.get(format="PDF")
    assert response.url == reverse("documents:detail", args=[new_pdf.pk])
    assert new_pdf.generation_metadata["previousDocumentId"] == str(pdf.pk)
    assert sorted(m["args"][0] for m in broker.queue_take_delivered()) == sorted(str(d.pk) for d in new)
    pdf.refresh_from_db()
    assert pdf.status == DocumentStatus.REJECTED and pdf.storage_url.endswith("/v1/business-plan.pdf")
    assert reviewer.post(reverse("documents:regenerate", args=[pdf.pk])).status_code == 409

    services.document_generate(document_id=new_pdf.pk)
    new_pdf.refresh_from_db()
    assert new_pdf.storage_url.endswith("/v2/business-plan.pdf") and new_pdf.storage_url != pdf.storage_url


def test_assigning_to_a_reviewer_of_the_organization_only(pdf, reviewer_a, admin_user, reviewer_b):
    admin = as_user(admin_user)
    refused = admin.post(reverse("documents:assign", args=[pdf.pk]), {"assignee": str(reviewer_b.pk)})
    assert refused.status_code == 422

    with_mail = admin.post(reverse("documents:assign", args=[pdf.pk]), {"assignee": str(reviewer_a.pk)})
    assert with_mail.status_code == 302
    pdf.refresh_from_db()
    assert pdf.review_status["assignedTo"] == str(reviewer_a.pk)
    queue = as_user(reviewer_a).get(reverse("documents:queue")).content.decode()
    assert reviewer_a.display_name in queue
    assert AuditLog.objects.filter(resource_id=pdf.pk, event="document.assign").count() == 1


def test_clients_download_their_own_documents_only_once_approved(pdf, client_a, client_b, reviewer_a):
    own = as_user(client_a)
    assert own.get(reverse("documents:file", args=[pdf.pk])).status_code == 404  # not approved yet
    assert as_user(reviewer_a).get(reverse("documents:file", args=[pdf.pk])).status_code == 200

    services.document_approve(document=pdf, reviewer=reviewer_a)
    assert own.get(reverse("documents:file", args=[pdf.pk])).status_code == 404  # no final yet
    finalise(pdf)

    response = own.get(reverse("documents:file", args=[pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="business-plan-v1.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert as_user(client_b).get(reverse("documents:file", args=[pdf.pk])).status_code == 404
    assert AuditLog.objects.filter(resource_id=pdf.pk, event="document.download", actor=client_a).exists()


def test_the_client_sees_each_documents_status_on_the_session_page(session, pdf, client_a, reviewer_a):
    own = as_user(client_a)
    page = own.get(reverse("sessions_app:review", args=[session.pk])).content.decode()
    assert "Your documents" in page and page.count("Waiting for review") == 2
    assert reverse("documents:file", args=[pdf.pk]) not in page

    services.document_approve(document=pdf, reviewer=reviewer_a)
    panel = own.get(reverse("documents:session_panel", args=[session.pk])).content.decode()
    assert panel.count("Being finalised") == 2 and 'hx-trigger="every 4s"' in panel
    assert reverse("documents:file", args=[pdf.pk]) not in panel

    finalise(*Document.objects.filter(session=session))
    panel = own.get(reverse("documents:session_panel", args=[session.pk])).content.decode()
    assert panel.count(">Approved<") == 2
    assert reverse("documents:file", args=[pdf.pk]) in panel
    assert "hx-trigger" not in panel  # nothing left to wait for


def test_the_client_panel_polls_while_documents_are_prepared_and_is_private(
    client_a, client_b, org_a, media_root, reviewer_a
):
    session = complete_small_session(
        user=client_a,
        questionnaire=small_questionnaire(organization=org_a),
        answers={"Legal name": LEGAL_NAME},
    )
    panel = as_user(client_a).get(reverse("documents:session_panel", args=[session.pk])).content.decode()
    assert 'hx-trigger="every 4s"' in panel and panel.count("Being prepared") == 2
    assert as_user(client_b).get(reverse("documents:session_panel", args=[session.pk])).status_code == 404


def test_the_client_is_told_which_documents_could_not_be_prepared(client_a, org_a, media_root):
    from documents.models import DocumentType

    questionnaire = small_questionnaire(organization=org_a)
    mission = questionnaire.sections.get().questions.get(text="Mission")
    DocumentType.objects.filter(slug="business-plan").update(required_questions=[mission.id])
    session = complete_small_session(
        user=client_a, questionnaire=questionnaire, answers={"Legal name": LEGAL_NAME}
    )

    page = as_user(client_a).get(reverse("sessions_app:review", args=[session.pk])).content.decode()
    assert "1 document could not be prepared" in page
    assert "Business Plan" in page and "The required question “Mission” was not answered." in page


def test_only_administrators_retry_a_failed_document(pdf, session, reviewer_a, admin_user):
    Document.objects.filter(pk=pdf.pk).update(status=DocumentStatus.FAILED)
    assert as_user(reviewer_a).post(reverse("documents:retry", args=[pdf.pk])).status_code == 404

    page = as_user(admin_user).get(reverse("documents:detail", args=[pdf.pk])).content.decode()
    assert "Retry generation" in page
    response = as_user(admin_user).post(reverse("documents:retry", args=[pdf.pk]))
    assert response.status_code == 302
    pdf.refresh_from_db()
    assert pdf.status == DocumentStatus.PENDING


def test_the_admin_retry_button_and_action_send_failed_documents_back(pdf, docx_document, admin_user):
    Document.objects.filter(pk__in=[pdf.pk, docx_document.pk]).update(status=DocumentStatus.FAILED)
    admin = login_with_mfa(Client(), admin_user)  # the admin site sits behind the second factor

    listing = admin.get(reverse("admin:documents_document_changelist") + "?attention=failed").content.decode()
    assert listing.count("Retry generation") >= 2
    response = admin.post(reverse("admin:documents_document_retry", args=[pdf.pk]))
    assert response.status_code == 302
    pdf.refresh_from_db()
    assert pdf.status == DocumentStatus.PENDING

    admin.post(
        reverse("admin:documents_document_changelist"),
        {"action": "retry_failed", "_selected_action": [str(docx_document.pk)]},
    )
    docx_document.refresh_from_db()
    assert docx_document.status == DocumentStatus.PENDING
    assert AuditLog.objects.filter(event="document.retry", actor=admin_user).count() == 2


def test_the_review_queue_can_be_served_by_the_pending_review_index(pdf, reviewer_a):
    from django.db import connection, transaction

    from documents.selectors import _for_organization

    queue = _for_organization(reviewer_a).filter(status=DocumentStatus.PENDING_REVIEW).order_by("created_at")
    with transaction.atomic(), connection.cursor() as cursor:
        # The test tables are too small for the planner to bother with any index, and at this size it
        # may as well start from the organization's users and sort what it finds. Forbidding scans and
        # sorts leaves the one plan that serves the queue in order: the partial index, read in order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = queue.explain()
    assert "idx_documents_pending_review" in plan
