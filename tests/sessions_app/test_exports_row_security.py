"""Response exports under row-level security, as the application's role connects in production: each
organization sees only its own exports, and staff export and download with the policies in force."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import UserRole
from sessions_app.export_models import ExportStatus, ResponseExport
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import login_post
from tests.sessions_app.factories import ResponseFactory, SessionFactory
from tests.sessions_app.test_exports import lineage
from tests.test_row_level_security import app_role_connection
from tests.test_row_level_security_more import _as_system, as_app_role, scope  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_tenant_sees_its_own_exports_only(org_a, org_b):
    survey = lineage(None)  # a catalogue questionnaire both organizations export
    ours = ResponseExport.objects.create(organization=org_a, questionnaire=survey.v2, format="csv")
    theirs = ResponseExport.objects.create(organization=org_b, questionnaire=survey.v2, format="xlsx")
    with app_role_connection() as conn:

        def visible():
            return {str(row[0]) for row in conn.execute("SELECT id FROM response_exports").fetchall()}

        scope(conn, org_a.pk)
        assert visible() == {str(ours.pk)}
        scope(conn, org_b.pk)
        assert visible() == {str(theirs.pk)}
        scope(conn)
        assert visible() == set()


def test_staff_export_and_download_as_the_application_role(
    client,
    org_a,
    org_b,
    as_app_role,  # noqa: F811 (last would be usual; the data below is made before any request)
):
    _as_system()
    survey = lineage(None)
    for organization, company in ((org_a, "Ours"), (org_b, "Theirs")):
        session = SessionFactory(
            user=UserFactory(organization=organization),
            questionnaire=survey.v2,
            adaptive_state={"activeQuestionIds": [str(q.pk) for q in survey.q2.values()]},
            started_at=timezone.now(),
        )
        ResponseFactory(session=session, question=survey.q2["company"], value={"text": company})
    staff = UserFactory(email="erin@acme.example", organization=org_a, role=UserRole.DEVELOPER)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sessions_app", codename__endswith="_responseexport"
        )
    )
    assert login_post(client, staff.email).status_code == 302
    page = f"/questionnaires/{survey.v2.pk}/exports/"
    assert client.post(page, {"format": "csv"}).status_code == 302
    _as_system()
    export = ResponseExport.objects.get()
    assert (export.status, export.row_count, export.organization_id) == (ExportStatus.DONE, 1, org_a.pk)
    download = client.get(f"/exports/{export.pk}/download/")
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert [row["company"] for row in rows] == ["Ours"]
