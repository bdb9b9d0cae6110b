"""A question's page in the admin, served as in production (collectstatic, whitenoise): few requests,
little to download, nothing twice, every static file compressed and cached for good; and still working."""

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.test.testcases import LiveServerThread

from tests.accounts.helpers import login_with_mfa
from tests.questionnaires.builders import draft_with_rule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_REQUESTS = 12
MAX_BYTES = 300 * 1024


@pytest.fixture
def production_server(settings, tmp_path):
    """A live server with hashed, compressed static files served by whitenoise, not by the test's finders."""
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    server = LiveServerThread("localhost", static_handler=lambda handler: handler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://localhost:{server.port}"
    server.terminate()


def test_a_question_page_is_light_and_its_rules_can_still_be_added(production_server, page, admin_user):
    draft = draft_with_rule()
    session = login_with_mfa(Client(), admin_user).cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": production_server}]
    )
    finished, errors = [], []
    page.on("requestfinished", lambda request: finished.append(request))
    page.on("pageerror", lambda error: errors.append(error))

    page.goto(f"{production_server}/admin/questionnaires/question/{draft.choice.pk}/change/")
    page.wait_for_load_state("networkidle")

    urls = [request.url for request in finished if not request.url.endswith("/favicon.ico")]
    assert len(urls) < MAX_REQUESTS, urls
    assert len(urls) == len(set(urls)), urls  # nothing loaded twice
    sizes = [r.sizes() for r in finished]
    assert sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes) < MAX_BYTES
    for request in finished:
        if "/static/" in request.url:
            headers = request.response().headers
            assert headers.get("content-encoding") in ("br", "gzip"), request.url
            assert "immutable" in headers["cache-control"], request.url
    assert not errors

    # The admin's scripts, bundled, still do their work: a rule is added to the page and removed.
    rules = page.locator(".inline-related:not(.empty-form)")
    count = rules.count()
    page.get_by_role("button", name="Add another Visibility rule").click()
    assert rules.count() == count + 1
    page.locator(".inline-related:not(.empty-form) .inline-deletelink").last.click()
    assert rules.count() == count
    assert not errors
