"""An author reorders questions and sections from the keyboard: ↑ and ↓ buttons, no drag, no typing."""

import pytest
from django.conf import settings
from django.test import Client

from tests.accounts.helpers import login_with_mfa
from tests.questionnaires.builders import Draft
from tests.questionnaires.factories import QuestionFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_questions_and_sections_move_with_the_keyboard_and_the_move_is_said(live_server, page, admin_user):
    draft = Draft()
    second = SectionFactory(questionnaire=draft.questionnaire, name="Money", order_index=2)
    QuestionFactory(section=second, order_index=1, text="Annual revenue?")
    session = login_with_mfa(Client(), admin_user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/admin/questionnaires/questionnaire/{draft.questionnaire.pk}/change/")

    # The first question goes down one place: Tab to its button, Enter.
    page.get_by_role("button", name="Move down: “Do you have a product?”").focus()
    page.keyboard.press("Enter")
    status = page.locator(".authoring-outline .reorder-status")
    status.filter(has_text="“Do you have a product?” moved to position 2 of 4 in “Only section”.").wait_for()
    assert [q.text for q in draft.section.questions.order_by("order_index")] == [
        "How many employees?",
        "Do you have a product?",
        "Product name",
        "Tell us more",
    ]
    # The focus stays on the button, so pressing again keeps moving the same question.
    page.keyboard.press("Enter")
    status.filter(has_text="moved to position 3 of 4").wait_for()

    # The last question of the first section moves down into the next section, at its top.
    page.get_by_role("button", name="Move down: “Tell us more”").click()
    status.filter(has_text="“Tell us more” moved to position 1 of 2 in “Money”.").wait_for()
    assert [q.text for q in second.questions.order_by("order_index")] == ["Tell us more", "Annual revenue?"]

    # Sections: the order index box gives way to the buttons, and the outline follows the new order.
    sections = page.locator("#sections-group")
    assert not sections.locator('input[name$="-order_index"]').first.is_visible()
    sections.get_by_role("button", name="Move up: “Money”").focus()
    page.keyboard.press("Space")
    sections.locator(".reorder-status").filter(has_text="“Money” moved to position 1 of 2.").wait_for()
    assert list(draft.questionnaire.sections.order_by("order_index").values_list("name", flat=True)) == [
        "Money",
        "Only section",
    ]
    assert page.locator(".outline-section h3").first.inner_text().startswith("1. Money")
    assert sections.locator('input[name$="-order_index"]').first.input_value() == "1"

    # Saving the form afterwards keeps that order (the hidden order index boxes followed it).
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    assert draft.questionnaire.sections.order_by("order_index").first().name == "Money"
