"""Django admin lists and edits every model; the demo data is idempotent and its logins work."""

import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DEMO_LOGINS
from accounts.models import Organization, User
from tests.accounts.factories import ApiKeyFactory
from tests.accounts.helpers import login_with_mfa
from tests.audit.factories import AuditLogFactory
from tests.documents.factories import DocumentOutboxFactory
from tests.questionnaires.factories import VisibilityRuleFactory
from tests.sessions_app.factories import (
    ChangeRequestFactory,
    InvitationFactory,
    ResponseArchiveFactory,
    ResponseExportFactory,
    ResponseFactory,
    SessionReminderFactory,
)

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "questionnaires", "sessions_app", "documents", "audit"}
OUR_MODELS = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def test_every_model_of_ours_is_in_the_admin():
    assert OUR_MODELS
    missing = [m._meta.label for m in OUR_MODELS if not admin.site.is_registered(m)]
    assert not missing


@pytest.fixture
def populated(admin_user):
    ResponseFactory()
    ChangeRequestFactory()
    InvitationFactory()
    SessionReminderFactory()
    ResponseExportFactory()
    ResponseArchiveFactory()
    VisibilityRuleFactory()
    DocumentOutboxFactory()  # and its document
    ApiKeyFactory()
    AuditLogFactory()


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_admin_changelist_search_and_change_pages_work(client, admin_user, populated, model):
    login_with_mfa(client, admin_user)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "a"}).status_code == 200
    obj = model._default_manager.first()
    assert obj is not None
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert client.get(change).status_code == 200


def test_admin_can_edit_an_organization(client, admin_user, org_b):
    login_with_mfa(client, admin_user)
    url = reverse("admin:accounts_organization_change", args=[org_b.pk])
    response = client.post(
        url, {"name": "Borealis Renamed", "slug": "borealis", "settings": "{}", "subscription": "{}"}
    )
    assert response.status_code == 302, response.content
    org_b.refresh_from_db()
    assert org_b.name == "Borealis Renamed"


def test_the_audit_log_cannot_be_edited_in_admin(client, admin_user, populated):
    login_with_mfa(client, admin_user)
    entry = apps.get_model("audit", "AuditLog").objects.first()
    url = reverse("admin:audit_auditlog_change", args=[entry.pk])
    assert client.post(url, {"event": "changed"}).status_code == 403


def test_seed_demo_is_idempotent_and_its_logins_work(client):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert Organization.objects.filter(slug="demo").count() == 1
    assert User.objects.filter(organization__slug="demo").count() == len(DEMO_LOGINS)
    for login in DEMO_LOGINS:
        assert client.login(email=login.email, password=login.password), login.email
    reviewer = User.objects.get(email="reviewer@demo.example")
    assert reviewer.has_perm("accounts.review_document")
    assert not User.objects.get(email="client@demo.example").has_perm("accounts.review_document")


def test_every_response_carries_a_request_id(client):
    response = client.get("/admin/login/", HTTP_X_REQUEST_ID="req-123")
    assert response["X-Request-ID"] == "req-123"
    assert len(client.get("/admin/login/")["X-Request-ID"]) == 32
