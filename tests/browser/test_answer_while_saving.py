"""An answer typed while another answer is being saved is kept and saved, however slow the first save.

Answering "Do you have a product?" with yes makes "Team size" required, so the first save's response
redraws "Team size". The first save is held back (a slow network) while the client types the team
size; the redrawn question must keep what they typed, and save it.
"""

import pytest

from questionnaires.models import VisibilityRule
from sessions_app.models import Response
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import log_in
from tests.sessions_app.builders import branching_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def flow(org_a):
    built = branching_questionnaire(organization=org_a)
    VisibilityRule.objects.create(
        question=built.has_product,
        action="REQUIRE",
        condition={"field": str(built.has_product.id), "operator": "eq", "value": built.yes},
        target_question_ids=[built.team_size.id],
    )
    return built


def _start_with_slow_yes(page, live_server, client_a, flow):
    """Log in, start, and answer yes with its save held back; return the held request."""
    log_in(page, live_server, client_a.email, PASSWORD)
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Do you have a product?").wait_for()
    assert page.evaluate("htmx.config.defaultSettleDelay") == 0  # a question is live as soon as it shows
    held = []
    page.route(f"**/questions/{flow.has_product.id}/answer/", lambda route: held.append(route))
    page.get_by_label("Yes").check()
    page.wait_for_function("document.querySelector('.htmx-request') !== null")
    assert len(held) == 1
    return held[0]


def _team_size_saved(flow):
    return Response.objects.filter(question_id=flow.team_size.id, value={"number": 12}).exists()


def test_an_answer_left_while_another_saves_is_kept_and_saved(live_server, page, client_a, flow):
    slow_yes = _start_with_slow_yes(page, live_server, client_a, flow)
    team_size = page.get_by_label("Team size")
    team_size.fill("12")
    team_size.press("Tab")  # its save waits behind the slow one
    slow_yes.continue_()

    page.locator(f"#wrap-q-{flow.team_size.id}").get_by_text("(required)").wait_for()
    assert page.get_by_label("Team size").input_value() == "12"  # not redrawn empty
    page.get_by_text("% ·").filter(has_text="2 of").wait_for()  # yes and the team size: both saved
    assert _team_size_saved(flow)


def test_a_question_being_typed_in_keeps_its_text_and_focus_when_redrawn(live_server, page, client_a, flow):
    slow_yes = _start_with_slow_yes(page, live_server, client_a, flow)
    team_size = page.get_by_label("Team size")
    team_size.click()
    page.keyboard.type("1")  # still typing when the slow save comes back
    slow_yes.continue_()

    page.locator(f"#wrap-q-{flow.team_size.id}").get_by_text("(required)").wait_for()
    page.keyboard.type("2")  # the caret is where it was, in the redrawn question
    assert page.get_by_label("Team size").input_value() == "12"
    page.keyboard.press("Tab")
    page.get_by_text("% ·").filter(has_text="2 of").wait_for()
    assert _team_size_saved(flow)


def test_a_redrawn_question_left_without_another_key_is_still_saved(live_server, page, client_a, flow):
    slow_yes = _start_with_slow_yes(page, live_server, client_a, flow)
    team_size = page.get_by_label("Team size")
    team_size.click()
    page.keyboard.type("12")
    slow_yes.continue_()

    page.locator(f"#wrap-q-{flow.team_size.id}").get_by_text("(required)").wait_for()
    page.keyboard.press("Tab")  # no key typed since the redraw: no native change event
    page.get_by_text("% ·").filter(has_text="2 of").wait_for()
    assert _team_size_saved(flow)
