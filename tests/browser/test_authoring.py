"""An admin adds a question and a rule that shows it, publishes, and sees the branch work in the preview."""

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


def test_an_admin_authors_a_branch_publishes_it_and_sees_it_in_the_preview(live_server, page, admin_user):
    questionnaire = QuestionnaireFactory(name="Product check", organization=admin_user.organization)
    section = SectionFactory(questionnaire=questionnaire, name="About you", order_index=1)
    QuestionFactory(
        section=section,
        order_index=1,
        type="SINGLE_CHOICE",
        text="Do you have a product?",
        options=choice_options("Yes", "No"),
    )

    # Logged in with MFA passed (the log-in pages have browser tests of their own).
    session = login_with_mfa(Client(), admin_user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/admin/questionnaires/questionnaire/{questionnaire.pk}/change/")
    page.get_by_text("Draft version 1").wait_for()

    # A new question, from its section in the outline.
    page.locator(".outline-section").filter(has_text="About you").get_by_role(
        "link", name="Add question"
    ).click()
    page.get_by_label("Text:", exact=True).fill("Product name")
    page.get_by_label("Type:").select_option(label="Short text")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was added successfully").wait_for()

    # A rule that shows it, picked by question text, operator and option: no id typed anywhere.
    page.get_by_role("button", name="Add another Visibility rule").click()
    rule = page.locator("#visibility_rules-0")
    rule.get_by_label("Action:").select_option(label="Show")
    rule.get_by_label("Question", exact=True).select_option(label="Do you have a product?")
    operator = rule.get_by_label("Operator")
    assert "is greater than" not in operator.inner_text()  # only operators that fit a choice question
    operator.select_option(label="is")
    rule.get_by_label("Value", exact=True).select_option(label="Yes")
    rule.locator(".target-picker").get_by_label("Product name").check()
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    saved = VisibilityRule.objects.get()
    product_name = Question.objects.get(text="Product name")
    assert saved.target_question_ids == [product_name.pk] and saved.action == "SHOW"

    # Publish: the analysis finds nothing, the confirmation lists what is new.
    page.get_by_role("link", name="Product check").first.click()
    page.get_by_text("No problems found").wait_for()
    page.get_by_role("link", name="Publish…").click()
    page.get_by_text("First version").wait_for()
    page.get_by_role("button", name="Publish version 1").click()
    page.get_by_text("is published: new sessions start on it").wait_for()
    assert Questionnaire.objects.get(pk=questionnaire.pk).published_at is not None

    # The preview: the client's own pages, where the branch opens and closes.
    page.get_by_role("button", name="Preview as a client").click()
    page.get_by_text("Preview of version 1").wait_for()
    wrap = page.locator(f"#wrap-q-{product_name.pk}")
    assert not wrap.is_visible()
    page.get_by_label("Yes").check()
    page.get_by_label("Product name").wait_for()
    page.get_by_label("No").check()
    wrap.wait_for(state="hidden")


def test_the_condition_builder_combines_conditions_with_any_of_and_groups(live_server, page, admin_user):
    questionnaire = QuestionnaireFactory(name="Builder check")
    section = SectionFactory(questionnaire=questionnaire, name="Only section", order_index=1)
    sector = QuestionFactory(
        section=section,
        order_index=1,
        type="SINGLE_CHOICE",
        text="Sector",
        options=choice_options("Health", "Retail"),
    )
    staff = QuestionFactory(section=section, order_index=2, type="NUMBER", text="Staff count")
    target = QuestionFactory(section=section, order_index=3, type="TEXT", text="Data protection officer")
    health = sector.options[0]["id"]

    session = login_with_mfa(Client(), admin_user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/admin/questionnaires/question/{sector.pk}/change/")
    page.get_by_role("button", name="Add another Visibility rule").click()
    rule = page.locator("#visibility_rules-0")
    rule.get_by_label("Action:").select_option(label="Show")
    # The first condition starts on this question: "Sector is Health".
    rule.get_by_label("Value", exact=True).select_option(label="Health")
    rule.get_by_role("button", name="+ Condition", exact=True).click()
    second = rule.locator(".cond-leaf").nth(1)
    second.get_by_label("Question", exact=True).select_option(label="Staff count")
    assert "includes" not in second.get_by_label("Operator").inner_text()  # number operators only
    second.get_by_label("Operator").select_option(label="is greater than")
    second.get_by_label("Value", exact=True).fill("250")
    rule.get_by_label("Combine conditions").select_option(label="any of (OR)")
    rule.locator(".target-picker").get_by_label("Data protection officer").check()
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()

    saved = VisibilityRule.objects.get()
    assert saved.condition == {
        "logicalOp": "OR",
        "nested": [
            {"field": str(sector.pk), "operator": "eq", "value": health},
            {"field": str(staff.pk), "operator": "gt", "value": 250},
        ],
    }
    assert saved.target_question_ids == [target.pk]

    # A group inside: "Sector is Health and (staff > 250 or staff is unanswered)" after reloading.
    rule = page.locator("#visibility_rules-0")
    rule.get_by_label("Combine conditions").select_option(label="all of (AND)")
    rule.locator(".cond-leaf").nth(1).get_by_role("button", name="Remove this condition").click()
    rule.get_by_role("button", name="+ Group (all of / any of)").click()
    group = rule.locator(".cond-group")
    group.locator(".cond-leaf").nth(0).get_by_label("Question", exact=True).select_option(label="Staff count")
    group.locator(".cond-leaf").nth(0).get_by_label("Operator").select_option(label="is greater than")
    group.locator(".cond-leaf").nth(0).get_by_label("Value", exact=True).fill("250")
    group.locator(".cond-leaf").nth(1).get_by_label("Question", exact=True).select_option(label="Staff count")
    group.locator(".cond-leaf").nth(1).get_by_label("Operator").select_option(label="is unanswered")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was changed successfully").wait_for()
    saved.refresh_from_db()
    assert saved.condition == {
        "logicalOp": "AND",
        "nested": [
            {"field": str(sector.pk), "operator": "eq", "value": health},
            {
                "logicalOp": "OR",
                "nested": [
                    {"field": str(staff.pk), "operator": "gt", "value": 250},
                    {"field": str(staff.pk), "operator": "is_empty"},
                ],
            },
        ],
    }
    assert page.locator("#visibility_rules-0 .cond-group").count() == 1  # shown again as a group
