"""Request headers with characters PostgreSQL refuses (NUL) are cleaned where they are captured: a
failed log-in still counts and is audited, and a session still starts, instead of a server error that
rolls the failure back."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.api_keys import api_key_create
from audit.context import header_text
from audit.models import AuditLog
from sessions_app.models import Session
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import login_post
from tests.sessions_app.builders import branching_questionnaire

pytestmark = pytest.mark.django_db

EVIL_AGENT = "evil\x00agent"


@pytest.fixture
def person(org_a):
    return UserFactory(email="person@acme.example", organization=org_a)


def test_a_failed_log_in_with_a_nul_in_the_user_agent_is_counted_and_audited(client, person):
    response = login_post(client, person.email, "not-the-password", HTTP_USER_AGENT=EVIL_AGENT)
    assert response.status_code == 200
    assert b"do not match an account" in response.content
    person.refresh_from_db()
    assert person.failed_login_attempts == 1
    entry = AuditLog.objects.get(event="auth.login_failed", resource_id=person.pk)
    assert entry.user_agent == "evil\ufffdagent"  # what was there stays visible, in a form that stores


def test_a_failed_log_in_of_an_unknown_address_with_a_nul_header_is_audited(client):
    response = login_post(
        client, "nobody@acme.example", "whatever", HTTP_USER_AGENT=EVIL_AGENT, HTTP_X_REQUEST_ID="id\x00"
    )
    assert response.status_code == 200
    entry = AuditLog.objects.get(event="auth.login_failed")
    assert entry.changes["after"]["email"] == "nobody@acme.example"
    assert "\x00" not in entry.user_agent and "\x00" not in entry.cid


def test_a_nul_in_the_user_agent_or_referrer_does_not_stop_a_session_starting(client, client_a, org_a):
    flow = branching_questionnaire(organization=org_a)
    client.force_login(client_a)
    response = client.post(
        reverse("sessions_app:start", args=[flow.questionnaire.pk]),
        {"industry": ""},
        HTTP_USER_AGENT=EVIL_AGENT,
        HTTP_REFERER="https://example.com/\x00",
    )
    assert response.status_code == 302
    session = Session.objects.get(user=client_a)
    assert session.metadata["userAgent"] == "evil\ufffdagent"
    assert session.metadata["referrer"] == "https://example.com/\ufffd"


def test_a_nul_in_the_user_agent_does_not_stop_a_session_starting_through_the_api(client_a, org_a):
    flow = branching_questionnaire(organization=org_a)
    _, raw = api_key_create(user=client_a, name="Probe", scopes=["sessions:write"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.post(
        "/api/v1/sessions/",
        {"questionnaire_id": str(flow.questionnaire.pk)},
        format="json",
        HTTP_USER_AGENT=EVIL_AGENT,
    )
    assert response.status_code == 201, response.content
    assert Session.objects.get(user=client_a).metadata["userAgent"] == "evil\ufffdagent"


def test_header_text_keeps_ordinary_text_and_cuts_to_the_limit(rf):
    request = rf.get("/", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) é")
    assert header_text(request, "HTTP_USER_AGENT", limit=1000) == "Mozilla/5.0 (X11; Linux x86_64) é"
    assert header_text(request, "HTTP_USER_AGENT", limit=7) == "Mozilla"
    assert header_text(request, "HTTP_REFERER", limit=10) == ""
