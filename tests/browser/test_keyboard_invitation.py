"""From the invitation's link to a completed questionnaire with the keyboard alone, and axe-core on the
invitation's pages (docs/invitations.md): the path a client who cannot use a mouse takes."""

import re

import pytest
from django.core import mail

from sessions_app import invitations
from sessions_app.models import Session, SessionStatus
from tests.browser.test_accessibility import assert_accessible
from tests.sessions_app.builders import branching_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 60


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const byIds = el && el.getAttribute('aria-labelledby');
          const label = !el ? '' : byIds
            ? byIds.split(' ').map(id => (document.getElementById(id) || {}).textContent || '').join(' ')
            : (el.labels && el.labels[0] ? el.labels[0].textContent
               : el.getAttribute('aria-label') || el.textContent || '');
          return {tag: el ? el.tagName : '', type: el ? (el.type || '') : '',
                  label: (label || '').replace(/\\s+/g, ' ').trim(), value: el ? (el.value || '') : ''};
        }"""
    )


def tab_to(page, label: str, *, tag: str | None = None) -> dict:
    """Press Tab until the focused element's label (or text) is ``label`` (it may already be focused)."""

    def reached(focused):
        # "Contact e-mail (required)" is the question "Contact e-mail"
        named = focused["label"] == label or focused["label"].startswith(f"{label} (")
        return named and (tag is None or focused["tag"] == tag)

    focused = _focused(page)
    for _ in range(MAX_TABS):
        if reached(focused):
            return focused
        page.keyboard.press("Tab")
        focused = _focused(page)
    raise AssertionError(f"Tab never reached {label!r}")


def _invite(flow, org, inviter, email):
    invitations.invitation_create(
        organization=org, questionnaire=flow.questionnaire, email=email, invited_by=inviter
    )
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return re.search(r"https?://\S+?(/invitations/accept/\S+/)", message.body).group(1)


def test_a_client_goes_from_the_invitation_to_completion_with_the_keyboard_alone(
    live_server, browser, org_a, admin_user
):
    flow = branching_questionnaire(organization=org_a)
    link = _invite(flow, org_a, admin_user, "keyboard.client@example.com")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)

    page.goto(live_server.url + link)
    page.get_by_role("heading", name="Choose your password").wait_for()
    assert_accessible(page, "the invitation's password page")
    tab_to(page, "New password", tag="INPUT")
    page.keyboard.type("a-sturdy-passphrase-for-2030")
    tab_to(page, "New password confirmation", tag="INPUT")
    page.keyboard.type("a-sturdy-passphrase-for-2030")
    page.keyboard.press("Enter")
    page.get_by_text("Do you have a product?").wait_for()

    # Section 1: a radio chosen with the arrow keys, a number typed, Enter to go on.
    tab_to(page, "Yes", tag="INPUT")
    page.keyboard.press("ArrowDown")  # moves to "No" and chooses it
    assert page.get_by_label("No").is_checked()
    page.locator("#save-status").filter(has_text="Saved at").wait_for()
    tab_to(page, "Team size", tag="INPUT")
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    page.get_by_label("Contact e-mail").wait_for()

    # Section 2: the required e-mail, then Enter goes to the review.
    tab_to(page, "Contact e-mail", tag="INPUT")
    page.keyboard.type("keyboard.client@example.com")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Review your answers").wait_for()
    tab_to(page, "Complete", tag="BUTTON")
    page.keyboard.press("Enter")
    page.get_by_text("your answers are complete").wait_for()

    session = Session.objects.get(user__email="keyboard.client@example.com")
    assert session.status == SessionStatus.COMPLETED
    answers = {str(r.question_id): r.value for r in session.responses.all()}
    assert answers[str(flow.team_size.pk)] == {"number": 12}
    assert answers[str(flow.has_product.pk)] == {"selectedOptionId": flow.no}
    context.close()


def test_the_invitations_closed_link_pages_have_no_axe_violation(live_server, browser, org_a, admin_user):
    flow = branching_questionnaire(organization=org_a)
    used = _invite(flow, org_a, admin_user, "used.client@example.com")
    revoked_link = _invite(flow, org_a, admin_user, "revoked.client@example.com")
    invitation = flow.questionnaire.invitations.get(email="revoked.client@example.com")
    invitations.invitation_revoke(invitation=invitation, actor=admin_user)

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(live_server.url + revoked_link)
    assert_accessible(page, "a revoked invitation's page")
    page.goto(live_server.url + "/invitations/accept/not-a-real-token/")
    assert_accessible(page, "an unknown invitation link's page")
    page.goto(live_server.url + used)
    page.get_by_label("New password", exact=True).fill("a-sturdy-passphrase-for-2030")
    page.get_by_label("New password confirmation").fill("a-sturdy-passphrase-for-2030")
    page.get_by_role("button", name="Save the password and start").click()
    page.get_by_text("Do you have a product?").wait_for()
    page.goto(live_server.url + used)
    page.get_by_role("heading", name="This invitation has already been used").wait_for()
    assert_accessible(page, "a used invitation's page")
    context.close()
