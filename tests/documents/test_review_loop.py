"""The review loop (docs/review.md): finals, comments and internal notes, changes requested from the
client, amendments and versions compared, through the services, the pages and the API.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api_keys import SCOPES, api_key_create
from audit.models import AuditLog
from documents import review, services, storage
from documents.models import Document, DocumentStatus
from documents.rendering import format_date
from documents.word import DRAFT_MARKING
from sessions_app.models import ChangeRequest
from tests.documents.builders import question_by_text
from tests.documents.test_generation import docx_text, pdf_text, stored
from tests.documents.test_views import as_user, finalise

pytestmark = pytest.mark.django_db

SLUG = "technology-strategy"
DEBT = "How would you rate the technical debt"
DEBT_SOURCES = "What are the biggest sources of technical debt?"
INTERNAL = "QXINTERNALNOTEQX the client is slow to pay"
FOR_CLIENT = "Your roadmap assumes the Series B closes in June."


def _version(session, version: int = 1) -> tuple[Document, Document]:
    rows = Document.objects.filter(session=session, document_type__slug=SLUG, version=version)
    return rows.get(format="PDF"), rows.get(format="DOCX")


def _generate(*documents) -> None:
    for document in documents:
        services.document_generate(document_id=document.pk)
        document.refresh_from_db()


@pytest.fixture
def strategy(demo_session):
    """Version 1 of the demo client's technology strategy, generated and waiting for review."""
    pdf, docx_row = _version(demo_session)
    _generate(pdf, docx_row)
    return pdf, docx_row


def _question_id(session, text: str) -> str:
    from questionnaires.structure import structure_load

    return question_by_text(structure_load(session.questionnaire_id), text).id


def _final_bytes(document: Document) -> bytes:
    with storage.documents_storage().open(document.generation_metadata["final"]["key"], "rb") as handle:
        return handle.read()


# ----------------------------------------------------------------- finals


def test_a_draft_is_marked_and_the_approved_final_is_stamped_stored_apart_and_audited(
    strategy, reviewer_a, client_a, django_capture_on_commit_callbacks
):
    pdf, docx_row = strategy
    assert "DRAFT FOR REVIEW" in pdf_text(stored(pdf)) and "Draft for review" in pdf_text(stored(pdf))
    assert DRAFT_MARKING in docx_text(stored(docx_row)) or DRAFT_MARKING in _docx_headers(stored(docx_row))
    draft_pdf = stored(pdf)

    with django_capture_on_commit_callbacks(execute=True):
        services.document_approve(document=pdf, reviewer=reviewer_a)
    with django_capture_on_commit_callbacks(execute=True):
        finalise(pdf, docx_row)

    stamp = f"Approved by {reviewer_a.display_name} on {format_date(timezone.localdate().isoformat())}"
    for row, text in ((pdf, pdf_text), (docx_row, docx_text)):
        final = row.generation_metadata["final"]
        assert final["key"] != row.storage_url and "/final/" in final["key"]
        payload = _final_bytes(row)
        assert hashlib.sha256(payload).hexdigest() == final["sha256"]
        assert stamp in text(payload) and "DRAFT" not in text(payload).upper().replace("DRAFTED", "")
        audit = AuditLog.objects.get(resource_id=row.pk, event="document.final_stored")
        assert audit.changes["after"]["sha256"] == final["sha256"]
    assert DRAFT_MARKING not in _docx_headers(_final_bytes(docx_row))
    assert stored(pdf) == draft_pdf  # the draft stays as it was reviewed
    [message] = mail.outbox
    assert message.to == [client_a.email]


def _docx_headers(payload: bytes) -> str:
    import io

    import docx

    document = docx.Document(io.BytesIO(payload))
    return "\n".join(
        p.text for s in document.sections for h in (s.header, s.first_page_header) for p in h.paragraphs
    )


def test_a_final_is_never_overwritten(strategy, reviewer_a):
    pdf, _ = strategy
    services.document_approve(document=pdf, reviewer=reviewer_a)
    key = storage.document_key(
        session_id=pdf.session_id, document_id=pdf.pk, version=1, slug=SLUG, extension="pdf", final=True
    )
    storage.document_write(key=key, payload=b"%PDF-1.4 stored by an earlier delivery that died")
    finalise(pdf)
    finalise(pdf)  # delivered again: nothing to do

    assert _final_bytes(pdf) == b"%PDF-1.4 stored by an earlier delivery that died"
    assert pdf.generation_metadata["final"]["sha256"] == hashlib.sha256(_final_bytes(pdf)).hexdigest()
    assert AuditLog.objects.filter(resource_id=pdf.pk, event="document.final_stored").count() == 1


def test_the_client_gets_the_final_and_the_reviewer_both(strategy, reviewer_a, client_a):
    pdf, _ = strategy
    services.document_approve(document=pdf, reviewer=reviewer_a)
    finalise(pdf)
    client_download = as_user(client_a).get(reverse("documents:file", args=[pdf.pk]))
    assert b"".join(client_download.streaming_content) == _final_bytes(pdf)
    asked_draft = as_user(client_a).get(reverse("documents:file", args=[pdf.pk]) + "?draft=1")
    assert b"".join(asked_draft.streaming_content) == _final_bytes(pdf)  # a client never gets a draft
    reviewer = as_user(reviewer_a)
    draft = reviewer.get(reverse("documents:file", args=[pdf.pk]) + "?draft=1")
    assert b"".join(draft.streaming_content) == stored(pdf)
    assert "-draft.pdf" in draft["Content-Disposition"]


# ----------------------------------------------------------------- comments and internal notes


def test_comments_reach_the_client_and_internal_notes_never_leave_the_review_pages(
    strategy, reviewer_a, client_a, staff_client, django_capture_on_commit_callbacks
):
    staff = staff_client
    pdf, docx_row = strategy
    reviewer = as_user(reviewer_a)
    section = review.document_sections(pdf)[0]
    reviewer.post(reverse("documents:comment", args=[pdf.pk]), {"audience": "team", "text": INTERNAL})
    reviewer.post(
        reverse("documents:comment", args=[pdf.pk]),
        {"audience": "client", "text": FOR_CLIENT, "section": section["id"]},
    )
    pdf.refresh_from_db()
    assert pdf.review_status["internalNotes"][0]["text"] == INTERNAL
    assert pdf.review_status["comments"][0]["sectionLabel"] == section["label"]
    page = reviewer.get(reverse("documents:detail", args=[pdf.pk])).content.decode()
    assert INTERNAL in page and FOR_CLIENT in page

    with django_capture_on_commit_callbacks(execute=True):
        services.document_approve(document=pdf, reviewer=reviewer_a, comment="Well argued.")
    with django_capture_on_commit_callbacks(execute=True):
        finalise(pdf, docx_row)
    own = as_user(client_a)
    session = pdf.session
    client_views = [
        own.get(reverse("sessions_app:list")),
        own.get(reverse("sessions_app:review", args=[session.pk])),
        own.get(reverse("documents:session_panel", args=[session.pk])),
    ]
    api = APIClient()
    _, raw_key = api_key_create(user=client_a, name="CRM", scopes=SCOPES)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    client_views += [
        api.get(reverse("api:session-list")),
        api.get(reverse("api:session-detail", args=[session.pk])),
        api.get(reverse("api:session-documents", args=[session.pk])),
    ]
    # The client's copy of their personal data, as staff export it for them.
    client_views.append(staff.post(reverse("accounts:gdpr_user_export", args=[client_a.pk])))
    bodies = []
    for response in client_views:
        assert response.status_code == 200, response.request["PATH_INFO"]
        body = b"".join(response.streaming_content) if response.streaming else response.content
        bodies.append(body.decode())
        assert INTERNAL not in bodies[-1]
    review_page = bodies[1]
    assert FOR_CLIENT in review_page and "Well argued." in review_page
    assert AuditLog.objects.filter(resource_id=pdf.pk, event="document.note").exists()
    assert not AuditLog.objects.filter(changes__icontains="QXINTERNALNOTEQX").exists()
    assert mail.outbox and all(INTERNAL not in m.body and INTERNAL not in m.subject for m in mail.outbox)
    assert any(FOR_CLIENT in m.body for m in mail.outbox)


def test_a_comment_or_note_that_cannot_be_kept_is_refused_and_changes_nothing(strategy, reviewer_a):
    pdf, _ = strategy
    reviewer = as_user(reviewer_a)
    for data in (
        {"audience": "client", "text": "   "},
        {"audience": "client", "text": "a\x00b"},
        {"audience": "team", "text": "x" * 5001},
        {"audience": "team", "text": "Fine", "section": "block-999"},
    ):
        response = reviewer.post(reverse("documents:comment", args=[pdf.pk]), data)
        assert response.status_code == 422, data
    pdf.refresh_from_db()
    assert not pdf.review_status.get("comments") and not pdf.review_status.get("internalNotes")


# ----------------------------------------------------------------- changes requested from the client


def _request_changes(reviewer_a, pdf, question_ids, message="Your debt score looks low: check it."):
    return as_user(reviewer_a).post(
        reverse("documents:request_changes", args=[pdf.pk]), {"questions": question_ids, "message": message}
    )


def test_changes_requested_reopen_exactly_the_chosen_questions_with_the_message(
    strategy, reviewer_a, client_a, django_capture_on_commit_callbacks
):
    pdf, docx_row = strategy
    session = pdf.session
    debt = _question_id(session, DEBT)
    assert debt in {q["id"] for q in review.document_questions(pdf)}
    with django_capture_on_commit_callbacks(execute=True):
        response = _request_changes(reviewer_a, pdf, [debt])
    assert response.status_code == 302
    for row in (pdf, docx_row):
        row.refresh_from_db()
        assert row.status == DocumentStatus.REJECTED and "Changes requested" in row.rejection_reason
    request = ChangeRequest.objects.get(session=session)
    assert request.status == "OPEN" and [str(q) for q in request.question_ids] == [debt]
    session.refresh_from_db()
    assert session.status == "COMPLETED"  # seed 000's enum is untouched: the request is the state
    [message] = mail.outbox
    url = reverse("sessions_app:changes", args=[session.pk, request.pk])
    assert message.to == [client_a.email] and url in message.body and "debt score looks low" in message.body

    own = as_user(client_a)
    status_page = own.get(reverse("sessions_app:review", args=[session.pk])).content.decode()
    assert "needs 1 answer revisited" in status_page and url in status_page
    page = own.get(url).content.decode()
    assert page.count('name="present"') == 1 and f'value="{debt}"' in page
    assert "Your reviewer asks:" in page and "debt score looks low" in page

    legal = _question_id(session, "What is your organization's legal name?")
    own.post(url, {"revision": "1", "present": [debt, legal], f"q-{debt}": "4", f"q-{legal}": "Hijacked Ltd"})
    from sessions_app.services import session_answers

    assert session_answers(session=session)[legal].value == {"text": "Orbital Freight Ltd"}
    live = own.post(reverse("sessions_app:answer", args=[session.pk, legal]), {f"q-{legal}": "Hijacked Ltd"})
    assert live.status_code == 409


def test_a_revised_answer_that_shows_a_question_asks_it_and_submitting_makes_the_next_version(
    strategy, reviewer_a, client_a, django_capture_on_commit_callbacks
):
    pdf, _ = strategy
    session = pdf.session
    debt, sources = _question_id(session, DEBT), _question_id(session, DEBT_SOURCES)
    _request_changes(reviewer_a, pdf, [debt])
    request = ChangeRequest.objects.get(session=session)
    url = reverse("sessions_app:changes", args=[session.pk, request.pk])
    own = as_user(client_a)

    invalid = own.post(url, {"revision": "1", "action": "save", "present": [debt], f"q-{debt}": "42"})
    assert invalid.status_code == 422 and "Please check 1 answer" in invalid.content.decode()
    assert f'value="{sources}"' not in invalid.content.decode()

    own.post(url, {"revision": "1", "action": "save", "present": [debt], f"q-{debt}": "8"})
    page = own.get(url).content.decode()
    # The high score shows the question about its sources: it is asked now, as the normal flow would.
    assert f'value="{sources}"' in page and "applies because of an answer you changed" in page
    assert ChangeRequest.objects.get(pk=request.pk).status == "OPEN"

    with django_capture_on_commit_callbacks(execute=True):
        done = own.post(
            url,
            {
                "revision": "1",
                "action": "submit",
                "present": [debt, sources],
                f"q-{debt}": "8",
                f"q-{sources}": "A monolith billing module nobody dares to touch.",
            },
        )
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "SUBMITTED" and {debt, sources} <= {str(q) for q in request.changed_question_ids}
    new = Document.objects.filter(session=session, document_type__slug=SLUG, version=2)
    assert {(d.format, d.status) for d in new} == {("PDF", "PENDING"), ("DOCX", "PENDING")}
    assert new.first().generation_metadata["changeRequest"] == str(request.pk)
    assert any("revised their answers" in m.subject and reviewer_a.email in m.to for m in mail.outbox)
    closed = own.get(url).content.decode()
    assert "You submitted your revised answers" in closed


def test_a_request_is_answered_into_the_version_it_was_made_on_or_none(strategy, reviewer_a, client_a):
    pdf, _ = strategy
    session = pdf.session
    debt = _question_id(session, DEBT)
    _request_changes(reviewer_a, pdf, [debt])
    request = ChangeRequest.objects.get(session=session)
    url = reverse("sessions_app:changes", args=[session.pk, request.pk])
    own = as_user(client_a)

    stale = own.post(url, {"revision": "0", "action": "submit", "present": [debt], f"q-{debt}": "5"})
    assert stale.status_code == 409

    reviewer = as_user(reviewer_a)
    assert reviewer.post(reverse("documents:regenerate", args=[pdf.pk])).status_code == 409  # client's turn
    reviewer.post(reverse("documents:withdraw_changes", args=[pdf.pk]))
    reviewer.post(reverse("documents:regenerate", args=[pdf.pk]))  # version 2, from the answers as they are
    late = own.post(url, {"revision": "1", "action": "submit", "present": [debt], f"q-{debt}": "5"})
    assert late.status_code == 409 and "withdrawn" in late.content.decode()
    assert Document.objects.filter(session=session, document_type__slug=SLUG).count() == 4  # no version 3


def test_the_submission_hook_leaves_a_type_that_moved_on_alone(strategy, reviewer_a, client_a):
    pdf, _ = strategy
    session = pdf.session
    request = ChangeRequest.objects.create(
        session=session,
        message="Check.",
        question_ids=[_question_id(session, DEBT)],
        documents=[{"documentId": str(pdf.pk), "documentType": SLUG, "name": "x", "version": 7}],
        status="SUBMITTED",
    )
    assert review.on_changes_submitted(request=request, state=None, actor=client_a) == []


def test_a_request_needs_questions_of_the_document_and_a_message(strategy, reviewer_a):
    pdf, _ = strategy
    debt = _question_id(pdf.session, DEBT)
    unrelated = "00000000-0000-0000-0000-000000000000"
    for questions, message in (([], "Check."), ([debt], "  "), ([unrelated], "Check."), ([debt], "a\x00")):
        response = _request_changes(reviewer_a, pdf, questions, message)
        assert response.status_code == 422, (questions, message)
    pdf.refresh_from_db()
    assert pdf.status == DocumentStatus.PENDING_REVIEW and not ChangeRequest.objects.exists()


def _client_rates_the_debt(reviewer_a, client_a, pdf, rating: str) -> Document:
    """The reviewer asks about the debt score and the client gives ``rating``: return version 2's PDF."""
    session = pdf.session
    debt = _question_id(session, DEBT)
    _request_changes(reviewer_a, pdf, [debt])
    request = ChangeRequest.objects.get(session=session)
    url = reverse("sessions_app:changes", args=[session.pk, request.pk])
    as_user(client_a).post(url, {"revision": "1", "action": "submit", "present": [debt], f"q-{debt}": rating})
    new_pdf, new_docx = _version(session, 2)
    _generate(new_pdf, new_docx)
    return new_pdf


# ----------------------------------------------------------------- amendments


def _text_section(document) -> dict:
    return next(s for s in review.document_sections(document) if s["kind"] == "text")


def test_an_amendment_is_drawn_into_the_draft_versioned_audited_and_in_the_provenance(strategy, reviewer_a):
    pdf, docx_row = strategy
    section = _text_section(pdf)
    reviewer = as_user(reviewer_a)
    url = reverse("documents:amend", args=[pdf.pk])
    reviewer.post(url, {"section": section["id"], "text": "Our reading: QXFIRSTQX.", "note": ""})
    reviewer.post(
        url, {"section": section["id"], "text": "Our reading: QXSECONDQX.", "note": "Checked twice."}
    )
    _generate(pdf, docx_row)

    text = pdf_text(stored(pdf))
    assert "QXSECONDQX" in text and "QXFIRSTQX" not in text and "Reviewer’s note: Checked twice." in text
    assert "QXSECONDQX" in docx_text(stored(docx_row))
    amendment = pdf.review_status["amendments"][section["id"]]
    assert amendment["revision"] == 2 and amendment["history"][0]["text"] == "Our reading: QXFIRSTQX."
    block = next(b for b in pdf.generation_metadata["provenance"] if f"block-{b['block']}" == section["id"])
    assert block["amendment"]["revision"] == 2 and block["amendment"]["by"] == reviewer_a.display_name
    assert AuditLog.objects.filter(resource_id=pdf.pk, event="document.amend").count() == 2
    assert AuditLog.objects.filter(resource_id=pdf.pk, event="document.redrawn").exists()
    page = reviewer.get(reverse("documents:detail", args=[pdf.pk])).content.decode()
    provenance = page.split("How this document was produced")[1]
    assert "Amended by the reviewer" in provenance and "revision 2" in provenance


def test_amendments_that_cannot_be_kept_are_refused(strategy, reviewer_a):
    pdf, _ = strategy
    reviewer = as_user(reviewer_a)
    url = reverse("documents:amend", args=[pdf.pk])
    not_text = next(
        s for s in review.document_sections(pdf) if s["kind"] != "text" and s["id"].startswith("block")
    )
    for data in (
        {"section": "block-999", "note": "Where?"},
        {"section": not_text["id"], "text": "Rewritten table"},
        {"section": _text_section(pdf)["id"], "text": "x" * 20_001},
    ):
        assert reviewer.post(url, data).status_code == 422, data
    pdf.refresh_from_db()
    assert not pdf.review_status.get("amendments")


def test_amendments_carry_into_the_next_version_unless_their_inputs_changed(strategy, reviewer_a, client_a):
    pdf, docx_row = strategy
    session = pdf.session
    sections = [s for s in review.document_sections(pdf) if s["kind"] == "text"]
    reviewer = as_user(reviewer_a)
    for section in sections:
        reviewer.post(
            reverse("documents:amend", args=[pdf.pk]), {"section": section["id"], "note": "QXNOTEQX"}
        )
    _generate(pdf, docx_row)
    debt = _question_id(session, DEBT)
    new_pdf = _client_rates_the_debt(reviewer_a, client_a, pdf, "5")

    provenance = new_pdf.generation_metadata["provenance"]
    carried = [b for b in provenance if b.get("amendment")]
    held = [b for b in provenance if b.get("amendmentHeld")]
    assert carried and held  # blocks that read the debt score are held, the others carried
    assert all(debt in {q["questionId"] for q in b.get("questions") or ()} for b in held)
    page = reviewer.get(reverse("documents:detail", args=[new_pdf.pk])).content.decode()
    assert "Amendments to confirm" in page and "Apply again" in page


# ----------------------------------------------------------------- versions compared


def test_the_compare_page_shows_the_answers_and_the_words_that_changed(
    strategy, reviewer_a, client_a, reviewer_b
):
    pdf, _ = strategy
    new_pdf = _client_rates_the_debt(reviewer_a, client_a, pdf, "2")

    page = as_user(reviewer_a).get(reverse("documents:compare", args=[new_pdf.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "What changed from version 1 to version 2" in html
    assert "<del>4</del>" in html and "<ins>2</ins>" in html
    assert html.count('data-change="changed"') >= 1 and "<ins>" in html.split("Sections that changed")[1]
    assert as_user(reviewer_b).get(reverse("documents:compare", args=[new_pdf.pk])).status_code == 404
    assert as_user(client_a).get(reverse("documents:compare", args=[new_pdf.pk])).status_code == 404


def test_documents_approved_before_finals_keep_serving_the_approved_file(strategy, reviewer_a, client_a):
    import importlib

    from django.db import connection

    migration = importlib.import_module("documents.migrations.0009_approved_before_finals")
    pdf, _ = strategy
    Document.objects.filter(pk=pdf.pk).update(status=DocumentStatus.APPROVED, approved_by=reviewer_a)
    with connection.cursor() as cursor:
        cursor.execute(migration.FORWARD)
    pdf.refresh_from_db()
    assert pdf.generation_metadata["final"]["key"] == pdf.storage_url
    assert pdf.generation_metadata["final"]["legacy"] is True
    assert pdf.generation_metadata["provenance"]  # the rest of the metadata is kept
    download = as_user(client_a).get(reverse("documents:file", args=[pdf.pk]))
    assert b"".join(download.streaming_content) == stored(pdf)
    page = as_user(reviewer_a).get(reverse("documents:detail", args=[pdf.pk])).content.decode()
    assert "the file approved before finals were kept" in page


def test_anonymising_the_client_erases_every_draft_and_the_final(
    strategy, reviewer_a, client_a, admin_user, django_capture_on_commit_callbacks
):
    from accounts.gdpr import user_anonymise

    pdf, _ = strategy
    section = _text_section(pdf)
    review.document_amend(document=pdf, actor=reviewer_a, section=section["id"], note="Checked.")
    finalise(pdf)  # the draft drawn again with the note
    services.document_approve(document=pdf, reviewer=reviewer_a)
    finalise(pdf)
    files = [
        storage.document_key(
            session_id=pdf.session_id, document_id=pdf.pk, version=1, slug=SLUG, extension="pdf"
        ),
        pdf.storage_url,
        pdf.generation_metadata["final"]["key"],
    ]
    assert len(set(files)) == 3 and all(storage.document_exists(key) for key in files)

    with django_capture_on_commit_callbacks(execute=True):
        user_anonymise(user=client_a, actor=admin_user, erase_approved_documents=True)

    pdf.refresh_from_db()
    assert not any(storage.document_exists(key) for key in files)
    assert "final" not in pdf.generation_metadata and "snapshot" not in pdf.generation_metadata
    assert as_user(reviewer_a).get(reverse("documents:file", args=[pdf.pk])).status_code == 404


def test_a_rejections_comment_kept_before_notes_were_internal_stays_internal(strategy, reviewer_a, client_a):
    pdf, _ = strategy
    Document.objects.filter(session=pdf.session).update(
        review_status={
            "comments": [{"by": "x", "byEmail": "r@x", "action": "reject", "text": "QXOLDREJECTQX"}]
        }
    )
    page = as_user(client_a).get(reverse("sessions_app:review", args=[pdf.session_id])).content.decode()
    assert "QXOLDREJECTQX" not in page


def test_a_final_drawn_from_inputs_that_moved_since_the_draft_is_flagged(strategy, reviewer_a):
    pdf, _ = strategy
    services.document_approve(document=pdf, reviewer=reviewer_a)
    finalise(pdf)
    assert pdf.generation_metadata["final"]["matchesDraft"] is True

    _, docx_row = _version(pdf.session)
    metadata = dict(docx_row.generation_metadata)
    metadata["snapshot"] = {**metadata["snapshot"], "sections": []}  # as if the answers had moved
    Document.objects.filter(pk=docx_row.pk).update(generation_metadata=metadata)
    finalise(docx_row)
    assert docx_row.generation_metadata["final"]["matchesDraft"] is False
    page = as_user(reviewer_a).get(reverse("documents:detail", args=[pdf.pk])).content.decode()
    assert "The DOCX final reads differently from the draft" in page
