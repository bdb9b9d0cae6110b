"""The account settings page, password change, and password reset by e-mail."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.template.loader import get_template
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditLog
from tests.accounts.factories import PASSWORD
from tests.accounts.helpers import login_post

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-passphrase-2025"


def test_the_settings_page_needs_a_login(client):
    assert client.get("/account/")["Location"] == "/login/?next=/account/"


def test_the_settings_page_shows_name_password_and_mfa_status(client, person):
    client.force_login(person)
    page = client.get("/account/").content.decode()
    assert 'value="Person"' in page
    assert 'href="/account/password/"' in page
    assert "Two-factor authentication" in page and ">Off<" in page
    assert 'href="/account/mfa/setup/"' in page


def test_the_settings_page_keeps_a_block_for_api_keys():
    source = get_template("accounts/settings.html").template.source
    assert "{% block api_keys %}" in source  # the API keys page fills it; by default, a link to it


def test_changing_the_name_is_saved_and_audited(client, person):
    client.force_login(person)
    response = client.post("/account/", {"name": "Pat Person"}, follow=True)
    assert b"Your name is saved." in response.content
    person.refresh_from_db()
    assert person.profile["name"] == "Pat Person"
    entry = AuditLog.objects.get(event="user.profile_update")
    assert entry.changes == {"before": {"name": "Person"}, "after": {"name": "Pat Person"}}


@pytest.mark.parametrize("name, message", [("", "Enter your name."), ("x" * 151, "under 150 characters")])
def test_a_bad_name_is_shown_again_with_a_clear_error(client, person, name, message):
    client.force_login(person)
    response = client.post("/account/", {"name": name})
    assert response.status_code == 200
    assert message.encode() in response.content
    person.refresh_from_db()
    assert person.profile["name"] == "Person"


# --------------------------------------------------------------------------- password change


def test_changing_the_password_needs_the_old_one_and_a_strong_new_one(client, person):
    client.force_login(person)
    response = client.post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert b"Your old password was entered incorrectly" in response.content
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"},
    )
    assert response.status_code == 200
    assert b"at least 12 characters" in response.content
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/account/password/done/"
    assert client.get("/account/").status_code == 200  # this session stays logged in
    assert AuditLog.objects.filter(event="auth.password_change", actor=person).exists()
    client.logout()
    assert login_post(client, person.email, PASSWORD).status_code == 200
    assert login_post(client, person.email, NEW_PASSWORD).status_code == 302


# --------------------------------------------------------------------------- password reset


def _reset_link(message) -> str:
    return re.search(r"http://testserver(/reset/\S+/)", message.body).group(1)


def test_a_password_reset_sends_an_e_mail_whose_link_sets_a_new_password(client, person):
    response = client.post("/password-reset/", {"email": "PERSON@acme.example"})
    assert response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert message.subject == "Reset your password for Adaptive Client Questionnaires"
    form_page = client.get(_reset_link(message), follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert b"at least 12 characters" in response.content
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/reset/done/"
    assert AuditLog.objects.filter(event="auth.password_reset", actor=person).exists()
    assert login_post(client, person.email, NEW_PASSWORD).status_code == 302
    # The link works once.
    client.logout()
    assert not client.get(_reset_link(message), follow=True).context["validlink"]


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, person):
    response = client.post("/password-reset/", {"email": "nobody@acme.example"})
    assert response["Location"] == "/password-reset/sent/"
    assert mail.outbox == []


def test_a_password_reset_lifts_a_lockout(client, person):
    person.failed_login_attempts = 5
    person.locked_until = timezone.now() + dt.timedelta(minutes=10)
    person.save()
    client.post("/password-reset/", {"email": person.email})
    set_url = client.get(_reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    person.refresh_from_db()
    assert not person.is_locked and person.failed_login_attempts == 0


def test_a_bad_reset_request_is_shown_again_with_a_clear_error(client):
    response = client.post("/password-reset/", {"email": "not an address"})
    assert response.status_code == 200
    assert b"Enter a valid e-mail address." in response.content


@override_settings(PASSWORD_RESET_IP_LIMIT=3)
def test_password_reset_requests_are_throttled_per_ip(client, person):
    for _ in range(3):
        assert client.post("/password-reset/", {"email": person.email}).status_code == 302
    response = client.post("/password-reset/", {"email": person.email})
    assert response.status_code == 429
    assert b"too many password-reset requests" in response.content
    assert len(mail.outbox) == 3


def test_a_broken_reset_link_says_so(client):
    response = client.get("/reset/Zm9v/bad-token/")
    assert response.status_code == 200
    assert b"This link does not work" in response.content
