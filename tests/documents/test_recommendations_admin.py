"""The recommendations library in the admin: checked on save, audited, and scoped to the organization."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import UserRole
from accounts.services import mfa_activate
from audit.models import AuditLog
from documents.models import DocumentType, Recommendation
from tests.accounts.factories import TOTP_SECRET, UserFactory
from tests.accounts.helpers import login_with_mfa
from tests.documents.conftest import type_form

pytestmark = pytest.mark.django_db

ADD = "admin:documents_recommendation_add"


@pytest.fixture
def org_admin(client, org_a):
    admin = UserFactory(email="orgadmin@acme.example", organization=org_a, role=UserRole.ADMIN, is_staff=True)
    admin.user_permissions.set(Permission.objects.filter(content_type__app_label="documents"))
    mfa_activate(user=admin, secret=TOTP_SECRET, actor=None)
    admin.refresh_from_db()
    return login_with_mfa(client, admin)


def _form(**changes):
    data = {
        "key": "adopt-feature-flags",
        "title": "Adopt feature flags",
        "document_types": ["technology-roadmap"],
        "condition": '{"field": "engineering_maturity.ci", "operator": "eq", "value": "none"}',
        "priority": "2",
        "impact": "HIGH",
        "effort": "LOW",
        "timeframe": "NOW",
        "owner_role": "Head of engineering",
        "finding": "CI is {{ engineering_maturity.ci|lower }}.",
        "rationale": "Flags separate deploying from releasing.",
        "risk": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_an_organization_adds_its_own_recommendation_and_it_is_audited(org_admin, org_a, demo_session):
    response = org_admin.post(reverse(ADD), _form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Recommendation.objects.get(key="adopt-feature-flags")
    assert created.organization == org_a and created.document_types == ["technology-roadmap"]
    assert AuditLog.objects.filter(resource_type="documents.recommendation", resource_id=created.pk).exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        (
            "condition",
            '{"field": "no_such_key", "operator": "eq", "value": 1}',
            "“no_such_key” is not a question key",
        ),
        (
            "condition",
            '{"field": "hosting", "operator": "eq", "value": "mars"}',
            "hosting has no option 'mars'",
        ),
        ("finding", "{% if x %}", "Line 1: Unexpected end of template"),
        ("rationale", "{{ nope }}", "“nope” is not a question key or computed value."),
        ("rationale", "{{ ''.__class__.__mro__ }}", "Templates may not read “__class__”"),
        (
            "condition",
            '{"field": "technical_debt", "operator": "gte", "value": "abc"}',
            "compared as a number",
        ),
        ("condition", '{"field": "founded_on", "operator": "lt", "value": "soon"}', "compare it with a date"),
        ("risk", "{% include '/etc/passwd' %}", "Templates may not use includes."),
        ("priority", "9", "Priority runs from 1 (most urgent) to 5."),
    ],
)
def test_a_bad_condition_or_template_is_refused_next_to_its_field(
    org_admin, demo_session, field, value, message
):
    response = org_admin.post(reverse(ADD), _form(**{field: value}))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in error for error in errors[field]), errors
    assert not Recommendation.objects.filter(key="adopt-feature-flags").exists()


def test_an_organization_reads_the_shared_library_writes_only_its_own_and_never_sees_another(
    org_admin, org_b, demo_session
):
    shared = Recommendation.objects.filter(organization__isnull=True).first()
    theirs = Recommendation.objects.create(organization=org_b, key="secret-advice", title="Borealis only")
    listing = org_admin.get(reverse("admin:documents_recommendation_changelist"))
    assert shared.title in listing.content.decode() and "Borealis only" not in listing.content.decode()
    assert org_admin.get(reverse("admin:documents_recommendation_change", args=[theirs.pk])).status_code in (
        302,
        404,
    )
    before = shared.title
    org_admin.post(reverse("admin:documents_recommendation_change", args=[shared.pk]), _form(key=shared.key))
    shared.refresh_from_db()
    assert shared.title == before


def test_an_organizations_entry_replaces_the_shared_one_of_the_same_key_in_its_documents(org_a, org_b):
    from documents.selectors import recommendations_for

    shared = Recommendation.objects.get(organization__isnull=True, key="introduce-continuous-integration")
    Recommendation.objects.create(organization=org_a, key=shared.key, title="Our own CI advice")
    titles = {
        r.key: r.title for r in recommendations_for(slug="technology-roadmap", organization_id=org_a.pk)
    }
    assert titles[shared.key] == "Our own CI advice"
    others = {
        r.key: r.title for r in recommendations_for(slug="technology-roadmap", organization_id=org_b.pk)
    }
    assert others[shared.key] == shared.title


def test_a_document_types_blocks_are_checked_when_saved(operator, demo_session):
    roadmap = DocumentType.objects.get(slug="technology-roadmap")
    url = reverse("admin:documents_documenttype_change", args=[roadmap.pk])
    wrong = '{"blocks": [{"kind": "text", "template": "{{ nope }}"}]}'
    response = operator.post(url, type_form(roadmap, metadata=wrong))
    assert response.status_code == 200, response.get("Location")
    errors = response.context["adminform"].form.errors
    assert errors["metadata"] == ["Block 1 (text): “nope” is not a question key or computed value."]
    right = '{"blocks": [{"kind": "text", "template": "{{ technology_budget|money }}"}]}'
    saved = operator.post(url, type_form(roadmap, metadata=right))
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    roadmap.refresh_from_db()
    assert roadmap.metadata["blocks"] == [{"kind": "text", "template": "{{ technology_budget|money }}"}]
