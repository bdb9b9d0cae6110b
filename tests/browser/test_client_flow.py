"""A client answers in the browser, sees a branch open and close, leaves, resumes elsewhere, completes."""

import pytest

from sessions_app.models import Session, SessionStatus
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import log_in
from tests.sessions_app.builders import branching_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_client_answers_branches_resumes_and_completes(live_server, browser, client_a, org_a):
    flow = branching_questionnaire(organization=org_a)
    product_name = f"#wrap-q-{flow.product_name.id}"

    first_device = browser.new_context()
    page = first_device.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, client_a.email, PASSWORD)
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Do you have a product?").wait_for()
    assert not page.locator(product_name).is_visible()

    page.get_by_label("Yes").check()  # saved at once; the dependent question appears without a reload
    page.get_by_label("Product name").wait_for()
    page.get_by_label("No").check()
    page.locator(product_name).wait_for(state="hidden")
    page.get_by_label("Yes").check()
    page.get_by_label("Product name").fill("Orbit")
    page.get_by_label("Team size").fill("12")
    page.get_by_label("Team size").press("Tab")
    page.get_by_text("% ·").filter(has_text="3 of").wait_for()  # progress moved: 3 answered
    # and the section list with it, without a reload: every visible question of the first is answered
    page.locator("#section-list li").first.filter(has_text="complete").wait_for()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Tell us its story").wait_for()  # the chained question shows in section 2
    page.get_by_label("Tell us its story").fill("It began in a garage.")
    page.get_by_label("Tell us its story").press("Tab")
    page.wait_for_load_state("networkidle")
    first_device.close()  # the client leaves

    second_device = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = second_device.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, client_a.email, PASSWORD)
    page.get_by_role("link", name="Continue").click()
    story = page.get_by_label("Tell us its story")
    story.wait_for()
    assert story.input_value() == "It began in a garage."  # exactly where they were
    page.get_by_label("Contact e-mail").fill("not an address")
    page.get_by_label("Contact e-mail").press("Tab")
    page.get_by_text("Enter a valid email address", exact=False).wait_for()
    page.get_by_label("Contact e-mail").fill("ceo@orbit.example")
    page.get_by_label("Contact e-mail").press("Tab")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Review answers").click()
    page.get_by_text("It began in a garage.").wait_for()
    page.get_by_role("button", name="Complete").click()
    page.get_by_text("your answers are complete").wait_for()
    second_device.close()

    session = Session.objects.get(user=client_a)
    assert session.status == SessionStatus.COMPLETED
    assert session.progress["answered"] == 5
