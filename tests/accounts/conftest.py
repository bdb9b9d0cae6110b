"""Fixtures for the accounts tests: a client with a password, and one enrolled in MFA."""

import pytest

from accounts.services import mfa_activate
from tests.accounts.factories import TOTP_SECRET, UserFactory


@pytest.fixture
def person(org_a):
    return UserFactory(email="person@acme.example", organization=org_a)


@pytest.fixture
def mfa_person(org_a):
    user = UserFactory(email="mfa@acme.example", organization=org_a)
    codes = mfa_activate(user=user, secret=TOTP_SECRET, actor=user)
    user.refresh_from_db()
    user.recovery_codes = codes
    return user
