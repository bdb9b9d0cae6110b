"""An organization's admin in the admin site: their own people and questionnaires, the catalogue read-only."""

import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from accounts.models import UserRole
from accounts.services import mfa_activate
from tests.accounts.factories import TOTP_SECRET, UserFactory
from tests.accounts.helpers import login_with_mfa
from tests.questionnaires.factories import QuestionnaireFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ACQS_SCREENSHOTS")  # a folder to keep the pages in, to look at them


def test_an_organizations_admin_sees_only_their_organization_and_no_rights_beyond_their_own(
    live_server, page, org_a, org_b, client_a
):
    staff = UserFactory(
        email="admin@borealis.example", organization=org_b, is_staff=True, role=UserRole.ADMIN
    )
    staff.user_permissions.set(Permission.objects.all())
    mfa_activate(user=staff, secret=TOTP_SECRET, actor=None)
    UserFactory(email="client@borealis.example", organization=org_b)
    QuestionnaireFactory(name="Borealis intake", organization=org_b)
    QuestionnaireFactory(name="Acme secret plan", organization=org_a)
    QuestionnaireFactory(name="Catalogue starter", organization=None, published_at=timezone.now())
    session = login_with_mfa(Client(), staff).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/admin/accounts/user/")
    page.get_by_role("link", name="client@borealis.example").wait_for()
    body = page.content()
    assert "acme.example" not in body and "Acme Advisory" not in body
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/tenant-admin-users.png", full_page=True)

    page.goto(f"{live_server.url}/admin/accounts/user/{staff.pk}/change/")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/tenant-admin-own-user.png", full_page=True)
    page.get_by_label("Is staff").wait_for()
    assert page.locator("[name=is_superuser]").count() == 0
    assert page.locator("[name=user_permissions]").count() == 0
    assert page.locator("select[name=organization]").count() == 0
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/tenant-admin-own-user.png", full_page=True)

    page.goto(f"{live_server.url}/admin/questionnaires/questionnaire/")
    page.get_by_role("link", name="Borealis intake").wait_for()
    assert page.get_by_role("link", name="Catalogue starter").count() == 1
    assert "Acme secret plan" not in page.content()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/tenant-admin-questionnaires.png", full_page=True)
