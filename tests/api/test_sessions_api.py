"""The sessions API: start, list, read, answer and complete, with the same rules as the client's pages."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditLog
from sessions_app import services
from sessions_app.models import Response, Session, SessionStatus
from tests.questionnaires.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def sessions_url():
    return reverse("api:session-list")


def detail_url(session):
    return reverse("api:session-detail", args=[session.pk])


def answer_url(session, question):
    question_id = getattr(question, "pk", question)
    return reverse("api:session-answer", args=[session.pk, question_id])


def complete_url(session):
    return reverse("api:session-complete", args=[session.pk])


def visible_question_ids(body):
    return [q["id"] for section in body["sections"] for q in section["questions"]]


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


# ----------------------------------------------------------------- start and list


def test_starting_a_session_returns_it_at_its_first_section(api_a, flow, client_a):
    response = api_a.post(
        sessions_url(), {"questionnaire_id": str(flow.questionnaire.pk), "industry": "retail"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    session = Session.objects.get(user=client_a)
    assert body["id"] == str(session.pk)
    assert body["status"] == "IN_PROGRESS"
    assert body["industry"] == "retail"
    assert body["questionnaire"] == {
        "id": str(flow.questionnaire.pk),
        "name": flow.questionnaire.name,
        "version": flow.questionnaire.version,
    }
    assert body["sections"][0]["id"] == str(flow.first.pk)
    assert str(flow.product_name.pk) not in visible_question_ids(body)  # hidden until "yes"
    assert session.metadata["deviceType"] == "api"


def test_starting_again_resumes_the_session_in_progress(api_a, flow, session_a):
    response = api_a.post(sessions_url(), {"questionnaire_id": str(flow.questionnaire.pk)}, format="json")
    assert response.status_code == 200
    assert response.json()["id"] == str(session_a.pk)
    assert Session.objects.count() == 1


def test_starting_another_organizations_questionnaire_is_a_404(api_a, flow_b):
    response = api_a.post(sessions_url(), {"questionnaire_id": str(flow_b.questionnaire.pk)}, format="json")
    assert_error(response, 404, "not_found")
    assert not Session.objects.exists()


def test_starting_without_a_questionnaire_id_is_a_400_with_the_field(api_a):
    response = api_a.post(sessions_url(), {"questionnaire_id": "not-a-uuid"}, format="json")
    error = assert_error(response, 400, "invalid_request")
    assert "questionnaire_id" in error["details"]


def test_the_list_holds_my_sessions_only(api_a, session_a, flow_b, client_b):
    services.session_start(user=client_b, questionnaire=flow_b.questionnaire)
    body = api_a.get(sessions_url()).json()
    assert body["count"] == 1
    assert [s["id"] for s in body["results"]] == [str(session_a.pk)]
    assert body["results"][0]["progress"] == {"percentage": 0, "answered": 0, "total": 3}


def test_the_list_filters_by_status(api_a, session_a):
    assert api_a.get(sessions_url(), {"status": "COMPLETED"}).json()["count"] == 0
    assert api_a.get(sessions_url(), {"status": "IN_PROGRESS"}).json()["count"] == 1
    assert_error(api_a.get(sessions_url(), {"status": "nonsense"}), 400, "invalid_request")


# ----------------------------------------------------------------- detail


def test_the_detail_shows_progress_visible_questions_and_answers(api_a, session_a, flow, client_a):
    services.response_save(
        session=session_a, question_id=str(flow.team_size.pk), data={f"q-{flow.team_size.pk}": "12"}
    )
    body = api_a.get(detail_url(session_a)).json()
    assert body["progress"] == {"percentage": 33, "answered": 1, "total": 3}
    assert body["can_complete"] is False
    assert [m["id"] for m in body["missing"]] == [str(flow.contact.pk)]
    questions = {q["id"]: q for section in body["sections"] for q in section["questions"]}
    assert set(questions) == {str(flow.has_product.pk), str(flow.team_size.pk), str(flow.contact.pk)}
    assert questions[str(flow.team_size.pk)]["answer"] == {
        "value": {"number": 12},
        "is_valid": True,
        "errors": [],
        "revision": 1,
    }
    assert questions[str(flow.contact.pk)]["is_required"] is True
    assert questions[str(flow.contact.pk)]["answer"] is None
    choice = questions[str(flow.has_product.pk)]
    assert [o["label"] for o in choice["options"]] == ["Yes", "No"]
    assert choice["is_conditional"] is False
    assert '"condition"' not in json.dumps(body)  # the rules stay on the server


# ----------------------------------------------------------------- answering


def test_an_answer_is_saved_and_reports_what_it_changed(api_a, session_a, flow):
    response = api_a.put(
        answer_url(session_a, flow.has_product),
        {"value": {"selectedOptionId": flow.yes}, "time_spent_seconds": 7},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["answer"]["value"] == {"selectedOptionId": flow.yes}
    assert body["progress"] == {"percentage": 25, "answered": 1, "total": 4}
    assert {"id": str(flow.product_name.pk), "visible": True, "is_required": True} in body["changes"]
    stored = Response.objects.get(session=session_a, question=flow.has_product)
    assert stored.value == {"selectedOptionId": flow.yes}
    assert stored.time_spent_seconds == 7
    assert AuditLog.objects.filter(event="response.save", resource_id=session_a.pk).count() == 1


def test_post_answers_like_put(api_a, session_a, flow):
    response = api_a.post(answer_url(session_a, flow.team_size), {"value": {"number": 5}}, format="json")
    assert response.status_code == 200
    assert Response.objects.get(session=session_a, question=flow.team_size).value == {"number": 5}


def test_a_null_value_clears_the_answer(api_a, session_a, flow):
    api_a.put(answer_url(session_a, flow.team_size), {"value": {"number": 5}}, format="json")
    response = api_a.put(answer_url(session_a, flow.team_size), {"value": None}, format="json")
    assert response.status_code == 200
    assert response.json()["answer"] is None
    assert not Response.objects.filter(session=session_a, question=flow.team_size).exists()


def audit_rows():
    """Count audit rows other than the hourly record of a key's use."""
    return AuditLog.objects.exclude(event="api_key.use").count()


def _nothing_changed(session, before_audit):
    assert not Response.objects.filter(session=session).exists()
    assert audit_rows() == before_audit
    session.refresh_from_db()
    assert session.progress["answered"] == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"text": "twelve"}, "Unexpected field: text."),  # the shape of another type
        ({"number": "12"}, "Enter a number."),
        ({"number": 5000}, "Enter a number no greater than 1000."),  # validation_rules max
        ("12", "Enter a number."),
    ],
)
def test_an_invalid_answer_is_a_422_and_changes_nothing(api_a, session_a, flow, value, message):
    before_audit = audit_rows()
    response = api_a.put(answer_url(session_a, flow.team_size), {"value": value}, format="json")
    error = assert_error(response, 422, "invalid_answer")
    assert error["details"] == {"errors": [message]}
    _nothing_changed(session_a, before_audit)


def test_an_invalid_answer_leaves_the_previous_answer_in_place(api_a, session_a, flow):
    api_a.put(answer_url(session_a, flow.team_size), {"value": {"number": 5}}, format="json")
    api_a.put(answer_url(session_a, flow.team_size), {"value": {"number": -1}}, format="json")
    stored = Response.objects.get(session=session_a, question=flow.team_size)
    assert (stored.value, stored.is_valid, stored.revision) == ({"number": 5}, True, 1)


def test_an_option_of_another_question_is_refused(api_a, session_a, flow):
    response = api_a.put(
        answer_url(session_a, flow.has_product),
        {"value": {"selectedOptionId": flow.team_size.pk}},
        format="json",
    )
    assert_error(response, 422, "invalid_answer")


def test_malformed_json_is_a_400_and_changes_nothing(api_a, session_a, flow):
    before_audit = audit_rows()
    response = api_a.generic(
        "PUT",
        answer_url(session_a, flow.team_size),
        '{"value": {"number": 5}',
        content_type="application/json",
    )
    assert_error(response, 400, "malformed_request")
    _nothing_changed(session_a, before_audit)


@pytest.mark.parametrize("body", ['{"value": NaN}', "[1, 2]", "{}", '"text"', "[" * 100_000 + "]" * 100_000])
def test_bodies_that_are_not_an_answer_are_a_400(api_a, session_a, flow, body):
    before_audit = audit_rows()
    response = api_a.generic(
        "PUT", answer_url(session_a, flow.team_size), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("malformed_request", "invalid_request")
    _nothing_changed(session_a, before_audit)


def test_a_form_encoded_body_is_a_415(api_a, session_a, flow):
    response = api_a.put(answer_url(session_a, flow.team_size), "value=5", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def test_an_unknown_question_is_a_422_and_changes_nothing(api_a, session_a, flow_b):
    before_audit = audit_rows()
    response = api_a.put(answer_url(session_a, flow_b.team_size), {"value": {"number": 5}}, format="json")
    assert_error(response, 422, "question_unavailable")
    _nothing_changed(session_a, before_audit)


def test_a_hidden_question_cannot_be_answered(api_a, session_a, flow):
    response = api_a.put(answer_url(session_a, flow.product_name), {"value": {"text": "Acme"}}, format="json")
    assert_error(response, 422, "question_unavailable")


def test_file_answers_are_refused_with_a_clear_message(api_a, session_a, flow):
    upload = QuestionFactory(section=flow.first, order_index=9, type="FILE_UPLOAD", text="Your deck")
    value = {
        "fileUrl": "https://example.com/a.pdf",
        "fileName": "a.pdf",
        "fileSize": 10,
        "mimeType": "application/pdf",
    }
    response = api_a.put(answer_url(session_a, upload), {"value": value}, format="json")
    assert_error(response, 422, "file_upload_unsupported")
    assert not Response.objects.exists()


# ----------------------------------------------------------------- completing


def test_completion_is_refused_with_the_missing_questions(api_a, session_a, flow):
    response = api_a.post(complete_url(session_a))
    error = assert_error(response, 422, "session_incomplete")
    assert error["details"]["missing"] == [
        {"id": str(flow.contact.pk), "text": flow.contact.text, "section_id": str(flow.second.pk)}
    ]
    session_a.refresh_from_db()
    assert session_a.status == SessionStatus.IN_PROGRESS


def test_a_complete_session_completes_and_then_takes_no_more_answers(api_a, session_a, flow):
    api_a.put(answer_url(session_a, flow.contact), {"value": {"text": "me@Example.COM"}}, format="json")
    response = api_a.post(complete_url(session_a))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "COMPLETED"
    assert response.json()["completed_at"]
    again = api_a.put(answer_url(session_a, flow.team_size), {"value": {"number": 5}}, format="json")
    assert_error(again, 409, "session_closed")
    assert_error(api_a.post(complete_url(session_a)), 409, "session_closed")


# ----------------------------------------------------------------- tenancy


def test_another_clients_session_is_a_404_for_a_key(api_b, session_a, flow):
    for response in [
        api_b.get(detail_url(session_a)),
        api_b.put(answer_url(session_a, flow.team_size), {"value": {"number": 5}}, format="json"),
        api_b.post(complete_url(session_a)),
    ]:
        assert_error(response, 404, "not_found")
    assert not Response.objects.exists()


def test_another_clients_session_is_a_404_for_a_signed_in_user(client_b, session_a, flow):
    browser = APIClient()
    browser.force_login(client_b)
    assert_error(browser.get(detail_url(session_a)), 404, "not_found")
    response = browser.put(answer_url(session_a, flow.team_size), {"value": {"number": 5}}, format="json")
    assert_error(response, 404, "not_found")


def test_a_colleague_in_the_same_organization_cannot_read_my_session(key_client, org_a, session_a):
    from tests.accounts.factories import UserFactory

    colleague = key_client(UserFactory(organization=org_a))
    assert_error(colleague.get(detail_url(session_a)), 404, "not_found")


# ----------------------------------------------------------------- browser sessions


def test_a_signed_in_browser_user_may_use_the_api_with_its_csrf_token(client_a, session_a, flow):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(client_a)
    assert browser.get(detail_url(session_a)).status_code == 200
    refused = browser.put(answer_url(session_a, flow.team_size), {"value": {"number": 5}}, format="json")
    error = assert_error(refused, 403, "permission_denied")
    assert "CSRF" in error["message"]
    page = browser.get(reverse("api:docs"))
    token = page.cookies["csrftoken"].value
    accepted = browser.put(
        answer_url(session_a, flow.team_size), {"value": {"number": 5}}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 200


# ----------------------------------------------------------------- errors are JSON


def test_unknown_api_urls_are_json_404s(api_a):
    assert_error(api_a.get("/api/v1/nothing-here/"), 404, "not_found")
    error = assert_error(api_a.get("/api/v1/sessions"), 404, "not_found")
    assert "/api/v1/sessions/" in error["message"]
    assert_error(api_a.post("/api/v1/sessions/not-a-uuid/complete/"), 404, "not_found")


def test_a_wrong_method_is_a_json_405(api_a, session_a):
    assert_error(api_a.delete(detail_url(session_a)), 405, "method_not_allowed")
    assert_error(api_a.options(sessions_url()), 405, "method_not_allowed")


def test_a_body_over_the_upload_limit_is_a_413(api_a, session_a, flow):
    body = '{"value": {"text": "' + "x" * 6_000_000 + '"}}'
    response = api_a.generic(
        "PUT", answer_url(session_a, flow.contact), body, content_type="application/json"
    )
    assert_error(response, 413, "request_too_large")
    assert not Response.objects.exists()
