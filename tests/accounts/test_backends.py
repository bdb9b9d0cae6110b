"""The user every request loads: read in one prebuilt statement, the same user the ORM would give."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from accounts.backends import USER_BACKEND, UserBackend
from accounts.models import User
from accounts.selectors import user_for_session

pytestmark = pytest.mark.django_db


def _fields(user) -> dict:
    return {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields}


def test_the_user_read_for_a_session_is_the_one_the_orm_reads(client_a):
    client_a.profile = {"name": "Ada", "language": "en-gb", "nested": {"a": [1, 2]}}
    client_a.preferences = {"theme": "dark"}
    client_a.last_login = timezone.now()
    client_a.last_login_ip = "192.0.2.7"
    client_a.failed_login_attempts = 2
    client_a.save()

    read = user_for_session(client_a.pk)

    assert isinstance(read, User) and not read._state.adding and read._state.db == "default"
    assert _fields(read) == _fields(User.objects.get(pk=client_a.pk))
    assert read.profile["nested"] == {"a": [1, 2]}  # JSON parsed, as the field's own conversion does
    assert read.organization.name == client_a.organization.name
    assert read.get_session_auth_hash() == client_a.get_session_auth_hash()


def test_no_user_for_an_unknown_malformed_or_soft_deleted_id(client_a):
    assert user_for_session("00000000-0000-0000-0000-000000000000") is None
    assert user_for_session("not-a-uuid") is None
    assert user_for_session(None) is None
    User.objects.filter(pk=client_a.pk).update(deleted_at=timezone.now())
    assert user_for_session(client_a.pk) is None


def test_an_inactive_user_is_not_signed_in(client_a):
    assert UserBackend().get_user(client_a.pk) == client_a
    User.objects.filter(pk=client_a.pk).update(is_active=False)
    assert UserBackend().get_user(client_a.pk) is None


def test_a_signed_in_client_is_recognised_and_a_deactivated_one_signed_out(client, client_a):
    client.force_login(client_a)
    session = client.session
    assert session[BACKEND_SESSION_KEY] == USER_BACKEND and session[SESSION_KEY] == str(client_a.pk)
    assert session[HASH_SESSION_KEY] == client_a.get_session_auth_hash()
    page = client.get(reverse("accounts:settings"))
    assert page.status_code == 200 and client_a.email in page.content.decode()
    User.objects.filter(pk=client_a.pk).update(is_active=False)
    assert client.get(reverse("accounts:settings")).status_code == 302  # to the log-in page
