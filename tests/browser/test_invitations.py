"""Staff invite a client on the page; the client follows the e-mail's link, chooses a password and lands
on the first section of the questionnaire started for them."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from accounts.models import UserRole
from sessions_app.models import Invitation, InvitationStatus, Session
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in
from tests.sessions_app.builders import branching_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_invite_and_the_client_sets_a_password_and_lands_in_the_session(live_server, browser, org_a):
    flow = branching_questionnaire(organization=org_a)
    staff = UserFactory(email="ines@acme.example", organization=org_a, role=UserRole.DEVELOPER)
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="sessions_app", codename__endswith="_invitation")
    )

    staff_context = browser.new_context()
    page = staff_context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, staff.email, PASSWORD)
    page.get_by_role("link", name="Invitations").click()
    page.get_by_role("link", name="Invite a client").click()
    page.get_by_label("Client's e-mail address").fill("new.client@example.com")
    page.get_by_label("Questionnaire").select_option(label=f"{flow.questionnaire.name} (version 1)")
    page.get_by_label("Message to the client").fill("Please answer before Friday.")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("Invitation sent to new.client@example.com.").wait_for()
    page.get_by_role("cell", name="Sent", exact=True).wait_for()
    staff_context.close()

    [message] = mail.outbox
    assert message.to == ["new.client@example.com"] and "Please answer before Friday." in message.body
    link = re.search(r"https?://\S+?(/invitations/accept/\S+/)", message.body).group(1)

    client_context = browser.new_context(viewport={"width": 390, "height": 844})  # on a phone
    page = client_context.new_page()
    page.set_default_timeout(20_000)
    page.goto(live_server.url + link)
    page.get_by_role("heading", name="Choose your password").wait_for()
    page.get_by_label("New password", exact=True).fill("a-sturdy-passphrase-for-2030")
    page.get_by_label("New password confirmation").fill("a-sturdy-passphrase-for-2030")
    page.get_by_role("button", name="Save the password and start").click()
    page.get_by_text("Do you have a product?").wait_for()

    session = Session.objects.get(user__email="new.client@example.com")
    assert page.url == f"{live_server.url}/sessions/{session.pk}/sections/{flow.first.pk}/"
    assert Invitation.objects.get(email="new.client@example.com").status == InvitationStatus.STARTED
    page.goto(live_server.url + link)  # the link worked once
    page.get_by_role("heading", name="This invitation has already been used").wait_for()
    client_context.close()
