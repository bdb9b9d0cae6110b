"""The pages work under the Content-Security-Policy: chromium reports no violation on the client's pages,
the admin, the API documentation and a reviewer's PDF preview (core/security_headers.py).

The headers themselves, and `check --deploy`, are tested in tests/test_security_headers.py.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory
from tests.accounts.helpers import login_with_mfa
from tests.browser.conftest import log_in
from tests.sessions_app.builders import branching_questionnaire
from tests.test_security_headers import reviewed_pdf  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIOLATIONS_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || location.pathname}:${event.lineNumber}`);
});
"""


class ViolationWatch:
    """Collect what chromium reports about the Content-Security-Policy, in the console and as events."""

    def __init__(self, browser_page):
        self.page = browser_page
        self.console: list[str] = []
        browser_page.add_init_script(VIOLATIONS_RECORDER)
        browser_page.on("console", self._console)

    def _console(self, message):
        text = message.text
        if (
            "Content Security Policy" in text
            or "Content-Security-Policy" in text
            or "Permissions-Policy" in text
        ):
            self.console.append(f"{self.page.url}: {text}")

    def visit(self, url: str, *, ready: str | None = None):
        response = self.page.goto(url)
        assert response is not None and response.status < 400, f"{url}: {response and response.status}"
        assert "content-security-policy" in response.headers, f"{url} has no policy to violate"
        if ready:
            self.page.locator(ready).first.wait_for(state="attached")  # present; visibility is not the point
        self.page.wait_for_load_state("load")
        return response

    def violations(self) -> list[str]:
        events = []
        for frame in self.page.frames:
            try:
                events += frame.evaluate("window.__cspViolations || []")
            except Exception:  # noqa: BLE001 - a frame chromium's PDF viewer owns cannot be evaluated
                continue
        return self.console + events


def signed_in_page(chromium, live_server, user):
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    cookie = login_with_mfa(Client(), user).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    signed_in = context.new_page()
    signed_in.set_default_timeout(20_000)
    return context, signed_in


def test_the_client_pages_work_with_no_policy_violation(live_server, page, client_a):
    flow = branching_questionnaire(organization=client_a.organization)
    page.set_default_timeout(20_000)
    watch = ViolationWatch(page)

    watch.visit(f"{live_server.url}/login/", ready="form")
    log_in(page, live_server, client_a.email, PASSWORD)
    page.get_by_role("heading", name="My questionnaires").wait_for()
    page.get_by_role("button", name="Start").first.click()
    page.get_by_label("Yes").check()  # an htmx answer: the product name appears, progress moves
    page.get_by_label("Product name").fill("Widget")
    page.get_by_label("Product name").blur()
    page.locator("#progress").get_by_text("1 of").wait_for()
    page.get_by_label("Product name").wait_for()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Contact e-mail").wait_for()
    watch.visit(f"{live_server.url}/sessions/", ready="progress")
    watch.visit(f"{live_server.url}/account/", ready="h1")
    watch.visit(f"{live_server.url}/account/mfa/setup/", ready="svg[role=img]")  # the QR code
    watch.visit(f"{live_server.url}/account/api-keys/", ready="h1")
    assert flow.questionnaire.sessions.count() == 1

    assert watch.violations() == []


def test_the_admin_the_gdpr_pages_and_the_api_documentation_work_with_no_policy_violation(
    browser,
    live_server,
    admin_user,
):
    flow = branching_questionnaire(organization=admin_user.organization)
    context, admin_page = signed_in_page(browser, live_server, admin_user)
    watch = ViolationWatch(admin_page)

    watch.visit(f"{live_server.url}/admin/questionnaires/questionnaire/", ready="#result_list")
    watch.visit(
        f"{live_server.url}/admin/questionnaires/questionnaire/{flow.questionnaire.pk}/change/",
        ready=".outline-section",
    )
    watch.visit(
        f"{live_server.url}/admin/questionnaires/question/{flow.product_name.pk}/change/", ready="form"
    )
    watch.visit(f"{live_server.url}/admin/audit/auditlog/", ready="#result_list")
    watch.visit(f"{live_server.url}/admin/accounts/user/{admin_user.pk}/change/", ready="form")
    client = UserFactory(email="leaving@acme.example", organization=admin_user.organization)
    watch.visit(f"{live_server.url}{reverse('accounts:gdpr_user', args=[client.pk])}", ready="#content-main")
    watch.visit(f"{live_server.url}{reverse('accounts:gdpr_user_anonymise', args=[client.pk])}", ready="form")
    watch.visit(f"{live_server.url}/api/v1/docs/", ready=".opblock")
    admin_page.locator(".opblock-summary").first.click()  # an operation opens, with its example values
    admin_page.locator(".opblock-body").first.wait_for()
    admin_page.locator(".model-box, .highlight-code, .microlight").first.wait_for()

    assert watch.violations() == []
    context.close()


def test_the_reviewers_pdf_preview_loads_in_its_frame(
    browser,
    live_server,
    reviewer_a,
    reviewed_pdf,  # noqa: F811 - the fixture imported above
):
    context, reviewer_page = signed_in_page(browser, live_server, reviewer_a)
    watch = ViolationWatch(reviewer_page)

    with reviewer_page.expect_response(lambda r: "inline=1" in r.url) as framed:
        watch.visit(f"{live_server.url}{reverse('documents:detail', args=[reviewed_pdf.pk])}", ready="iframe")
    reviewer_page.wait_for_timeout(500)  # the viewer reports a refused frame just after the response

    assert framed.value.status == 200
    assert framed.value.headers["content-type"] == "application/pdf"
    assert watch.violations() == []
    context.close()


def test_the_admins_type_preview_shows_its_pdf_in_a_frame_beside_the_provenance(
    browser, live_server, admin_user, client_a, media_root
):
    from documents.catalogue import catalogue_load
    from documents.content import content_load
    from documents.models import DocumentType, Recommendation
    from tests.documents.builders import complete_demo_session

    catalogue_load(DocumentType, only_missing=True)  # a transactional test's flush took them
    content_load(DocumentType, Recommendation)
    session = complete_demo_session(user=client_a, organization=admin_user.organization)
    roadmap = DocumentType.objects.get(slug="technology-roadmap")
    context, admin_page = signed_in_page(browser, live_server, admin_user)
    watch = ViolationWatch(admin_page)

    url = reverse("admin:documents_documenttype_preview", args=[roadmap.pk])
    with admin_page.expect_response(lambda r: r.url.endswith("format=PDF")) as framed:
        watch.visit(
            f"{live_server.url}{url}?session={session.pk}&format=PDF&show=Preview", ready=".doc-provenance"
        )
    admin_page.wait_for_timeout(500)

    assert framed.value.status == 200 and framed.value.headers["content-type"] == "application/pdf"
    frame = admin_page.locator(".preview-columns iframe").bounding_box()
    assert frame["width"] > 400 and frame["height"] > 500  # the style sheet applied (else 300 x 150)
    assert watch.violations() == []
    context.close()
