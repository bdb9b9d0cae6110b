"""In a real browser: the API documentation loads nothing from another host, and a new key is shown once."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import ApiKey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_renders_every_endpoint_without_another_host(live_server, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/sessions/{session_id}/answers/{question_id}/" in path for path in paths)
    assert len(paths) >= 10
    assert requested and all(url.startswith(live_server.url) for url in requested), requested


def test_a_new_key_is_shown_once_and_works(live_server, page, client_a):
    signed_in = Client()
    signed_in.force_login(client_a)
    cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/account/api-keys/")
    page.get_by_label("Name").fill("Reporting")
    page.get_by_label("sessions:read", exact=False).check()
    page.get_by_role("button", name="Create key").click()
    raw_key = page.get_by_label("API key").input_value()
    assert ApiKey.objects.get(user=client_a).key_prefix == raw_key[:8]
    response = page.request.get(
        f"{live_server.url}/api/v1/sessions/", headers={"Authorization": f"Bearer {raw_key}"}
    )
    assert response.status == 200
    page.goto(f"{live_server.url}/account/api-keys/")
    assert raw_key not in page.content()
    page.get_by_role("button", name="Revoke Reporting").click()
    assert "is revoked" in page.content()
    response = page.request.get(
        f"{live_server.url}/api/v1/sessions/", headers={"Authorization": f"Bearer {raw_key}"}
    )
    assert response.status == 401
