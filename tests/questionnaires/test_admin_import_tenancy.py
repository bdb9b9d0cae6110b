"""An organization's admin imports into their own organization, as a draft unless they publish it."""

import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserRole
from accounts.services import mfa_activate
from questionnaires import selectors
from questionnaires.interchange import questionnaire_export
from questionnaires.models import Questionnaire
from tests.accounts.factories import TOTP_SECRET, UserFactory
from tests.accounts.helpers import login_with_mfa
from tests.questionnaires.builders import Draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant_admin(client, org_b):
    staff = UserFactory(organization=org_b, is_staff=True, role=UserRole.ADMIN)
    staff.user_permissions.set(Permission.objects.all())
    mfa_activate(user=staff, secret=TOTP_SECRET, actor=None)
    login_with_mfa(client, staff)
    return staff


def _file(document) -> io.BytesIO:
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "bank.json"
    return upload


@pytest.fixture
def published_file():
    draft = Draft()
    document = questionnaire_export(draft.questionnaire)
    Questionnaire.objects.all().delete()
    document.update(name="Enter your bank password", published_at=timezone.now().isoformat())
    return document


def test_an_import_names_no_owner_and_publishes_nothing_for_an_organizations_admin(
    client, tenant_admin, org_a, org_b, client_a, published_file
):
    url = reverse("admin:questionnaires_questionnaire_import")
    assert 'name="organization"' not in client.get(url).content.decode()
    for forged in (str(org_a.pk), ""):
        Questionnaire.objects.all().delete()
        response = client.post(url, {"file": _file(published_file), "organization": forged})
        assert response.status_code == 302
        imported = Questionnaire.objects.get()
        assert imported.organization == org_b and imported.published_at is None
    # Nothing reaches the clients of another organization.
    assert selectors.questionnaires_for_client(user=client_a) == []


def test_an_organizations_admin_publishes_on_import_only_when_asked(
    client, tenant_admin, org_b, published_file
):
    url = reverse("admin:questionnaires_questionnaire_import")
    response = client.post(url, {"file": _file(published_file), "publish": "on"})
    assert response.status_code == 302
    imported = Questionnaire.objects.get()
    assert imported.organization == org_b and imported.published_at is not None


def test_an_organizations_admin_cannot_change_or_publish_the_shared_catalogue(client, tenant_admin):
    shared = Draft().questionnaire  # a draft of the shared catalogue (no organization)
    assert shared.organization_id is None
    publish = reverse("admin:questionnaires_questionnaire_publish", args=[shared.pk])
    assert client.post(publish).status_code == 403
    change = reverse("admin:questionnaires_questionnaire_change", args=[shared.pk])
    assert client.get(change).status_code == 200  # readable
    assert client.post(change, {"name": "Hijacked"}).status_code == 403
    clone = reverse("admin:questionnaires_questionnaire_clone", args=[shared.pk])
    assert client.post(clone, {"name": "Ours now"}).status_code == 302
    copy = Questionnaire.objects.get(name="Ours now")
    assert copy.organization == tenant_admin.organization
    shared.refresh_from_db()
    assert shared.published_at is None and shared.name != "Hijacked"
