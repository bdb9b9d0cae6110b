"""Fixtures of the API tests: keys with chosen scopes, clients that send them, a questionnaire per org."""

import pytest
from rest_framework.test import APIClient

from accounts.api_keys import SCOPES, api_key_create
from sessions_app import services
from tests.sessions_app.builders import branching_questionnaire

ALL_SCOPES = sorted(SCOPES)


@pytest.fixture(autouse=True)
def _api_urls(settings):
    settings.ROOT_URLCONF = "tests.api.urls"


@pytest.fixture
def make_key():
    """Create a key through the service; return (ApiKey, the full key)."""

    def make(user, scopes=ALL_SCOPES, **kwargs):
        return api_key_create(user=user, name=kwargs.pop("name", "Integration"), scopes=scopes, **kwargs)

    return make


@pytest.fixture
def key_client(make_key):
    """Return an API client that sends a new key of `user` with these scopes."""

    def client_for(user, scopes=ALL_SCOPES, **kwargs):
        _, raw_key = make_key(user, scopes, **kwargs)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        return client

    return client_for


@pytest.fixture
def api_a(key_client, client_a):
    """Client A's key with every scope."""
    return key_client(client_a)


@pytest.fixture
def api_b(key_client, client_b):
    """Client B's (organization B) key with every scope."""
    return key_client(client_b)


@pytest.fixture
def flow(org_a):
    return branching_questionnaire(organization=org_a)


@pytest.fixture
def flow_b(org_b):
    return branching_questionnaire(organization=org_b)


@pytest.fixture
def session_a(flow, client_a):
    return services.session_start(user=client_a, questionnaire=flow.questionnaire)
