"""Staff open a questionnaire's analytics page, narrow it with a filter, and every chart has its table;
axe-core finds nothing at desktop and phone width. Screenshots go to shots/analytics-*.png."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import UserRole
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in
from tests.sessions_app.test_analytics import DataSet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "shots"


def test_staff_read_the_figures_and_filter_them(
    page, live_server, org_a, org_b, client_a, client_b, admin_user
):
    data = DataSet(org_a, org_b, client_a, client_b, admin_user)
    analyst = UserFactory(email="analyst@acme.example", organization=org_a, role=UserRole.DEVELOPER)
    analyst.user_permissions.add(
        Permission.objects.get(content_type__app_label="sessions_app", codename="view_session")
    )
    log_in(page, live_server, analyst.email, PASSWORD)
    page.goto(live_server.url + reverse("analytics:questionnaire", args=[data.v2.pk]))
    assert page.get_by_role("heading", name="Completion funnel by section").is_visible()
    assert page.get_by_role("img", name="Sessions reaching each section").is_visible()
    assert page.get_by_role("table", name="Sessions reaching each section").is_visible()
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"analytics-{width}.png"), full_page=True)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Industry").select_option("finance")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**industry=finance**")
    started = page.locator(".an-kpis div").first
    assert started.inner_text().split() == ["Started", "1"]

    page.get_by_label("Started from").fill("2025-03-09")
    page.get_by_label("Started until").fill("2025-03-01")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_text("The date range runs backwards").is_visible()
    page.screenshot(path=str(SHOTS / "analytics-backwards.png"))
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
