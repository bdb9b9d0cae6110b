"""An author's path through the question pages, in chromium: no id typed, no JSON typed, no trap.

A question is created and saved untouched (no empty rule stands in the way), its limits are set in
the validation editor, a nested rule is built with the searchable target picker, a rule that would
make a cycle is refused at save with the cycle in words, and the questionnaire is published.
"""

import pytest
from django.conf import settings
from django.test import Client

from questionnaires.models import Question, Questionnaire, VisibilityRule
from tests.accounts.helpers import login_with_mfa
from tests.questionnaires.factories import (
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    choice_options,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_author_creates_a_question_builds_a_nested_rule_is_refused_a_cycle_and_publishes(
    live_server, page, admin_user
):
    questionnaire = QuestionnaireFactory(name="Shop check", organization=admin_user.organization)
    section = SectionFactory(questionnaire=questionnaire, name="Your shop", order_index=1)
    online = QuestionFactory(
        section=section,
        order_index=1,
        type="SINGLE_CHOICE",
        text="Do you sell online?",
        options=choice_options("Yes", "No"),
    )
    staff = QuestionFactory(section=section, order_index=2, type="NUMBER", text="Staff count")
    session = login_with_mfa(Client(), admin_user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )

    # A new question, saved, then saved again untouched: no rule form is in the way.
    page.goto(f"{live_server.url}/admin/questionnaires/questionnaire/{questionnaire.pk}/change/")
    page.locator(".outline-section").filter(has_text="Your shop").get_by_role(
        "link", name="Add question"
    ).click()
    page.get_by_label("Text:", exact=True).fill("Payment provider")
    page.get_by_label("Type:").select_option(label="Short text")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was added successfully").wait_for()
    assert page.locator("#visibility_rules-group .inline-related:not(.empty-form)").count() == 0
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    payment = Question.objects.get(text="Payment provider")
    assert not payment.visibility_rules.exists()

    # Limits in the validation editor: only the number's inputs are offered.
    page.goto(f"{live_server.url}/admin/questionnaires/question/{staff.pk}/change/")
    assert not page.get_by_label("Pattern the answer must match").is_visible()
    assert not page.get_by_label("Earliest date").is_visible()
    page.get_by_label("Smallest number").fill("1")
    page.get_by_label("Largest number").fill("100000")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    staff.refresh_from_db()
    assert staff.validation_rules == {"min": 1, "max": 100000}

    # A nested rule on "Do you sell online?": Yes, and (more than 10 staff, or staff not given).
    page.goto(f"{live_server.url}/admin/questionnaires/question/{online.pk}/change/")
    page.get_by_role("button", name="Add another Visibility rule").click()
    rule = page.locator("#visibility_rules-0")
    rule.get_by_label("Action:").select_option(label="Show")
    rule.get_by_label("Value", exact=True).select_option(label="Yes")
    rule.get_by_role("button", name="+ Group (all of / any of)").click()
    group = rule.locator(".cond-group")
    first, second = group.locator(".cond-leaf").nth(0), group.locator(".cond-leaf").nth(1)
    first.get_by_label("Question", exact=True).select_option(label="Staff count")
    first.get_by_label("Operator").select_option(label="is greater than")
    first.get_by_label("Value", exact=True).fill("10")
    second.get_by_label("Question", exact=True).select_option(label="Staff count")
    second.get_by_label("Operator").select_option(label="is unanswered")
    # The picker narrows as the author types, and ticks without Ctrl.
    rule.get_by_label("Find a target question").fill("payment")
    assert not rule.locator(".target-picker").get_by_label("Staff count").is_visible()
    rule.locator(".target-picker").get_by_label("Payment provider").check()
    assert rule.get_by_text("1 question ticked").is_visible()
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    saved = VisibilityRule.objects.get(question=online)
    assert saved.target_question_ids == [payment.pk]
    assert saved.condition == {
        "logicalOp": "AND",
        "nested": [
            {"field": str(online.pk), "operator": "eq", "value": online.options[0]["id"]},
            {
                "logicalOp": "OR",
                "nested": [
                    {"field": str(staff.pk), "operator": "gt", "value": 10},
                    {"field": str(staff.pk), "operator": "is_empty"},
                ],
            },
        ],
    }
    # The saved rule is headed by its wording.
    page.get_by_text('SHOW "Payment provider" when').wait_for()

    # A rule that would show "Do you sell online?" on "Payment provider" closes a loop: refused.
    page.goto(f"{live_server.url}/admin/questionnaires/question/{payment.pk}/change/")
    page.get_by_role("button", name="Add another Visibility rule").click()
    rule = page.locator("#visibility_rules-0")
    rule.get_by_label("Action:").select_option(label="Show")
    rule.locator(".target-picker").get_by_label("Do you sell online?").check()
    page.get_by_role("button", name="Save and continue editing").click()
    refusal = page.get_by_text("Not saved: SHOW/HIDE rules form a cycle")
    refusal.wait_for()
    assert "Payment provider" in refusal.inner_text() and "Do you sell online?" in refusal.inner_text()
    assert not VisibilityRule.objects.filter(question=payment).exists()

    # Publish: nothing blocks it.
    page.goto(f"{live_server.url}/admin/questionnaires/questionnaire/{questionnaire.pk}/change/")
    page.get_by_role("link", name="Publish…").click()
    page.get_by_role("button", name="Publish version 1").click()
    page.get_by_text("is published: new sessions start on it").wait_for()
    assert Questionnaire.objects.get(pk=questionnaire.pk).published_at is not None


def test_options_are_reordered_with_the_keyboard(live_server, page, admin_user):
    questionnaire = QuestionnaireFactory(name="Order check", organization=admin_user.organization)
    section = SectionFactory(questionnaire=questionnaire, name="Only", order_index=1)
    question = QuestionFactory(
        section=section,
        order_index=1,
        type="SINGLE_CHOICE",
        text="Pick",
        options=choice_options("A", "B", "C"),
    )
    session = login_with_mfa(Client(), admin_user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/admin/questionnaires/question/{question.pk}/change/")
    page.get_by_label("Option label 1").focus()
    page.keyboard.press("Shift+Tab")  # from the first label back to the row's "↓" button
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Move this option down"
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # the focus stays on the button, which moves with its row
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    question.refresh_from_db()
    assert [o["label"] for o in question.options] == ["B", "C", "A"]
