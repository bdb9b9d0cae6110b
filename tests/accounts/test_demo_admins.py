"""The demo's admin is an organization's admin (scoped); its operator is a superuser (everything)."""

import io

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_ADMIN_EMAIL, DEMO_OPERATOR_EMAIL
from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import login_with_mfa

pytestmark = pytest.mark.django_db


def test_the_demo_admin_manages_the_demo_organization_only_and_the_operator_everything(client, org_b):
    call_command("seed_demo", stdout=io.StringIO())
    UserFactory(email="someone@borealis.example", organization=org_b)
    admin, operator = User.objects.get(email=DEMO_ADMIN_EMAIL), User.objects.get(email=DEMO_OPERATOR_EMAIL)
    assert admin.is_staff and not admin.is_superuser and admin.mfa_enabled
    assert admin.groups.filter(name="Organization admins").exists()
    assert operator.is_superuser and operator.mfa_enabled

    login_with_mfa(client, admin)
    users = client.get("/admin/accounts/user/").content.decode()
    assert "client@demo.example" in users and "borealis" not in users
    assert client.get("/admin/questionnaires/questionnaire/").status_code == 200

    login_with_mfa(client, operator)
    assert "someone@borealis.example" in client.get("/admin/accounts/user/").content.decode()
