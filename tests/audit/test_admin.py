"""Admins browse the audit trail read-only, filter and search it, and check its chain from the list page."""

import uuid

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from audit.context import RequestContextMiddleware
from audit.services import audit_record

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:audit_auditlog_changelist"


@pytest.fixture
def trail(client_a, admin_user):
    """Three entries: two by the client in one request, one by the system."""
    document_id = uuid.uuid4()
    return {
        "answer": audit_record(
            actor=client_a,
            action="response.save",
            resource_type="sessions_app.response",
            resource_id=uuid.uuid4(),
            before={"value": "no"},
            after={"value": "yes"},
        ),
        "document": audit_record(
            actor=client_a,
            action="document.approve",
            resource_type="documents.document",
            resource_id=document_id,
            before={"status": "PENDING_REVIEW"},
            after={"status": "APPROVED", "comment": "Looks right"},
        ),
        "system": audit_record(action="session.abandon", resource_type="sessions_app.session"),
    }


def _listed(response) -> set:
    return {str(entry.pk) for entry in response.context["cl"].result_list}


def test_admins_filter_by_actor_resource_type_action_and_date(staff_client, trail, client_a):
    url = reverse(CHANGELIST)
    everything = _listed(staff_client.get(url))
    assert {str(entry.pk) for entry in trail.values()} <= everything
    by_actor = _listed(staff_client.get(url, {"actor": str(client_a.pk)}))
    assert by_actor == {str(trail["answer"].pk), str(trail["document"].pk)}
    assert str(trail["system"].pk) in _listed(staff_client.get(url, {"actor": "none"}))
    assert _listed(staff_client.get(url, {"resource_type": "documents.document"})) == {
        str(trail["document"].pk)
    }
    assert _listed(staff_client.get(url, {"event": "response.save"})) == {str(trail["answer"].pk)}
    day = trail["answer"].timestamp
    on_the_day = {"timestamp__year": day.year, "timestamp__month": day.month, "timestamp__day": day.day}
    assert str(trail["answer"].pk) in _listed(staff_client.get(url, on_the_day))


def test_a_nonsense_actor_filter_shows_nothing_rather_than_failing(staff_client, trail):
    response = staff_client.get(reverse(CHANGELIST), {"actor": "not-a-uuid"})
    assert response.status_code == 200 and _listed(response) == set()


def test_admins_find_an_entry_by_its_resource_id(staff_client, trail):
    document = trail["document"]
    response = staff_client.get(reverse(CHANGELIST), {"q": str(document.resource_id)})
    assert _listed(response) == {str(document.pk)}


def test_admins_find_the_entries_of_one_request_by_its_request_id(staff_client, trail):
    request_id = "req-" + uuid.uuid4().hex
    recorded = []

    def view(request):
        recorded.append(audit_record(action="thing.request", resource_type="tests.thing"))
        recorded.append(audit_record(action="thing.request", resource_type="tests.thing"))
        return HttpResponse()

    RequestContextMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID=request_id))
    response = staff_client.get(reverse(CHANGELIST), {"q": request_id})
    assert _listed(response) == {str(entry.pk) for entry in recorded}


def test_the_change_page_shows_before_and_after_side_by_side(staff_client, trail):
    entry = trail["document"]
    response = staff_client.get(reverse("admin:audit_auditlog_change", args=[entry.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<th>field</th><th>before</th><th>after</th>" in html
    assert "<tr><th>status</th><td><pre>PENDING_REVIEW</pre></td><td><pre>APPROVED</pre></td></tr>" in html
    assert "<tr><th>comment</th><td><pre></pre></td><td><pre>Looks right</pre></td></tr>" in html
    assert entry.signature in html


def test_the_verify_button_reports_an_intact_chain(staff_client, trail):
    response = staff_client.post(reverse("admin:audit_auditlog_verify"), follow=True)
    assert response.status_code == 200
    assert "Verify chain" in response.content.decode()
    messages = [str(message) for message in response.context["messages"]]
    assert any(message.startswith("Audit chain intact") for message in messages)


def test_the_verify_button_names_a_tampered_row(staff_client, trail):
    entry = trail["answer"]
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE audit_logs SET action = 'response.forged' WHERE id = %s", [entry.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    response = staff_client.post(reverse("admin:audit_auditlog_verify"), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any(str(entry.pk) in message and "was changed" in message for message in messages)


def test_the_verify_button_only_answers_a_post_from_staff(client, staff_client, client_a):
    url = reverse("admin:audit_auditlog_verify")
    assert staff_client.get(url).status_code == 405
    client.force_login(client_a)
    assert client.post(url).status_code == 302  # to the admin login page
