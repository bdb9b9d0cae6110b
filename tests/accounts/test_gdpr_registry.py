"""GDPR's registry: each app declares its own personal data, and accounts only iterates over the entries.

The export, the summary and anonymisation of what an app registers reach the person and the audit
trail without accounts/gdpr.py knowing the app.
"""

import json
import uuid

import pytest
from django.urls import reverse

from accounts import gdpr
from audit.models import AuditLog
from audit.services import audit_record
from tests.accounts.helpers import login_with_mfa
from tests.sessions_app.factories import SessionFactory

pytestmark = pytest.mark.django_db

NOTE_ID = uuid.uuid4()


def _export(request):
    yield "notes", {"count": 1}
    yield "note_texts", (text for text in ["Call Jo back", "Jo prefers e-mail"])  # streamed


NOTES = gdpr.PersonalData(
    app_label="tests_notes",
    order=50,
    summary=lambda request: [("Notes", "2")],
    export=_export,
    session_members=lambda session, request: {"notes": ["Discussed on the phone"]},
    resources=lambda request: [NOTE_ID],
    anonymise=lambda request: {"notes_removed": 2},
)


@pytest.fixture
def notes_registered():
    gdpr.personal_data_register(NOTES)
    yield NOTES
    gdpr.personal_data_unregister(NOTES.app_label)


def test_each_app_with_personal_data_has_its_entry_in_order():
    entries = gdpr.personal_data_entries()

    assert [entry.app_label for entry in entries] == ["sessions_app", "documents", "audit"]
    # Sessions are locked before the documents found through them; the audit trail comes last.
    assert [entry.order for entry in entries] == sorted(entry.order for entry in entries)
    by_app = {entry.app_label: entry for entry in entries}
    assert by_app["sessions_app"].anonymise and by_app["documents"].anonymise
    assert by_app["audit"].anonymise is None  # the trail is never rewritten


def test_a_registered_apps_data_appears_in_the_export_in_its_place(client, client_a, notes_registered):
    SessionFactory(user=client_a)
    audit_record(action="note.create", resource_type="tests.note", resource_id=NOTE_ID)
    client.force_login(client_a)

    response = client.post(reverse("accounts:gdpr_export"))

    data = json.loads(b"".join(response.streaming_content))

    assert data["notes"] == {"count": 1}
    assert data["note_texts"] == ["Call Jo back", "Jo prefers e-mail"]
    assert data["sessions"][0]["notes"] == ["Discussed on the phone"]
    keys = list(data)
    assert keys.index("archived_sessions") < keys.index("notes") < keys.index("audit_log")
    about_note = [row for row in data["audit_log"] if row["resource_id"] == str(NOTE_ID)]
    assert [row["action"] for row in about_note] == ["note.create"]


def test_a_registered_apps_data_is_counted_and_anonymised(
    client, admin_user, client_a, notes_registered, django_capture_on_commit_callbacks
):
    login_with_mfa(client, admin_user)
    page = client.get(reverse("accounts:gdpr_user", args=[client_a.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        done = gdpr.user_anonymise(user=client_a, actor=admin_user)

    assert '<th scope="row">Notes</th><td>2</td>' in page
    assert done.notes_removed == 2
    assert AuditLog.objects.get(event="gdpr.anonymise").changes["after"]["notes_removed"] == 2
